package io.avstream.models;

/** A snapshot of a dynamic batcher's counters and simple aggregates. */
public final class BatcherStats {
    private final long submitted;
    private final long completed;
    private final long failed;
    private final long rejectedQueueFull;
    private final long rejectedDeadlineMissed;
    private final long rejectedShutdown;
    private final long batches;
    private final long batchedSamples;
    private final long totalQueueNanos;
    private final int queueDepth;
    private final long expectedInferenceNanos;

    /**
     * A snapshot.
     *
     * @param submitted requests accepted into the queue or refused at submit
     * @param completed requests that ran and returned outputs
     * @param failed requests whose batch raised an engine error
     * @param rejectedQueueFull requests refused because the queue was full
     * @param rejectedDeadlineMissed requests refused because their deadline had passed
     * @param rejectedShutdown requests refused because the model was closed
     * @param batches batches run
     * @param batchedSamples samples in all batches run
     * @param totalQueueNanos summed queue time of the samples in all batches run
     * @param queueDepth requests waiting now
     * @param expectedInferenceNanos the running estimate of one batch's inference time
     */
    public BatcherStats(long submitted, long completed, long failed, long rejectedQueueFull,
            long rejectedDeadlineMissed, long rejectedShutdown, long batches, long batchedSamples,
            long totalQueueNanos, int queueDepth, long expectedInferenceNanos) {
        this.submitted = submitted;
        this.completed = completed;
        this.failed = failed;
        this.rejectedQueueFull = rejectedQueueFull;
        this.rejectedDeadlineMissed = rejectedDeadlineMissed;
        this.rejectedShutdown = rejectedShutdown;
        this.batches = batches;
        this.batchedSamples = batchedSamples;
        this.totalQueueNanos = totalQueueNanos;
        this.queueDepth = queueDepth;
        this.expectedInferenceNanos = expectedInferenceNanos;
    }

    /** Requests submitted (accepted or refused at submit). */
    public long submitted() {
        return submitted;
    }

    /** Requests completed with outputs. */
    public long completed() {
        return completed;
    }

    /** Requests failed by an engine error. */
    public long failed() {
        return failed;
    }

    /** Requests refused for {@code reason}. */
    public long rejected(InferenceRejectedException.Reason reason) {
        switch (reason) {
            case QUEUE_FULL: return rejectedQueueFull;
            case DEADLINE_MISSED: return rejectedDeadlineMissed;
            case SHUTDOWN: return rejectedShutdown;
            default: throw new IllegalArgumentException("unknown reason " + reason);
        }
    }

    /** Requests refused for any reason. */
    public long rejected() {
        return rejectedQueueFull + rejectedDeadlineMissed + rejectedShutdown;
    }

    /** Batches run. */
    public long batches() {
        return batches;
    }

    /** Samples in all batches run. */
    public long batchedSamples() {
        return batchedSamples;
    }

    /** Mean samples per batch (0 before the first batch). */
    public double meanBatchSize() {
        return batches == 0 ? 0 : (double) batchedSamples / batches;
    }

    /** Mean nanoseconds a sample waited before its batch started (0 before the first batch). */
    public double meanQueueNanos() {
        return batchedSamples == 0 ? 0 : (double) totalQueueNanos / batchedSamples;
    }

    /** Requests waiting now. */
    public int queueDepth() {
        return queueDepth;
    }

    /** The running estimate of one batch's inference time, in nanoseconds. */
    public long expectedInferenceNanos() {
        return expectedInferenceNanos;
    }

    @Override
    public String toString() {
        return "BatcherStats{submitted=" + submitted + ", completed=" + completed + ", failed=" + failed
                + ", rejectedQueueFull=" + rejectedQueueFull + ", rejectedDeadlineMissed=" + rejectedDeadlineMissed
                + ", rejectedShutdown=" + rejectedShutdown + ", batches=" + batches
                + ", meanBatchSize=" + String.format("%.2f", meanBatchSize())
                + ", meanQueueMicros=" + String.format("%.1f", meanQueueNanos() / 1000)
                + ", queueDepth=" + queueDepth + ", expectedInferenceMicros=" + expectedInferenceNanos / 1000 + "}";
    }
}
