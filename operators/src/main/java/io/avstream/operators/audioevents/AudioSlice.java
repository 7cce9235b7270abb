package io.avstream.operators.audioevents;

/**
 * The chunks of one stream whose first samples fall into one slice of its clock, in time order, as the
 * windowing core closes the slice (after the out-of-order bound, duplicates and late chunks dropped). A
 * Flink POJO.
 */
public class AudioSlice {
    public String streamId;
    /** Slice start, event time, microseconds (inclusive). */
    public long startUs;
    /** Slice end, event time, microseconds (exclusive). */
    public long endUs;
    /** The chunks, oldest first. */
    public PcmBlock[] blocks;

    public AudioSlice() {}

    @Override
    public String toString() {
        return "AudioSlice{" + streamId + " [" + startUs + "," + endUs + ") " + (blocks == null ? 0 : blocks.length)
                + " chunks}";
    }
}
