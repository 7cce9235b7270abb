package io.avstream.tools.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    /** Target: pipeline throughput at least this share of the engine's at the same batch size, measured right before and right after it (their mean). */
    public static final double CEILING_TARGET = 0.95;
    /** Target: the pipeline on a nearly free model sustains at least this many windows/s. */
    public static final double TRIVIAL_TARGET_WINDOWS_PER_SEC = 1000;
    /** Target: CPU time per window spent outside the engine, at most this many milliseconds. */
    public static final double OUTSIDE_CPU_TARGET_MS = 2.0;
    /** Target: windower state per MoCap stream at most this many bytes. */
    public static final double STATE_TARGET_BYTES = 100 * 1024;

    final Map<String, Object> settings = new LinkedHashMap<>();
    List<EngineCeiling.Point> ceilingOneSession;
    List<EngineCeiling.Point> ceiling;
    int ceilingSessions;
    /** FLOPs per window of the model (NaN where not counted). */
    double modelFlopsPerWindow = Double.NaN;
    GemmPeak.Result gemmPeak;
    GemmPeak.Result gemmPeakOneSession;
    BatcherCeiling.Result batcher;
    /** The warm-up runs, not counted: until the JIT compiler had settled, or the most the settings allow. */
    final List<PipelineBench.Run> warmUps = new ArrayList<>();
    PipelineBench.Run pipeline;
    PipelineBench.Run maxBatchOne;
    PipelineBench.Run perRecord;
    PipelineBench.Run trivial;
    List<PipelineBench.Run> pipelineRunList = List.of();
    List<PipelineBench.Run> maxBatchOneRunList = List.of();
    List<PipelineBench.Run> perRecordRunList = List.of();
    List<PipelineBench.Run> trivialRunList = List.of();
    double[] pipelineRuns;
    /** The engine ceiling at the pipeline's batch size, the mean of right before and right after each pipeline run (same order). */
    double[] pairedCeilingRuns;
    List<EngineCeiling.Point> pairedCeilings;
    /** The trivial model's engine alone at the trivial job's batch size, right after each of its runs (same order). */
    List<EngineCeiling.Point> trivialCeilings;
    double[] perRecordRuns;
    List<StateFootprint.Result> state;
    /** The audio part, or null when not run. */
    AudioBench.Result audio;
    /** The audio-visual part, or null when not run. */
    AudioVisualBench.Result audioVisual;
    /** The voice-activity part, or null when not run. */
    VadBench.Result vad;
    final Map<String, MachineLoad.Interval> load = new LinkedHashMap<>();

    /** The report's number of a job part. */
    static String number(String job) {
        return switch (job) {
            case "pipeline" -> "2";
            case "max-batch-1" -> "3";
            case "per-record" -> "4";
            case "trivial" -> "5";
            default -> "?";
        };
    }

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

    /** GFLOP/s of the model at {@code windowsPerSec} (NaN where its FLOPs are not counted). */
    double gflops(double windowsPerSec) {
        return windowsPerSec * modelFlopsPerWindow / 1e9;
    }

    /**
     * CPU milliseconds per window the trivial-model job spent outside the engine in its fastest run:
     * the process's CPU per window while inference ran minus the trivial model's own engine CPU per
     * window measured right after that run (NaN where either is missing).
     */
    double trivialOutsideCpuMsPerWindow() {
        if (trivial == null || trivialCeilings == null || trivialCeilings.size() != trivialRunList.size()) {
            return Double.NaN;
        }
        EngineCeiling.Point engine = trivialCeilings.get(trivialRunList.indexOf(trivial));
        return trivial.cpuMsPerWindow() - engine.cpuMsPerWindow();
    }

    /** The pipeline's CPU per window outside the engine: its CPU per window minus the paired ceiling's (median). */
    double pipelineOutsideCpuMsPerWindow() {
        if (pipeline == null || pairedCeilings == null || pairedCeilings.size() != pipelineRunList.size()) {
            return Double.NaN;
        }
        EngineCeiling.Point engine = pairedCeilings.get(pipelineRunList.indexOf(pipeline));
        return pipeline.cpuMsPerWindow() - engine.cpuMsPerWindow();
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
            r.put("engineGainAtPipelineBatch", interpolate(ceiling, pipeline.meanBatchSize()) / ceiling.get(0).windowsPerSec());
            r.put("pipelineOverCeilingAtMeanBatch", pipeline.windowsPerSec() / interpolate(ceiling, pipeline.meanBatchSize()));
            r.put("pipelineOverCeilingAtBestBatch", pipeline.windowsPerSec() / best(ceiling).windowsPerSec());
        }
        if (pipelineRuns != null && pairedCeilingRuns != null && pairedCeilingRuns.length == pipelineRuns.length) {
            r.put("pipelineOverPairedCeiling", median(pairedRatios()));
        }
        if (pipeline != null && maxBatchOne != null) {
            r.put("pipelineOverMaxBatchOne", pipeline.windowsPerSec() / maxBatchOne.windowsPerSec());
        }
        if (pipeline != null && perRecord != null) {
            r.put("pipelineOverPerRecord", pipeline.windowsPerSec() / perRecord.windowsPerSec());
        }
        if (maxBatchOne != null && perRecord != null) {
            r.put("maxBatchOneOverPerRecord", maxBatchOne.windowsPerSec() / perRecord.windowsPerSec());
        }
        if (trivial != null) {
            r.put("trivialWindowsPerSec", trivial.windowsPerSec());
            double outside = trivialOutsideCpuMsPerWindow();
            if (!Double.isNaN(outside)) {
                r.put("trivialOutsideEngineCpuMsPerWindow", outside);
            }
        }
        double outside = pipelineOutsideCpuMsPerWindow();
        if (!Double.isNaN(outside)) {
            r.put("pipelineOutsideEngineCpuMsPerWindow", outside);
        }
        if (audio != null && !audio.runs().isEmpty()) {
            r.put("audioPipelineOverPairedCeiling", audio.medianRatio());
            r.put("audioEngineBatchingGain", batchingGain(audio.ceiling()));
        }
        if (audioVisual != null) {
            if (!audioVisual.fused().runs().isEmpty()) {
                r.put("audioVisualPipelineOverPairedCeiling", audioVisual.fused().medianRatio());
            }
            r.put("audioVisualEngineBatchingGain", batchingGain(audioVisual.fused().ceiling()));
            double[] cost = audioVisual.fusedOverAudioOnly();
            if (cost.length > 0) {
                r.put("audioVisualOverAudioOnlyAtBatch1", cost[0]);
            }
        }
        if (vad != null && !vad.points().isEmpty()) {
            VadBench.Point most = vad.points().get(vad.points().size() - 1);
            r.put("vadBatchedOverOneAtATime", most.gain());
        }
        return r;
    }

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
            printCeiling(out);
        }
        if (batcher != null) {
            out.println();
            out.printf("(1b) shared model + dynamic batcher alone (prepared windows, no Kafka, no Flink): %.1f windows/s, "
                    + "mean batch %.2f%s%n", batcher.windowsPerSec(), batcher.meanBatchSize(),
                    ceiling == null ? "" : String.format("; %.3f of the ceiling at that batch size",
                            batcher.windowsPerSec() / interpolate(ceiling, batcher.meanBatchSize())));
        }
        printJobs(out);
        printRatios(out);
        if (state != null && !state.isEmpty()) {
            out.println();
            out.println("(6) windower keyed state per MoCap stream (2 s of frames at 25 fps, heap keyed state backend)");
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
        if (audio != null) {
            printAudio(out);
        }
        if (audioVisual != null) {
            printAudioVisual(out);
        }
        if (vad != null) {
            printVad(out);
        }
        printLoad(out);
    }

    private void printAudio(PrintStream out) {
        out.println();
        out.printf("(7) audio events: %s, %d streams of 16 kHz audio, a window (1024 filterbank frames) a second%n",
                audio.model(), AudioBench.STREAMS);
        printCeilingAndRuns(out, audio, "audio");
    }

    private void printAudioVisual(PrintStream out) {
        AudioBench.Result av = audioVisual.fused();
        out.println();
        out.printf("(8) audio-visual: %s, %d cameras (16 kHz audio, 2 fps %s), a window a second with 8 frames%n",
                av.model(), AudioVisualBench.STREAMS, audioVisual.frameSize());
        out.printf("  a frame decoded, resized to 224 x 224 and normalised: %.2f ms of a core (8 per window: %.1f ms)%n",
                audioVisual.frameMs(), 8 * audioVisual.frameMs());
        out.printf("  the audio-only model on the same windows, %s:%n", audioVisual.audioOnlyModel());
        out.printf("%8s %14s %14s %18s %16s%n", "batch", "windows/s", "ms/batch", "CPU ms/window", "fused / audio");
        double[] ratio = audioVisual.fusedOverAudioOnly();
        for (int i = 0; i < audioVisual.audioOnlyCeiling().size(); i++) {
            EngineCeiling.Point p = audioVisual.audioOnlyCeiling().get(i);
            out.printf("%8d %14.1f %14.1f %18.1f %16s%n", p.batchSize(), p.windowsPerSec(), p.msPerBatch(), p.cpuMsPerWindow(),
                    i < ratio.length ? String.format("%.2f", ratio[i]) : "");
        }
        out.println("  the fused model:");
        printCeilingAndRuns(out, av, "audio-visual");
    }

    /** A part's model, its engine ceiling, and its job's runs against their paired ceilings, for the JSON. */
    private static Map<String, Object> jobPart(AudioBench.Result part, int streams) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("model", part.model());
        a.put("streams", streams);
        a.put("ceiling", part.ceiling());
        a.put("warmUp", run(part.warmUp()));
        a.put("runs", part.runs().stream().map(BenchReport::run).toList());
        a.put("pairedCeilings", part.pairedCeilings());
        a.put("pipelineOverPairedCeiling", part.ratios());
        return a;
    }

    private static void printCeilingAndRuns(PrintStream out, AudioBench.Result part, String name) {
        out.printf("%8s %14s %14s %18s%n", "batch", "windows/s", "ms/batch", "CPU ms/window");
        for (EngineCeiling.Point p : part.ceiling()) {
            out.printf("%8d %14.1f %14.1f %18.1f%n", p.batchSize(), p.windowsPerSec(), p.msPerBatch(), p.cpuMsPerWindow());
        }
        for (int i = 0; i < part.runs().size(); i++) {
            PipelineBench.Run r = part.runs().get(i);
            EngineCeiling.Point c = part.pairedCeilings().get(i);
            out.printf("  job run %d: %.1f windows/s (%d of %d expected), mean batch %.2f; engine alone at batch %d right "
                    + "before and after: %.1f windows/s; pipeline / paired ceiling %.3f%n", i + 1, r.windowsPerSec(),
                    r.predictions(), r.expectedWindows(), r.meanBatchSize(), c.batchSize(), c.windowsPerSec(),
                    r.windowsPerSec() / c.windowsPerSec());
        }
        if (!part.runs().isEmpty()) {
            double m = part.medianRatio();
            out.printf("  %s pipeline / paired engine ceiling, median of %d run(s): %.3f (target >= %.2f: %s)%n",
                    name, part.runs().size(), m, CEILING_TARGET, verdict(m >= CEILING_TARGET));
        }
    }

    private void printVad(PrintStream out) {
        out.println();
        out.printf("(9) voice activity: %s, 512-sample chunks at 16 kHz, 250 ms slices; CPU of the whole process per "
                + "second of one stream's audio%n", vad.model());
        out.printf("%8s %12s %20s %12s %22s %10s %16s%n", "streams", "s/stream", "batched CPU ms/s", "mean batch",
                "one at a time CPU ms/s", "gain", "streams per core");
        for (VadBench.Point p : vad.points()) {
            out.printf("%8d %12.0f %20.2f %12.1f %22.2f %9.2fx %16.0f%n", p.streams(), p.streamSeconds(), p.batchedCpuMs(),
                    p.meanBatch(), p.aloneCpuMs(), p.gain(), p.streamsPerCore());
        }
    }

    private void printCeiling(PrintStream out) {
        out.println();
        out.printf("(1) engine ceiling: EngineSession.runBatch on prepared inputs, median of repetitions; GFLOP/s = "
                + "windows/s x %s; %% of the GEMM peak with as many sessions%n",
                Double.isNaN(modelFlopsPerWindow) ? "FLOPs per window (not counted)"
                        : String.format("%.3f GFLOP per window", modelFlopsPerWindow / 1e9));
        if (gemmPeak != null) {
            out.printf("    GEMM peak (%d^3 float32 MatMul, same engine and threads): %d session(s) %.1f GFLOP/s "
                    + "(%.1f ms per GEMM), 1 session %.1f GFLOP/s%n", GemmPeak.N, gemmPeak.sessions(), gemmPeak.gflops(),
                    gemmPeak.msPerGemm(), gemmPeakOneSession.gflops());
        }
        out.printf("%6s %10s %9s %8s %7s   %10s %9s %8s %7s %8s%n", "batch", "1 session", "ms/batch", "GFLOP/s", "% peak",
                ceilingSessions + " sess.", "ms/batch", "GFLOP/s", "% peak", "CPU ms/w");
        for (int i = 0; i < ceiling.size(); i++) {
            EngineCeiling.Point one = ceilingOneSession == null ? null : ceilingOneSession.get(i);
            EngineCeiling.Point all = ceiling.get(i);
            out.printf("%6d %10s %9s %8s %7s   %10.1f %9.1f %8s %7s %8.2f%n", all.batchSize(),
                    one == null ? "-" : String.format("%.1f", one.windowsPerSec()),
                    one == null ? "-" : String.format("%.1f", one.msPerBatch()),
                    one == null ? "-" : number(gflops(one.windowsPerSec()), "%.1f"),
                    one == null ? "-" : percentOf(gflops(one.windowsPerSec()), gemmPeakOneSession),
                    all.windowsPerSec(), all.msPerBatch(), number(gflops(all.windowsPerSec()), "%.1f"),
                    percentOf(gflops(all.windowsPerSec()), gemmPeak), all.cpuMsPerWindow());
        }
    }

    private void printJobs(PrintStream out) {
        if (!warmUps.isEmpty()) {
            out.println();
            StringBuilder sb = new StringBuilder();
            for (PipelineBench.Run w : warmUps) {
                sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%.1f windows/s (JIT %.1f of %.1f s)",
                        w.windowsPerSec(), w.jobCompileSeconds(), w.jobSeconds()));
            }
            PipelineBench.Run last = warmUps.get(warmUps.size() - 1);
            out.printf("warm-up runs (not counted): %s%s%n", sb, last.stillCompiling(Bench.SETTLED_COMPILE_SHARE)
                    ? "  <- the JIT compiler had not settled: raise --max-warm-ups" : "");
        }
        String[][] names = {
            {"2", "pipeline (Kafka -> Flink job with shared batched model -> Kafka)"},
            {"3", "the same job with max batch 1 (the batching baseline)"},
            {"4", "per-record job (RichMapFunction with its own EngineSession, synchronous, batch 1: the async baseline)"},
            {"5", "the same pipeline on bench-trivial-action (nearly free inference: the job's own cost)"},
        };
        PipelineBench.Run[] best = {pipeline, maxBatchOne, perRecord, trivial};
        List<List<PipelineBench.Run>> all = List.of(pipelineRunList, maxBatchOneRunList, perRecordRunList, trivialRunList);
        for (int k = 0; k < best.length; k++) {
            PipelineBench.Run r = best[k];
            if (r == null) {
                continue;
            }
            out.println();
            out.printf("(%s) %s: %d of %d windows predicted%n", names[k][0], names[k][1], r.predictions(),
                    r.expectedWindows());
            out.printf("    %.1f windows/s from the first inference start to the last end (%.1f s); "
                    + "%.1f windows/s over the job's runtime (%.1f s, start-up included)%n",
                    r.windowsPerSec(), r.inferenceSeconds(), r.windowsPerSecJob(), r.jobSeconds());
            out.printf("    CPU of the whole process while inference ran: %.2f ms per window (%.2f cores), of which JIT "
                    + "compiling %.2f ms; over the whole job %.1f s%n", r.cpuMsPerWindow(), r.busyCores(),
                    r.compileMsPerWindow(), r.jobCpuSeconds());
            if (!Double.isNaN(r.brokerCpuSeconds())) {
                out.printf("    the broker process meanwhile (not the job's): %.2f ms CPU per window (%.2f cores)%n",
                        r.brokerCpuMsPerWindow(), r.brokerCpuSeconds() / r.inferenceSeconds());
            }
            out.printf("    batch sizes used: mean %.2f per batch (%.2f seen by a window); windows per batch size %s%n",
                    r.meanBatchSize(), r.meanPredictionBatch(), r.batchSizes());
            if (all.get(k).size() > 1) {
                StringBuilder sb = new StringBuilder();
                for (PipelineBench.Run v : all.get(k)) {
                    sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%.1f", v.windowsPerSec()));
                }
                out.printf("    the fastest (least disturbed) of %d runs: [%s] windows/s%n", all.get(k).size(), sb);
            }
            if (r == pipeline && !Double.isNaN(pipelineOutsideCpuMsPerWindow())) {
                out.printf("    outside the engine: %.2f ms CPU per window (engine alone at batch %.0f: %.2f ms)%n",
                        pipelineOutsideCpuMsPerWindow(), pairedCeilings.get(0).batchSize() * 1.0,
                        pairedCeilings.get(pipelineRunList.indexOf(pipeline)).cpuMsPerWindow());
            }
            if (r == trivial && !Double.isNaN(trivialOutsideCpuMsPerWindow())) {
                out.printf("    outside the engine: %.2f ms CPU per window (the trivial model's engine alone: %.3f ms)%n",
                        trivialOutsideCpuMsPerWindow(),
                        trivialCeilings.get(trivialRunList.indexOf(trivial)).cpuMsPerWindow());
            }
        }
    }

    private void printRatios(PrintStream out) {
        Map<String, Double> ratios = ratios();
        if (ratios.isEmpty()) {
            return;
        }
        out.println();
        out.println("ratios");
        if (ratios.containsKey("engineBatchingGain")) {
            EngineCeiling.Point b = best(ceiling);
            out.printf("  engine batching gain (best batch %d / batch 1), %d session(s): %.3f%s%n", b.batchSize(),
                    ceilingSessions, ratios.get("engineBatchingGain"), ratios.containsKey("engineGainAtPipelineBatch")
                            ? String.format("; at the pipeline's mean batch %.1f: %.3f", pipeline.meanBatchSize(),
                                    ratios.get("engineGainAtPipelineBatch")) : "");
        }
        if (ratios.containsKey("engineBatchingGainOneSession")) {
            out.printf("  engine batching gain, 1 session: %.3f%n", ratios.get("engineBatchingGainOneSession"));
        }
        if (ratios.containsKey("pipelineOverPairedCeiling")) {
            StringBuilder runs = new StringBuilder();
            double[] q = pairedRatios();
            for (int i = 0; i < q.length; i++) {
                runs.append(i == 0 ? "" : ", ").append(String.format("%.1f/%.1f = %.3f", pipelineRuns[i], pairedCeilingRuns[i], q[i]));
            }
            out.printf("  pipeline / ceiling at its batch size (mean of right before and right after it), per run [%s]: median %.3f"
                    + "   target >= %.2f  %s%n", runs, ratios.get("pipelineOverPairedCeiling"), CEILING_TARGET,
                    verdict(ratios.get("pipelineOverPairedCeiling") >= CEILING_TARGET));
        }
        if (ratios.containsKey("pipelineOverCeilingAtMeanBatch")) {
            double at = pipeline.meanBatchSize();
            out.printf("  (pipeline / ceiling measured before the jobs, at the pipeline's mean batch %.1f (%.1f win/s): %.3f;"
                    + " at the best batch %d (%.1f win/s): %.3f)%n", at, interpolate(ceiling, at),
                    ratios.get("pipelineOverCeilingAtMeanBatch"), best(ceiling).batchSize(), best(ceiling).windowsPerSec(),
                    ratios.get("pipelineOverCeilingAtBestBatch"));
        }
        if (ratios.containsKey("pipelineOverMaxBatchOne")) {
            out.printf("  pipeline / max-batch-1 job (what batching buys): %.3f%s%n", ratios.get("pipelineOverMaxBatchOne"),
                    ratios.containsKey("engineGainAtPipelineBatch") ? String.format(
                            "   compare: the engine's own gain at that batch size %.3f",
                            ratios.get("engineGainAtPipelineBatch")) : "");
        }
        if (ratios.containsKey("pipelineOverPerRecord")) {
            out.printf("  pipeline / per-record job (what async I/O, the shared model and batching buy together): %.3f%n",
                    ratios.get("pipelineOverPerRecord"));
        }
        if (ratios.containsKey("maxBatchOneOverPerRecord")) {
            out.printf("  max-batch-1 job / per-record job (async I/O and the shared model without batching): %.3f%n",
                    ratios.get("maxBatchOneOverPerRecord"));
        }
        if (ratios.containsKey("trivialWindowsPerSec")) {
            out.printf("  trivial-model job: %.1f windows/s   target >= %.0f  %s%n", ratios.get("trivialWindowsPerSec"),
                    TRIVIAL_TARGET_WINDOWS_PER_SEC,
                    verdict(ratios.get("trivialWindowsPerSec") >= TRIVIAL_TARGET_WINDOWS_PER_SEC));
        }
        if (ratios.containsKey("trivialOutsideEngineCpuMsPerWindow")) {
            out.printf("  trivial-model job, CPU outside the engine: %.2f ms per window   target <= %.1f  %s%n",
                    ratios.get("trivialOutsideEngineCpuMsPerWindow"), OUTSIDE_CPU_TARGET_MS,
                    verdict(ratios.get("trivialOutsideEngineCpuMsPerWindow") <= OUTSIDE_CPU_TARGET_MS));
        }
    }

    private static String number(double v, String format) {
        return Double.isNaN(v) ? "-" : String.format(format, v);
    }

    private static String percentOf(double gflops, GemmPeak.Result peak) {
        return peak == null || Double.isNaN(gflops) ? "-" : String.format("%.1f%%", 100 * gflops / peak.gflops());
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
        doc.put("modelFlopsPerWindow", Double.isNaN(modelFlopsPerWindow) ? null : modelFlopsPerWindow);
        doc.put("gemmPeak", gemmPeak);
        doc.put("gemmPeakOneSession", gemmPeakOneSession);
        doc.put("batcherAlone", batcher == null ? null : Map.of("windowsPerSec", batcher.windowsPerSec(),
                "repetitions", batcher.repetitions(), "meanBatchSize", batcher.meanBatchSize()));
        doc.put("pipeline", run(pipeline));
        doc.put("maxBatchOne", run(maxBatchOne));
        doc.put("perRecord", run(perRecord));
        doc.put("trivialModel", run(trivial));
        doc.put("warmUps", warmUps.stream().map(BenchReport::run).toList());
        doc.put("runs", Map.of("pipeline", pipelineRunList.stream().map(BenchReport::run).toList(),
                "maxBatchOne", maxBatchOneRunList.stream().map(BenchReport::run).toList(),
                "perRecord", perRecordRunList.stream().map(BenchReport::run).toList(),
                "trivialModel", trivialRunList.stream().map(BenchReport::run).toList()));
        doc.put("pairedCeilings", pairedCeilings);
        doc.put("trivialModelCeilings", trivialCeilings);
        doc.put("pipelineRunsWindowsPerSec", pipelineRuns);
        doc.put("pairedCeilingRunsWindowsPerSec", pairedCeilingRuns);
        doc.put("perRecordRunsWindowsPerSec", perRecordRuns);
        doc.put("state", state == null ? null : state.stream().map(r -> Map.of(
                "streams", r.streams(), "framesPerStream", r.framesPerStream(),
                "bufferedFramesPerStream", r.bufferedFramesPerStream(),
                "checkpointBytesPerStream", r.snapshotBytesPerStream(),
                "heapBytesPerStream", r.heapBytesPerStream())).toList());
        if (audio != null) {
            doc.put("audio", jobPart(audio, AudioBench.STREAMS));
        }
        if (audioVisual != null) {
            Map<String, Object> a = jobPart(audioVisual.fused(), AudioVisualBench.STREAMS);
            a.put("audioOnlyModel", audioVisual.audioOnlyModel());
            a.put("frame", audioVisual.frameSize());
            a.put("frameDecodeResizeMs", audioVisual.frameMs());
            a.put("audioOnlyCeiling", audioVisual.audioOnlyCeiling());
            a.put("fusedOverAudioOnly", audioVisual.fusedOverAudioOnly());
            doc.put("audioVisual", a);
        }
        if (vad != null) {
            doc.put("vad", Map.of("model", vad.model(), "points", vad.points()));
        }
        doc.put("ratios", ratios());
        Map<String, Object> loads = new LinkedHashMap<>();
        load.forEach((part, l) -> loads.put(part, Map.of("seconds", l.seconds(), "selfCores", l.self(),
                "brokerProcessCores", l.broker(), "otherProcessesCores", l.others())));
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
        m.put("cpuMsPerWindow", r.cpuMsPerWindow());
        m.put("busyCores", r.busyCores());
        m.put("jobCpuSeconds", r.jobCpuSeconds());
        m.put("compileMsPerWindow", r.compileMsPerWindow());
        m.put("jobCompileSeconds", r.jobCompileSeconds());
        m.put("brokerCpuMsPerWindow", Double.isNaN(r.brokerCpuSeconds()) ? null : r.brokerCpuMsPerWindow());
        return m;
    }
}
