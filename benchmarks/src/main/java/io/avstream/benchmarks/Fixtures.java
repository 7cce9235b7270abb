package io.avstream.benchmarks;

import java.nio.ByteBuffer;

import io.avstream.ingest.produce.MocapKafkaProducer;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.models.ModelPackage;
import io.avstream.operators.action.StmtPreprocessing;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.VertexLayout;

/** Shared inputs of the benchmarks: the bundled model's preprocessing and synthetic MoCap frames. */
final class Fixtures {
    /** A whole second in microseconds since the epoch. */
    static final long T0_US = 1_700_000_000_000_000L;

    private Fixtures() {}

    static StmtPreprocessing stmt() {
        return StmtPreprocessing.of(ModelPackage.fromClasspath("stmt-small"));
    }

    /** {@code n} consecutive frames of one synthetic actor (25 fps), full vertex sets, x, y, z interleaved. */
    static float[][] actorFrames(int n) {
        SyntheticActor actor = new SyntheticActor("bench-actor", 11L);
        float[][] frames = new float[n][];
        for (int i = 0; i < n; i++) {
            frames[i] = actor.next().vertices();
        }
        return frames;
    }

    /** A MoCap frame record as the producer writes it. */
    static MocapFrame frame(String stream, long seq, long captureUs, ByteBuffer vertices, int vertexCount) {
        return MocapFrame.newBuilder()
                .setStreamId(stream).setSeq(seq).setCaptureTimeUs(captureUs)
                .setTopology(SyntheticActorTopology.ID).setVertexCount(vertexCount)
                .setLayout(VertexLayout.XYZ_F32LE).setVertices(vertices)
                .setAnnotation("walk").build();
    }

    static ByteBuffer encode(float[] xyz) {
        return MocapKafkaProducer.encode(xyz);
    }

    /** The topology id of the synthetic actors. */
    static final class SyntheticActorTopology {
        static final String ID = new SyntheticActor("topology-probe", 0L).topologyId();

        private SyntheticActorTopology() {}
    }
}
