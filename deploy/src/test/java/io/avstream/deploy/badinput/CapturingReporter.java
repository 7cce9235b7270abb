package io.avstream.deploy.badinput;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter for tests: keeps every counter of every job, so that a test reads the job's
 * counters (summed over subtasks) after it ends. Enabled with
 * {@code metrics.reporter.capture.factory.class: io.avstream.deploy.badinput.CapturingReporter}.
 */
public final class CapturingReporter implements MetricReporter, MetricReporterFactory {

    private static final Map<String, Map<String, CopyOnWriteArrayList<Counter>>> COUNTERS = new ConcurrentHashMap<>();

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
        if (metric instanceof Counter c) {
            String job = group.getAllVariables().getOrDefault("<job_name>", "");
            String scoped = group.getMetricIdentifier(name);
            // per-reason dead-letter counters live in a sub-group: keep the group's last component in the name
            String key = scoped.contains(".deadLetters." + name) ? "deadLetters." + name : name;
            COUNTERS.computeIfAbsent(job, j -> new ConcurrentHashMap<>())
                    .computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(c);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // keep it: the test reads the counts after the job ends
    }

    /** A counter of a job, summed over its subtasks (0 when never registered). */
    public static long count(String job, String name) {
        return COUNTERS.getOrDefault(job, Map.of()).getOrDefault(name, new CopyOnWriteArrayList<>())
                .stream().mapToLong(Counter::getCount).sum();
    }
}
