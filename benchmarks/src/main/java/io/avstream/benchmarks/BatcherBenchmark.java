package io.avstream.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.avstream.models.InferenceResult;
import io.avstream.models.Tensor;
import io.avstream.models.TensorSpec;
import io.avstream.models.internal.BatchRunner;
import io.avstream.models.internal.DynamicBatcher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dynamic batcher's own cost per request, with a model that does nothing (returns zeros at
 * once): queueing, hand-over to the worker thread, building the batch buffers, slicing the outputs
 * and completing the futures. {@code tiny} samples are 4 floats; {@code stmt} samples have the
 * STMT inputs' sizes (24 x 128 x 3 points and 24 x 128 x 128 geodesic distances, 1.6 MB), so the
 * batch copy shows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatcherBenchmark {
    private static final int BURST = 16;

    @Param({"tiny", "stmt"})
    public String sample;

    private DynamicBatcher batcher;
    private Map<String, float[]> inputs;

    @Setup(Level.Trial)
    public void setUp() {
        List<TensorSpec> specs = sample.equals("tiny")
                ? List.of(new TensorSpec("x", "float32", new long[] {-1, 4}))
                : List.of(new TensorSpec("points", "float32", new long[] {-1, 24, 128, 3}),
                        new TensorSpec("geodist", "float32", new long[] {-1, 24, 128, 128}));
        inputs = new LinkedHashMap<>();
        for (TensorSpec t : specs) {
            inputs.put(t.name(), new float[t.sampleSize()]);
        }
        batcher = new DynamicBatcher("bench", specs, List.of(), BURST, 0, 1024, List.of(new NoOpRunner(8)), 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batcher.close();
    }

    /** One request at a time, waiting for its result: the round trip through the queue and a worker. */
    @Benchmark
    public InferenceResult oneRequest() {
        return batcher.submit(inputs, Long.MAX_VALUE).join();
    }

    /** 16 requests submitted back to back, then awaited: the cost per request when batches fill. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int burstOf16() {
        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>(BURST);
        for (int i = 0; i < BURST; i++) {
            futures.add(batcher.submit(inputs, Long.MAX_VALUE));
        }
        int n = 0;
        for (CompletableFuture<InferenceResult> f : futures) {
            n += f.join().batchSize();
        }
        return n;
    }

    /** Returns {@code classes} zeros per sample at once. */
    private static final class NoOpRunner implements BatchRunner {
        private final int classes;

        NoOpRunner(int classes) {
            this.classes = classes;
        }

        @Override
        public Map<String, float[]> runBatch(Map<String, Tensor> batchedInputs, int batchSize) {
            return Map.of("logits", new float[batchSize * classes]);
        }

        @Override
        public void close() {
        }
    }
}
