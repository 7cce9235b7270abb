package io.avstream.tools.loadtest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.avstream.tools.loadtest.LoadResult.Bucket;
import io.avstream.tools.loadtest.LoadResult.Percentiles;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import org.HdrHistogram.Histogram;

/**
 * Records the predictions of one trial as they arrive at the consumer and splits each one's
 * end-to-end latency (capture of the window's newest frame to arrival) into its parts:
 * <ul>
 *   <li>{@code eventTimeWait}: from the capture of the window's newest frame to the capture of the
 *       frame that closes it, the first at least the out-of-orderness past the window's end (by design:
 *       a window closes when its stream has a frame this far past its end);</li>
 *   <li>{@code queue}: time in the batcher's queue; {@code inference}: the batch's inference;</li>
 *   <li>{@code pipeline}: end-to-end - event-time wait - queue - inference, the pipeline's own share
 *       (producer, Kafka, source, decoding, windower, async hand-over, sink, Kafka, consumer);</li>
 *   <li>{@code pipelineStrict}: the same with the queue counted only up to the batcher's max-delay
 *       (waiting beyond it for a busy worker is counted against the pipeline).</li>
 * </ul>
 * Only predictions of streams whose id starts with the trial's prefix are counted; repeated
 * prediction ids (at-least-once after a restart) are counted once. Thread-safe.
 */
public final class LoadRecorder {
    public static final String END_TO_END = "endToEnd";
    public static final String EVENT_TIME_WAIT = "eventTimeWait";
    public static final String QUEUE = "queue";
    public static final String INFERENCE = "inference";
    public static final String EMIT_TO_CONSUMER = "emitToConsumer";
    public static final String PIPELINE = "pipeline";
    public static final String PIPELINE_STRICT = "pipelineStrict";

    private static final long MAX_US = 3_600_000_000L;

    /** One prediction's times, microseconds. */
    record Sample(long windowEndUs, long arrivalUs, long endToEnd, long eventTimeWait, long queue, long inference,
            long emitToConsumer, long pipeline, long pipelineStrict, int batch, String model) {
        long get(String part) {
            return switch (part) {
                case END_TO_END -> endToEnd;
                case EVENT_TIME_WAIT -> eventTimeWait;
                case QUEUE -> queue;
                case INFERENCE -> inference;
                case EMIT_TO_CONSUMER -> emitToConsumer;
                case PIPELINE -> pipeline;
                case PIPELINE_STRICT -> pipelineStrict;
                default -> throw new IllegalArgumentException("unknown latency part " + part);
            };
        }
    }

    /** The parts in the order they are reported. */
    public static final List<String> PARTS = List.of(END_TO_END, EVENT_TIME_WAIT, QUEUE, INFERENCE, EMIT_TO_CONSUMER,
            PIPELINE, PIPELINE_STRICT);

    /** How long a window waits, by design, from its newest input's capture for the input that closes it. */
    @FunctionalInterface
    public interface CloseWait {
        /** The wait of a window ending at {@code windowEndUs} whose newest input was captured at {@code captureUs}. */
        long waitUs(long windowEndUs, long captureUs);
    }

    /**
     * The wait of windows that close with the first frame at least the out-of-orderness past their end, frames on a
     * fixed period (0: unknown, no rounding).
     */
    public static CloseWait frameGridWait(long outOfOrdernessUs, long framePeriodUs) {
        return (windowEndUs, captureUs) -> {
            long wait = Math.max(0, windowEndUs + outOfOrdernessUs - captureUs);
            return framePeriodUs > 0 ? (wait + framePeriodUs - 1) / framePeriodUs * framePeriodUs : wait;
        };
    }

    private final String streamPrefix;
    private final CloseWait closeWait;
    private final long maxDelayUs;
    private final boolean fromWindowEnd;
    private final List<Sample> samples = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private final Map<String, Long> stopped = new java.util.concurrent.ConcurrentHashMap<>();
    private long cutShort;
    private long duplicates;
    private int drained;

    /**
     * @param streamPrefix     only streams whose id starts with it are counted
     * @param outOfOrdernessUs the job's out-of-orderness (a window closes this far past its end)
     * @param maxDelayUs       the batcher's max-delay
     * @param framePeriodUs    the streams' fixed frame period: the closing frame is the first on this grid at
     *                         least the out-of-orderness past the window's end; 0 when unknown
     */
    public LoadRecorder(String streamPrefix, long outOfOrdernessUs, long maxDelayUs, long framePeriodUs) {
        this(streamPrefix, frameGridWait(outOfOrdernessUs, framePeriodUs), maxDelayUs);
    }

    /**
     * @param streamPrefix only streams whose id starts with it are counted
     * @param closeWait    how long a window waits by design for the input that closes it
     * @param maxDelayUs   the batcher's max-delay
     */
    public LoadRecorder(String streamPrefix, CloseWait closeWait, long maxDelayUs) {
        this(streamPrefix, closeWait, maxDelayUs, false);
    }

    /**
     * @param fromWindowEnd measure latency from the window's end instead of from its newest input's capture (speech:
     *                      a segment is complete only once the silence after its end is confirmed); {@code closeWait}
     *                      then counts from the window's end too
     */
    public LoadRecorder(String streamPrefix, CloseWait closeWait, long maxDelayUs, boolean fromWindowEnd) {
        this.streamPrefix = streamPrefix;
        this.closeWait = closeWait;
        this.maxDelayUs = maxDelayUs;
        this.fromWindowEnd = fromWindowEnd;
    }

    /**
     * Records a window's prediction that arrived at {@code arrivalUs}; false when it is not this trial's, a repeat,
     * or an event record (an audio event ending is not a window).
     */
    public boolean record(Prediction p, long arrivalUs) {
        String stream = p.getStreamId().toString();
        if (!stream.startsWith(streamPrefix) || p.getEvent() != null) {
            return false;
        }
        for (Map.Entry<String, Long> e : stopped.entrySet()) {
            if (stream.startsWith(e.getKey()) && p.getWindowEndUs() > e.getValue()) {
                synchronized (this) {
                    cutShort++;
                }
                return false;
            }
        }
        LatencyRecord l = p.getLatency();
        long e2e = arrivalUs - (fromWindowEnd ? p.getWindowEndUs() : l.getCaptureTimeUs());
        long wait = closeWait.waitUs(p.getWindowEndUs(), l.getCaptureTimeUs());
        long queue = Math.max(0, l.getQueueTimeUs());
        long inference = Math.max(0, l.getInferenceEndUs() - l.getInferenceStartUs());
        long pipeline = e2e - wait - queue - inference;
        long strict = e2e - wait - Math.min(queue, maxDelayUs) - inference;
        Sample s = new Sample(p.getWindowEndUs(), arrivalUs, e2e, wait, queue, inference,
                arrivalUs - l.getEmitTimeUs(), pipeline, strict, l.getBatchSize(), p.getModelName().toString());
        synchronized (this) {
            if (!ids.add(p.getPredictionId().toString())) {
                duplicates++;
                return false;
            }
            samples.add(s);
        }
        return true;
    }

    /**
     * Streams with this id prefix stopped: their windows ending after {@code lastWindowEndUs} were cut
     * short and closed only by the job's idle expiry; they are not counted.
     */
    public void stopStreams(String prefix, long lastWindowEndUs) {
        stopped.put(prefix, lastWindowEndUs);
    }

    /** Predictions of windows cut short by their stream stopping (not counted). */
    public synchronized long cutShort() {
        return cutShort;
    }

    /** Predictions recorded since the last call (by arrival): their count and end-to-end percentiles. */
    public synchronized Interval drainInterval() {
        Histogram h = histogram();
        int from = drained;
        for (int i = from; i < samples.size(); i++) {
            h.recordValue(clamp(samples.get(i).endToEnd));
        }
        drained = samples.size();
        return new Interval(samples.size() - from, percentiles(h));
    }

    /** What {@link #drainInterval} returns. */
    public record Interval(long predictions, Percentiles endToEnd) {}

    /** Predictions whose window ends in {@code [fromUs, toUs)}. */
    public synchronized long count(long fromUs, long toUs) {
        return samples.stream().filter(s -> in(s, fromUs, toUs)).count();
    }

    /** All predictions recorded. */
    public synchronized long total() {
        return samples.size();
    }

    /** Repeated prediction ids seen (not counted). */
    public synchronized long duplicates() {
        return duplicates;
    }

    /** The newest arrival of a prediction whose window ends in {@code [fromUs, toUs)}; 0 when none. */
    public synchronized long lastArrival(long fromUs, long toUs) {
        return samples.stream().filter(s -> in(s, fromUs, toUs)).mapToLong(Sample::arrivalUs).max().orElse(0);
    }

    /** Percentiles of every part (see {@link #PARTS}) over the predictions whose window ends in {@code [fromUs, toUs)}. */
    public synchronized Map<String, Percentiles> latency(long fromUs, long toUs) {
        Map<String, Percentiles> out = new LinkedHashMap<>();
        for (String part : PARTS) {
            Histogram h = histogram();
            for (Sample s : samples) {
                if (in(s, fromUs, toUs)) {
                    h.recordValue(clamp(s.get(part)));
                }
            }
            out.put(part, percentiles(h));
        }
        return out;
    }

    /** Mean batch size over the predictions whose window ends in {@code [fromUs, toUs)}. */
    /** The windows whose end is in {@code [fromUs, toUs)}, counted by the model that predicted them (by name). */
    public synchronized Map<String, Long> byModel(long fromUs, long toUs) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (Sample s : samples) {
            if (in(s, fromUs, toUs)) {
                out.merge(s.model(), 1L, Long::sum);
            }
        }
        return out;
    }

    public synchronized double meanBatch(long fromUs, long toUs) {
        return samples.stream().filter(s -> in(s, fromUs, toUs)).mapToInt(Sample::batch).average().orElse(0);
    }

    /** The end-to-end latency histogram over {@code [fromUs, toUs)} in about {@code buckets} equal buckets. */
    public synchronized List<Bucket> histogram(long fromUs, long toUs, int buckets) {
        List<Long> values = new ArrayList<>();
        for (Sample s : samples) {
            if (in(s, fromUs, toUs)) {
                values.add(Math.max(0, s.endToEnd));
            }
        }
        return buckets(values, buckets);
    }

    static List<Bucket> buckets(List<Long> valuesUs, int buckets) {
        if (valuesUs.isEmpty()) {
            return List.of();
        }
        long min = valuesUs.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = valuesUs.stream().mapToLong(Long::longValue).max().orElse(0);
        double widthMs = niceWidth((max - min) / 1000.0 / Math.max(1, buckets));
        double startMs = Math.floor(min / 1000.0 / widthMs) * widthMs;
        int n = (int) Math.floor((max / 1000.0 - startMs) / widthMs) + 1;
        long[] counts = new long[n];
        for (long v : valuesUs) {
            int i = (int) Math.floor((v / 1000.0 - startMs) / widthMs);
            counts[Math.max(0, Math.min(n - 1, i))]++;
        }
        List<Bucket> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Bucket(startMs + i * widthMs, startMs + (i + 1) * widthMs, counts[i]));
        }
        return out;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw} (and at least 1 ms). */
    static double niceWidth(double raw) {
        if (!(raw > 1)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static boolean in(Sample s, long fromUs, long toUs) {
        return s.windowEndUs >= fromUs && s.windowEndUs < toUs;
    }

    private static Histogram histogram() {
        return new Histogram(MAX_US, 3);
    }

    private static long clamp(long us) {
        return Math.max(0, Math.min(MAX_US, us));
    }

    static Percentiles percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return Percentiles.EMPTY;
        }
        return new Percentiles(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(95)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()),
                Math.round(h.getMean() / 100.0) / 10.0);
    }

    private static double ms(long us) {
        return Math.round(us / 100.0) / 10.0;
    }
}
