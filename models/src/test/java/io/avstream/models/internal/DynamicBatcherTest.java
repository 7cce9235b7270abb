package io.avstream.models.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avstream.models.BatcherStats;
import io.avstream.models.InferenceException;
import io.avstream.models.InferenceRejectedException;
import io.avstream.models.InferenceRejectedException.Reason;
import io.avstream.models.InferenceResult;
import io.avstream.models.Tensor;
import io.avstream.models.TensorSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {
    private static final List<TensorSpec> INPUTS = List.of(new TensorSpec("in", "float32", new long[] {-1, 2}));
    private static final long LONG_DELAY = Duration.ofSeconds(10).toNanos();
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final List<DynamicBatcher> batchers = new ArrayList<>();

    @AfterEach
    void closeBatchers() {
        batchers.forEach(DynamicBatcher::close);
    }

    @Test
    void flushesWhenMaxBatchReached() throws Exception {
        FakeRunner runner = new FakeRunner();
        DynamicBatcher batcher = start(4, LONG_DELAY, 64, runner, 0);

        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(batcher.submit(sample(i), NO_DEADLINE));
        }

        for (CompletableFuture<InferenceResult> f : futures) {
            assertThat(f.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(4);
        }
        assertThat(runner.batchSizes).containsExactly(4);
    }

    @Test
    void flushesWhenMaxDelayElapses() throws Exception {
        FakeRunner runner = new FakeRunner();
        long maxDelay = Duration.ofMillis(150).toNanos();
        DynamicBatcher batcher = start(8, maxDelay, 64, runner, 0);

        CompletableFuture<InferenceResult> first = batcher.submit(sample(0), NO_DEADLINE);
        CompletableFuture<InferenceResult> second = batcher.submit(sample(1), NO_DEADLINE);
        CompletableFuture<InferenceResult> third = batcher.submit(sample(2), NO_DEADLINE);

        InferenceResult r = first.get(5, TimeUnit.SECONDS);
        assertThat(r.batchSize()).isEqualTo(3);
        assertThat(r.queueNanos()).isGreaterThanOrEqualTo(maxDelay - Duration.ofMillis(5).toNanos());
        assertThat(second.get().batchSize()).isEqualTo(3);
        assertThat(third.get().batchSize()).isEqualTo(3);
        assertThat(runner.batchSizes).containsExactly(3);
    }

    @Test
    void flushesEarlierForTightDeadline() throws Exception {
        FakeRunner runner = new FakeRunner();
        long expectedInference = Duration.ofMillis(50).toNanos();
        DynamicBatcher batcher = start(8, LONG_DELAY, 64, runner, expectedInference);

        long submitted = System.nanoTime();
        long deadline = submitted + Duration.ofMillis(200).toNanos();
        InferenceResult r = batcher.submit(sample(0), deadline).get(5, TimeUnit.SECONDS);

        assertThat(r.batchSize()).isEqualTo(1);
        long slack = Duration.ofMillis(40).toNanos();
        assertThat(r.queueNanos()).isLessThanOrEqualTo(deadline - submitted - expectedInference + slack);
        assertThat(r.queueNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(System.nanoTime()).isLessThan(deadline + Duration.ofSeconds(1).toNanos());
    }

    @Test
    void waitsForMoreRequestsWhileTheDeadlineAllows() throws Exception {
        FakeRunner runner = new FakeRunner();
        DynamicBatcher batcher = start(8, LONG_DELAY, 64, runner, Duration.ofMillis(10).toNanos());

        long deadline = System.nanoTime() + Duration.ofMillis(400).toNanos();
        CompletableFuture<InferenceResult> first = batcher.submit(sample(0), deadline);
        Thread.sleep(50);
        CompletableFuture<InferenceResult> second = batcher.submit(sample(1), NO_DEADLINE);

        assertThat(first.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(2);
        assertThat(second.get().batchSize()).isEqualTo(2);
    }

    @Test
    void rejectsWhenQueueFull() throws Exception {
        BlockingRunner runner = new BlockingRunner();
        DynamicBatcher batcher = start(1, 0, 2, runner, 0);

        CompletableFuture<InferenceResult> running = batcher.submit(sample(0), NO_DEADLINE);
        assertThat(runner.entered.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<InferenceResult> queued1 = batcher.submit(sample(1), NO_DEADLINE);
        CompletableFuture<InferenceResult> queued2 = batcher.submit(sample(2), NO_DEADLINE);
        CompletableFuture<InferenceResult> refused = batcher.submit(sample(3), NO_DEADLINE);

        assertThat(refused).isCompletedExceptionally();
        assertRejected(refused, Reason.QUEUE_FULL);
        assertThat(batcher.stats().rejected(Reason.QUEUE_FULL)).isEqualTo(1);
        assertThat(batcher.stats().queueDepth()).isEqualTo(2);

        runner.release.countDown();
        assertThat(running.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
        assertThat(queued1.get(5, TimeUnit.SECONDS).outputs().get("out")).containsExactly(2f, 3f);
        assertThat(queued2.get(5, TimeUnit.SECONDS).outputs().get("out")).containsExactly(4f, 5f);
    }

    @Test
    void rejectsRequestAlreadyPastDeadline() {
        DynamicBatcher batcher = start(4, 0, 16, new FakeRunner(), 0);

        CompletableFuture<InferenceResult> late = batcher.submit(sample(0), System.nanoTime() - 1);

        assertRejected(late, Reason.DEADLINE_MISSED);
        assertThat(batcher.stats().rejected(Reason.DEADLINE_MISSED)).isEqualTo(1);
    }

    @Test
    void rejectsRequestWhoseDeadlinePassesWhileQueued() throws Exception {
        BlockingRunner runner = new BlockingRunner();
        DynamicBatcher batcher = start(1, 0, 16, runner, 0);

        CompletableFuture<InferenceResult> running = batcher.submit(sample(0), NO_DEADLINE);
        assertThat(runner.entered.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<InferenceResult> tight = batcher.submit(sample(1), System.nanoTime()
                + Duration.ofMillis(20).toNanos());
        CompletableFuture<InferenceResult> relaxed = batcher.submit(sample(2), NO_DEADLINE);
        Thread.sleep(100);
        runner.release.countDown();

        assertThat(running.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(relaxed.get(5, TimeUnit.SECONDS)).isNotNull();
        assertRejected(tight, Reason.DEADLINE_MISSED);
    }

    @Test
    void splitsOutputsPerSample() throws Exception {
        FakeRunner runner = new FakeRunner();
        DynamicBatcher batcher = start(3, LONG_DELAY, 16, runner, 0);

        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(batcher.submit(sample(i), NO_DEADLINE));
        }

        for (int i = 0; i < 3; i++) {
            InferenceResult r = futures.get(i).get(5, TimeUnit.SECONDS);
            assertThat(r.outputs().get("out")).containsExactly(2f * i, 2f * i + 1);
            assertThat(r.outputs().get("sum")).containsExactly(2f * i + 0.5f);
            assertThat(r.inferenceEndMicros()).isGreaterThanOrEqualTo(r.inferenceStartMicros());
        }
    }

    @Test
    void failsBatchWhenRunnerFails() {
        BatchRunner broken = new FakeRunner() {
            @Override
            public Map<String, float[]> runBatch(Map<String, Tensor> batchedInputs, int batchSize) {
                throw new IllegalStateException("boom");
            }
        };
        DynamicBatcher batcher = start(2, 0, 16, broken, 0);

        CompletableFuture<InferenceResult> f = batcher.submit(sample(0), NO_DEADLINE);

        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InferenceException.class)
                .hasMessageContaining("boom");
        assertThat(batcher.stats().failed()).isEqualTo(1);
    }

    @Test
    void refusesWrongSampleInputs() {
        DynamicBatcher batcher = start(2, 0, 16, new FakeRunner(), 0);

        assertThatThrownBy(() -> batcher.submit(Map.of("in", new float[3]), NO_DEADLINE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input 'in' has 3 values, expected 2 ([2])");
        assertThatThrownBy(() -> batcher.submit(Map.of(), NO_DEADLINE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing input 'in' (request inputs: [in])");
        assertThatThrownBy(() -> batcher.submit(Map.of("in", new float[2], "extra", new float[1]), NO_DEADLINE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown input 'extra' (request inputs: [in])");
    }

    @Test
    void closeRejectsQueuedRequestsAndClosesRunners() throws Exception {
        BlockingRunner runner = new BlockingRunner();
        DynamicBatcher batcher = new DynamicBatcher("test", INPUTS, List.of(), 1, 0, 16, List.of(runner), 0);

        CompletableFuture<InferenceResult> running = batcher.submit(sample(0), NO_DEADLINE);
        assertThat(runner.entered.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<InferenceResult> queued = batcher.submit(sample(1), NO_DEADLINE);
        Thread closer = new Thread(batcher::close);
        closer.start();
        Thread.sleep(50);
        runner.release.countDown();
        closer.join(10_000);

        assertThat(running.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
        assertRejected(queued, Reason.SHUTDOWN);
        assertRejected(batcher.submit(sample(2), NO_DEADLINE), Reason.SHUTDOWN);
        assertThat(runner.closed).isTrue();
    }

    @Test
    void countsBatchesAndAverages() throws Exception {
        FakeRunner runner = new FakeRunner();
        DynamicBatcher batcher = start(2, LONG_DELAY, 16, runner, 0);

        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(batcher.submit(sample(i), NO_DEADLINE));
        }
        for (CompletableFuture<InferenceResult> f : futures) {
            f.get(5, TimeUnit.SECONDS);
        }

        BatcherStats stats = batcher.stats();
        assertThat(stats.submitted()).isEqualTo(4);
        assertThat(stats.completed()).isEqualTo(4);
        assertThat(stats.batches()).isEqualTo(2);
        assertThat(stats.meanBatchSize()).isEqualTo(2.0);
        assertThat(stats.meanQueueNanos()).isPositive();
        assertThat(stats.rejected()).isZero();
        assertThat(stats.expectedInferenceNanos()).isPositive();
    }

    @Test
    void spreadsWorkOverSeveralWorkers() throws Exception {
        FakeRunner a = new FakeRunner();
        FakeRunner b = new FakeRunner();
        DynamicBatcher batcher = new DynamicBatcher("test", INPUTS, List.of(), 1, 0, 64, List.of(a, b), 0);
        batchers.add(batcher);

        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            futures.add(batcher.submit(sample(i), NO_DEADLINE));
        }
        for (int i = 0; i < 40; i++) {
            assertThat(futures.get(i).get(5, TimeUnit.SECONDS).outputs().get("out")).containsExactly(2f * i, 2f * i + 1);
        }
        assertThat(a.batchSizes.size() + b.batchSizes.size()).isEqualTo(40);
    }

    private DynamicBatcher start(int maxBatch, long maxDelayNanos, int capacity, BatchRunner runner, long estimate) {
        DynamicBatcher batcher = new DynamicBatcher("test", INPUTS, List.of(), maxBatch, maxDelayNanos, capacity,
                List.of(runner), estimate);
        batchers.add(batcher);
        return batcher;
    }

    /** Sample i holds [2i, 2i + 1]. */
    private static Map<String, float[]> sample(int i) {
        return Map.of("in", new float[] {2f * i, 2f * i + 1});
    }

    private static void assertRejected(CompletableFuture<InferenceResult> f, Reason reason) {
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InferenceRejectedException.class)
                .satisfies(e -> assertThat(((InferenceRejectedException) e).reason()).isEqualTo(reason));
    }

    /** Echoes "in" as "out" and the mean of each sample as "sum"; records batch sizes. */
    private static class FakeRunner implements BatchRunner {
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public Map<String, float[]> runBatch(Map<String, Tensor> batchedInputs, int batchSize) {
            batchSizes.add(batchSize);
            float[] in = batchedInputs.get("in").floats();
            float[] mean = new float[batchSize];
            for (int s = 0; s < batchSize; s++) {
                mean[s] = (in[2 * s] + in[2 * s + 1]) / 2;
            }
            return Map.of("out", in.clone(), "sum", mean);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A runner whose first batch blocks until released. */
    private static final class BlockingRunner extends FakeRunner {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Map<String, float[]> runBatch(Map<String, Tensor> batchedInputs, int batchSize) {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.runBatch(batchedInputs, batchSize);
        }
    }
}
