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
}
