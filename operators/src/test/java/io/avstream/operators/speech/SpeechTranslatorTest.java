package io.avstream.operators.speech;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

import io.avstream.models.InferenceResult;
import io.avstream.models.ModelHandle;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.SharedModels;
import io.avstream.models.Tensor;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.Word;
import org.junit.jupiter.api.Test;

/**
 * The speech translator on the bundled model's golden utterances: the job's filterbank of each waveform is PyTorch's
 * (torchaudio's Kaldi filterbank, normalised), and the model's outputs become a prediction whose transcript is the greedy
 * decoding of the golden CTC scores, words in order inside the segment, emotions as probabilities, and an L2-normalised
 * embedding.
 */
class SpeechTranslatorTest {

    private static final int GOLDEN = 3;

    @Test
    void theJobsFilterbankIsTheModelsAndItsOutputsBecomeAPrediction() throws Exception {
        ModelPackage pkg = ModelPackage.fromClasspath("speech-small");
        SpeechTranslator t = new SpeechTranslator(pkg);
        try (ModelHandle model = SharedModels.acquire(pkg, RuntimeOptions.defaults())) {
            for (int i = 0; i < GOLDEN; i++) {
                float[] wave = golden("wave_" + i + ".f32");
                float[] expected = golden("fbank_" + i + ".f32");
                SpeechSegment s = new SpeechSegment();
                s.streamId = "mic";
                s.samples = wave;
                s.startUs = 1_000_000;
                s.endUs = s.startUs + wave.length * 1_000_000L / 16_000;
                s.speechStartUs = s.startUs + 30_000;
                s.speechEndUs = s.endUs - 30_000;
                Map<String, Tensor> request = t.request(s);
                float[] fbank = request.get(SpeechModel.FBANK).floats();
                assertThat(fbank).hasSameSizeAs(expected);
                double worst = 0;
                for (int k = 0; k < fbank.length; k++) {
                    worst = Math.max(worst, Math.abs(fbank[k] - expected[k]));
                }
                assertThat(worst).as("max |job filterbank - PyTorch's|, utterance %d", i).isLessThan(1e-3);

                InferenceResult r = model.submitTensors(request, Long.MAX_VALUE).get();
                Prediction p = t.result(s, r).prediction;
                int frames = SpeechModel.ctcFrames(expected.length / 80);
                String decoded = t.transcript(golden("ctc_logits_" + i + ".f32"), frames).text();
                assertThat(p.getText()).isEqualTo(decoded);
                assertThat(p.getInputs()).containsExactly("audio");
                assertThat(p.getText()).isNotBlank();
                assertThat(String.join(" ", p.getSpeech().getWords().stream().map(Word::getText).toList()))
                        .isEqualTo(p.getText());
                long previous = s.startUs;
                for (Word w : p.getSpeech().getWords()) {
                    assertThat(w.getStartUs()).isGreaterThanOrEqualTo(previous);
                    assertThat(w.getEndUs()).isGreaterThan(w.getStartUs()).isLessThanOrEqualTo(s.endUs + 40_000);
                    previous = w.getEndUs();
                }
                double sum = p.getLabels().stream().mapToDouble(l -> l.getScore()).sum();
                assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
                assertThat(Speakers.normalised(t.result(s, r).embedding, 1e-3)).isTrue();
                assertThat(p.getSpeech().getFinal$()).isTrue();
                // the same span as an interim segment: the same outputs, marked so, under its own id
                s.interim = true;
                Prediction interim = t.result(s, r).prediction;
                assertThat(interim.getSpeech().getFinal$()).isFalse();
                assertThat(interim.getText()).isEqualTo(p.getText());
                assertThat(interim.getPredictionId()).isEqualTo(p.getPredictionId() + "/interim");
                System.out.printf("golden utterance %d: \"%s\" (%s)%n", i, p.getText(), p.getLabels().get(0).getName());
            }
        }
    }

    static float[] golden(String name) throws IOException {
        try (InputStream in = SpeechTranslatorTest.class.getResourceAsStream("/golden/speech-small/" + name)) {
            assertThat(in).as(name).isNotNull();
            byte[] b = in.readAllBytes();
            float[] f = new float[b.length / 4];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }
    }
}
