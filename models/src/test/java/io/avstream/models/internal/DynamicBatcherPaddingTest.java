package io.avstream.models.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.avstream.models.BatcherStats;
import io.avstream.models.InferenceResult;
import io.avstream.models.Tensor;
import io.avstream.models.TensorSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DynamicBatcherPaddingTest {
    private static final List<TensorSpec> INPUTS = List.of(new TensorSpec("in", "float32", new long[] {-1, 2}));

    @Test
    void countsThePaddingOfFixedShapeRunners() throws Exception {
        try (DynamicBatcher batcher = new DynamicBatcher("padded", INPUTS, List.of(), 8, Duration.ofSeconds(10).toNanos(), 64,
                List.of(new FixedBatchRunner(8)), 0)) {
            // 8 requests fill one batch
            List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(batcher.submit(Map.of("in", new float[] {i, i}), Long.MAX_VALUE));
            }
            for (CompletableFuture<InferenceResult> f : futures) {
                f.get(5, TimeUnit.SECONDS);
            }
            // a deadline makes the next batch of 3 flush early, padded to 8
            long deadline = System.nanoTime() + Duration.ofMillis(100).toNanos();
            List<CompletableFuture<InferenceResult>> small = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                small.add(batcher.submit(Map.of("in", new float[] {i, i}), deadline));
            }
            for (CompletableFuture<InferenceResult> f : small) {
                assertThat(f.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(3);
            }
            BatcherStats stats = batcher.stats();
            assertThat(stats.batches()).isEqualTo(2);
            assertThat(stats.batchedSamples()).isEqualTo(11);
            assertThat(stats.paddedSamples()).isEqualTo(5);
            assertThat(stats.paddingWaste()).isCloseTo(5.0 / 16, org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    @Test
    void dynamicShapeRunnersWasteNothing() throws Exception {
        try (DynamicBatcher batcher = new DynamicBatcher("dynamic", INPUTS, List.of(), 8, 0, 64,
                List.of(new FixedBatchRunner(0)), 0)) {
            batcher.submit(Map.of("in", new float[] {1, 2}), Long.MAX_VALUE).get(5, TimeUnit.SECONDS);
            assertThat(batcher.stats().paddedSamples()).isZero();
            assertThat(batcher.stats().paddingWaste()).isZero();
        }
    }

    /** Echoes its input; declares a fixed batch (0: any). */
    private static final class FixedBatchRunner implements BatchRunner {
        private final int fixed;

        FixedBatchRunner(int fixed) {
            this.fixed = fixed;
        }

        @Override
        public Map<String, float[]> runBatch(Map<String, Tensor> batchedInputs, int batchSize) {
            return Map.of("out", batchedInputs.get("in").floats().clone());
        }

        @Override
        public int paddedBatch() {
            return fixed;
        }

        @Override
        public void close() {
        }
    }
}
