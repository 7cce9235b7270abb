package io.avstream.operators.post;

import io.avstream.schemas.LatencyRecord;

/** The latency record of a window's prediction, as every translator fills it (the sink sets the emit time). */
public final class Latencies {

    private Latencies() {}

    /**
     * @param captureUs  capture time of the window's newest input
     * @param kafkaUs    Kafka append time of that input
     * @param closeUs    when the window closed
     * @param startUs    inference start, epoch microseconds
     * @param endUs      inference end, epoch microseconds
     * @param batchSize  windows in the engine call
     * @param queueUs    time the window waited for its batch
     */
    public static LatencyRecord of(long captureUs, long kafkaUs, long closeUs, long startUs, long endUs, int batchSize,
            long queueUs) {
        return LatencyRecord.newBuilder()
                .setCaptureTimeUs(captureUs)
                .setKafkaAppendTimeUs(kafkaUs)
                .setWindowCloseUs(closeUs)
                .setInferenceStartUs(startUs)
                .setInferenceEndUs(endUs)
                .setBatchSize(batchSize)
                .setQueueTimeUs(queueUs)
                .setEmitTimeUs(0L)
                .build();
    }
}
