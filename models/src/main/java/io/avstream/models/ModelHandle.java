package io.avstream.models;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One user's reference to a shared, batched model from {@link SharedModels#acquire}; thread-safe.
 * Closing the last handle of a model stops its workers and closes it.
 */
public final class ModelHandle implements AutoCloseable {
    private final SharedModels.Shared shared;
    private final AtomicBoolean closed = new AtomicBoolean();

    ModelHandle(SharedModels.Shared shared) {
        this.shared = shared;
    }

    /** The package this handle runs. */
    public ModelPackage modelPackage() {
        return shared.modelPackage();
    }

    /** The options the shared model was started with (those of its first acquirer). */
    public RuntimeOptions options() {
        return shared.options();
    }

    /**
     * Queues one sample for batched inference; never blocks. The arrays are read when the batch is
     * built: do not modify them before the future completes.
     *
     * @param sampleInputs one float array per manifest input name, without the batch axis, of
     *     length {@link TensorSpec#sampleSize()} (a shared input's whole value)
     * @param deadlineNanos the {@link System#nanoTime()} by which the result is needed, or
     *     {@link Long#MAX_VALUE} for none
     * @return a future completed with this sample's outputs, or exceptionally with
     *     {@link InferenceRejectedException} (queue full, deadline missed, shut down) or
     *     {@link InferenceException} (engine error); it completes on a worker thread
     * @throws IllegalArgumentException if an input is missing, unknown or has the wrong length
     * @throws IllegalStateException if this handle is closed
     */
    public CompletableFuture<InferenceResult> submit(Map<String, float[]> sampleInputs, long deadlineNanos) {
        if (closed.get()) {
            throw new IllegalStateException("handle for " + modelPackage().id() + " is closed");
        }
        return shared.batcher().submit(sampleInputs, deadlineNanos);
    }

    /**
     * Queues one sample given as tensors (int64, scalar, shared, batch axis other than 0, variable-length
     * inputs); never blocks. Requests whose shared inputs are the same arrays run in one batch;
     * variable-length samples are padded to the longest of their batch, grouped by length bucket.
     *
     * @param sampleInputs one tensor per request input (every input but the lengths inputs, which the
     *     runtime fills): a batched input's sample without the batch axis, a shared input's whole value
     * @see #submit
     */
    public CompletableFuture<InferenceResult> submitTensors(Map<String, Tensor> sampleInputs, long deadlineNanos) {
        if (closed.get()) {
            throw new IllegalStateException("handle for " + modelPackage().id() + " is closed");
        }
        return shared.batcher().submitTensors(sampleInputs, deadlineNanos);
    }

    /** The shared model's batcher counters (all handles together). */
    public BatcherStats stats() {
        return shared.batcher().stats();
    }

    /** Whether this handle is closed. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Releases this reference; idempotent. The last release stops the workers and closes the model. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            SharedModels.release(shared);
        }
    }
}
