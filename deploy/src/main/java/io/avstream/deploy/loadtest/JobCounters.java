package io.avstream.deploy.loadtest;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter that keeps the counters of the jobs of an in-process Flink MiniCluster, so that
 * the load test reads them live (summed over subtasks) and after the job ends: {@code windowsClosed},
 * {@code shedWindows}, {@code failedWindows}, {@code predictions}. Enabled by {@link #enable}.
 */
public final class JobCounters implements MetricReporter, MetricReporterFactory {

    /** Windows the windower closed. */
    public static final String WINDOWS_CLOSED = "windowsClosed";
    /** Windows the batcher refused (queue full or deadline missed): not predicted. */
    public static final String SHED_WINDOWS = "shedWindows";
    /** Windows whose inference failed. */
    public static final String FAILED_WINDOWS = "failedWindows";

    private static final Map<String, Map<String, List<Counter>>> COUNTERS = new ConcurrentHashMap<>();

    /**
     * Adds this reporter to a MiniCluster configuration. Flink finds reporter factories with
     * {@link java.util.ServiceLoader} on the thread's context class loader: start the MiniCluster
     * inside {@link #visibleTo} so that it finds this one.
     */
    public static Configuration enable(Configuration flink) {
        flink.setString("metrics.reporter.avstream-loadtest.factory.class", JobCounters.class.getName());
        return flink;
    }

    /** Runs {@code action} with a context class loader that lists this class as a {@link MetricReporterFactory} service. */
    public static <T> T visibleTo(Callable<T> action) throws Exception {
        Path dir = Files.createTempDirectory("avstream-loadtest-services-");
        Path services = dir.resolve("META-INF/services/" + MetricReporterFactory.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, JobCounters.class.getName() + "\n");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, JobCounters.class.getClassLoader())) {
            thread.setContextClassLoader(loader);
            return action.call();
        } finally {
            thread.setContextClassLoader(previous);
            Files.deleteIfExists(services);
            Files.deleteIfExists(services.getParent());
            Files.deleteIfExists(services.getParent().getParent());
            Files.deleteIfExists(dir);
        }
    }

    /** A counter of a job, summed over its subtasks; 0 when never registered. */
    public static long count(String job, String name) {
        return COUNTERS.getOrDefault(job, Map.of()).getOrDefault(name, List.of())
                .stream().mapToLong(Counter::getCount).sum();
    }

    /** Forgets a job's counters. */
    public static void forget(String job) {
        COUNTERS.remove(job);
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
        if (metric instanceof Counter c) {
            String job = group.getAllVariables().getOrDefault("<job_name>", "");
            COUNTERS.computeIfAbsent(job, j -> new ConcurrentHashMap<>())
                    .computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(c);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept: the final counts are read after the job ends
    }
}
