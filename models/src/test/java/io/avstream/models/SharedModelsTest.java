package io.avstream.models;

import static io.avstream.models.EngineSessionTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.avstream.models.internal.OrtEnv;
import io.avstream.models.testutils.TinyModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharedModelsTest {

    @Test
    void sharedInstanceIsLoadedOnceAndClosedAtLastRelease() {
        ModelPackage pkg = TinyModel.load();
        RuntimeOptions opts = RuntimeOptions.defaults();
        int loads = SharedModels.loadCount();
        int live = SharedModels.liveModels();

        ModelHandle a = SharedModels.acquire(pkg, opts);
        ModelHandle b = SharedModels.acquire(TinyModel.load(), opts);
        assertThat(SharedModels.loadCount()).isEqualTo(loads + 1);
        assertThat(SharedModels.liveModels()).isEqualTo(live + 1);

        a.close();
        a.close();
        assertThat(SharedModels.liveModels()).isEqualTo(live + 1);
        assertThat(b.submit(TinyModel.sample(new Random(1)), Long.MAX_VALUE).join().outputs())
                .containsOnlyKeys("logits", "embedding");
        assertThatThrownBy(() -> a.submit(TinyModel.sample(new Random(1)), Long.MAX_VALUE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("handle for tiny-model:0.1.0 is closed");

        b.close();
        assertThat(SharedModels.liveModels()).isEqualTo(live);

        try (ModelHandle c = SharedModels.acquire(pkg, opts)) {
            assertThat(SharedModels.loadCount()).isEqualTo(loads + 2);
            assertThat(c.modelPackage().id()).isEqualTo("tiny-model:0.1.0");
        }
    }

    @Test
    void batchedSubmitsMatchOneAtATimeOutputs() throws Exception {
        ModelPackage pkg = TinyModel.load();
        RuntimeOptions opts = RuntimeOptions.builder().optMaxBatch(8).optMaxDelay(Duration.ofMillis(20))
                .optWorkers(2).build();
        Random random = new Random(3);
        List<Map<String, float[]>> samples = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            samples.add(TinyModel.sample(random));
        }

        List<InferenceResult> results = new ArrayList<>();
        BatcherStats stats;
        try (ModelHandle model = SharedModels.acquire(pkg, opts)) {
            List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
            for (Map<String, float[]> s : samples) {
                futures.add(model.submit(s, Long.MAX_VALUE));
            }
            for (CompletableFuture<InferenceResult> f : futures) {
                results.add(f.get(10, TimeUnit.SECONDS));
            }
            stats = model.stats();
        }

        try (EngineSession session = EngineSession.open(pkg, RuntimeOptions.defaults())) {
            for (int i = 0; i < samples.size(); i++) {
                Map<String, float[]> single = session.runBatch(samples.get(i), 1);
                assertClose(results.get(i).outputs().get("logits"), single.get("logits"));
                assertClose(results.get(i).outputs().get("embedding"), single.get("embedding"));
            }
        }
        assertThat(results).extracting(InferenceResult::batchSize).anyMatch(n -> n > 1).allMatch(n -> n <= 8);
        assertThat(stats.completed()).isEqualTo(40);
        assertThat(stats.meanBatchSize()).isGreaterThan(1.0);
        assertThat(results.get(0).inferenceStartMicros()).isGreaterThan(1_600_000_000_000_000L);
    }

    @Test
    void deadlineMissedRequestsAreRejectedByTheSharedModel() {
        try (ModelHandle model = SharedModels.acquire(TinyModel.load(), RuntimeOptions.defaults())) {
            CompletableFuture<InferenceResult> f = model.submit(TinyModel.sample(new Random(1)), System.nanoTime() - 1);

            assertThatThrownBy(f::join).hasCauseInstanceOf(InferenceRejectedException.class);
            assertThat(model.stats().rejected(InferenceRejectedException.Reason.DEADLINE_MISSED)).isEqualTo(1);
        }
    }

    @Test
    void acquireFailsForMissingEngineAndLoadsNothing() {
        OrtEnv.get();
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "CUDA is present");
        int live = SharedModels.liveModels();
        RuntimeOptions cuda = RuntimeOptions.builder().optEngine(Engine.ORT_CUDA).build();

        assertThatThrownBy(() -> SharedModels.acquire(TinyModel.load(), cuda))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageStartingWith("Engine onnxruntime-cuda is not available");
        assertThat(SharedModels.liveModels()).isEqualTo(live);
    }
}
