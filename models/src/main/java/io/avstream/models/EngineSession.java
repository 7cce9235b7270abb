package io.avstream.models;

import io.avstream.models.internal.Batches;
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
    private final Batches layout;
    private boolean closed;

    private EngineSession(LoadedModel model) {
        this.model = model;
        this.runner = model.newRunner();
        this.layout = new Batches(model.modelPackage().manifest().inputs(), model.modelPackage().manifest().outputs());
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
     *     ({@code batchSize * TensorSpec.sampleSize()} values); a shared input's one value
     * @param batchSize the number of samples
     * @return one float array per model output, batch axis first
     * @throws IllegalArgumentException if an input is missing, unknown or has the wrong length
     * @throws InferenceException if the engine fails
     */
    public Map<String, float[]> runBatch(Map<String, float[]> batchedInputs, int batchSize) {
        if (closed) {
            throw new IllegalStateException("session for " + model.modelPackage().id() + " is closed");
        }
        return runner.runBatch(layout.fromFlat(batchedInputs, batchSize), batchSize);
    }

    /**
     * The tensors of a batch given as flat arrays (as {@link #runBatch} takes them), to run many times
     * with {@link #run}: a shared input's tensor then stays in the engine between runs, as in the batcher.
     * Do not modify the arrays while the tensors are in use.
     */
    public Map<String, Tensor> tensorsOf(Map<String, float[]> batchedInputs, int batchSize) {
        return layout.fromFlat(batchedInputs, batchSize);
    }

    /** Runs one batch of tensors from {@link #tensorsOf} synchronously; one float array per output, batch axis first. */
    public Map<String, float[]> run(Map<String, Tensor> batch, int batchSize) {
        if (closed) {
            throw new IllegalStateException("session for " + model.modelPackage().id() + " is closed");
        }
        return runner.runBatch(batch, batchSize);
    }

    /**
     * Runs one batch of samples synchronously, stacked as the dynamic batcher stacks them (batch axes
     * placed, variable-length inputs padded and their lengths filled, shared inputs from the first sample).
     *
     * @param samples one map per sample of tensors by request input, as {@link ModelHandle#submitTensors} takes
     * @return each sample's outputs
     */
    public java.util.List<Map<String, float[]>> runSamples(java.util.List<Map<String, Tensor>> samples) {
        if (closed) {
            throw new IllegalStateException("session for " + model.modelPackage().id() + " is closed");
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        for (Map<String, Tensor> s : samples) {
            layout.check(s);
        }
        return layout.slice(runner.runBatch(layout.stack(samples), samples.size()), samples.size());
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
