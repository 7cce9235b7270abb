package io.avstream.operators.audioevents;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Audio events of one stream from its per-column class probabilities, column after column in time order:
 * per class, hysteresis (an event starts at the first column at or above the class's enter threshold and
 * ends at the first column below its exit threshold), events of a class that follow each other within the
 * merge gap are one, and only events at least the minimum duration long are reported, once each, with their
 * onset, offset and peak probability. An event is reported when it can no longer grow: once the merge gap
 * after its end has passed, or at the end of the stream. Plain code whose whole memory is a {@link State};
 * the same rule as {@code models/python/avstream_models/events.py}, with which the thresholds are calibrated.
 *
 * <p>Windows overlap, so each column of the stream is judged once, from one window ({@link #accept(State, AudioResult,
 * Listener)}). Without a lookahead, from the first window that holds it: its newest columns. With a lookahead, from
 * the first full window that holds it at least the lookahead before the window's end, so that the column is judged
 * with that much of what follows it in view (and, for a lookahead near half a window, next to the video the window's
 * middle has); the columns a window holds after that point wait in the state until a later window judges them, or
 * the stream ends. Events are then reported about the lookahead later. The same rule as
 * {@code models/python/avstream_models/av_stream.py} (judged_columns).
 */
public final class EventTracker implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Receives the events found. */
    @FunctionalInterface
    public interface Listener {
        void event(int cls, long onsetUs, long offsetUs, float peak);
    }

    private final float[] enter;
    private final float[] exit;
    private final long minDurationUs;
    private final long mergeGapUs;
    private final long lookaheadUs;

    /**
     * @param enter         per class, the probability at which an event starts
     * @param exit          per class, the probability below which it ends (at most its enter threshold)
     * @param minDurationUs shortest event reported
     * @param mergeGapUs    events of a class this close are one
     */
    public EventTracker(float[] enter, float[] exit, long minDurationUs, long mergeGapUs) {
        this(enter, exit, minDurationUs, mergeGapUs, 0);
    }

    /**
     * @param enter         per class, the probability at which an event starts
     * @param exit          per class, the probability below which it ends (at most its enter threshold)
     * @param minDurationUs shortest event reported
     * @param mergeGapUs    events of a class this close are one
     * @param lookaheadUs   how much of a window after a column it is judged with (0: the newest columns)
     */
    public EventTracker(float[] enter, float[] exit, long minDurationUs, long mergeGapUs, long lookaheadUs) {
        if (enter.length != exit.length || enter.length == 0) {
            throw new IllegalArgumentException("enter and exit thresholds must be given for the same classes, got "
                    + enter.length + " and " + exit.length);
        }
        for (int c = 0; c < enter.length; c++) {
            if (!(exit[c] <= enter[c])) {
                throw new IllegalArgumentException("class " + c + ": exit threshold " + exit[c]
                        + " above its enter threshold " + enter[c]);
            }
        }
        if (minDurationUs < 0 || mergeGapUs < 0 || lookaheadUs < 0) {
            throw new IllegalArgumentException("minimum duration, merge gap and lookahead must be zero or positive");
        }
        this.enter = enter.clone();
        this.exit = exit.clone();
        this.minDurationUs = minDurationUs;
        this.mergeGapUs = mergeGapUs;
        this.lookaheadUs = lookaheadUs;
    }

    public int classes() {
        return enter.length;
    }

    /** How much of a window after a column it is judged with, microseconds (0: the newest columns). */
    public long lookaheadUs() {
        return lookaheadUs;
    }

    /**
     * Takes one window's per-column probabilities, the columns this window judges (see the class comment); with a
     * lookahead, its columns after those wait in {@code s} for a later window or {@link #end}.
     */
    public void accept(State s, AudioResult r, Listener out) {
        int pendingFrom = r.columns;
        for (int k = 0; lookaheadUs > 0 && k < r.columns; k++) {
            long start = r.firstColumnUs + k * r.columnUs;
            if (start >= s.nextColumnUs && (!r.full || start + r.columnUs > r.windowEndUs - lookaheadUs)) {
                pendingFrom = k;
                break;
            }
        }
        judge(s, r.columnProbs, pendingFrom, r.firstColumnUs, r.columnUs, out);
        if (lookaheadUs > 0) {
            s.pending = Arrays.copyOfRange(r.columnProbs, pendingFrom * r.classes, r.columns * r.classes);
            s.pendingColumns = r.columns - pendingFrom;
            s.pendingFirstUs = r.firstColumnUs + pendingFrom * r.columnUs;
            s.pendingColumnUs = r.columnUs;
        }
    }

    /** The first {@code columns} columns of {@code probs} ({@code columns x classes}), column by column. */
    private void judge(State s, float[] probs, int columns, long firstUs, long columnUs, Listener out) {
        float[] column = new float[enter.length];
        for (int k = 0; k < columns; k++) {
            System.arraycopy(probs, k * enter.length, column, 0, enter.length);
            accept(s, firstUs + k * columnUs, columnUs, column, out);
        }
    }

    public State newState() {
        State s = new State();
        int n = enter.length;
        s.phase = new byte[n];
        s.onsetUs = new long[n];
        s.offsetUs = new long[n];
        s.peak = new float[n];
        s.nextColumnUs = Long.MIN_VALUE;
        return s;
    }

    /**
     * Takes one column: probabilities per class for {@code [startUs, startUs + lengthUs)}. A column that starts
     * before the end of the previous one is ignored (windows overlap; each moment is judged once).
     *
     * @return whether the column was taken
     */
    public boolean accept(State s, long startUs, long lengthUs, float[] probs, Listener out) {
        if (startUs < s.nextColumnUs) {
            return false;
        }
        for (int c = 0; c < enter.length; c++) {
            float p = probs[c];
            if (s.phase[c] == PENDING && startUs - s.offsetUs[c] > mergeGapUs) {
                finish(s, c, out);
            }
            switch (s.phase[c]) {
                case IDLE -> {
                    if (p >= enter[c]) {
                        s.phase[c] = ACTIVE;
                        s.onsetUs[c] = startUs;
                        s.peak[c] = p;
                    }
                }
                case ACTIVE -> {
                    s.peak[c] = Math.max(s.peak[c], p);
                    if (p < exit[c]) {
                        s.phase[c] = PENDING;
                        s.offsetUs[c] = startUs;
                    }
                }
                default -> { // PENDING, within the merge gap
                    if (p >= enter[c]) {
                        s.phase[c] = ACTIVE;
                        s.peak[c] = Math.max(s.peak[c], p);
                    }
                }
            }
        }
        s.nextColumnUs = startUs + lengthUs;
        return true;
    }

    /**
     * The end of the stream: the columns still waiting are judged, then events still open end with the last column
     * taken, and are reported if long enough.
     */
    public void end(State s, Listener out) {
        if (s.pendingColumns > 0) {
            judge(s, s.pending, s.pendingColumns, s.pendingFirstUs, s.pendingColumnUs, out);
            s.pending = null;
            s.pendingColumns = 0;
        }
        for (int c = 0; c < enter.length; c++) {
            if (s.phase[c] == ACTIVE) {
                s.phase[c] = PENDING;
                s.offsetUs[c] = s.nextColumnUs;
            }
            if (s.phase[c] == PENDING) {
                finish(s, c, out);
            }
        }
    }

    private void finish(State s, int c, Listener out) {
        if (s.offsetUs[c] - s.onsetUs[c] >= minDurationUs) {
            out.event(c, s.onsetUs[c], s.offsetUs[c], s.peak[c]);
        }
        s.phase[c] = IDLE;
    }

    private static final byte IDLE = 0;
    private static final byte ACTIVE = 1;
    private static final byte PENDING = 2;

    /** A stream's events in progress. A Flink POJO for keyed state. */
    public static final class State {
        /** Per class: 0 idle, 1 in an event, 2 after an event, within the merge gap. */
        public byte[] phase;
        public long[] onsetUs;
        public long[] offsetUs;
        public float[] peak;
        /** The end of the last column taken; earlier columns are ignored. */
        public long nextColumnUs;
        /** With a lookahead: the newest window's columns not judged yet ({@code pendingColumns x classes}). */
        public float[] pending;
        public int pendingColumns;
        public long pendingFirstUs;
        public long pendingColumnUs;

        public State() {}

        @Override
        public String toString() {
            return "EventTracker.State" + Arrays.toString(phase);
        }
    }
}
