package io.avstream.deploy.bench;

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
 * The {@code bench} run: engine ceiling, pipeline, per-record baseline and windower state, in this
 * order, in this JVM, then the table and ratios ({@link BenchReport}).
 */
public final class Bench {

    /** What to run and how; see {@code avstream bench --help}. */
    public record Settings(String model, int windows, int[] batchSizes, int streams, int parallelism, int workers,
            int intraOpThreads, int maxBatch, Duration maxDelay, int repetitions, int windowsPerRepetition,
            int[] stateStreams, List<String> parts, Map<String, String> jobSettings, int jobRuns) {

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
            if (windows < 1 || streams < 1 || parallelism < 1 || workers < 1 || repetitions < 1 || jobRuns < 1) {
                throw new IllegalArgumentException(
                        "--windows, --streams, --parallelism, --workers, --repetitions and --job-runs must be positive");
            }
            for (String p : parts) {
                if (!List.of("ceiling", "batcher", "pipeline", "per-record", "state").contains(p)) {
                    throw new IllegalArgumentException(
                            "unknown part '" + p + "' (known: ceiling, batcher, pipeline, per-record, state)");
                }
            }
        }

        /** Seconds of frames per stream so that the input holds at least {@code windows} full windows. */
        int seconds() {
            return (windows + streams - 1) / streams + 1;
        }
    }

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
        Engine engine = Engine.parse(s.jobSettings().getOrDefault(JobOptions.ENGINE.key(), JobOptions.ENGINE.defaultValue()));
        RuntimeOptions sessionOptions = RuntimeOptions.builder().optEngine(engine)
                .optIntraOpThreads(s.intraOpThreads()).build();
        BenchReport report = new BenchReport();
        report.settings.put("model", pkg.id() + " (" + s.model() + ")");
        report.settings.put("engine", engine.id());
        report.settings.put("intra-op threads", s.intraOpThreads());
        report.settings.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        report.settings.put("ceiling sessions", s.workers() + " (one thread each, run at once) and 1");
        report.settings.put("job", "parallelism " + s.parallelism() + ", " + s.streams() + " streams x " + s.seconds()
                + " s, batcher workers " + s.workers() + ", maxBatch " + s.maxBatch() + ", maxDelay " + s.maxDelay().toMillis()
                + " ms, at-least-once, bounded source");
        if (!s.jobSettings().isEmpty()) {
            report.settings.put("job settings", s.jobSettings());
        }
        report.ceilingSessions = s.workers();
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
            out.println("(4) windower state...");
            StmtPreprocessing stmt = StmtPreprocessing.of(pkg);
            report.state = new ArrayList<>();
            for (int n : s.stateStreams()) {
                StateFootprint.Result r = StateFootprint.measure(stmt, n, Duration.ofSeconds(2));
                report.state.add(r);
                out.printf("  %d stream(s): %.0f B per stream in a checkpoint, %.0f B of heap%n", n,
                        r.snapshotBytesPerStream(), r.heapBytesPerStream());
            }
        }
        if (s.parts().contains("pipeline") || s.parts().contains("per-record")) {
            out.printf("writing the input to the in-process broker...%n");
            try (PipelineBench bench = PipelineBench.prepare(s.streams(), s.seconds(), Math.max(4, s.parallelism()), out)) {
                Map<String, String> job = new HashMap<>(s.jobSettings());
                job.put(JobOptions.ACTION_MODEL.key(), s.model());
                job.put(JobOptions.INTRA_OP_THREADS.key(), Integer.toString(s.intraOpThreads()));
                job.put(JobOptions.WORKERS.key(), Integer.toString(s.workers()));
                job.put(JobOptions.MAX_BATCH.key(), Integer.toString(s.maxBatch()));
                job.put(JobOptions.MAX_DELAY.key(), s.maxDelay().toMillis() + "ms");
                job.putIfAbsent(JobOptions.QUEUE_CAPACITY.key(), "4096");
                // the two jobs take turns, so that a change of the machine's load touches both alike
                List<PipelineBench.Run> pipelines = new ArrayList<>();
                List<PipelineBench.Run> perRecords = new ArrayList<>();
                List<Double> pairedCeilings = new ArrayList<>();
                // the first job in a JVM runs ~15 % slower while Flink's and Kafka's code is compiled: not counted
                PipelineBench.Kind warmUpKind = s.parts().contains("pipeline") ? PipelineBench.Kind.PIPELINE
                        : PipelineBench.Kind.PER_RECORD;
                out.printf("warm-up run of the %s job (not counted)...%n", warmUpKind.name().toLowerCase(java.util.Locale.ROOT));
                PipelineBench.Run warmUp = bench.run(warmUpKind, s.parallelism(), job);
                out.printf("  %.1f windows/s%n", warmUp.windowsPerSec());
                for (int i = 0; i < s.jobRuns(); i++) {
                    if (s.parts().contains("pipeline")) {
                        out.printf("(2) pipeline, run %d of %d...%n", i + 1, s.jobRuns());
                        MachineLoad load = MachineLoad.now();
                        PipelineBench.Run r = bench.run(PipelineBench.Kind.PIPELINE, s.parallelism(), job);
                        report.load.put("pipeline" + (s.jobRuns() > 1 ? " " + (i + 1) : ""), load.since());
                        pipelines.add(r);
                        out.printf("  %.1f windows/s, mean batch %.2f%n", r.windowsPerSec(), r.meanBatchSize());
                        if (s.parts().contains("ceiling")) {
                            // the engine alone at the batch size the job used, right after it: the machine's speed
                            // drifts over minutes, and a ratio of two measurements far apart carries that drift
                            int b = Math.max(1, (int) Math.round(r.meanBatchSize()));
                            out.printf("  engine ceiling at batch %d, right after it...%n", b);
                            load = MachineLoad.now();
                            pairedCeilings.add(EngineCeiling.measure(pkg, sessionOptions, new int[] {b}, s.workers(),
                                    s.windowsPerRepetition(), s.repetitions(), out).get(0).windowsPerSec());
                            report.load.put("ceiling after pipeline" + (s.jobRuns() > 1 ? " " + (i + 1) : ""), load.since());
                        }
                    }
                    if (s.parts().contains("per-record")) {
                        out.printf("(3) per-record baseline, run %d of %d...%n", i + 1, s.jobRuns());
                        MachineLoad load = MachineLoad.now();
                        PipelineBench.Run r = bench.run(PipelineBench.Kind.PER_RECORD, s.parallelism(), job);
                        report.load.put("per-record" + (s.jobRuns() > 1 ? " " + (i + 1) : ""), load.since());
                        perRecords.add(r);
                        out.printf("  %.1f windows/s%n", r.windowsPerSec());
                    }
                }
                report.pipeline = bestRun(pipelines);
                report.perRecord = bestRun(perRecords);
                report.pipelineRuns = pipelines.stream().mapToDouble(PipelineBench.Run::windowsPerSec).toArray();
                report.perRecordRuns = perRecords.stream().mapToDouble(PipelineBench.Run::windowsPerSec).toArray();
                report.pairedCeilingRuns = pairedCeilings.isEmpty() ? null
                        : pairedCeilings.stream().mapToDouble(Double::doubleValue).toArray();
            }
        }
        report.settings.put("bench time", String.format("%.0f s", (System.nanoTime() - t0) / 1e9));
        report.print(out);
        if (json != null) {
            report.writeJson(json);
            out.printf("%nwrote %s%n", json);
        }
        return report;
    }
}
