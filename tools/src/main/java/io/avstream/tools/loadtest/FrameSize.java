package io.avstream.tools.loadtest;

import java.nio.charset.StandardCharsets;

import io.avstream.ingest.produce.SyntheticFrames;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.MocapFrame;

/** The bytes one synthetic frame puts on the input topic, for the input rate in MB/s. */
final class FrameSize {
    private FrameSize() {}

    /** Key + Avro value of a frame of a stream named with {@code prefix}, before compression. */
    static double bytes(String prefix) {
        SyntheticActor actor = SyntheticActor.builder().setStreamId(prefix + "a-0000").setSeed(1).build();
        MocapFrame frame = SyntheticFrames.of(actor, actor.next(), EpochMicros.now());
        return AvroCodec.forClass(MocapFrame.class).encode(frame).length
                + actor.streamId().getBytes(StandardCharsets.UTF_8).length;
    }
}
