package io.avstream.models.internal;

import java.util.Map;

/** Runs one already-batched request on one thread; not thread-safe. */
public interface BatchRunner extends AutoCloseable {
    /**
     * Runs a batch: one float buffer per input holding {@code batchSize} samples back to back;
     * returns one float buffer per output, batch axis first.
     */
    Map<String, float[]> runBatch(Map<String, float[]> batchedInputs, int batchSize);

    /**
     * The fixed batch every run is padded to (engines with fixed input shapes), or 0 where the
     * engine takes batches of any size. The batcher counts the padding samples as waste.
     */
    default int paddedBatch() {
        return 0;
    }

    /** Releases the runner's resources (its predictor). */
    @Override
    void close();
}
