package io.avstream.operators.audioevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import io.avstream.models.EngineSession;
import io.avstream.models.InferenceResult;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.Tensor;
import io.avstream.operators.inference.Translators;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.video.StoredFrame;
import io.avstream.operators.video.VideoInput;
import io.avstream.schemas.Prediction;
import org.junit.jupiter.api.Test;

/**
 * The audio-visual translator on the bundled {@code mavil-av-small}: its request of a golden clip (filterbank and 8
 * frames) is the PyTorch input, and ONNX Runtime's outputs from it are PyTorch's golden logits; the prediction is an
 * audio-event prediction by the audio-visual model.
 */
class AudioVisualTranslatorTest {

    private static final String GOLDEN = "/golden/mavil-av-small/";

    static ModelPackage pkg() {
        return ModelPackage.fromClasspath("mavil-av-small");
    }

    /** The golden clip as the job would hold it: raw filterbank frames and 8 RGB24 frames 2 s either side of its centre. */
    static AudioVisualWindow goldenWindow(AudioEventsModel model) throws IOException {
        float[] x = golden("fbank.f32");
        AudioVisualWindow w = new AudioVisualWindow();
        w.streamId = "cam-av";
        w.startUs = 1_700_000_000_000_000L;
        w.frames = 1024;
        w.bins = 128;
        w.frameShiftUs = 10_000;
        w.endUs = w.startUs + 1023 * 10_000L + 25_000L;
        w.fbank = new float[x.length];
        float mean = -4.2677393f;
        float std = 4.5689974f;
        for (int i = 0; i < x.length; i++) {
            w.fbank[i] = x[i] * 2 * std + mean;    // the golden input is normalised; the window holds raw values
        }
        w.video = new StoredFrame[8];
        long centre = (w.startUs + w.endUs) / 2;
        for (int k = 0; k < 8; k++) {
            w.video[k] = png("frame" + k + ".png", centre - 2_000_000L + k * 500_000L);
        }
        return w;
    }

    @Test
    void theRequestIsPyTorchsInputAndTheOutputsPyTorchsLogits() throws Exception {
        ModelPackage pkg = pkg();
        AudioVisualTranslator t = (AudioVisualTranslator) Translators.forPackage(pkg, AudioVisualWindow.class,
                AudioResult.class, new TranslatorSettings(3));
        AudioVisualWindow w = goldenWindow(t.model());
        Map<String, Tensor> request = t.request(w);
        assertThat(request.get(VideoInput.VIDEO).shape()).containsExactly(3, 8, 224, 224);
        assertClose(request.get(AudioEventsModel.FBANK).floats(), golden("fbank.f32"), 1e-5f, "fbank");
        Map<String, float[]> in = new HashMap<>();
        request.forEach((k, v) -> in.put(k, v.floats()));
        Map<String, float[]> out;
        try (EngineSession s = EngineSession.open(pkg, RuntimeOptions.defaults())) {
            out = s.runBatch(in, 1);
            assertClose(out.get(AudioEventsModel.LOGITS), golden("logits.f32"), 1e-4f, "logit");
            assertClose(out.get(AudioEventsModel.FRAME_LOGITS), golden("frame_logits.f32"), 1e-4f, "column logit");
            // the picture counts: grey frames give other logits
            float[] grey = in.get(VideoInput.VIDEO).clone();
            java.util.Arrays.fill(grey, 0f);
            in.put(VideoInput.VIDEO, grey);
            float[] blind = s.runBatch(in, 1).get(AudioEventsModel.LOGITS);
            float diff = 0;
            for (int i = 0; i < blind.length; i++) {
                diff = Math.max(diff, Math.abs(blind[i] - out.get(AudioEventsModel.LOGITS)[i]));
            }
            assertThat(diff).isGreaterThan(1e-3f);
        }
        AudioResult r = t.result(w, new InferenceResult(out, 1, 0, 10, 20));
        Prediction p = r.prediction;
        assertThat(p.getTask()).isEqualTo(AudioEventsTranslator.TASK);
        assertThat(p.getModelName()).isEqualTo("mavil-av-small");
        assertThat(p.getInputs()).containsExactly("audio", "video");
        assertThat(p.getLabels()).hasSize(3);
        assertThat(r.columns).isEqualTo(64);
        assertThat(r.classes).isEqualTo(13);
    }

    @Test
    void aWindowWithoutVideoIsRefused() throws Exception {
        AudioVisualTranslator t = new AudioVisualTranslator(pkg(), 3);
        AudioVisualWindow w = goldenWindow(t.model());
        w.video = null;
        assertThatThrownBy(() -> t.request(w)).hasMessageContaining("has no video");
        w.video = new StoredFrame[3];
        assertThatThrownBy(() -> t.request(w)).hasMessageContaining("needs 8 frames, got 3");
    }

    @Test
    void theVideoSlotsAreEightFramesAtTwoPerSecondAroundTheCentre() {
        VideoInput v = VideoInput.of(pkg());
        assertThat(v.frames()).isEqualTo(8);
        assertThat(v.frameUs()).isEqualTo(500_000L);
        assertThat(v.spanUs()).isEqualTo(4_000_000L);
        assertThat(v.slotUs(10_000_000L, 0)).isEqualTo(8_000_000L);
        assertThat(v.slotUs(10_000_000L, 7)).isEqualTo(11_500_000L);
    }

    @Test
    void refusesAPackageNormalisedOtherwise() throws Exception {
        ModelPackage pkg = pkg();
        Path copy = Files.createTempDirectory("bad-av");
        try (var files = Files.list(pkg.dir())) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path json = copy.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("0.485", "0.5"));
        ModelPackage bad = ModelPackage.load(copy);
        assertThatThrownBy(() -> VideoInput.of(bad)).hasMessageContaining("must be ImageNet's");
    }

    static void assertClose(float[] actual, float[] expected, float tolerance, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s %d", what, i).isCloseTo(expected[i], within(tolerance));
        }
    }

    static float[] golden(String file) throws IOException {
        try (InputStream in = AudioVisualTranslatorTest.class.getResourceAsStream(GOLDEN + file)) {
            assertThat(in).as("golden " + file).isNotNull();
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(v);
            return v;
        }
    }

    /** A lossless golden frame as an RGB24 stored frame. */
    static StoredFrame png(String file, long timeUs) throws IOException {
        try (InputStream in = AudioVisualTranslatorTest.class.getResourceAsStream(GOLDEN + file)) {
            assertThat(in).as("golden " + file).isNotNull();
            BufferedImage img = ImageIO.read(in);
            int w = img.getWidth();
            int h = img.getHeight();
            byte[] rgb = new byte[3 * w * h];
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < argb.length; i++) {
                rgb[3 * i] = (byte) (argb[i] >> 16);
                rgb[3 * i + 1] = (byte) (argb[i] >> 8);
                rgb[3 * i + 2] = (byte) argb[i];
            }
            return new StoredFrame(timeUs, w, h, false, rgb);
        }
    }
}
