package io.avstream.tools.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import org.HdrHistogram.Histogram;

/**
 * Collects the latency of predictions as a consumer receives them (HdrHistogram, microsecond
 * precision) and prints a summary: counts, rate, percentiles of end-to-end latency (capture to
 * arrival at the consumer) and of its parts, and the agreement with the streams' annotations.
 */
public final class LatencySummary {
    private static final long MAX_US = 3_600_000_000L;

    private final Histogram endToEnd = new Histogram(MAX_US, 3);
    private final Histogram toWindowClose = new Histogram(MAX_US, 3);
    private final Histogram queue = new Histogram(MAX_US, 3);
    private final Histogram inference = new Histogram(MAX_US, 3);
    private final Histogram emitToArrival = new Histogram(MAX_US, 3);
    private final Histogram batch = new Histogram(4096, 3);
    private final Map<String, Integer> perStream = new TreeMap<>();
    private long firstArrivalUs = -1;
    private long lastArrivalUs;
    private long annotated;
    private long agreed;

    /** Records one prediction that arrived at {@code arrivalUs} (epoch microseconds). */
    public synchronized void record(Prediction p, long arrivalUs) {
        LatencyRecord l = p.getLatency();
        endToEnd.recordValue(clamp(arrivalUs - l.getCaptureTimeUs()));
        toWindowClose.recordValue(clamp(l.getWindowCloseUs() - l.getCaptureTimeUs()));
        queue.recordValue(clamp(l.getQueueTimeUs()));
        inference.recordValue(clamp(l.getInferenceEndUs() - l.getInferenceStartUs()));
        emitToArrival.recordValue(clamp(arrivalUs - l.getEmitTimeUs()));
        batch.recordValue(Math.max(1, Math.min(4095, l.getBatchSize())));
        perStream.merge(p.getStreamId(), 1, Integer::sum);
        if (firstArrivalUs < 0) {
            firstArrivalUs = arrivalUs;
        }
        lastArrivalUs = arrivalUs;
        if (p.getAnnotation() != null && !p.getLabels().isEmpty()) {
            annotated++;
            if (p.getAnnotation().equals(p.getLabels().get(0).getName())) {
                agreed++;
            }
        }
    }

    private static long clamp(long us) {
        return Math.max(0, Math.min(MAX_US, us));
    }

    public synchronized long count() {
        return endToEnd.getTotalCount();
    }

    /** End-to-end latency at a percentile, milliseconds. */
    public synchronized double endToEndMs(double percentile) {
        return endToEnd.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Prints the summary table. */
    public synchronized void print(PrintStream out, double elapsedSeconds) {
        long n = count();
        out.println();
        out.println("== latency summary ==");
        out.printf("predictions: %d from %d streams in %.1f s (%.2f predictions/s overall",
                n, perStream.size(), elapsedSeconds, n / Math.max(1e-9, elapsedSeconds));
        if (n > 1) {
            out.printf(", %.2f/s while flowing", (n - 1) / Math.max(1e-9, (lastArrivalUs - firstArrivalUs) / 1e6));
        }
        out.println(")");
        if (n == 0) {
            return;
        }
        out.printf("%-34s %9s %9s %9s %9s %9s%n", "latency (ms)", "p50", "p95", "p99", "max", "mean");
        row(out, "end-to-end (capture -> consumer)", endToEnd);
        row(out, "  capture -> window close", toWindowClose);
        row(out, "  queue in batcher", queue);
        row(out, "  inference", inference);
        row(out, "  emit -> consumer (sink+Kafka)", emitToArrival);
        out.printf("batch size: mean %.1f, max %d%n", batch.getMean(), batch.getMaxValue());
        if (annotated > 0) {
            out.printf("top-1 label agrees with the stream's annotation: %d of %d (%.1f%%)%n",
                    agreed, annotated, 100.0 * agreed / annotated);
        }
    }

    private static void row(PrintStream out, String name, Histogram h) {
        out.printf("%-34s %9.1f %9.1f %9.1f %9.1f %9.1f%n", name,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, h.getMean() / 1000.0);
    }
}
