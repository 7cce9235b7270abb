package io.avstream.tools.bench;

import io.avstream.deploy.action.ActionOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.avstream.deploy.JobOptions;
import io.avstream.models.Engine;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.action.StmtPreprocessing;

/**
 * The {@code bench} run: engine ceiling and GEMM peak, windower state, then the jobs (pipeline,
 * the same job at max batch 1, the per-record job, the same pipeline on a nearly free model), in
 * this JVM, then the table and ratios ({@link BenchReport}).
 */
public final class Bench {

    /** What to run and how; see {@code avstream bench --help}. */
    public record Settings(String model, int windows, int[] batchSizes, int streams, int parallelism, int workers,
            int intraOpThreads, int maxBatch, Duration maxDelay, int repetitions, int windowsPerRepetition,
            int[] stateStreams, List<String> parts, Map<String, String> jobSettings, int jobRuns, int trivialWindows,
            int maxWarmUps, boolean brokerInProcess, int audioWindows) {

        /** Checks the settings. */
        public Settings {
            if (batchSizes.length == 0 || batchSizes[0] != 1) {
                throw new IllegalArgumentException("--batch-sizes must start with 1, was " + Arrays.toString(batchSizes));
            }
            for (int i = 1; i < batchSizes.length; i++) {
                if (batchSizes[i] <= batchSizes[i - 1]) {
                    throw new IllegalArgumentException("--batch-sizes must increase, was " + Arrays.toString(batchSizes));
                }
            }
            if (windows < 1 || streams < 1 || parallelism < 1 || workers < 1 || repetitions < 1 || jobRuns < 1
                    || trivialWindows < 1 || maxWarmUps < 1 || audioWindows < 1) {
                throw new IllegalArgumentException("--windows, --streams, --parallelism, --workers, --repetitions, "
                        + "--job-runs, --trivial-windows, --max-warm-ups and --audio-windows must be positive");
            }
            for (String p : parts) {
                if (!PARTS.contains(p)) {
                    throw new IllegalArgumentException(
                            "unknown part '" + p + "' (known: " + String.join(", ", PARTS) + ")");
                }
            }
        }

        /** Seconds of frames per stream so that the input holds at least {@code windows} full windows. */
        int seconds() {
            return seconds(windows);
        }

        /** Seconds of frames per stream for the trivial-model job's input. */
        int trivialSeconds() {
            return seconds(trivialWindows);
        }

        private int seconds(int w) {
            return (w + streams - 1) / streams + 1;
        }
    }

    /** The parts, in the order they run. */
    public static final List<String> PARTS = List.of("ceiling", "batcher", "state", "pipeline", "max-batch-1",
            "per-record", "trivial", "audio", "audio-visual", "vad");

    /** Stream counts of the voice-activity part, and seconds of audio per stream. */
    static final int[] VAD_STREAMS = {1, 8, 32};
    static final double VAD_SECONDS = 10;

    /** The nearly free model with stmt-small's signature that the trivial-model job runs. */
    public static final String TRIVIAL_MODEL = "classpath:bench-trivial-action";

    /**
     * A warm-up run whose JIT compiling took more than this share of its runtime leaves the code still being
     * compiled: the next run would measure the compiler, so another warm-up run follows.
     */
    static final double SETTLED_COMPILE_SHARE = 0.10;

    private Bench() {}

    /**
     * The run with the highest throughput, or null for none: other work on the machine only ever
     * slows a run down, so the fastest run is the least disturbed one.
     */
    static PipelineBench.Run bestRun(List<PipelineBench.Run> runs) {
        return runs.stream().max(java.util.Comparator.comparingDouble(PipelineBench.Run::windowsPerSec)).orElse(null);
    }

    /** Runs the parts asked for, prints the report to {@code out} and writes it to {@code json} if given. */
    public static BenchReport run(Settings s, PrintStream out, Path json) throws Exception {
        ModelPackage pkg = ModelRef.of(s.model()).load();
        Engine engine = Engine.parse(s.jobSettings().getOrDefault(JobOptions.ENGINE.key(), JobOptions.ENGINE.defaultValue().id()));
        RuntimeOptions sessionOptions = RuntimeOptions.builder().optEngine(engine)
                .optIntraOpThreads(s.intraOpThreads()).build();
        BenchReport report = new BenchReport();
        // the MoCap model's and jobs' settings only where a MoCap part runs (the audio parts print their own)
        boolean mocap = s.parts().stream().anyMatch(p -> !List.of("audio", "audio-visual", "vad").contains(p));
        if (mocap) {
            report.settings.put("model", pkg.id() + " (" + s.model() + ")");
        }
        report.settings.put("engine", engine.id());
        report.settings.put("intra-op threads", s.intraOpThreads());
        report.settings.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        report.settings.put("ceiling sessions", s.workers() + " (one thread each, run at once)" + (mocap ? " and 1" : ""));
        report.settings.put("job", "parallelism " + s.parallelism() + (mocap ? ", " + s.streams() + " MoCap streams x "
                + s.seconds() + " s" : "") + ", batcher workers " + s.workers() + ", maxBatch " + s.maxBatch() + ", maxDelay "
                + s.maxDelay().toMillis() + " ms, at-least-once, bounded source");
        if (!s.jobSettings().isEmpty()) {
            report.settings.put("job settings", s.jobSettings());
        }
        report.ceilingSessions = s.workers();
        report.modelFlopsPerWindow = ModelFlops.perWindow(pkg).orElse(Double.NaN);
        if (mocap) {
            report.settings.put("FLOPs per window", Double.isNaN(report.modelFlopsPerWindow)
                    ? "not counted for this model.onnx (" + ModelFlops.RESOURCE + "; /usr/bin/python3 models/python/"
                            + "make_bench_models.py counts stmt-small)"
                    : String.format("%.3f GFLOP (2 x multiply-adds of %s; elementwise operators not counted)",
                            report.modelFlopsPerWindow / 1e9, ModelFlops.counted()));
        }
        long t0 = System.nanoTime();

        if (s.parts().contains("ceiling")) {
            out.printf("(1) engine ceiling, %d session(s) at once...%n", s.workers());
            MachineLoad load = MachineLoad.now();
            report.ceiling = EngineCeiling.measure(pkg, sessionOptions, s.batchSizes(), s.workers(),
                    s.windowsPerRepetition(), s.repetitions(), out);
            report.load.put("ceiling", load.since());
            if (s.workers() > 1) {
                out.println("    and 1 session...");
                load = MachineLoad.now();
                report.ceilingOneSession = EngineCeiling.measure(pkg, sessionOptions, s.batchSizes(), 1,
                        s.windowsPerRepetition(), s.repetitions(), out);
                report.load.put("ceiling, 1 session", load.since());
            } else {
                report.ceilingOneSession = report.ceiling;
            }
            ModelPackage gemm = ModelRef.of(GemmPeak.MODEL).load();
            out.printf("(1) GEMM peak: %d^3 float32 MatMul on the same engine, %d session(s) at once...%n", GemmPeak.N,
                    s.workers());
            load = MachineLoad.now();
            report.gemmPeak = GemmPeak.measure(gemm, sessionOptions, s.workers(), 2, s.repetitions(), out);
            out.printf("  %.1f GFLOP/s%n", report.gemmPeak.gflops());
            if (s.workers() > 1) {
                report.gemmPeakOneSession = GemmPeak.measure(gemm, sessionOptions, 1, 2, s.repetitions(), out);
                out.printf("  1 session: %.1f GFLOP/s%n", report.gemmPeakOneSession.gflops());
            } else {
                report.gemmPeakOneSession = report.gemmPeak;
            }
            report.load.put("GEMM peak", load.since());
        }
        if (s.parts().contains("batcher")) {
            out.printf("(1b) shared model and batcher alone, %d workers, maxBatch %d...%n", s.workers(), s.maxBatch());
            MachineLoad load = MachineLoad.now();
            report.batcher = BatcherCeiling.measure(pkg, sessionOptions.toBuilder().optWorkers(s.workers())
                    .optMaxBatch(s.maxBatch()).optMaxDelay(s.maxDelay()).optQueueCapacity(4096).build(),
                    Math.max(64, s.windowsPerRepetition() * s.workers() * 4), s.repetitions());
            report.load.put("batcher", load.since());
            out.printf("  %.1f windows/s, mean batch %.2f%n", report.batcher.windowsPerSec(), report.batcher.meanBatchSize());
        }
        if (s.parts().contains("state")) {
            out.println("(6) windower state...");
            StmtPreprocessing stmt = StmtPreprocessing.of(pkg);
            report.state = new ArrayList<>();
            for (int n : s.stateStreams()) {
                StateFootprint.Result r = StateFootprint.measure(stmt, n, Duration.ofSeconds(2));
                report.state.add(r);
                out.printf("  %d stream(s): %.0f B per stream in a checkpoint, %.0f B of heap%n", n,
                        r.snapshotBytesPerStream(), r.heapBytesPerStream());
            }
        }
        List<String> jobs = s.parts().stream().filter(p -> List.of("pipeline", "max-batch-1", "per-record", "trivial")
                .contains(p)).toList();
        if (!jobs.isEmpty()) {
            runJobs(s, pkg, sessionOptions, jobs, report, out);
        }
        if (s.parts().contains("audio")) {
            MachineLoad load = MachineLoad.now();
            report.audio = AudioBench.run(s, sessionOptions, jobSettings(s), out);
            report.load.put("audio", load.since());
        }
        if (s.parts().contains("audio-visual")) {
            MachineLoad load = MachineLoad.now();
            report.audioVisual = AudioVisualBench.run(s, sessionOptions, jobSettings(s), out);
            report.load.put("audio-visual", load.since());
        }
        if (s.parts().contains("vad")) {
            MachineLoad load = MachineLoad.now();
            report.vad = VadBench.run(VAD_STREAMS, VAD_SECONDS, out);
            report.load.put("vad", load.since());
        }
        report.settings.put("bench time", String.format("%.0f s", (System.nanoTime() - t0) / 1e9));
        report.print(out);
        if (json != null) {
            report.writeJson(json);
            out.printf("%nwrote %s%n", json);
        }
        return report;
    }

    /** The settings of every job: the user's, then the bench's engine and batcher settings. */
    private static Map<String, String> jobSettings(Settings s) {
        Map<String, String> job = new HashMap<>(s.jobSettings());
        job.put(JobOptions.INTRA_OP_THREADS.key(), Integer.toString(s.intraOpThreads()));
        job.put(JobOptions.WORKERS.key(), Integer.toString(s.workers()));
        job.put(JobOptions.MAX_BATCH.key(), Integer.toString(s.maxBatch()));
        job.put(JobOptions.MAX_DELAY.key(), s.maxDelay().toMillis() + "ms");
        job.putIfAbsent(JobOptions.QUEUE_CAPACITY.key(), "4096");
        return job;
    }

    /** The jobs, taking turns {@code s.jobRuns()} times after one warm-up run that is not counted. */
    private static void runJobs(Settings s, ModelPackage pkg, RuntimeOptions sessionOptions, List<String> jobs,
            BenchReport report, PrintStream out) throws Exception {
        out.printf("starting the broker (%s) and writing the input...%n",
                s.brokerInProcess() ? "in this JVM" : "a process of its own");
        try (PipelineBench bench = PipelineBench.start(s.brokerInProcess())) {
            int partitions = Math.max(4, s.parallelism());
            PipelineBench.Input modelInput = jobs.stream().anyMatch(j -> !j.equals("trivial"))
                    ? bench.write(s.streams(), s.seconds(), partitions, out) : null;
            // the nearly free model gets through its input a hundred times faster: it has an input of its own
            PipelineBench.Input trivialInput = jobs.contains("trivial")
                    ? bench.write(s.streams(), s.trivialSeconds(), partitions, out) : null;
            Map<String, String> job = jobSettings(s);
            job.put(ActionOptions.MODEL.key(), s.model());
            // the batching baseline: the same job, the same workers, one window per batch
            Map<String, String> batchOne = new HashMap<>(job);
            batchOne.put(JobOptions.MAX_BATCH.key(), "1");
            // the job's own cost: the same pipeline on a model that costs next to nothing
            Map<String, String> trivialJob = new HashMap<>(job);
            trivialJob.put(ActionOptions.MODEL.key(), TRIVIAL_MODEL);
            ModelPackage trivialPkg = jobs.contains("trivial") ? ModelRef.of(TRIVIAL_MODEL).load() : null;
            Jobs runner = new Jobs(bench, s, modelInput, trivialInput, job, batchOne, trivialJob);

            Map<String, List<PipelineBench.Run>> runs = new java.util.LinkedHashMap<>();
            jobs.forEach(j -> runs.put(j, new ArrayList<>()));
            List<EngineCeiling.Point> pairedCeilings = new ArrayList<>();
            List<EngineCeiling.Point> trivialCeilings = new ArrayList<>();
            // the first jobs in a JVM run slower while Flink's and Kafka's code is compiled: warm-up runs, not counted,
            // of the trivial-model job (the same Java code as the others, a hundred times the windows per second)
            // until the JIT compiler has settled or --max-warm-ups; its counted runs follow at once, before the model
            // jobs change the code's profile; then one warm-up run of the first model job and the model jobs taking turns
            if (jobs.contains("trivial")) {
                for (int w = 1; w <= s.maxWarmUps(); w++) {
                    PipelineBench.Run warmUp = warmUp(runner, "trivial", report, out);
                    if (!warmUp.stillCompiling(SETTLED_COMPILE_SHARE)) {
                        break;
                    }
                }
                for (int i = 0; i < s.jobRuns(); i++) {
                    PipelineBench.Run r = countedRun(runner, "trivial", i, s, bench, report, runs, out);
                    // the trivial model's own engine CPU per window, to subtract from the job's
                    int b = Math.max(1, (int) Math.round(r.meanBatchSize()));
                    trivialCeilings.add(EngineCeiling.measure(trivialPkg, sessionOptions,
                            EngineCeiling.sampleWindows(trivialPkg, 64), new int[] {b}, s.workers(),
                            s.windowsPerRepetition() * 8, s.repetitions(), out, "trivial model").get(0));
                }
            }
            List<String> modelJobs = jobs.stream().filter(j -> !j.equals("trivial")).toList();
            if (!modelJobs.isEmpty()) {
                warmUp(runner, modelJobs.get(0), report, out);
            }
            for (int i = 0; i < s.jobRuns(); i++) {
                String suffix = s.jobRuns() > 1 ? " " + (i + 1) : "";
                for (String j : modelJobs) {
                    boolean paired = j.equals("pipeline") && s.parts().contains("ceiling");
                    // the engine alone at the pipeline's batch size right before and right after it, their mean the
                    // pipeline's pair: the machine's speed drifts over minutes, and a ratio of two measurements far
                    // apart carries that drift
                    int b = Math.max(1, Math.min(s.maxBatch(), report.pipeline == null ? s.maxBatch()
                            : (int) Math.round(report.pipeline.meanBatchSize())));
                    EngineCeiling.Point before = null;
                    if (paired) {
                        out.printf("  engine ceiling at batch %d, right before the pipeline...%n", b);
                        MachineLoad load = MachineLoad.now();
                        before = EngineCeiling.measure(pkg, sessionOptions, new int[] {b}, s.workers(),
                                s.windowsPerRepetition(), s.repetitions(), out).get(0);
                        report.load.put("ceiling before pipeline" + suffix, load.since());
                    }
                    PipelineBench.Run r = countedRun(runner, j, i, s, bench, report, runs, out);
                    if (paired) {
                        out.printf("  engine ceiling at batch %d, right after it...%n", b);
                        MachineLoad load = MachineLoad.now();
                        EngineCeiling.Point after = EngineCeiling.measure(pkg, sessionOptions, new int[] {b}, s.workers(),
                                s.windowsPerRepetition(), s.repetitions(), out).get(0);
                        report.load.put("ceiling after pipeline" + suffix, load.since());
                        pairedCeilings.add(EngineCeiling.meanOf(before, after));
                    }
                }
            }
            report.pipelineRunList = runs.getOrDefault("pipeline", List.of());
            report.maxBatchOneRunList = runs.getOrDefault("max-batch-1", List.of());
            report.perRecordRunList = runs.getOrDefault("per-record", List.of());
            report.trivialRunList = runs.getOrDefault("trivial", List.of());
            report.pipeline = bestRun(report.pipelineRunList);
            report.maxBatchOne = bestRun(report.maxBatchOneRunList);
            report.perRecord = bestRun(report.perRecordRunList);
            report.trivial = bestRun(report.trivialRunList);
            report.pipelineRuns = report.pipelineRunList.stream().mapToDouble(PipelineBench.Run::windowsPerSec).toArray();
            report.perRecordRuns = report.perRecordRunList.stream().mapToDouble(PipelineBench.Run::windowsPerSec).toArray();
            report.pairedCeilings = pairedCeilings.isEmpty() ? null : pairedCeilings;
            report.pairedCeilingRuns = pairedCeilings.isEmpty() ? null
                    : pairedCeilings.stream().mapToDouble(EngineCeiling.Point::windowsPerSec).toArray();
            report.trivialCeilings = trivialCeilings.isEmpty() ? null : trivialCeilings;
        }
    }

    private static PipelineBench.Run warmUp(Jobs runner, String job, BenchReport report, PrintStream out) throws Exception {
        out.printf("warm-up run %d, %s job (not counted)...%n", report.warmUps.size() + 1, job);
        PipelineBench.Run warmUp = runner.run(job);
        report.warmUps.add(warmUp);
        out.printf("  %.1f windows/s, JIT compiling %.1f s of the job's %.1f s%n", warmUp.windowsPerSec(),
                warmUp.jobCompileSeconds(), warmUp.jobSeconds());
        return warmUp;
    }

    private static PipelineBench.Run countedRun(Jobs runner, String job, int i, Settings s, PipelineBench bench,
            BenchReport report, Map<String, List<PipelineBench.Run>> runs, PrintStream out) throws Exception {
        out.printf("(%s) %s job, run %d of %d...%n", BenchReport.number(job), job, i + 1, s.jobRuns());
        MachineLoad load = MachineLoad.now(bench.brokerPid());
        PipelineBench.Run r = runner.run(job);
        report.load.put(job + (s.jobRuns() > 1 ? " " + (i + 1) : ""), load.since());
        runs.get(job).add(r);
        if (job.equals("pipeline")) {
            report.pipeline = bestRun(runs.get(job));
        }
        out.printf("  %.1f windows/s, mean batch %.2f, %.2f ms CPU per window (%.2f cores)%n",
                r.windowsPerSec(), r.meanBatchSize(), r.cpuMsPerWindow(), r.busyCores());
        return r;
    }

    /** The jobs of the bench on their inputs. */
    private record Jobs(PipelineBench bench, Settings s, PipelineBench.Input modelInput, PipelineBench.Input trivialInput,
            Map<String, String> pipeline, Map<String, String> batchOne, Map<String, String> trivial) {
        PipelineBench.Run run(String job) throws Exception {
            return switch (job) {
                case "pipeline" -> bench.run(modelInput, PipelineBench.Kind.PIPELINE, s.parallelism(), pipeline);
                case "max-batch-1" -> bench.run(modelInput, PipelineBench.Kind.PIPELINE, s.parallelism(), batchOne);
                case "per-record" -> bench.run(modelInput, PipelineBench.Kind.PER_RECORD, s.parallelism(), pipeline);
                case "trivial" -> bench.run(trivialInput, PipelineBench.Kind.PIPELINE, s.parallelism(), trivial);
                default -> throw new IllegalArgumentException("not a job: " + job);
            };
        }
    }
}
