/**
 * The load test behind {@code avstream loadtest}: concurrent synthetic streams into Kafka at a set
 * rate, a warm-up until the latency and the batcher's queue have settled ({@link
 * io.avstream.tools.loadtest.SettleDetector}), the prediction topic consumed and every prediction's
 * latency recorded (HdrHistogram), throughput and latency per second, a stream-count sweep against a
 * p99 target, an overload scenario, and the results as JSON and a self-contained HTML report.
 */
package io.avstream.tools.loadtest;
