package io.avstream.operators.audioevents;

import java.util.HashMap;
import java.util.Map;

import io.avstream.models.InferenceResult;
import io.avstream.models.ModelPackage;
import io.avstream.models.Tensor;
import io.avstream.operators.inference.Translator;
import io.avstream.operators.inference.TranslatorFactory;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.video.VideoInput;
import io.avstream.schemas.PredictionInputs;

/**
 * Between an audio window with its video frames and the audio-visual event model: the audio input as the
 * audio-event models take it ({@link AudioEventsTranslator}), the video input of the window's frames ({@link
 * VideoInput}: decoded, resized, normalised), and from the outputs, which are the audio-event models' ({@code
 * logits}, {@code frame_logits}), the same prediction and per-column probabilities. Predictions keep the task
 * {@value AudioEventsTranslator#TASK}, so that consumers and the event tracker read both models' alike; the model
 * name says which one made them.
 */
public final class AudioVisualTranslator implements Translator<AudioVisualWindow, AudioResult> {
    /** The manifest task it serves. */
    public static final String TASK = "audio-visual-events";

    private final AudioEventsTranslator audio;
    private final VideoInput video;

    public AudioVisualTranslator(ModelPackage pkg, int topK) {
        this.audio = new AudioEventsTranslator(pkg, topK);
        this.video = VideoInput.of(pkg);
    }

    @Override
    public Map<String, Tensor> request(AudioVisualWindow w) {
        if (w.video == null) {
            throw new IllegalArgumentException(w + " has no video for the audio-visual model");
        }
        Map<String, Tensor> in = new HashMap<>(audio.request(w));
        in.put(VideoInput.VIDEO, Tensor.of(video.input(w.video), video.shape()));
        return in;
    }

    @Override
    public AudioResult result(AudioVisualWindow w, InferenceResult r) {
        AudioResult out = audio.result(w, r);
        out.prediction.setInputs(PredictionInputs.AUDIO_AND_VIDEO);
        return out;
    }

    /** The package's audio side: classes, thresholds, event tracker. */
    public AudioEventsModel model() {
        return audio.model();
    }

    /** The package's video input. */
    public VideoInput video() {
        return video;
    }

    /** The translator of {@value #TASK} models, registered for {@link io.avstream.operators.inference.Translators}. */
    public static final class Factory implements TranslatorFactory<AudioVisualWindow, AudioResult> {
        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Class<AudioVisualWindow> windowType() {
            return AudioVisualWindow.class;
        }

        @Override
        public Class<AudioResult> resultType() {
            return AudioResult.class;
        }

        @Override
        public AudioVisualTranslator create(ModelPackage pkg, TranslatorSettings settings) {
            return new AudioVisualTranslator(pkg, settings.topK());
        }
    }
}
