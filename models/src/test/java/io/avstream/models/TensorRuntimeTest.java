package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runtime on a real ONNX graph with every input kind it batches (tiny-runtime): a variable-length
 * input padded per batch with its lengths filled and grouped in length buckets, a batch axis other
 * than 0 on an input and an output, a shared float input and a shared int64 scalar passed once.
 */
class TensorRuntimeTest {
    private static final float[] BIAS = {1f, -2f, 0.5f};
    private static final Tensor BIAS_T = Tensor.of(BIAS, 3);
    private static final Tensor SR = Tensor.ofLongs(new long[] {16000});

    @Test
    void manifestDeclaresEveryKind() {
        ModelManifest m = ModelPackage.fromClasspath("tiny-runtime").manifest();
        TensorSpec x = m.input("x").orElseThrow();
        assertThat(x.lengthsInput()).isEqualTo("x_len");
        assertThat(x.variableSampleAxis()).isEqualTo(0);
        assertThat(x.buckets()).containsExactly(4, 8);
        assertThat(m.input("state").orElseThrow().batchAxis()).isEqualTo(1);
        assertThat(m.input("state").orElseThrow().sampleShape()).containsExactly(2, 4);
        assertThat(m.input("bias").orElseThrow().isShared()).isTrue();
        assertThat(m.input("sr").orElseThrow().rank()).isZero();
        assertThat(ModelManifest.parse(m.toJson()).inputs()).isEqualTo(m.inputs());
    }

    @Test
    void batchedVariableLengthRequestsEqualTheirOwnArithmetic() throws Exception {
        ModelPackage pkg = ModelPackage.fromClasspath("tiny-runtime");
        RuntimeOptions opts = RuntimeOptions.builder().optMaxBatch(8).optMaxDelay(Duration.ofMillis(200)).build();
        Random random = new Random(5);
        int[] lengths = {1, 3, 4, 2, 7, 8, 5, 12, 9, 4, 6, 1};
        List<Map<String, Tensor>> samples = new ArrayList<>();
        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
        try (ModelHandle model = SharedModels.acquire(pkg, opts)) {
            for (int len : lengths) {
                float[] x = new float[len * 3];
                float[] state = new float[8];
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextFloat() * 2 - 1;
                }
                for (int i = 0; i < state.length; i++) {
                    state[i] = random.nextFloat();
                }
                Map<String, Tensor> sample = Map.of("x", Tensor.of(x, len, 3), "state", Tensor.of(state, 2, 4),
                        "bias", BIAS_T, "sr", SR);
                samples.add(sample);
                futures.add(model.submitTensors(sample, Long.MAX_VALUE));
            }
            boolean batched = false;
            for (int k = 0; k < lengths.length; k++) {
                InferenceResult r = futures.get(k).get(30, TimeUnit.SECONDS);
                float[] x = samples.get(k).get("x").floats();
                float[] pooled = r.output("pooled");
                for (int c = 0; c < 3; c++) {
                    float sum = 0;
                    for (int t = 0; t < lengths[k]; t++) {
                        sum += x[t * 3 + c];
                    }
                    assertThat(pooled[c]).isCloseTo(sum / lengths[k] + BIAS[c] * 16f, within(1e-5f));
                }
                float[] state = samples.get(k).get("state").floats();
                float[] stateN = r.output("stateN");
                assertThat(stateN).hasSize(8);
                for (int i = 0; i < 8; i++) {
                    assertThat(stateN[i]).isEqualTo(2 * state[i]);
                }
                batched |= r.batchSize() > 1;
            }
            assertThat(batched).as("some requests shared a batch").isTrue();
            // buckets (<= 4, <= 8, longer) never mix: every batch holds requests of one bucket only
            BatcherStats stats = model.stats();
            assertThat(stats.batches()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void requestsOfDifferentBucketsOrSharedValuesNeverShareABatch() throws Exception {
        ModelPackage pkg = ModelPackage.fromClasspath("tiny-runtime");
        try (EngineSession session = EngineSession.open(pkg, RuntimeOptions.defaults())) {
            Map<String, Tensor> a = Map.of("x", Tensor.of(new float[9], 3, 3), "state", Tensor.of(new float[8], 2, 4),
                    "bias", BIAS_T, "sr", SR);
            Map<String, Tensor> b = Map.of("x", Tensor.of(new float[15], 5, 3), "state", Tensor.of(new float[8], 2, 4),
                    "bias", BIAS_T, "sr", SR);
            io.avstream.models.internal.Batches layout = new io.avstream.models.internal.Batches(
                    pkg.manifest().inputs(), pkg.manifest().outputs());
            assertThat(layout.compatible(a, a)).isTrue();
            assertThat(layout.compatible(a, b)).as("lengths 3 and 5 are in buckets <= 4 and <= 8").isFalse();
            Map<String, Tensor> otherBias = Map.of("x", Tensor.of(new float[9], 3, 3), "state", Tensor.of(new float[8], 2, 4),
                    "bias", Tensor.of(new float[] {0, 0, 0}, 3), "sr", SR);
            assertThat(layout.compatible(a, otherBias)).isFalse();
            Map<String, Tensor> equalScalar = Map.of("x", Tensor.of(new float[9], 3, 3), "state", Tensor.of(new float[8], 2, 4),
                    "bias", Tensor.of(BIAS.clone(), 3), "sr", Tensor.ofLongs(new long[] {16000}));
            assertThat(layout.compatible(a, equalScalar)).as("small shared values compare by value").isTrue();
            // large shared values: two copies of one constant (two subtasks' translators) are made one by intern
            Map<String, Tensor> copy = layout.intern(Map.of("x", Tensor.of(new float[9], 3, 3), "state", Tensor.of(new float[8], 2, 4),
                    "bias", Tensor.of(BIAS.clone(), 3), "sr", Tensor.ofLongs(new long[] {16000})));
            Map<String, Tensor> first = layout.intern(a);
            Map<String, Tensor> second = layout.intern(copy);
            assertThat(second.get("bias")).isSameAs(first.get("bias"));
            assertThat(second.get("sr")).isSameAs(first.get("sr"));
            // a padded batch of two gives each sample its own result
            List<Map<String, float[]>> out = session.runSamples(List.of(a, b));
            assertThat(out.get(0).get("pooled")).containsExactly(16f, -32f, 8f);
            assertThat(out.get(1).get("pooled")).containsExactly(16f, -32f, 8f);
        }
    }

    @Test
    void refusesRequestsOfTheWrongKind() {
        ModelPackage pkg = ModelPackage.fromClasspath("tiny-runtime");
        io.avstream.models.internal.Batches layout = new io.avstream.models.internal.Batches(
                pkg.manifest().inputs(), pkg.manifest().outputs());
        Map<String, Tensor> ok = Map.of("x", Tensor.of(new float[9], 3, 3), "state", Tensor.of(new float[8], 2, 4),
                "bias", BIAS_T, "sr", SR);
        layout.check(ok);
        assertThatThrownBy(() -> layout.check(Map.of("x", Tensor.of(new float[9], 3, 3), "state", Tensor.of(new float[8], 2, 4),
                "bias", BIAS_T, "sr", Tensor.of(new float[] {16000f}))))
                .hasMessage("input 'sr' is int64, the request gives float32");
        assertThatThrownBy(() -> layout.check(Map.of("x", Tensor.of(new float[9], 3, 3), "state", Tensor.of(new float[8], 4, 2),
                "bias", BIAS_T, "sr", SR)))
                .hasMessage("input 'state' needs a sample of shape [2, 4], the request gives [4, 2]");
        assertThatThrownBy(() -> layout.check(Map.of("x", Tensor.of(new float[9], 3, 3), "x_len", Tensor.ofLongs(new long[] {3}, 1),
                "state", Tensor.of(new float[8], 2, 4), "bias", BIAS_T, "sr", SR)))
                .hasMessageContaining("'x_len' is a lengths input, filled by the runtime");
    }
}
