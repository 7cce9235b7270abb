package io.avstream.operators.action;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.avstream.models.Activation;
import io.avstream.models.InferenceResult;
import io.avstream.models.ModelManifest;
import io.avstream.models.ModelPackage;
import io.avstream.models.Tensor;
import io.avstream.operators.inference.Translator;
import io.avstream.operators.inference.TranslatorFactory;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.operators.post.Latencies;
import io.avstream.operators.post.PredictionIds;
import io.avstream.operators.post.Scores;
import io.avstream.operators.window.MocapWindow;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.PredictionInputs;

/**
 * Between a closed MoCap window and the action model: the model's input tensors for the window
 * (bound by name, {@link StmtPreprocessing}; the topology's geodesic matrix is one tensor that every
 * request shares, so a batch passes it once), and the prediction (scores, top-k labels, deterministic
 * id, latency record) from the model's output. No engine here; whoever runs the model (batched or
 * not) uses the same translation.
 */
public final class ActionTranslator implements Translator<MocapWindow, Prediction> {
    /** The task name written in predictions, and the manifest task it serves. */
    public static final String TASK = "action";

    private final StmtPreprocessor preprocessor;
    private final Tensor geodist;
    private final List<String> labels;
    private final Activation activation;
    private final String modelName;
    private final String modelVersion;
    private final int topK;

    /** The translation of an action model package, writing {@code topK} labels per prediction. */
    public ActionTranslator(ModelPackage pkg, int topK) {
        ModelManifest m = pkg.manifest();
        StmtPreprocessing stmt = StmtPreprocessing.of(pkg);
        this.preprocessor = stmt.preprocessor();
        this.geodist = Tensor.of(preprocessor.geodist(), stmt.frames(), stmt.points(), stmt.points());
        this.labels = pkg.labels();
        this.activation = m.activation();
        this.modelName = m.name();
        this.modelVersion = m.version();
        this.topK = topK;
    }

    @Override
    public Map<String, Tensor> request(MocapWindow w) {
        Map<String, Tensor> inputs = new HashMap<>(4);
        long[] shape = geodist.shape();
        inputs.put(StmtPreprocessing.POINTS, Tensor.of(preprocessor.points(w.points, w.frames), shape[0], shape[1], 3));
        inputs.put(StmtPreprocessing.GEODIST, geodist);
        return inputs;
    }

    @Override
    public Prediction result(MocapWindow w, InferenceResult r) {
        return prediction(w, r.output(StmtPreprocessing.LOGITS), r.batchSize(), r.queueNanos() / 1000L,
                r.inferenceStartMicros(), r.inferenceEndMicros());
    }

    /**
     * The prediction of a window from the model's logits and how they were computed.
     *
     * @param batchSize  windows in the engine call
     * @param queueUs    time the window waited for its batch
     * @param startUs    inference start, epoch microseconds
     * @param endUs      inference end, epoch microseconds
     */
    public Prediction prediction(MocapWindow w, float[] logits, int batchSize, long queueUs, long startUs, long endUs) {
        float[] scores = switch (activation) {
            case SOFTMAX -> Scores.softmax(logits);
            case SIGMOID -> Scores.sigmoid(logits);
            case NONE -> logits;
        };
        LatencyRecord latency = Latencies.of(w.lastCaptureUs, w.lastKafkaUs, w.closedAtUs, startUs, endUs, batchSize, queueUs);
        return Prediction.newBuilder()
                .setPredictionId(predictionId(w.streamId, TASK, w.endUs, modelName, modelVersion))
                .setStreamId(w.streamId)
                .setTask(TASK)
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setWindowStartUs(w.startUs)
                .setWindowEndUs(w.endUs)
                .setLabels(Scores.topLabels(scores, labels, topK))
                .setAnnotation(w.annotation)
                .setLatency(latency)
                .setInputs(PredictionInputs.MOCAP_ONLY)
                .build();
    }

    /** The deterministic id of a prediction: same stream, task, window end and model version give the same id. */
    public static String predictionId(String streamId, String task, long windowEndUs, String modelName, String modelVersion) {
        return PredictionIds.of(streamId, task, windowEndUs, modelName, modelVersion);
    }

    /** The translator of {@value #TASK} models, registered for {@link io.avstream.operators.inference.Translators}. */
    public static final class Factory implements TranslatorFactory<MocapWindow, Prediction> {
        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Class<MocapWindow> windowType() {
            return MocapWindow.class;
        }

        @Override
        public Class<Prediction> resultType() {
            return Prediction.class;
        }

        @Override
        public Translator<MocapWindow, Prediction> create(ModelPackage pkg, TranslatorSettings settings) {
            return new ActionTranslator(pkg, settings.topK());
        }
    }
}
