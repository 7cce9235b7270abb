package io.avstream.operators.audioevents;

import java.util.List;
import java.util.Map;

import io.avstream.models.InferenceResult;
import io.avstream.models.ModelManifest;
import io.avstream.models.ModelPackage;
import io.avstream.models.Tensor;
import io.avstream.operators.inference.Translator;
import io.avstream.operators.inference.TranslatorFactory;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.post.Latencies;
import io.avstream.operators.post.PredictionIds;
import io.avstream.operators.post.Scores;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.PredictionInputs;

/**
 * Between an audio window and the audio-event model: the model input (the window's filterbank frames, padded and
 * normalised as the model was trained, {@link AudioEventsModel}), and from the outputs the window's prediction
 * (sigmoid scores, top-k labels with their AudioSet ids, tags at or above the calibrated thresholds) together
 * with the per-column probabilities of the window's real frames for the event tracker ({@link AudioResult}).
 */
public final class AudioEventsTranslator implements Translator<AudioWindow, AudioResult> {
    /** The task name written in predictions, and the manifest task it serves. */
    public static final String TASK = "audio-events";

    private final AudioEventsModel model;
    private final List<String> labels;
    private final List<String> ids;
    private final float[] thresholds;
    private final String modelName;
    private final String modelVersion;
    private final int topK;

    public AudioEventsTranslator(ModelPackage pkg, int topK) {
        ModelManifest m = pkg.manifest();
        this.model = AudioEventsModel.of(pkg);
        this.labels = pkg.labels();
        this.ids = pkg.labelIds();
        this.thresholds = model.clipThresholds();
        this.modelName = m.name();
        this.modelVersion = m.version();
        this.topK = topK;
    }

    @Override
    public Map<String, Tensor> request(AudioWindow w) {
        return Map.of(AudioEventsModel.FBANK, Tensor.of(model.input(w.fbank, w.frames), 1, model.frames(), model.bins()));
    }

    @Override
    public AudioResult result(AudioWindow w, InferenceResult r) {
        float[] scores = Scores.sigmoid(r.output(AudioEventsModel.LOGITS));
        float[] columnLogits = r.output(AudioEventsModel.FRAME_LOGITS);
        int classes = model.classes();
        int real = Math.min(w.frames, model.frames()) / model.columnFrames();
        float[] probs = Scores.sigmoid(java.util.Arrays.copyOf(columnLogits, real * classes));
        LatencyRecord latency = Latencies.of(w.lastCaptureUs, w.lastKafkaUs, w.closedAtUs, r.inferenceStartMicros(),
                r.inferenceEndMicros(), r.batchSize(), r.queueNanos() / 1000L);
        AudioResult out = new AudioResult();
        out.prediction = Prediction.newBuilder()
                .setPredictionId(PredictionIds.of(w.streamId, TASK, w.endUs, modelName, modelVersion))
                .setStreamId(w.streamId)
                .setTask(TASK)
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setWindowStartUs(w.startUs)
                .setWindowEndUs(w.endUs)
                .setLabels(Scores.topLabels(scores, labels, ids, topK))
                .setTags(Scores.tags(scores, thresholds, labels, ids))
                .setAnnotation(w.annotation)
                .setLatency(latency)
                .setInputs(PredictionInputs.AUDIO_ONLY)
                .build();
        out.columnProbs = probs;
        out.columns = real;
        out.classes = classes;
        out.firstColumnUs = w.startUs;
        out.columnUs = model.columnFrames() * w.frameShiftUs;
        out.full = w.frames >= model.frames();
        out.windowEndUs = w.endUs;
        return out;
    }

    /** The model's names and ids of the classes, and its event tracker, for the tracking downstream. */
    public AudioEventsModel model() {
        return model;
    }

    /** The translator of {@value #TASK} models, registered for {@link io.avstream.operators.inference.Translators}. */
    public static final class Factory implements TranslatorFactory<AudioWindow, AudioResult> {
        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Class<AudioWindow> windowType() {
            return AudioWindow.class;
        }

        @Override
        public Class<AudioResult> resultType() {
            return AudioResult.class;
        }

        @Override
        public AudioEventsTranslator create(ModelPackage pkg, TranslatorSettings settings) {
            return new AudioEventsTranslator(pkg, settings.topK());
        }
    }
}
