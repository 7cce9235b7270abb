package io.avstream.operators.audioevents;

/**
 * A window of one audio stream for the audio-event model: its newest log-mel filterbank frames (at most
 * the model's window, oldest first, not normalised, not padded) and the times needed for the latency record
 * and for placing the model's per-time outputs. A Flink POJO.
 */
public class AudioWindow {
    public String streamId;
    /** Start of the first frame, event time, microseconds (inclusive). */
    public long startUs;
    /** End of the last frame, event time, microseconds (exclusive). */
    public long endUs;
    /** Frames in {@link #fbank}. */
    public int frames;
    /** Mel bins per frame. */
    public int bins;
    /** Frame shift, microseconds: frame {@code i} starts at {@code startUs + i * frameShiftUs}. */
    public long frameShiftUs;
    /** {@code frames x bins} log-mel values, row-major, oldest frame first. */
    public float[] fbank;
    /** Frames of this stream before the window's first frame since the stream (re)started. */
    public long firstFrame;
    /** Capture time of the first sample of the newest chunk in the window, microseconds. */
    public long lastCaptureUs;
    /** Kafka record timestamp of that chunk, microseconds. */
    public long lastKafkaUs;
    /** Wall-clock time the window was cut, microseconds. */
    public long closedAtUs;
    /** The distinct annotations of the chunks of the window's newest hop, comma-separated, or null. */
    public String annotation;

    public AudioWindow() {}

    @Override
    public String toString() {
        return "AudioWindow{" + streamId + " [" + startUs + "," + endUs + ") frames=" + frames
                + (annotation == null ? "" : " annotation=" + annotation) + "}";
    }
}
