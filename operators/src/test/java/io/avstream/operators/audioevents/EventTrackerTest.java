package io.avstream.operators.audioevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same cases as models/python/test_audio_events.py's TrackTest, so that both sides find the same events. */
class EventTrackerTest {

    static final long COLUMN = 160_000L;

    static List<long[]> run(EventTracker t, float[][] columns) {
        List<long[]> out = new ArrayList<>();
        EventTracker.State s = t.newState();
        EventTracker.Listener l = (c, on, off, peak) -> out.add(new long[] {c, on, off, Math.round(peak * 100)});
        for (int k = 0; k < columns.length; k++) {
            t.accept(s, k * COLUMN, COLUMN, columns[k], l);
        }
        t.end(s, l);
        return out;
    }

    static float[][] one(float... p) {
        float[][] c = new float[p.length][];
        for (int i = 0; i < p.length; i++) {
            c[i] = new float[] {p[i]};
        }
        return c;
    }

    @Test
    void hysteresisMinimumDurationAndMerging() {
        EventTracker t = new EventTracker(new float[] {0.5f}, new float[] {0.4f}, 300_000L, 170_000L);
        List<long[]> got = run(t, one(0.1f, 0.6f, 0.45f, 0.45f, 0.2f, 0.1f, 0.55f, 0.1f, 0.1f, 0.9f, 0.2f, 0.7f, 0.2f));
        assertThat(got).hasSize(2);
        assertThat(got.get(0)).containsExactly(0, 160_000L, 640_000L, 60);
        assertThat(got.get(1)).containsExactly(0, 1_440_000L, 1_920_000L, 90);
    }

    @Test
    void anEventOpenAtTheEndClosesWithTheLastColumn() {
        EventTracker t = new EventTracker(new float[] {0.5f}, new float[] {0.3f}, 0, 0);
        List<long[]> got = run(t, one(0.1f, 0.8f, 0.9f));
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).containsExactly(0, 160_000L, 480_000L, 90);
    }

    @Test
    void eachMomentIsJudgedOnceWhenWindowsOverlap() {
        EventTracker t = new EventTracker(new float[] {0.5f}, new float[] {0.3f}, 0, 0);
        EventTracker.State s = t.newState();
        assertThat(t.accept(s, 0, COLUMN, new float[] {0.9f}, (c, a, b, p) -> { })).isTrue();
        assertThat(t.accept(s, COLUMN / 2, COLUMN, new float[] {0.0f}, (c, a, b, p) -> { })).isFalse();
        assertThat(t.accept(s, COLUMN, COLUMN, new float[] {0.0f}, (c, a, b, p) -> { })).isTrue();
    }

    @Test
    void classesAreTrackedApart() {
        EventTracker t = new EventTracker(new float[] {0.5f, 0.5f}, new float[] {0.5f, 0.5f}, 0, 0);
        float[][] cols = {{0.9f, 0.1f}, {0.9f, 0.9f}, {0.1f, 0.9f}, {0.1f, 0.1f}};
        List<long[]> got = run(t, cols);
        assertThat(got).extracting(e -> e[0] + ":" + e[1] / COLUMN + "-" + e[2] / COLUMN).containsExactly("0:0-2", "1:1-3");
    }

    @Test
    void refusesAnExitThresholdAboveTheEnterThreshold() {
        assertThatThrownBy(() -> new EventTracker(new float[] {0.5f}, new float[] {0.6f}, 0, 0))
                .hasMessageContaining("exit threshold 0.6 above its enter threshold 0.5");
    }

    /** A window of {@code columns} columns from {@code startCol}: high (0.9) at the given absolute columns, else 0.1. */
    static AudioResult window(int startCol, int columns, boolean full, int... high) {
        AudioResult r = new AudioResult();
        r.classes = 1;
        r.columns = columns;
        r.columnUs = COLUMN;
        r.firstColumnUs = startCol * COLUMN;
        r.windowEndUs = (startCol + columns) * COLUMN;
        r.full = full;
        r.columnProbs = new float[columns];
        java.util.Arrays.fill(r.columnProbs, 0.1f);
        for (int h : high) {
            r.columnProbs[h - startCol] = 0.9f;
        }
        return r;
    }

    /**
     * With a lookahead, each column is judged from the first full window that holds it at least the lookahead before
     * the window's end, and the last window's other columns at the end of the stream. Each window is high only at the
     * columns it must judge: any column judged from another window would break the one event into pieces.
     * (models/python/test_av_stream.py judges the same windows.)
     */
    @Test
    void withALookaheadColumnsAreJudgedFromTheWindowThatSeesWhatFollowsThem() {
        EventTracker t = new EventTracker(new float[] {0.5f}, new float[] {0.5f}, 0, 0, 3 * COLUMN);
        EventTracker.State s = t.newState();
        List<long[]> got = new ArrayList<>();
        EventTracker.Listener l = (c, on, off, peak) -> got.add(new long[] {c, on / COLUMN, off / COLUMN});
        t.accept(s, window(0, 4, false), l);              // short windows at the stream's start judge nothing
        t.accept(s, window(0, 6, false), l);
        t.accept(s, window(0, 8, true, 0, 1, 2, 3, 4), l);  // ends at 8: columns ending by 5
        t.accept(s, window(2, 8, true, 5, 6, 7, 8, 9), l);  // ends at 10: 5 and 6 now, 7 to 9 wait for the end
        assertThat(got).isEmpty();
        t.end(s, l);
        assertThat(got).containsExactly(new long[] {0, 0, 10});
    }

    @Test
    void withoutALookaheadEachWindowsNewestColumnsAreJudged() {
        EventTracker t = new EventTracker(new float[] {0.5f}, new float[] {0.5f}, 0, 0);
        EventTracker.State s = t.newState();
        List<long[]> got = new ArrayList<>();
        EventTracker.Listener l = (c, on, off, peak) -> got.add(new long[] {c, on / COLUMN, off / COLUMN});
        t.accept(s, window(0, 4, false, 0, 1, 2, 3), l);
        t.accept(s, window(0, 6, false, 4, 5), l);
        t.accept(s, window(2, 8, true, 6, 7, 8, 9), l);
        t.end(s, l);
        assertThat(got).containsExactly(new long[] {0, 0, 10});
    }
}
