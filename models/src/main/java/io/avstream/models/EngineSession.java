package io.avstream.models;

import io.avstream.models.internal.LoadedModel;
import io.avstream.models.internal.PredictorRunner;
import java.util.Map;

/**
 * A synchronous, single-threaded session on its own loaded model, for benchmarks and tools: the
 * caller builds the batch; the same runner code serves the dynamic batcher's workers.
 *
 * <pre>{@code
 * try (EngineSession session = EngineSession.open(pkg, RuntimeOptions.defaults())) {
 *     Map<String, float[]> out = session.runBatch(Map.of("x", x, "y", y), 8);
 * }
 * }</pre>
 */
public final class EngineSession implements AutoCloseable {
    private final LoadedModel model;
    private final PredictorRunner runner;
    private boolean closed;

    private EngineSession(LoadedModel model) {
        this.model = model;
        this.runner = model.newRunner();
    }

    /**
     * Loads {@code pkg} on {@code options.engine()} with {@code options.intraOpThreads()} threads.
     *
     * @throws EngineUnavailableException if the engine is not present on this machine
     */
    public static EngineSession open(ModelPackage pkg, RuntimeOptions options) {
        LoadedModel model = LoadedModel.load(pkg, options);
        try {
            return new EngineSession(model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The package this session runs. */
    public ModelPackage modelPackage() {
        return model.modelPackage();
    }

    /** The engine this session runs on. */
    public Engine engine() {
        return model.options().engine();
    }

    /**
     * Runs one batch synchronously.
     *
     * @param batchedInputs one float array per model input holding {@code batchSize} samples back to back
     *     ({@code batchSize * TensorSpec.sampleSize()} values)
     * @param batchSize the number of samples
     * @return one float array per model output, batch axis first
     * @throws IllegalArgumentException if an input is missing, unknown or has the wrong length
     * @throws InferenceException if the engine fails
     */
    public Map<String, float[]> runBatch(Map<String, float[]> batchedInputs, int batchSize) {
        if (closed) {
            throw new IllegalStateException("session for " + model.modelPackage().id() + " is closed");
        }
        return runner.runBatch(batchedInputs, batchSize);
    }

    /** Closes the predictor and the model. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                runner.close();
            } finally {
                model.close();
            }
        }
    }
}
