package io.avstream.tools.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Everything a load test measured, written as JSON and rendered by {@link HtmlReport}: the settings,
 * one {@link Trial} per run (one for a plain run or an overload scenario, one per step of a sweep),
 * and the sweep's outcome. Times are milliseconds, rates per second, sizes MB (10^6 bytes).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadResult(String title, String startedAt, Map<String, String> settings, List<Trial> trials, SweepOutcome sweep) {

    /** Latency percentiles of one quantity, milliseconds. */
    public record Percentiles(long count, double p50, double p90, double p95, double p99, double max, double mean) {
        public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * Throughput and latency over an interval. {@code windowsClosed} and {@code shedWindows} come from the
     * job's counters and are null when the job runs elsewhere; {@code expectedWindows} is streams x
     * window ends in the interval.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Summary(String name, int streams, double seconds, long predictions, long expectedWindows,
            Long windowsClosed, Long shedWindows, double windowsPerSecond, double predictionsPerSecond,
            double inputMBPerSecond, long framesSent, Map<String, Percentiles> latency, double meanBatch,
            double heapMaxMB, double producerMaxLagMs) {

        /** End-to-end latency (capture of the newest frame to arrival at the consumer). */
        public Percentiles endToEnd() {
            return latency.getOrDefault(LoadRecorder.END_TO_END, Percentiles.EMPTY);
        }
    }

    /**
     * One second of a trial: what arrived and was sent in it, latency of the predictions that arrived in
     * it, this JVM's heap used, the machine's 1-minute load average and the batcher's queue depth at its
     * end ({@code queueDepth} null when the job runs elsewhere).
     */
    public record Point(double t, int streams, long predictions, Long windowsClosed, Long shedWindows, double inputMB,
            double p50, double p90, double p95, double p99, double max, double heapMB, double loadAverage, Double queueDepth) {}

    /**
     * When a trial's measurement started ({@code atS}, seconds from the trial's start) and why: the latency
     * and the batcher's queue had settled ({@code settled}), or the settle timeout had passed without.
     */
    public record Settle(boolean settled, double atS, String reason) {}

    /** A bucket of the end-to-end latency histogram, {@code [fromMs, toMs)}. */
    public record Bucket(double fromMs, double toMs, long count) {}

    /** A named stretch of a trial (e.g. the overload scenario's baseline, overload and recovery). */
    public record Phase(String name, double fromS, double toS, int streams) {}

    /** One run of the pipeline at a fixed load (or a sequence of phases); {@code settle} null when it had no warm-up. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Trial(String label, int streams, String delivery, Summary summary, List<Summary> phaseSummaries,
            List<Phase> phases, List<Point> series, List<Bucket> histogram, Settle settle, Boolean held) {}

    /**
     * The sweep: each step's stream count and p99, whether it settled before its measurement, and the
     * largest count that held the target (a step that never settled did not hold).
     */
    public record SweepOutcome(double targetP99Ms, int largestHeld, Integer smallestFailed, List<Step> steps) {
        public record Step(int streams, double p99Ms, double deliveredShare, boolean settled, boolean held) {}
    }

    /** Writes this result as indented JSON. */
    public void writeJson(Path file) throws IOException {
        Files.writeString(file, toJson());
    }

    /** This result as indented JSON. */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the load test result as JSON", e);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
}
