package io.avstream.deploy.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.avstream.models.Activation;
import io.avstream.models.EngineSession;
import io.avstream.models.ModelManifest;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.inference.ActionInference;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.inference.StmtPreprocessing;
import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.operators.post.Scores;
import io.avstream.operators.window.MocapWindow;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * The per-record baseline: what a Flink job usually does for model inference without a batcher.
 * Each parallel instance opens its own {@link EngineSession} (its own model and predictor) and runs
 * every window synchronously at batch 1, with the same preprocessing and the same prediction
 * (scores, labels, latency record) as {@link ActionInference}.
 */
public class PerRecordInference extends RichMapFunction<MocapWindow, Prediction> {
    private static final long serialVersionUID = 1L;

    private final ModelRef modelRef;
    private final RuntimeOptions runtimeOptions;
    private final int topK;

    private transient EngineSession session;
    private transient StmtPreprocessor preprocessor;
    private transient List<String> labels;
    private transient Activation activation;
    private transient String modelName;
    private transient String modelVersion;
    private transient String pointsInput;
    private transient String geodistInput;

    /**
     * @param modelRef       the model package
     * @param runtimeOptions the engine and its intra-op threads (batching settings are not used)
     * @param topK           labels written per prediction
     */
    public PerRecordInference(ModelRef modelRef, RuntimeOptions runtimeOptions, int topK) {
        this.modelRef = modelRef;
        this.runtimeOptions = runtimeOptions;
        this.topK = topK;
    }

    @Override
    public void open(OpenContext ctx) {
        ModelPackage pkg = modelRef.load();
        ModelManifest m = pkg.manifest();
        preprocessor = StmtPreprocessing.of(pkg).preprocessor();
        pointsInput = m.inputs().get(0).name();
        geodistInput = m.inputs().get(1).name();
        labels = pkg.labels();
        activation = m.activation();
        modelName = m.name();
        modelVersion = m.version();
        session = EngineSession.open(pkg, runtimeOptions);
    }

    @Override
    public Prediction map(MocapWindow w) {
        Map<String, float[]> inputs = new LinkedHashMap<>(4);
        inputs.put(pointsInput, preprocessor.points(w.points, w.frames));
        inputs.put(geodistInput, preprocessor.geodist());
        long startUs = EpochMicros.now();
        float[] logits = session.runBatch(inputs, 1).values().iterator().next();
        long endUs = EpochMicros.now();
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
                .setBatchSize(1)
                .setQueueTimeUs(0L)
                .setEmitTimeUs(0L)
                .build();
        return Prediction.newBuilder()
                .setPredictionId(ActionInference.predictionId(w.streamId, ActionInference.TASK, w.endUs, modelName,
                        modelVersion))
                .setStreamId(w.streamId)
                .setTask(ActionInference.TASK)
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setWindowStartUs(w.startUs)
                .setWindowEndUs(w.endUs)
                .setLabels(Scores.topLabels(scores, labels, topK))
                .setAnnotation(w.annotation)
                .setLatency(latency)
                .build();
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
