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
    private final long paddedSamples;

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
        this(submitted, completed, failed, rejectedQueueFull, rejectedDeadlineMissed, rejectedShutdown, batches,
                batchedSamples, totalQueueNanos, queueDepth, expectedInferenceNanos, 0);
    }

    /**
     * A snapshot of a batcher whose engine pads batches to a fixed size.
     *
     * @param paddedSamples padding samples added to all batches run (engines with fixed input shapes)
     * @see #BatcherStats(long, long, long, long, long, long, long, long, long, int, long)
     */
    public BatcherStats(long submitted, long completed, long failed, long rejectedQueueFull,
            long rejectedDeadlineMissed, long rejectedShutdown, long batches, long batchedSamples,
            long totalQueueNanos, int queueDepth, long expectedInferenceNanos, long paddedSamples) {
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
        this.paddedSamples = paddedSamples;
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

    /** Padding samples added to all batches run, for engines with fixed input shapes (0 otherwise). */
    public long paddedSamples() {
        return paddedSamples;
    }

    /**
     * The share of the engine's work spent on padding: padded / (batched + padded) samples
     * (0 before the first batch and for engines that take any batch size).
     */
    public double paddingWaste() {
        long all = batchedSamples + paddedSamples;
        return all == 0 ? 0 : (double) paddedSamples / all;
    }

    @Override
    public String toString() {
        return "BatcherStats{submitted=" + submitted + ", completed=" + completed + ", failed=" + failed
                + ", rejectedQueueFull=" + rejectedQueueFull + ", rejectedDeadlineMissed=" + rejectedDeadlineMissed
                + ", rejectedShutdown=" + rejectedShutdown + ", batches=" + batches
                + ", meanBatchSize=" + String.format("%.2f", meanBatchSize())
                + ", meanQueueMicros=" + String.format("%.1f", meanQueueNanos() / 1000)
                + ", queueDepth=" + queueDepth + ", expectedInferenceMicros=" + expectedInferenceNanos / 1000
                + (paddedSamples > 0 ? ", paddedSamples=" + paddedSamples : "") + "}";
    }
}
