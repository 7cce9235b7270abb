package io.avstream.tools.loadtest;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter that keeps the counters of the jobs of an in-process Flink MiniCluster, so that
 * the load test and the integration tests read them live (summed over subtasks) and after the job
 * ends: e.g. {@code windowsClosed}, {@code shedWindows}, {@code failedWindows}, {@code predictions},
 * {@code deadLetters} and, per reason, {@code deadLetters.<REASON>}; and its gauges, read live
 * (e.g. the batcher's {@code queueDepth}). Enabled by {@link #enable}.
 */
public final class JobCounters implements MetricReporter, MetricReporterFactory {

    /** Windows the windower closed. */
    public static final String WINDOWS_CLOSED = "windowsClosed";
    /** Audio windows the audio front end cut. */
    public static final String AUDIO_WINDOWS = "audioWindows";
    /** Windows the batcher refused (queue full or deadline missed): not predicted. */
    public static final String SHED_WINDOWS = "shedWindows";
    /** Windows whose inference failed. */
    public static final String FAILED_WINDOWS = "failedWindows";
    /** Requests waiting in the batcher now (a gauge). */
    public static final String QUEUE_DEPTH = "queueDepth";

    private static final Map<String, Map<String, List<Counter>>> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, List<Gauge<?>>>> GAUGES = new ConcurrentHashMap<>();

    /**
     * Adds this reporter to a MiniCluster configuration (Flink finds the factory through the
     * {@code META-INF/services} entry of this module).
     */
    public static Configuration enable(Configuration flink) {
        flink.setString("metrics.reporter.avstream-loadtest.factory.class", JobCounters.class.getName());
        return flink;
    }

    /** A counter of a job, summed over its subtasks; 0 when never registered. */
    public static long count(String job, String name) {
        return COUNTERS.getOrDefault(job, Map.of()).getOrDefault(name, List.of())
                .stream().mapToLong(Counter::getCount).sum();
    }

    /**
     * The largest value of a numeric gauge of a job over its subtasks (a gauge of the batcher, which is
     * shared by every subtask of a JVM, reads the same in each); null when never registered or not numeric.
     */
    public static Double gaugeMax(String job, String name) {
        Double max = null;
        for (Gauge<?> g : GAUGES.getOrDefault(job, Map.of()).getOrDefault(name, List.of())) {
            Object v;
            try {
                v = g.getValue();
            } catch (RuntimeException e) {
                continue;
            }
            if (v instanceof Number n && (max == null || n.doubleValue() > max)) {
                max = n.doubleValue();
            }
        }
        return max;
    }

    /** Forgets a job's counters and gauges. */
    public static void forget(String job) {
        COUNTERS.remove(job);
        GAUGES.remove(job);
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return this;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Gauge<?> g) {
            String job = group.getAllVariables().getOrDefault("<job_name>", "");
            GAUGES.computeIfAbsent(job, j -> new ConcurrentHashMap<>()).computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(g);
        }
        if (metric instanceof Counter c) {
            String job = group.getAllVariables().getOrDefault("<job_name>", "");
            // per-reason dead-letter counters live in a sub-group: keep the group's last component in the name
            String key = group.getMetricIdentifier(name).contains(".deadLetters." + name) ? "deadLetters." + name : name;
            COUNTERS.computeIfAbsent(job, j -> new ConcurrentHashMap<>())
                    .computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(c);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // counters kept: the final counts are read after the job ends; a gauge of a closed operator reads no more
        if (metric instanceof Gauge<?> g) {
            String job = group.getAllVariables().getOrDefault("<job_name>", "");
            Map<String, List<Gauge<?>>> gauges = GAUGES.get(job);
            List<Gauge<?>> named = gauges == null ? null : gauges.get(name);
            if (named != null) {
                named.remove(g);
            }
        }
    }
}
