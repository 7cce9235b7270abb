package io.avstream.tools.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU time this process has used, and a sampler that records it over a run so that the CPU
 * spent between two instants known only afterwards (a job's first inference start and last
 * inference end) can be read back.
 */
public final class ProcessCpu implements AutoCloseable {
    private static final com.sun.management.OperatingSystemMXBean OS = operatingSystem();

    private final List<long[]> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ProcessCpu(long periodMillis) {
        sample();
        thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
                sample();
            }
        }, "bench-cpu-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** CPU time of this process in nanoseconds, all threads, user and system; -1 where the JVM does not tell. */
    public static long nanos() {
        return OS == null ? -1 : OS.getProcessCpuTime();
    }

    /** Starts sampling every {@code periodMillis} ms (wall clock in epoch microseconds, process CPU). */
    public static ProcessCpu sample(long periodMillis) {
        return new ProcessCpu(periodMillis);
    }

    private void sample() {
        long[] s = {System.currentTimeMillis() * 1000L, nanos()};
        synchronized (samples) {
            samples.add(s);
        }
    }

    /**
     * CPU seconds this process used from {@code startUs} to {@code endUs} (epoch microseconds), linear
     * between samples; NaN where the interval is not covered by the samples or the CPU time is unknown.
     */
    public double cpuSecondsBetween(long startUs, long endUs) {
        List<long[]> s;
        synchronized (samples) {
            s = new ArrayList<>(samples);
        }
        return between(s, startUs, endUs);
    }

    static double between(List<long[]> s, long startUs, long endUs) {
        if (s.size() < 2 || endUs < startUs || startUs < s.get(0)[0] || endUs > s.get(s.size() - 1)[0]
                || s.get(0)[1] < 0) {
            return Double.NaN;
        }
        return (at(s, endUs) - at(s, startUs)) / 1e9;
    }

    private static double at(List<long[]> s, long us) {
        for (int i = 1; i < s.size(); i++) {
            long[] lo = s.get(i - 1);
            long[] hi = s.get(i);
            if (us <= hi[0]) {
                double f = hi[0] == lo[0] ? 1 : (double) (us - lo[0]) / (hi[0] - lo[0]);
                return lo[1] + f * (hi[1] - lo[1]);
            }
        }
        return s.get(s.size() - 1)[1];
    }

    /** Stops sampling (after one last sample). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }

    private static com.sun.management.OperatingSystemMXBean operatingSystem() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os : null;
    }
}
