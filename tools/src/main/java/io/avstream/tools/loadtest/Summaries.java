package io.avstream.tools.loadtest;

import java.util.List;

import io.avstream.tools.loadtest.LoadResult.Summary;

/**
 * Summarises an interval of a trial: predictions and expected windows (by window end), the job's
 * counters over it, frames sent, latency percentiles and mean batch from the recorder.
 */
final class Summaries {
    private final LoadSettings s;
    private final LoadRecorder recorder;
    private final StreamSources sources;
    private final ExpectedWindows windows;
    private final List<CounterTick> counterTicks;
    private final double frameBytes;
    private final boolean counters;

    Summaries(LoadSettings s, LoadRecorder recorder, StreamSources sources, ExpectedWindows windows,
            List<CounterTick> counterTicks, double frameBytes, boolean counters) {
        this.s = s;
        this.recorder = recorder;
        this.sources = sources;
        this.windows = windows;
        this.counterTicks = counterTicks;
        this.frameBytes = frameBytes;
        this.counters = counters;
    }

    /** The summary of the windows ending in {@code [fromUs, toUs)}. */
    Summary summary(String name, int streams, long fromUs, long toUs, double heapMax, double lagMs) {
        double seconds = Math.max(1e-3, (toUs - fromUs) / 1e6);
        long predictions = recorder.count(fromUs, toUs);
        long expected = windows.count(sources.all(), fromUs, toUs);
        Long windowsClosed = null;
        Long shed = null;
        double windowsPerSecond = expected / seconds;
        if (counters && !counterTicks.isEmpty()) {
            CounterTick a = nearest(counterTicks, fromUs);
            CounterTick z = nearest(counterTicks, toUs);
            windowsClosed = z.windows() - a.windows();
            // windows are shed up to a latency budget after they close: count until the budget has passed
            long budgetUs = s.latencyBudget.toNanos() / 1000;
            shed = Math.max(0, nearest(counterTicks, toUs + budgetUs + 1_000_000).shed()
                    - nearest(counterTicks, fromUs + budgetUs).shed());
            windowsPerSecond = windowsClosed / Math.max(1e-3, (z.atUs() - a.atUs()) / 1e6);
        }
        long frames = 0;
        for (StreamSources.Source source : sources.all()) {
            long lo = Math.max(fromUs, source.startUs);
            long hi = Math.min(toUs, source.stopUs);
            if (hi > lo) {
                frames += Math.round((hi - lo) / 1e6 * s.profile.recordsPerSecond()) * source.streams;
            }
        }
        return new Summary(name, streams, round(seconds, 1), predictions, expected, windowsClosed, shed,
                round(windowsPerSecond, 2), round(predictions / seconds, 2), round(frames * frameBytes / 1e6 / seconds, 3),
                frames, recorder.latency(fromUs, toUs), round(recorder.meanBatch(fromUs, toUs), 2), round(heapMax, 1),
                round(lagMs, 1));
    }

    /** The same summary under another name (the whole of a trial with several measured phases). */
    static Summary renamed(Summary t, String name) {
        return new Summary(name, t.streams(), t.seconds(), t.predictions(), t.expectedWindows(), t.windowsClosed(),
                t.shedWindows(), t.windowsPerSecond(), t.predictionsPerSecond(), t.inputMBPerSecond(), t.framesSent(),
                t.latency(), t.meanBatch(), t.heapMaxMB(), t.producerMaxLagMs());
    }

    private static CounterTick nearest(List<CounterTick> ticks, long us) {
        CounterTick best = ticks.get(0);
        for (CounterTick t : ticks) {
            if (Math.abs(t.atUs() - us) < Math.abs(best.atUs() - us)) {
                best = t;
            }
        }
        return best;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
