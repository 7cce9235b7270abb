package io.avstream.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.UpAxis;
import io.avstream.schemas.VertexLayout;
import org.junit.jupiter.api.Test;

class SyntheticFramesTest {
    private static final long CAPTURE_US = 1_700_000_000_000_000L;

    private static float[] floats(ByteBuffer b) {
        float[] out = new float[b.remaining() / 4];
        b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    @Test
    void carriesTheActorsFrameInMetresYUp() {
        SyntheticActor actor = SyntheticActor.builder().setStreamId("actor-0007").setSeed(7).build();
        actor.next();
        SyntheticActor.Frame f = actor.next();

        MocapFrame frame = SyntheticFrames.of(actor, f, CAPTURE_US);

        assertThat(frame.getStreamId()).isEqualTo("actor-0007");
        assertThat(frame.getSeq()).isEqualTo(1);
        assertThat(frame.getCaptureTimeUs()).isEqualTo(CAPTURE_US);
        assertThat(frame.getTopology()).isEqualTo(actor.topologyId());
        assertThat(frame.getVertexCount()).isEqualTo(actor.vertexCount());
        assertThat(frame.getLayout()).isEqualTo(VertexLayout.XYZ_F32LE);
        assertThat(floats(frame.getVertices())).containsExactly(f.vertices());
        assertThat(frame.getAnnotation()).isEqualTo(f.label());
        assertThat(frame.getUpAxis()).isEqualTo(UpAxis.Y_UP);
        assertThat(frame.getLengthUnit()).isEqualTo(LengthUnit.METRE);
        // metres y up are the schema's defaults: the record is one an older release can carry
        assertThat(AvroCodec.forClass(MocapFrame.class).encodeAs("v1", frame)).isNotEmpty();
    }

    @Test
    void expressesTheFrameInAnotherFrameOfReference() {
        SyntheticActor actor = SyntheticActor.builder().setStreamId("actor-0001").setSeed(1).build();
        SyntheticActor.Frame f = actor.next();

        MocapFrame frame = SyntheticFrames.of(actor, f, CAPTURE_US, UpAxis.Z_UP, LengthUnit.MILLIMETRE);

        assertThat(frame.getUpAxis()).isEqualTo(UpAxis.Z_UP);
        assertThat(frame.getLengthUnit()).isEqualTo(LengthUnit.MILLIMETRE);
        assertThat(floats(frame.getVertices()))
                .containsExactly(MocapKafkaProducer.fromMetresYUp(f.vertices(), UpAxis.Z_UP, LengthUnit.MILLIMETRE));
    }
}
