package io.avstream.operators.audioevents;

import io.avstream.schemas.Prediction;

/**
 * What the audio-event model made of one window: the window's prediction (tags and top-k labels) and the
 * per-column class probabilities of the window's audio, for the event tracker downstream. A Flink POJO.
 */
public class AudioResult {
    /** The window's prediction. */
    public Prediction prediction;
    /** {@code columns x classes} probabilities, oldest column first; only columns of the window's real frames. */
    public float[] columnProbs;
    public int columns;
    public int classes;
    /** Start of the first column, event time, microseconds. */
    public long firstColumnUs;
    /** Length of a column, microseconds. */
    public long columnUs;
    /** Whether the window was as long as the model's input (not one of a stream's first, shorter ones). */
    public boolean full;
    /** End of the window, event time, microseconds. */
    public long windowEndUs;

    public AudioResult() {}
}
