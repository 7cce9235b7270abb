package io.avstream.operators.inference;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.avstream.models.Activation;
import io.avstream.models.ModelManifest;
import io.avstream.models.ModelPackage;
import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.operators.post.Scores;
import io.avstream.operators.window.MocapWindow;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;

/**
 * Between a closed MoCap window and the action model: the model's input tensors for the window, and
 * the prediction (scores, top-k labels, deterministic id, latency record) from the model's output.
 * No engine here; whoever runs the model (batched or not) uses the same translation.
 */
public final class ActionTranslator {
    /** The task name written in predictions. */
    public static final String TASK = "action";

    private final StmtPreprocessor preprocessor;
    private final String pointsInput;
    private final String geodistInput;
    private final List<String> labels;
    private final Activation activation;
    private final String modelName;
    private final String modelVersion;
    private final int topK;

    /** The translation of an action model package, writing {@code topK} labels per prediction. */
    public ActionTranslator(ModelPackage pkg, int topK) {
        ModelManifest m = pkg.manifest();
        this.preprocessor = StmtPreprocessing.of(pkg).preprocessor();
        this.pointsInput = m.inputs().get(0).name();
        this.geodistInput = m.inputs().get(1).name();
        this.labels = pkg.labels();
        this.activation = m.activation();
        this.modelName = m.name();
        this.modelVersion = m.version();
        this.topK = topK;
    }

    /** The model's inputs for one window (normalised points, the topology's geodesic distances). */
    public Map<String, float[]> inputs(MocapWindow w) {
        Map<String, float[]> inputs = new HashMap<>(4);
        inputs.put(pointsInput, preprocessor.points(w.points, w.frames));
        inputs.put(geodistInput, preprocessor.geodist());
        return inputs;
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
        LatencyRecord latency = LatencyRecord.newBuilder()
                .setCaptureTimeUs(w.lastCaptureUs)
                .setKafkaAppendTimeUs(w.lastKafkaUs)
                .setWindowCloseUs(w.closedAtUs)
                .setInferenceStartUs(startUs)
                .setInferenceEndUs(endUs)
                .setBatchSize(batchSize)
                .setQueueTimeUs(queueUs)
                .setEmitTimeUs(0L)
                .build();
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
                .build();
    }

    /** The deterministic id of a prediction: same stream, task, window end and model version give the same id. */
    public static String predictionId(String streamId, String task, long windowEndUs, String modelName, String modelVersion) {
        return streamId + "/" + task + "/" + windowEndUs + "/" + modelName + "@" + modelVersion;
    }
}
