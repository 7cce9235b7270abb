package io.avstream.tools.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.avstream.tools.bench.Bench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: in one run on one model and machine, the engine's ceiling (batched
 * {@code runBatch} on prepared inputs) with its GFLOP/s against a GEMM peak, the full pipeline
 * through Kafka and Flink, the same job at max batch 1, a per-record job, the pipeline on a nearly
 * free model, their ratios, and the windower's state per stream.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the engine ceiling (with GFLOP/s against a GEMM peak on the same engine), the full pipeline "
                + "(Kafka -> Flink -> Kafka), the same job at max batch 1 (batching baseline), a per-record job (async "
                + "baseline), the pipeline on a nearly free model (the job's own cost), their ratios and the windower's "
                + "state per stream, in one run.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "classpath:stmt-small", description = "Model package (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--windows", defaultValue = "1200",
            description = "Windows in every job's run (default ${DEFAULT-VALUE}); the input holds streams x (seconds - 1) full windows.")
    int windows;

    @Option(names = "--batch-sizes", defaultValue = "1,2,4,8,16,32,64", split = ",",
            description = "Batch sizes of the engine ceiling (default ${DEFAULT-VALUE}); the first must be 1.")
    List<Integer> batchSizes;

    @Option(names = "--json", description = "Also write the results as JSON to this file.")
    Path json;

    @Option(names = "--streams", defaultValue = "64", description = "MoCap streams in the input (default ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism of both jobs (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--workers", defaultValue = "2",
            description = "Batcher workers of the pipeline, each with its own predictor; also the engine sessions run at once "
                    + "for the ceiling (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--intra-op-threads", defaultValue = "1",
            description = "ONNX Runtime intra-op threads per session, everywhere (default ${DEFAULT-VALUE}).")
    int intraOpThreads;

    @Option(names = "--max-batch", defaultValue = "4",
            description = "The pipeline's largest batch (default ${DEFAULT-VALUE}: on ONNX Runtime CPU larger batches are no faster per window).")
    int maxBatch;

    @Option(names = "--max-delay", defaultValue = "10ms", converter = DurationConverter.class,
            description = "The pipeline's longest wait for a batch to fill (default ${DEFAULT-VALUE}).")
    Duration maxDelay;

    @Option(names = "--repetitions", defaultValue = "5", description = "Timed repetitions per batch size (default ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--windows-per-repetition", defaultValue = "32",
            description = "Windows per session in one timed repetition of the ceiling, at least 2 batches (default ${DEFAULT-VALUE}).")
    int windowsPerRepetition;

    @Option(names = "--job-runs", defaultValue = "1",
            description = "Runs of each job, taking turns, after warm-up runs that are not counted (--max-warm-ups); the fastest run "
                    + "of each is reported, and each pipeline run is compared with the engine ceiling measured right after it "
                    + "(default ${DEFAULT-VALUE}).")
    int jobRuns;

    @Option(names = "--trivial-windows", defaultValue = "4800",
            description = "Windows in the trivial-model job's runs, on an input of their own (default ${DEFAULT-VALUE}).")
    int trivialWindows;

    @Option(names = "--max-warm-ups", defaultValue = "10",
            description = "Warm-up runs of the trivial-model job (when it is measured), not counted, at most; they stop once the "
                    + "JIT compiler took less than 10 %% of a run; then one warm-up run of the first model job (default ${DEFAULT-VALUE}).")
    int maxWarmUps;

    @Option(names = "--broker-in-process",
            description = "Run the Kafka broker in this JVM instead of a process of its own; its CPU time is then part of "
                    + "the job's.")
    boolean brokerInProcess;

    @Option(names = "--state-streams", defaultValue = "1,100,1000", split = ",",
            description = "Stream counts at which the windower's state is measured (default ${DEFAULT-VALUE}).")
    List<Integer> stateStreams;

    @Option(names = "--audio-windows", defaultValue = "240",
            description = "Windows in the audio-events job's runs (8 streams of 16 kHz audio, a window a second each) "
                    + "(default ${DEFAULT-VALUE}).")
    int audioWindows;

    @Option(names = "--parts", defaultValue = "ceiling,batcher,state,pipeline,max-batch-1,per-record,trivial,audio,audio-visual,vad", split = ",",
            description = "What to measure (default ${DEFAULT-VALUE}); the jobs run in this order.")
    List<String> parts;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A job option (avstream.*) for every job; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Bench.Settings s = new Bench.Settings(model, windows, batchSizes.stream().mapToInt(Integer::intValue).toArray(),
                streams, parallelism, workers, intraOpThreads, maxBatch, maxDelay, repetitions, windowsPerRepetition,
                stateStreams.stream().mapToInt(Integer::intValue).toArray(), parts, settings, jobRuns, trivialWindows,
                maxWarmUps, brokerInProcess, audioWindows);
        Bench.run(s, out, json);
        return 0;
    }
}
