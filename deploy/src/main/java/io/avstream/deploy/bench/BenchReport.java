package io.avstream.deploy.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The results of one {@code bench} run and the ratios computed from them: printed as a table and
 * written as JSON.
 */
public final class BenchReport {
    /** The target: pipeline throughput at least this share of the engine's at the same batch size. */
    public static final double CEILING_TARGET = 0.85;
    /** The target: pipeline/per-record at least this share of the engine's own batching gain. */
    public static final double GAIN_TARGET = 0.9;
    /** The target: windower state per MoCap stream at most this many bytes. */
    public static final double STATE_TARGET_BYTES = 100 * 1024;

    final Map<String, Object> settings = new LinkedHashMap<>();
    List<EngineCeiling.Point> ceilingOneSession;
    List<EngineCeiling.Point> ceiling;
    int ceilingSessions;
    BatcherCeiling.Result batcher;
    PipelineBench.Run pipeline;
    PipelineBench.Run perRecord;
    double[] pipelineRuns;
    /** The engine ceiling at the pipeline's batch size measured right after each pipeline run (same order). */
    double[] pairedCeilingRuns;
    double[] perRecordRuns;
    List<StateFootprint.Result> state;
    final Map<String, MachineLoad.Interval> load = new LinkedHashMap<>();

    /** The engine's windows/s at {@code batch}, linear between the measured batch sizes (clamped at the ends). */
    static double interpolate(List<EngineCeiling.Point> points, double batch) {
        EngineCeiling.Point lo = points.get(0);
        if (batch <= lo.batchSize()) {
            return lo.windowsPerSec();
        }
        for (EngineCeiling.Point hi : points.subList(1, points.size())) {
            if (batch <= hi.batchSize()) {
                double f = (batch - lo.batchSize()) / (hi.batchSize() - lo.batchSize());
                return lo.windowsPerSec() + f * (hi.windowsPerSec() - lo.windowsPerSec());
            }
            lo = hi;
        }
        return lo.windowsPerSec();
    }

    static EngineCeiling.Point best(List<EngineCeiling.Point> points) {
        EngineCeiling.Point best = points.get(0);
        for (EngineCeiling.Point p : points) {
            if (p.windowsPerSec() > best.windowsPerSec()) {
                best = p;
            }
        }
        return best;
    }

    /** Best batch size's windows/s over batch 1's (the first point must be batch 1). */
    static double batchingGain(List<EngineCeiling.Point> points) {
        return best(points).windowsPerSec() / points.get(0).windowsPerSec();
    }

    Map<String, Double> ratios() {
        Map<String, Double> r = new LinkedHashMap<>();
        if (ceiling != null) {
            r.put("engineBatchingGain", batchingGain(ceiling));
        }
        if (ceilingOneSession != null) {
            r.put("engineBatchingGainOneSession", batchingGain(ceilingOneSession));
        }
        if (pipeline != null && ceiling != null) {
            r.put("pipelineOverCeilingAtMeanBatch", pipeline.windowsPerSec() / interpolate(ceiling, pipeline.meanBatchSize()));
            r.put("pipelineOverCeilingAtBestBatch", pipeline.windowsPerSec() / best(ceiling).windowsPerSec());
        }
        if (pipelineRuns != null && pairedCeilingRuns != null && pairedCeilingRuns.length == pipelineRuns.length) {
            r.put("pipelineOverPairedCeiling", median(pairedRatios()));
        }
        if (pipeline != null && perRecord != null) {
            r.put("pipelineOverPerRecord", pipeline.windowsPerSec() / perRecord.windowsPerSec());
            if (ceiling != null) {
                r.put("pipelineOverPerRecordShareOfGain",
                        pipeline.windowsPerSec() / perRecord.windowsPerSec() / batchingGain(ceiling));
            }
        }
        return r;
    }

    /** Each pipeline run over the engine ceiling measured right after it. */
    double[] pairedRatios() {
        double[] q = new double[pipelineRuns.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = pipelineRuns[i] / pairedCeilingRuns[i];
        }
        return q;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Prints the tables and ratios. */
    void print(PrintStream out) {
        out.println();
        out.println("== bench ==");
        settings.forEach((k, v) -> out.printf("%-26s %s%n", k, v));
        if (ceiling != null) {
            out.println();
            out.printf("(1) engine ceiling: EngineSession.runBatch on prepared inputs, median of repetitions%n");
            out.printf("%6s %18s %14s %18s %14s%n", "batch", "1 session win/s", "ms/batch",
                    ceilingSessions + " sessions win/s", "ms/batch");
            for (int i = 0; i < ceiling.size(); i++) {
                EngineCeiling.Point one = ceilingOneSession == null ? null : ceilingOneSession.get(i);
                EngineCeiling.Point all = ceiling.get(i);
                out.printf("%6d %18s %14s %18.1f %14.1f%n", all.batchSize(),
                        one == null ? "-" : String.format("%.1f", one.windowsPerSec()),
                        one == null ? "-" : String.format("%.1f", one.msPerBatch()),
                        all.windowsPerSec(), all.msPerBatch());
            }
        }
        if (batcher != null) {
            out.println();
            out.printf("(1b) shared model + dynamic batcher alone (prepared windows, no Kafka, no Flink): %.1f windows/s, "
                    + "mean batch %.2f%s%n", batcher.windowsPerSec(), batcher.meanBatchSize(),
                    ceiling == null ? "" : String.format("; %.3f of the ceiling at that batch size",
                            batcher.windowsPerSec() / interpolate(ceiling, batcher.meanBatchSize())));
        }
        for (PipelineBench.Run r : new PipelineBench.Run[] {pipeline, perRecord}) {
            if (r == null) {
                continue;
            }
            out.println();
            out.printf("(%s) %s: %d of %d windows predicted%n", r.kind() == PipelineBench.Kind.PIPELINE ? "2" : "3",
                    r.kind() == PipelineBench.Kind.PIPELINE ? "pipeline (Kafka -> Flink job with shared batched model -> Kafka)"
                            : "per-record baseline (same job, RichMapFunction with its own EngineSession, batch 1)",
                    r.predictions(), r.expectedWindows());
            out.printf("    %.1f windows/s from the first inference start to the last end (%.1f s); "
                    + "%.1f windows/s over the job's runtime (%.1f s, start-up included)%n",
                    r.windowsPerSec(), r.inferenceSeconds(), r.windowsPerSecJob(), r.jobSeconds());
            out.printf("    batch sizes used: mean %.2f per batch (%.2f seen by a window); windows per batch size %s%n",
                    r.meanBatchSize(), r.meanPredictionBatch(), r.batchSizes());
            double[] all = r == pipeline ? pipelineRuns : perRecordRuns;
            if (all != null && all.length > 1) {
                StringBuilder sb = new StringBuilder();
                for (double v : all) {
                    sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%.1f", v));
                }
                out.printf("    the fastest (least disturbed) of %d runs: [%s] windows/s%n", all.length, sb);
            }
        }
        Map<String, Double> ratios = ratios();
        if (!ratios.isEmpty()) {
            out.println();
            out.println("ratios");
            if (ratios.containsKey("engineBatchingGain")) {
                EngineCeiling.Point b = best(ceiling);
                out.printf("  engine batching gain (best batch %d / batch 1), %d session(s): %.3f%n", b.batchSize(),
                        ceilingSessions, ratios.get("engineBatchingGain"));
            }
            if (ratios.containsKey("engineBatchingGainOneSession")) {
                out.printf("  engine batching gain, 1 session: %.3f%n", ratios.get("engineBatchingGainOneSession"));
            }
            if (ratios.containsKey("pipelineOverCeilingAtMeanBatch")) {
                double at = pipeline.meanBatchSize();
                out.printf("  pipeline / ceiling at the pipeline's mean batch %.1f (%.1f win/s): %.3f   target >= %.2f  %s%n",
                        at, interpolate(ceiling, at), ratios.get("pipelineOverCeilingAtMeanBatch"), CEILING_TARGET,
                        verdict(ratios.get("pipelineOverCeilingAtMeanBatch") >= CEILING_TARGET));
                out.printf("  pipeline / ceiling at the best batch %d (%.1f win/s): %.3f%n", best(ceiling).batchSize(),
                        best(ceiling).windowsPerSec(), ratios.get("pipelineOverCeilingAtBestBatch"));
            }
            if (ratios.containsKey("pipelineOverPairedCeiling")) {
                StringBuilder runs = new StringBuilder();
                double[] q = pairedRatios();
                for (int i = 0; i < q.length; i++) {
                    runs.append(i == 0 ? "" : ", ").append(String.format("%.1f/%.1f = %.3f", pipelineRuns[i], pairedCeilingRuns[i], q[i]));
                }
                out.printf("  pipeline / ceiling at its batch size measured right after it, per run [%s]: median %.3f"
                        + "   target >= %.2f  %s%n", runs, ratios.get("pipelineOverPairedCeiling"), CEILING_TARGET,
                        verdict(ratios.get("pipelineOverPairedCeiling") >= CEILING_TARGET));
            }
            if (ratios.containsKey("pipelineOverPerRecord")) {
                out.printf("  pipeline / per-record: %.3f", ratios.get("pipelineOverPerRecord"));
                if (ratios.containsKey("pipelineOverPerRecordShareOfGain")) {
                    double needed = GAIN_TARGET * batchingGain(ceiling);
                    out.printf("   target >= %.2f x engine gain = %.3f  %s", GAIN_TARGET, needed,
                            verdict(ratios.get("pipelineOverPerRecord") >= needed));
                }
                out.println();
            }
        }
        if (state != null && !state.isEmpty()) {
            out.println();
            out.println("(4) windower keyed state per MoCap stream (2 s of frames at 25 fps, heap keyed state backend)");
            out.printf("%8s %16s %18s %16s%n", "streams", "frames/stream", "checkpoint B/stream", "heap B/stream");
            for (StateFootprint.Result r : state) {
                out.printf("%8d %16.0f %18.0f %16.0f%n", r.streams(), r.bufferedFramesPerStream(),
                        r.snapshotBytesPerStream(), r.heapBytesPerStream());
            }
            StateFootprint.Result last = state.get(state.size() - 1);
            out.printf("  target <= 100 KB per stream: checkpoint %.1f KB %s, heap at %d streams %.1f KB %s%n",
                    last.snapshotBytesPerStream() / 1024, verdict(last.snapshotBytesPerStream() <= STATE_TARGET_BYTES),
                    last.streams(), last.heapBytesPerStream() / 1024,
                    verdict(last.heapBytesPerStream() <= STATE_TARGET_BYTES));
        }
        printLoad(out);
    }

    private void printLoad(PrintStream out) {
        if (load.isEmpty()) {
            return;
        }
        out.println();
        out.println("machine load during each part (busy cores on average; other processes distort the numbers)");
        load.forEach((part, l) -> out.printf("  %-20s %5.0f s  %s%s%n", part, l.seconds(), l,
                l.others() > 0.2 ? "  <- shared machine: not a clean measurement" : ""));
    }

    private static String verdict(boolean met) {
        return met ? "(met)" : "(NOT met)";
    }

    /** Everything as one JSON document. */
    void writeJson(Path file) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("settings", settings);
        doc.put("ceilingSessions", ceilingSessions);
        doc.put("ceilingOneSession", ceilingOneSession);
        doc.put("ceiling", ceiling);
        doc.put("batcherAlone", batcher == null ? null : Map.of("windowsPerSec", batcher.windowsPerSec(),
                "repetitions", batcher.repetitions(), "meanBatchSize", batcher.meanBatchSize()));
        doc.put("pipeline", run(pipeline));
        doc.put("perRecord", run(perRecord));
        doc.put("pipelineRunsWindowsPerSec", pipelineRuns);
        doc.put("pairedCeilingRunsWindowsPerSec", pairedCeilingRuns);
        doc.put("perRecordRunsWindowsPerSec", perRecordRuns);
        doc.put("state", state == null ? null : state.stream().map(r -> Map.of(
                "streams", r.streams(), "framesPerStream", r.framesPerStream(),
                "bufferedFramesPerStream", r.bufferedFramesPerStream(),
                "checkpointBytesPerStream", r.snapshotBytesPerStream(),
                "heapBytesPerStream", r.heapBytesPerStream())).toList());
        doc.put("ratios", ratios());
        Map<String, Object> loads = new LinkedHashMap<>();
        load.forEach((part, l) -> loads.put(part, Map.of("seconds", l.seconds(), "selfCores", l.self(),
                "otherProcessesCores", l.others())));
        doc.put("machineLoad", loads);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        json.writeValue(file.toFile(), doc);
    }

    private static Map<String, Object> run(PipelineBench.Run r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("predictions", r.predictions());
        m.put("expectedWindows", r.expectedWindows());
        m.put("windowsPerSec", r.windowsPerSec());
        m.put("inferenceSeconds", r.inferenceSeconds());
        m.put("windowsPerSecJobRuntime", r.windowsPerSecJob());
        m.put("jobSeconds", r.jobSeconds());
        m.put("meanBatchSize", r.meanBatchSize());
        m.put("meanBatchSizeSeenByWindow", r.meanPredictionBatch());
        m.put("windowsPerBatchSize", r.batchSizes());
        return m;
    }
}
