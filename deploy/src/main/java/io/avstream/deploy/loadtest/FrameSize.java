package io.avstream.deploy.loadtest;

import java.nio.charset.StandardCharsets;

import io.avstream.ingest.produce.MocapKafkaProducer;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.VertexLayout;

/** The bytes one synthetic frame puts on the input topic, for the input rate in MB/s. */
final class FrameSize {
    private FrameSize() {}

    /** Key + Avro value of a frame of a stream named with {@code prefix}, before compression. */
    static double bytes(String prefix) {
        SyntheticActor actor = SyntheticActor.builder().setStreamId(prefix + "a-0000").setSeed(1).build();
        SyntheticActor.Frame f = actor.next();
        MocapFrame frame = MocapFrame.newBuilder()
                .setStreamId(actor.streamId())
                .setSeq(f.index())
                .setCaptureTimeUs(EpochMicros.now())
                .setTopology(actor.topologyId())
                .setVertexCount(f.vertices().length / 3)
                .setLayout(VertexLayout.XYZ_F32LE)
                .setVertices(MocapKafkaProducer.encode(f.vertices()))
                .setAnnotation(f.label())
                .build();
        return AvroCodec.forClass(MocapFrame.class).encode(frame).length
                + actor.streamId().getBytes(StandardCharsets.UTF_8).length;
    }
}
