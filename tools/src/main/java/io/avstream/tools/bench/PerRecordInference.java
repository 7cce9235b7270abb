package io.avstream.tools.bench;

import java.util.List;
import java.util.Map;

import io.avstream.models.EngineSession;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.action.ActionTranslator;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.window.MocapWindow;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.Prediction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * The per-record baseline: what a Flink job usually does for model inference without a batcher.
 * Each parallel instance opens its own {@link EngineSession} (its own model and predictor) and runs
 * every window synchronously at batch 1, with the same preprocessing and the same prediction
 * (scores, labels, latency record) as {@link io.avstream.operators.inference.BatchedInference}.
 */
public class PerRecordInference extends RichMapFunction<MocapWindow, Prediction> {
    private static final long serialVersionUID = 1L;

    private final ModelRef modelRef;
    private final RuntimeOptions runtimeOptions;
    private final int topK;

    private transient EngineSession session;
    private transient ActionTranslator translator;

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
        translator = new ActionTranslator(pkg, topK);
        session = EngineSession.open(pkg, runtimeOptions);
    }

    @Override
    public Prediction map(MocapWindow w) {
        // the same request as the batched job's (its shared geodesic tensor stays in the engine between calls)
        Map<String, io.avstream.models.Tensor> request = translator.request(w);
        long startUs = EpochMicros.now();
        float[] logits = session.runSamples(List.of(request)).get(0).get(io.avstream.operators.action.StmtPreprocessing.LOGITS);
        long endUs = EpochMicros.now();
        return translator.prediction(w, logits, 1, 0L, startUs, endUs);
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
