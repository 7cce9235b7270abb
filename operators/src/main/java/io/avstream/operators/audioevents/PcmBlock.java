package io.avstream.operators.audioevents;

/**
 * One audio chunk as the windowing core keeps it: its samples mixed down to mono floats at the chunk's
 * own sample rate, with its times. A Flink POJO (its class name and fields are part of savepoints).
 */
public class PcmBlock {
    public String streamId;
    public long seq;
    /** Capture time of the first sample, epoch microseconds. */
    public long captureUs;
    /** Kafka record timestamp, epoch microseconds. */
    public long kafkaUs;
    /** Samples per second. */
    public int sampleRate;
    /** Mono samples in [-1, 1] (the mean of the chunk's channels). */
    public float[] samples;
    /** The chunk's annotation, or null. */
    public String annotation;

    public PcmBlock() {}

    public PcmBlock(String streamId, long seq, long captureUs, long kafkaUs, int sampleRate, float[] samples,
            String annotation) {
        this.streamId = streamId;
        this.seq = seq;
        this.captureUs = captureUs;
        this.kafkaUs = kafkaUs;
        this.sampleRate = sampleRate;
        this.samples = samples;
        this.annotation = annotation;
    }

    /** Microseconds of audio in the block. */
    public long durationUs() {
        return samples.length * 1_000_000L / sampleRate;
    }

    @Override
    public String toString() {
        return "PcmBlock{" + streamId + " #" + seq + " at " + captureUs + " us, " + samples.length + " samples at "
                + sampleRate + " Hz}";
    }
}
