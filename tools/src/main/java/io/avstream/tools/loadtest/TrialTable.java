package io.avstream.tools.loadtest;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.avstream.tools.loadtest.LoadResult.Percentiles;
import io.avstream.tools.loadtest.LoadResult.Summary;
import io.avstream.tools.loadtest.LoadResult.Trial;

/** Prints a trial's final table: throughput per interval, then the latency parts' percentiles. */
final class TrialTable {
    private TrialTable() {}

    private static final Map<String, String> PART_LABELS = Map.of(
            LoadRecorder.END_TO_END, "end-to-end (capture -> consumer)",
            LoadRecorder.EVENT_TIME_WAIT, "  event-time wait (window end + ooo)",
            LoadRecorder.QUEUE, "  queue in batcher",
            LoadRecorder.INFERENCE, "  inference",
            LoadRecorder.EMIT_TO_CONSUMER, "  emit -> consumer",
            LoadRecorder.PIPELINE, "pipeline share (e2e - wait - queue - infer)",
            LoadRecorder.PIPELINE_STRICT, "pipeline share, queue beyond max-delay");

    /** Prints {@code t}; {@code shedTotal} and {@code windowsTotal} are the job's counters (null when it runs elsewhere). */
    static void print(PrintStream out, LoadSettings s, Trial t, Long shedTotal, Long windowsTotal) {
        out.printf("%n== %s: %s, %.2gx real time, %s ==%n", t.label(), s.modality.cliName(), s.rate, s.delivery);
        List<Summary> all = new ArrayList<>();
        all.add(t.summary());
        if (t.phaseSummaries() != null) {
            all.addAll(t.phaseSummaries());
        }
        out.printf("%-20s %7s %7s %10s %13s %18s %8s %10s %10s %9s%n", "interval", "streams", "s", "windows/s",
                "predictions/s", "predicted/expected", "shed", "input MB/s", "mean batch", "heap max");
        for (Summary x : all) {
            out.printf("%-20s %7d %7.1f %10.2f %13.2f %18s %8s %10.3f %10.2f %6.0f MB%n", x.name(), x.streams(), x.seconds(),
                    x.windowsPerSecond(), x.predictionsPerSecond(), x.predictions() + "/" + x.expectedWindows(),
                    x.shedWindows() == null ? "n/a" : x.shedWindows().toString(), x.inputMBPerSecond(), x.meanBatch(),
                    x.heapMaxMB());
        }
        for (Summary x : all) {
            out.printf("latency (ms), %-34s %9s %9s %9s %9s %9s %9s%n", x.name(), "p50", "p90", "p95", "p99", "max", "mean");
            for (Map.Entry<String, Percentiles> e : x.latency().entrySet()) {
                Percentiles p = e.getValue();
                String label = e.getKey().equals(LoadRecorder.END_TO_END) && s.modality == Modality.SPEECH
                        ? "end-to-end (segment end -> consumer)" : PART_LABELS.get(e.getKey());
                out.printf("  %-46s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f%n", label, p.p50(), p.p90(),
                        p.p95(), p.p99(), p.max(), p.mean());
            }
        }
        if (shedTotal != null) {
            out.printf("job counters over the whole trial: %d windows closed, %d shed%n", windowsTotal, shedTotal);
        }
        out.printf("producer lag max %.1f ms; JVM heap max %.0f MB of %d MB%n", t.summary().producerMaxLagMs(),
                t.summary().heapMaxMB(), Runtime.getRuntime().maxMemory() / (1 << 20));
    }
}
