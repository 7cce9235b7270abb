package io.avstream.operators.window;

/** A frame held in a stream's window state, reduced to the vertices the model needs. A Flink POJO. */
public class BufferedFrame {
    public long seq;
    public long captureUs;
    public long kafkaUs;
    /** Subset vertices, xyz interleaved. */
    public float[] xyz;
    public String annotation;

    public BufferedFrame() {}

    public BufferedFrame(long seq, long captureUs, long kafkaUs, float[] xyz, String annotation) {
        this.seq = seq;
        this.captureUs = captureUs;
        this.kafkaUs = kafkaUs;
        this.xyz = xyz;
        this.annotation = annotation;
    }
}
