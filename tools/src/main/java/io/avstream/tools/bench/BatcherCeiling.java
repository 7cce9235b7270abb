package io.avstream.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.avstream.models.BatcherStats;
import io.avstream.models.InferenceResult;
import io.avstream.models.ModelHandle;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.SharedModels;

/**
 * The shared model and its dynamic batcher alone: prepared windows submitted as fast as the queue
 * takes them, no Kafka, no Flink. Between the engine ceiling and the pipeline, it tells how much of
 * a gap is the batcher's and how much the job's.
 */
public final class BatcherCeiling {

    /**
     * The result: median windows/s of the repetitions and the batches the batcher ran.
     *
     * @param windowsPerSec median over the repetitions
     * @param repetitions   windows/s of each repetition
     * @param meanBatchSize mean batch size over all repetitions
     */
    public record Result(double windowsPerSec, double[] repetitions, double meanBatchSize) {}

    private BatcherCeiling() {}

    /** Submits {@code windows} prepared windows {@code repetitions} times (after one warm-up round) and waits for them. */
    public static Result measure(ModelPackage pkg, RuntimeOptions options, int windows, int repetitions) {
        List<Map<String, float[]>> samples = EngineCeiling.sampleWindows(pkg, 64);
        try (ModelHandle model = SharedModels.acquire(pkg, options)) {
            round(model, samples, Math.min(windows, 4 * options.maxBatch() * options.resolvedWorkers()));
            BatcherStats before = model.stats();
            double[] reps = new double[repetitions];
            for (int r = 0; r < repetitions; r++) {
                reps[r] = round(model, samples, windows);
            }
            BatcherStats after = model.stats();
            double batches = after.batches() - before.batches();
            double mean = batches == 0 ? 0 : (after.batchedSamples() - before.batchedSamples()) / batches;
            return new Result(EngineCeiling.median(reps), reps, mean);
        }
    }

    private static double round(ModelHandle model, List<Map<String, float[]>> samples, int windows) {
        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>(windows);
        long t0 = System.nanoTime();
        for (int i = 0; i < windows; i++) {
            futures.add(model.submit(samples.get(i % samples.size()), Long.MAX_VALUE));
        }
        for (CompletableFuture<InferenceResult> f : futures) {
            f.join();
        }
        return windows / ((System.nanoTime() - t0) / 1e9);
    }
}
