package io.avstream.tools.loadtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.avstream.tools.loadtest.LoadResult.Bucket;
import io.avstream.tools.loadtest.LoadResult.Percentiles;
import io.avstream.tools.loadtest.LoadResult.Phase;
import io.avstream.tools.loadtest.LoadResult.Point;
import io.avstream.tools.loadtest.LoadResult.Settle;
import io.avstream.tools.loadtest.LoadResult.Summary;
import io.avstream.tools.loadtest.LoadResult.SweepOutcome;
import io.avstream.tools.loadtest.LoadResult.Trial;

/** Load test results made up in memory, for the report tests (no broker, no cluster). */
final class SyntheticResults {
    private SyntheticResults() {}

    /** A sweep of three steps whose last trial is an overload-like run with phases, 60 s of points. */
    static LoadResult sweepWithPhases() {
        Map<String, Percentiles> latency = new LinkedHashMap<>();
        for (String part : LoadRecorder.PARTS) {
            latency.put(part, new Percentiles(600, 400, 520, 580, 700, 950, 420));
        }
        Summary summary = new Summary("measured", 16, 60, 960, 960, 962L, 0L, 16.0, 16.0, 9.8, 24_000, latency, 4.2, 820, 3);
        List<Point> series = new ArrayList<>();
        for (int t = 1; t <= 60; t++) {
            double wave = 80 * Math.sin(t / 5.0);
            int streams = t > 20 && t <= 40 ? 32 : 16;
            series.add(new Point(t, streams, streams, (long) streams, t > 20 && t <= 40 ? 6L : 0L, 0.6 * streams,
                    380 + wave, 450 + wave, 500 + wave, 640 + wave, 700 + 1.5 * wave, 600 + 5 * (t % 10), 1.5, (double) (t % 5)));
        }
        List<Bucket> histogram = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            histogram.add(new Bucket(300 + 20 * i, 320 + 20 * i, Math.round(100 * Math.exp(-Math.pow((i - 8) / 5.0, 2)))));
        }
        List<Phase> phases = List.of(new Phase("baseline", 0, 20, 16), new Phase("overload", 20, 40, 32),
                new Phase("recovery", 40, 60, 16));
        Trial trial = new Trial("overload: 16 -> 32 -> 16 streams", 16, "at-least-once", summary,
                List.of(summary, summary, summary), phases, series, histogram,
                new Settle(true, 12, "over the last 10 s e2e p50 380 ms (change +4, allowed +/-95)"), true);
        SweepOutcome sweep = new SweepOutcome(1000, 16, 32, List.of(
                new SweepOutcome.Step(8, 610, 1.0, true, true),
                new SweepOutcome.Step(16, 780, 1.0, true, true),
                new SweepOutcome.Step(32, 4200, 0.7, false, false)));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("modality", "mocap");
        settings.put("targetP99Ms", "1000");
        settings.put("note", "</script><!-- must not end the data block");
        return new LoadResult("avstream load test: synthetic <result>", "2025-01-01T00:00:00Z", settings,
                List.of(trial, trial), sweep);
    }
}
