package io.avstream.models.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A shared tensor becomes an engine array once per runner, however many batches pass it. */
class PredictorRunnerTest {

    @Test
    void keepsASharedTensorInTheEngineAcrossBatches() {
        ModelPackage pkg = ModelPackage.fromClasspath("tiny-runtime");
        Batches layout = new Batches(pkg.manifest().inputs(), pkg.manifest().outputs());
        Tensor bias = Tensor.of(new float[] {1f, 2f, 3f}, 3);
        Tensor sr = Tensor.ofLongs(new long[] {16000});
        try (LoadedModel model = LoadedModel.load(pkg, RuntimeOptions.defaults()); PredictorRunner runner = model.newRunner()) {
            for (int i = 0; i < 5; i++) {
                Map<String, Tensor> sample = Map.of("x", Tensor.of(new float[] {i, i, i}, 1, 3),
                        "state", Tensor.of(new float[8], 2, 4), "bias", bias, "sr", sr);
                float[] pooled = layout.slice(runner.runBatch(layout.stack(List.of(sample)), 1), 1).get(0).get("pooled");
                assertThat(pooled).containsExactly(i + 16f, i + 32f, i + 48f);
            }
            assertThat(runner.sharedArraysKept()).isEqualTo(2);
            // another tensor (other values) is another engine array, and gives its own result
            Map<String, Tensor> other = Map.of("x", Tensor.of(new float[] {0, 0, 0}, 1, 3),
                    "state", Tensor.of(new float[8], 2, 4), "bias", Tensor.of(new float[] {0f, 0f, 1f}, 3), "sr", sr);
            assertThat(layout.slice(runner.runBatch(layout.stack(List.of(other)), 1), 1).get(0).get("pooled"))
                    .containsExactly(0f, 0f, 16f);
            assertThat(runner.sharedArraysKept()).isEqualTo(3);
        }
    }
}
