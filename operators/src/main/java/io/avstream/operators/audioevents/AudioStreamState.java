package io.avstream.operators.audioevents;

import io.avstream.operators.audio.FbankStream;

/**
 * What {@link AudioFrontEnd} keeps per audio stream in keyed state: where the stream's clock is, the
 * conversion's and the filterbank's memory, and the newest frames (a ring of one window). A Flink POJO;
 * its class name, fields and state name ({@code audio}) are part of savepoints.
 */
public class AudioStreamState {
    /** The stream's sample rate since it (re)started, Hz. */
    public int sampleRate;
    /** Capture time of the stream's first sample since it (re)started, epoch microseconds. */
    public long t0Us;
    /** Input samples taken since then (silence filled into gaps included). */
    public long samplesIn;
    /** The conversion and the filterbank. */
    public FbankStream.State fbank;
    /** The newest frames, {@code windowFrames x bins}, frame {@code f} at row {@code f % windowFrames}. */
    public float[] ring;
    /** Frames that had ended a window when it was last cut (0 before the first). */
    public long emittedFrames;
    /** Capture time of the newest chunk taken, microseconds. */
    public long lastCaptureUs;
    /** Kafka timestamp of that chunk, microseconds. */
    public long lastKafkaUs;
    /** Distinct annotations of the chunks taken since the last window, comma-separated, or null. */
    public String hopAnnotations;

    public AudioStreamState() {}

    /** Frames produced since the stream (re)started. */
    public long frames() {
        return fbank.frames;
    }
}
