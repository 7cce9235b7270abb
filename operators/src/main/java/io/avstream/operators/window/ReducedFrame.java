package io.avstream.operators.window;

/**
 * A MoCap frame reduced to what the model needs: its stream, times, annotation and the model's
 * vertex subset. Frames are reduced as they leave the source ({@link FrameReducer}), so the shuffle
 * to the windower and the windower's state carry 128 vertices per frame, not the whole mesh.
 * A Flink POJO.
 */
public class ReducedFrame {
    public String streamId;
    public long seq;
    /** Capture time, epoch microseconds. */
    public long captureUs;
    /** Kafka record timestamp, epoch microseconds. */
    public long kafkaUs;
    /** Subset vertices, xyz interleaved. */
    public float[] xyz;
    public String annotation;

    public ReducedFrame() {}

    public ReducedFrame(String streamId, long seq, long captureUs, long kafkaUs, float[] xyz, String annotation) {
        this.streamId = streamId;
        this.seq = seq;
        this.captureUs = captureUs;
        this.kafkaUs = kafkaUs;
        this.xyz = xyz;
        this.annotation = annotation;
    }
}
