package io.avstream.operators.window;

/**
 * A closed window of one MoCap stream: the frames selected for the model (already reduced to the
 * model's vertex subset, not yet normalised) and the times needed for the latency record.
 * A Flink POJO.
 */
public class MocapWindow {
    public String streamId;
    /** Window start, event time, microseconds (inclusive). */
    public long startUs;
    /** Window end, event time, microseconds (exclusive). */
    public long endUs;
    /** Frames that fell into the window (before selection). */
    public int frameCount;
    /** Selected frames x points x 3, row-major, the subset vertices of each selected frame. */
    public float[] points;
    /** Number of selected frames (the model's frame count). */
    public int frames;
    /** Capture time of the newest frame in the window, microseconds. */
    public long lastCaptureUs;
    /** Kafka record timestamp of that frame, microseconds. */
    public long lastKafkaUs;
    /** Wall-clock time the window was closed, microseconds. */
    public long closedAtUs;
    /** The most frequent annotation of the window's frames, or null. */
    public String annotation;

    public MocapWindow() {}

    @Override
    public String toString() {
        return "MocapWindow{" + streamId + " [" + startUs + "," + endUs + ") frames=" + frameCount
                + (annotation == null ? "" : " annotation=" + annotation) + "}";
    }
}
