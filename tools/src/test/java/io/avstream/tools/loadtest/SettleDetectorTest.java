package io.avstream.tools.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.avstream.tools.loadtest.SettleDetector.Check;
import io.avstream.tools.loadtest.SettleDetector.Second;
import org.junit.jupiter.api.Test;

/** The settle detector on made-up per-second series: no clock, no job. */
class SettleDetectorTest {
    private static final int WINDOW = 10;

    private static SettleDetector detector() {
        return SettleDetector.builder().optWindowSeconds(WINDOW).build();
    }

    /** The index of the first second after which the detector says settled, or -1. */
    private static int firstSettled(SettleDetector d, List<Second> series) {
        for (int i = 0; i < series.size(); i++) {
            if (d.add(series.get(i)).settled()) {
                return i;
            }
        }
        return -1;
    }

    private static Second second(double p50, double p99, Double queue) {
        return new Second(6, p50, p99, queue);
    }

    @Test
    void settlesOnlyOnceADrainingBacklogHasGoneFlat() {
        // the start-up backlog: 7.5 s latency falling 250 ms a second to 1 s at second 26, queue draining with it
        List<Second> series = new ArrayList<>();
        int drainEnd = 26;
        for (int t = 0; t < drainEnd; t++) {
            double p50 = 7500 - 250 * t;
            series.add(second(p50, 1.3 * p50, 60.0 - 2.2 * t));
        }
        for (int t = drainEnd; t < drainEnd + 40; t++) {
            double wobble = 30 * ((t % 3) - 1);
            series.add(second(1000 + wobble, 1300 + 2 * wobble, (double) (t % 4)));
        }
        SettleDetector d = detector();
        int settled = firstSettled(d, series);

        assertThat(settled).as("settles within a window of the drain's end").isBetween(drainEnd, drainEnd + WINDOW);
        assertThat(d.last().reason()).contains("e2e p50 1000 ms").contains("queue depth");
    }

    @Test
    void saysWhyWhileTheBacklogDrains() {
        SettleDetector d = detector();
        Check c = null;
        for (int t = 0; t < 20; t++) {
            double p50 = 7500 - 250 * t;
            c = d.add(second(p50, 1.3 * p50, 60.0 - 2.2 * t));
        }
        assertThat(c.settled()).isFalse();
        assertThat(c.reason()).contains("e2e p50 falling 2250 ms across the window").contains("queue depth falling");
    }

    @Test
    void neverSettlesWhileTheLatencyKeepsRising() {
        // an overload without shedding: the queue and the latency grow for the whole run
        List<Second> series = new ArrayList<>();
        for (int t = 0; t < 180; t++) {
            series.add(second(800 + 60 * t, 1000 + 70 * t, 5.0 + 1.5 * t));
        }
        SettleDetector d = detector();

        assertThat(firstSettled(d, series)).isEqualTo(-1);
        assertThat(d.last().reason()).contains("e2e p50 rising").contains("e2e p99 rising").contains("queue depth rising");
    }

    @Test
    void settlesAtTheFirstFullWindowWhenFlatFromTheStart() {
        List<Second> series = new ArrayList<>();
        for (int t = 0; t < 30; t++) {
            series.add(second(480, 620, 2.0));
        }
        SettleDetector d = detector();

        assertThat(firstSettled(d, series)).isEqualTo(WINDOW - 1);
        assertThat(d.last().reason()).startsWith("over the last 10 s e2e p50 480 ms (change +0");
    }

    @Test
    void settlesWhenNoisyButFlat() {
        // seeded noise: p50 +-20 %, p99 +-30 %, the queue's snapshot anywhere between 0 and a hop's 13 windows
        SplittableRandom random = new SplittableRandom(42);
        List<Second> series = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            double p50 = 600 * (1 + 0.4 * (random.nextDouble() - 0.5));
            double p99 = 950 * (1 + 0.6 * (random.nextDouble() - 0.5));
            series.add(new Second(13, p50, p99, (double) random.nextInt(14)));
        }
        SettleDetector settles = SettleDetector.builder().optWindowSeconds(WINDOW).optQueueFloor(13).build();

        assertThat(firstSettled(settles, series)).isBetween(WINDOW - 1, 2 * WINDOW);
    }

    @Test
    void aSpikeInsideTheWindowHoldsItBack() {
        SettleDetector d = detector();
        for (int t = 0; t < 15; t++) {
            d.add(second(t == 12 ? 2500 : 500, t == 12 ? 2600 : 650, 1.0));
        }
        assertThat(d.last().settled()).isFalse();
        assertThat(d.last().reason()).contains("p50 spread 2000 ms (allowed 550)");
    }

    @Test
    void needsPredictionsInMostSeconds() {
        SettleDetector d = detector();
        for (int t = 0; t < 20; t++) {
            d.add(t % 2 == 0 ? second(500, 600, 0.0) : new Second(0, 0, 0, 0.0));
        }
        assertThat(d.last().settled()).isFalse();
        assertThat(d.last().reason()).isEqualTo("predictions arrived in only 5 of the last 10 s (need 7)");
    }

    @Test
    void acceptsPredictionsThatArriveOncePerCheckpoint() {
        // exactly-once: a read_committed consumer sees the predictions of each 2 s checkpoint at once
        SettleDetector perSecond = detector();
        SettleDetector perCheckpoint = SettleDetector.builder().optWindowSeconds(WINDOW).optArrivalPeriodSeconds(2).build();
        for (int t = 0; t < 20; t++) {
            Second s = t % 2 == 0 ? new Second(12, 1400, 2300, 3.0) : new Second(0, 0, 0, 2.0);
            perSecond.add(s);
            perCheckpoint.add(s);
        }
        assertThat(perSecond.last().settled()).isFalse();
        assertThat(perCheckpoint.last().settled()).isTrue();
    }

    @Test
    void judgesOnLatencyAloneWhenTheQueueIsUnknown() {
        SettleDetector d = detector();
        for (int t = 0; t < WINDOW; t++) {
            d.add(second(500, 600, null));
        }
        assertThat(d.last().settled()).isTrue();
        assertThat(d.last().reason()).contains("queue depth not known");
    }

    @Test
    void refusesImpossibleSettings() {
        assertThatThrownBy(() -> SettleDetector.builder().optWindowSeconds(2).optTolerance(0).optLatencyFloorMs(-1)
                .optArrivalPeriodSeconds(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("settle detector: settle window must be at least 3 s, got 2; settle tolerance must be positive, "
                        + "got 0.0; arrival period must be at least 1 s, got 0; settle floors must not be negative, "
                        + "got -1.0 ms and 4.0");
    }
}
