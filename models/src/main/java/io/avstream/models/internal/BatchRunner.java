package io.avstream.models.internal;

import io.avstream.models.Tensor;
import java.util.Map;

/** Runs one already-batched request on one thread; not thread-safe. */
public interface BatchRunner extends AutoCloseable {
    /**
     * Runs a batch: one tensor per model input, of the batch's shape ({@code batchSize} on each batched
     * input's batch axis; shared inputs once); returns one float buffer per output, in the output's layout
     * (its batch axis where the manifest declares it).
     */
    Map<String, float[]> runBatch(Map<String, Tensor> batchedInputs, int batchSize);

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
