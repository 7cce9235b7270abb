package io.avstream.operators.audioevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.avstream.models.EngineSession;
import io.avstream.models.InferenceResult;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.Tensor;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.inference.Translators;
import io.avstream.schemas.Prediction;
import org.junit.jupiter.api.Test;

/** The audio-event translator on a real (tiny, random) package of the same signature, run by ONNX Runtime. */
class AudioEventsTranslatorTest {

    static final ModelRef TINY = ModelRef.of("classpath:tiny-audio-events");

    static AudioWindow window(int frames) {
        AudioWindow w = new AudioWindow();
        w.streamId = "cam-1";
        w.startUs = 1_700_000_000_000_000L;
        w.frames = frames;
        w.bins = 128;
        w.frameShiftUs = 10_000;
        w.endUs = w.startUs + (frames - 1) * 10_000L + 25_000L;
        w.fbank = new float[frames * 128];
        for (int i = 0; i < w.fbank.length; i++) {
            w.fbank[i] = (float) Math.sin(i * 0.001) * 3 - 5;
        }
        w.lastCaptureUs = w.endUs - 100_000;
        w.closedAtUs = w.endUs + 300_000;
        return w;
    }

    @Test
    void theInputIsTheWindowPaddedWithZerosThenNormalised() {
        AudioEventsTranslator t = (AudioEventsTranslator) Translators.forPackage(TINY.load(), AudioWindow.class,
                AudioResult.class, new TranslatorSettings(3));
        AudioWindow w = window(200);
        Tensor x = t.request(w).get(AudioEventsModel.FBANK);
        assertThat(x.shape()).containsExactly(1, 1024, 128);
        float[] v = x.floats();
        float scale = 1f / (2 * 4.5689974f);
        assertThat(v[0]).isCloseTo((w.fbank[0] + 4.2677393f) * scale, within(1e-6f));
        assertThat(v[199 * 128 + 5]).isCloseTo((w.fbank[199 * 128 + 5] + 4.2677393f) * scale, within(1e-6f));
        assertThat(v[200 * 128]).as("padding: a zero frame, normalised").isCloseTo(4.2677393f * scale, within(1e-6f));
    }

    @Test
    void theResultHasTagsTopLabelsWithIdsAndTheColumnsOfTheRealFrames() {
        ModelPackage pkg = TINY.load();
        AudioEventsTranslator t = new AudioEventsTranslator(pkg, 3);
        AudioWindow w = window(200);
        Map<String, float[]> in = new HashMap<>();
        in.put(AudioEventsModel.FBANK, t.request(w).get(AudioEventsModel.FBANK).floats());
        Map<String, float[]> out;
        try (EngineSession s = EngineSession.open(pkg, RuntimeOptions.defaults())) {
            out = s.runBatch(in, 1);
        }
        AudioResult r = t.result(w, new InferenceResult(out, 1, 0, 10, 20));
        Prediction p = r.prediction;
        assertThat(p.getTask()).isEqualTo("audio-events");
        assertThat(p.getInputs()).containsExactly("audio");
        assertThat(p.getLabels()).hasSize(3);
        assertThat(p.getLabels().get(0).getId()).startsWith("/m/");
        assertThat(p.getPredictionId()).isEqualTo("cam-1/audio-events/" + w.endUs + "/tiny-audio-events@0.1.0");
        // tags: every class at or above its threshold (0.5 in the tiny package)
        float[] scores = io.avstream.operators.post.Scores.sigmoid(out.get(AudioEventsModel.LOGITS));
        long above = 0;
        for (float s : scores) {
            above += s >= 0.5f ? 1 : 0;
        }
        assertThat(p.getTags()).hasSize((int) above);
        assertThat(r.columns).as("200 frames make 12 whole columns of 16").isEqualTo(12);
        assertThat(r.classes).isEqualTo(13);
        assertThat(r.columnProbs).hasSize(12 * 13);
        assertThat(r.columnUs).isEqualTo(160_000L);
        assertThat(r.firstColumnUs).isEqualTo(w.startUs);
        for (float v : r.columnProbs) {
            assertThat(v).isBetween(0f, 1f);
        }
        float[] logits = out.get(AudioEventsModel.FRAME_LOGITS);
        assertThat(r.columnProbs[13 * 5 + 2]).isCloseTo((float) (1 / (1 + Math.exp(-logits[13 * 5 + 2]))), within(1e-6f));
    }

    /** A copy of the tiny package with {@code from} replaced by {@code to} in its model.json. */
    static ModelPackage edited(String from, String to) throws Exception {
        ModelPackage pkg = TINY.load();
        java.nio.file.Path copy = java.nio.file.Files.createTempDirectory("bad-audio");
        try (var files = java.nio.file.Files.list(pkg.dir())) {
            for (java.nio.file.Path f : files.toList()) {
                java.nio.file.Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        java.nio.file.Path json = copy.resolve("model.json");
        String text = java.nio.file.Files.readString(json);
        assertThat(text).contains(from);
        java.nio.file.Files.writeString(json, text.replace(from, to));
        return ModelPackage.load(copy);
    }

    @Test
    void refusesAPackageTrainedWithAnotherFilterbank() throws Exception {
        ModelPackage bad = edited("\"num_mel_bins\": 128", "\"num_mel_bins\": 64");
        assertThatThrownBy(() -> AudioEventsModel.of(bad))
                .hasMessageContaining("preprocessing.num_mel_bins = 64.0, the job computes 128.0");
    }

    @Test
    void theTrackersLookaheadComesFromThePackageAndMustFitInAWindow() throws Exception {
        assertThat(AudioEventsModel.of(TINY.load()).tracker().lookaheadUs()).isZero();
        ModelPackage ahead = edited("\"merge_gap_ms\":", "\"lookahead_ms\": 4620, \"merge_gap_ms\":");
        assertThat(AudioEventsModel.of(ahead).tracker().lookaheadUs()).isEqualTo(4_620_000L);
        ModelPackage tooFar = edited("\"merge_gap_ms\":", "\"lookahead_ms\": 10240, \"merge_gap_ms\":");
        assertThatThrownBy(() -> AudioEventsModel.of(tooFar))
                .hasMessageContaining("postprocessing.events.lookahead_ms 10240 is not within the 10240 ms of a window");
    }

    @Test
    void theTrackerHasThePackagesThresholds() {
        EventTracker tracker = AudioEventsModel.of(TINY.load()).tracker();
        assertThat(tracker.classes()).isEqualTo(13);
        List<long[]> got = new java.util.ArrayList<>();
        EventTracker.State s = tracker.newState();
        float[] on = new float[13];
        Arrays.fill(on, 0.9f);
        float[] off = new float[13];
        for (int k = 0; k < 10; k++) {
            tracker.accept(s, k * 160_000L, 160_000L, k < 4 ? on : off, (c, a, b, p) -> got.add(new long[] {c, a, b}));
        }
        tracker.end(s, (c, a, b, p) -> got.add(new long[] {c, a, b}));
        assertThat(got).hasSize(13).allSatisfy(e -> assertThat(e[2] - e[1]).isEqualTo(640_000L));
    }
}
