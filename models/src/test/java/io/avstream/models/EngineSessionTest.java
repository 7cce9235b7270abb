package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.avstream.models.testutils.TinyModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EngineSessionTest {
    private static EngineSession session;

    @BeforeAll
    static void open() {
        session = EngineSession.open(TinyModel.load(), RuntimeOptions.defaults());
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void matchesPyTorchOutputs() {
        JsonNode ref = TinyModel.reference();
        int batch = ref.get("batch").asInt();

        Map<String, float[]> out = session.runBatch(Map.of("x", floats(ref.get("x")), "y", floats(ref.get("y"))), batch);

        assertClose(out.get("logits"), floats(ref.get("logits")));
        assertClose(out.get("embedding"), floats(ref.get("embedding")));
        assertThat(session.engine()).isEqualTo(Engine.ORT_CPU);
        assertThat(session.modelPackage().manifest().name()).isEqualTo("tiny-model");
    }

    @Test
    void batchedOutputsEqualOneAtATimeOutputs() {
        Random random = new Random(42);
        int n = 7;
        List<Map<String, float[]>> samples = new ArrayList<>();
        float[] x = new float[n * TinyModel.X_SIZE];
        float[] y = new float[n * TinyModel.Y_SIZE];
        for (int i = 0; i < n; i++) {
            Map<String, float[]> s = TinyModel.sample(random);
            samples.add(s);
            System.arraycopy(s.get("x"), 0, x, i * TinyModel.X_SIZE, TinyModel.X_SIZE);
            System.arraycopy(s.get("y"), 0, y, i * TinyModel.Y_SIZE, TinyModel.Y_SIZE);
        }

        Map<String, float[]> batched = session.runBatch(Map.of("x", x, "y", y), n);

        assertThat(batched.get("logits")).hasSize(n * 3);
        assertThat(batched.get("embedding")).hasSize(n * 2);
        for (int i = 0; i < n; i++) {
            Map<String, float[]> single = session.runBatch(samples.get(i), 1);
            assertClose(slice(batched.get("logits"), i, 3), single.get("logits"));
            assertClose(slice(batched.get("embedding"), i, 2), single.get("embedding"));
        }
    }

    @Test
    void refusesWrongBatchInputs() {
        assertThatThrownBy(() -> session.runBatch(Map.of("x", new float[24], "y", new float[5]), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input 'y' has 5 values, expected 10 (batch 2 x 5 per sample)");
        assertThatThrownBy(() -> session.runBatch(Map.of("x", new float[12]), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing input 'y' (model inputs: [x, y])");
        assertThatThrownBy(() -> session.runBatch(Map.of("x", new float[12], "y", new float[5]), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchSize must be at least 1, was 0");
    }

    @Test
    void runsWithSeveralIntraOpThreads() {
        RuntimeOptions opts = RuntimeOptions.builder().optIntraOpThreads(2).build();
        try (EngineSession two = EngineSession.open(TinyModel.load(), opts)) {
            Map<String, float[]> sample = TinyModel.sample(new Random(1));
            assertClose(two.runBatch(sample, 1).get("logits"), session.runBatch(sample, 1).get("logits"));
        }
    }

    @Test
    void refusesUseAfterClose() {
        EngineSession s = EngineSession.open(TinyModel.load(), RuntimeOptions.defaults());
        s.close();
        s.close();
        assertThatThrownBy(() -> s.runBatch(TinyModel.sample(new Random(1)), 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("session for tiny-model:0.1.0 is closed");
    }

    static float[] slice(float[] all, int index, int size) {
        float[] s = new float[size];
        System.arraycopy(all, index * size, s, 0, size);
        return s;
    }

    static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-5f));
        }
    }

    private static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }
}
