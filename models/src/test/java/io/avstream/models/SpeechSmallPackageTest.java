package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The bundled speech model ({@code models/packages/speech-small}): its manifest says what the job needs (the 32 CTC
 * symbols with the blank first, the filterbank and normalisation, the verification threshold, the emotions, held-out
 * metrics), and ONNX Runtime gives PyTorch's golden outputs for held-out utterances of different lengths, each alone
 * and all together in one batch padded to the longest (the lengths mask the padding).
 */
class SpeechSmallPackageTest {

    private static final int BINS = 80;
    private static final int GOLDEN = 3;

    @Test
    void manifestCarriesSymbolsPreprocessingThresholdAndMetrics() {
        ModelPackage pkg = ModelPackage.fromClasspath("speech-small");
        ModelManifest m = pkg.manifest();
        assertThat(m.task()).isEqualTo("speech");
        assertThat(m.weightsKind()).isEqualTo(WeightsKind.SYNTHETIC_TRAINED);
        assertThat(pkg.labels()).hasSize(32).startsWith("<s>").contains("|", "A", "Z", "'");
        assertThat(m.input("fbank").orElseThrow().lengthsInput()).isEqualTo("fbank_len");
        JsonNode pre = m.preprocessing();
        assertThat(pre.get("num_mel_bins").asInt()).isEqualTo(BINS);
        assertThat(pre.get("normalisation_std").asDouble()).isPositive();
        JsonNode post = m.postprocessing();
        assertThat(post.get("ctc_blank_index").asInt()).isZero();
        assertThat(post.get("ctc_word_separator").asText()).isEqualTo("|");
        assertThat(post.get("speaker_verification_threshold").asDouble()).isBetween(-1.0, 1.0);
        assertThat(post.get("emotion_labels")).hasSize(4);
        assertThat(m.provenance().get("metrics")).isNotNull();
    }

    @Test
    void matchesPyTorchAloneAndPaddedInABatch() throws Exception {
        ModelPackage pkg = ModelPackage.fromClasspath("speech-small");
        try (ModelHandle model = SharedModels.acquire(pkg, RuntimeOptions.builder().optMaxBatch(8).build())) {
            List<CompletableFuture<InferenceResult>> together = new ArrayList<>();
            List<float[]> inputs = new ArrayList<>();
            for (int i = 0; i < GOLDEN; i++) {
                float[] fbank = golden("fbank_" + i + ".f32");
                inputs.add(fbank);
                together.add(model.submitTensors(Map.of("fbank", Tensor.of(fbank, fbank.length / BINS, BINS)), Long.MAX_VALUE));
            }
            for (int i = 0; i < GOLDEN; i++) {
                float[] fbank = inputs.get(i);
                InferenceResult alone = model.submitTensors(Map.of("fbank", Tensor.of(fbank, fbank.length / BINS, BINS)),
                        Long.MAX_VALUE).get();
                InferenceResult batched = together.get(i).get();
                for (InferenceResult r : List.of(alone, batched)) {
                    float[] ctc = golden("ctc_logits_" + i + ".f32");
                    assertClose(java.util.Arrays.copyOf(r.output("ctc_logits"), ctc.length), ctc, "ctc " + i);
                    assertClose(r.output("speaker_embedding"), golden("speaker_embedding_" + i + ".f32"), "embedding " + i);
                    assertClose(r.output("emotion_logits"), golden("emotion_logits_" + i + ".f32"), "emotion " + i);
                }
            }
        }
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as("max |difference| of %s", what).isLessThan(1e-3);
    }

    static float[] golden(String name) throws IOException {
        try (InputStream in = SpeechSmallPackageTest.class.getResourceAsStream("/golden/speech-small/" + name)) {
            assertThat(in).as(name).isNotNull();
            byte[] b = in.readAllBytes();
            float[] f = new float[b.length / 4];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }
    }
}
