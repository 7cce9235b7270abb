package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The bundled audio-event model ({@code models/packages/mavil-audio-small}, on the class path as
 * {@code mavil-audio-small}): its manifest says what the job needs (13 AudioSet classes with their mids, calibrated
 * thresholds, held-out metrics), and ONNX Runtime gives PyTorch's golden clip and per-column logits for a held-out test
 * clip, alone, in a batch and through the shared batcher.
 */
class MavilAudioSmallPackageTest {

    private static final int FRAMES = 1024;
    private static final int MELS = 128;

    @Test
    void manifestCarriesLabelsThresholdsAndHeldOutMetrics() {
        ModelPackage pkg = ModelPackage.fromClasspath("mavil-audio-small");
        ModelManifest m = pkg.manifest();
        assertThat(m.task()).isEqualTo("audio-events");
        assertThat(m.architecture()).isEqualTo("MAViL-audio");
        assertThat(pkg.labels()).hasSize(13).contains("Speech", "Music", "Siren", "Tick-tock");
        assertThat(pkg.labelIds()).hasSize(13).allSatisfy(id -> assertThat(id).startsWith("/m/"));
        assertThat(pkg.labelIds().get(pkg.labels().indexOf("Speech"))).isEqualTo("/m/09x0r");
        JsonNode post = m.postprocessing();
        assertThat(post.get("clip_thresholds")).hasSize(13);
        assertThat(post.get("events").get("enter")).hasSize(13);
        JsonNode metrics = m.provenance().get("metrics");
        assertThat(metrics.get("test_map").asDouble()).isBetween(0.0, 1.0);
        assertThat(metrics.get("test_ap")).hasSize(13);
        assertThat(metrics.get("test_events").get("precision").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void matchesPyTorchGoldenLogitsAloneBatchedAndThroughTheBatcher() throws Exception {
        ModelPackage pkg = ModelPackage.fromClasspath("mavil-audio-small");
        float[] fbank = golden("fbank.f32");
        float[] logits = golden("logits.f32");
        float[] frameLogits = golden("frame_logits.f32");
        int clips = fbank.length / (FRAMES * MELS);
        assertThat(clips).isPositive();
        int classes = logits.length / clips;
        try (EngineSession session = EngineSession.open(pkg, RuntimeOptions.defaults())) {
            Map<String, float[]> alone = session.runBatch(Map.of("fbank", fbank), clips);
            assertClose(alone.get("logits"), logits, "logit");
            assertClose(alone.get("frame_logits"), frameLogits, "column logit");
            // in a batch with another window, the golden clip's outputs do not change
            float[] two = new float[2 * fbank.length];
            System.arraycopy(fbank, 0, two, 0, fbank.length);
            for (int i = fbank.length; i < two.length; i++) {
                two[i] = (float) Math.sin(i * 0.001);
            }
            Map<String, float[]> batched = session.runBatch(Map.of("fbank", two), 2 * clips);
            assertClose(slice(batched.get("logits"), logits.length), logits, "batched logit");
            assertClose(slice(batched.get("frame_logits"), frameLogits.length), frameLogits, "batched column logit");
        }
        try (ModelHandle model = SharedModels.acquire(pkg, RuntimeOptions.builder().optMaxBatch(4).build())) {
            List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                futures.add(model.submit(Map.of("fbank", fbank), Long.MAX_VALUE));
            }
            for (CompletableFuture<InferenceResult> f : futures) {
                assertClose(f.get().output("logits"), logits, "batcher logit");
            }
        }
        assertThat(classes).isEqualTo(13);
    }

    private static float[] slice(float[] all, int size) {
        float[] s = new float[size];
        System.arraycopy(all, 0, s, 0, size);
        return s;
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s %d", what, i).isCloseTo(expected[i], within(1e-4f));
        }
    }

    private static float[] golden(String file) throws IOException {
        try (InputStream in = MavilAudioSmallPackageTest.class.getResourceAsStream("/golden/mavil-audio-small/" + file)) {
            assertThat(in).as("golden vector " + file).isNotNull();
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(v);
            return v;
        }
    }
}
