package io.avstream.tools.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.avstream.tools.local.BrokerProcess;

/**
 * The CPU time this process has used, and a sampler that records it over a run so that the CPU
 * spent between two instants known only afterwards (a job's first inference start and last
 * inference end) can be read back; with it, the time the JIT compiler spent compiling and the CPU time
 * of a broker process, so that a run can be split into the job's own cost and what surrounds it.
 */
public final class ProcessCpu implements AutoCloseable {
    private static final com.sun.management.OperatingSystemMXBean OS = operatingSystem();
    private static final CompilationMXBean JIT = compilation();
    static final int TIME = 0;
    static final int CPU = 1;
    static final int COMPILE = 2;
    static final int BROKER = 3;

    private final List<long[]> samples = new ArrayList<>();
    private final Thread thread;
    private final Path brokerStat;
    private volatile boolean running = true;

    private ProcessCpu(long periodMillis, long brokerPid) {
        this.brokerStat = brokerPid < 0 ? null : Path.of("/proc", Long.toString(brokerPid), "stat");
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

    /** Time the JIT compiler has spent compiling in this JVM, in nanoseconds; -1 where the JVM does not tell. */
    public static long compileNanos() {
        return JIT == null ? -1 : JIT.getTotalCompilationTime() * 1_000_000L;
    }

    /** Starts sampling every {@code periodMillis} ms (wall clock in epoch microseconds, process CPU, JIT time). */
    public static ProcessCpu sample(long periodMillis) {
        return new ProcessCpu(periodMillis, -1);
    }

    /** The same, also sampling the CPU time of the process {@code brokerPid} (from {@code /proc}). */
    public static ProcessCpu sample(long periodMillis, long brokerPid) {
        return new ProcessCpu(periodMillis, brokerPid);
    }

    private void sample() {
        long broker = -1;
        if (brokerStat != null) {
            long ticks = BrokerProcess.processTicks(brokerStat);
            broker = ticks < 0 ? -1 : ticks * 10_000_000L; // clock ticks of 10 ms
        }
        long[] s = {System.currentTimeMillis() * 1000L, nanos(), compileNanos(), broker};
        synchronized (samples) {
            samples.add(s);
        }
    }

    /**
     * CPU seconds this process used from {@code startUs} to {@code endUs} (epoch microseconds), linear
     * between samples; NaN where the interval is not covered by the samples or the CPU time is unknown.
     */
    public double cpuSecondsBetween(long startUs, long endUs) {
        return between(snapshot(), CPU, startUs, endUs);
    }

    /** Seconds the JIT compiler spent compiling from {@code startUs} to {@code endUs}; NaN where unknown. */
    public double compileSecondsBetween(long startUs, long endUs) {
        return between(snapshot(), COMPILE, startUs, endUs);
    }

    /** CPU seconds of the broker process from {@code startUs} to {@code endUs}; NaN where there is none or unknown. */
    public double brokerCpuSecondsBetween(long startUs, long endUs) {
        return between(snapshot(), BROKER, startUs, endUs);
    }

    private List<long[]> snapshot() {
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    static double between(List<long[]> s, long startUs, long endUs) {
        return between(s, CPU, startUs, endUs);
    }

    static double between(List<long[]> s, int counter, long startUs, long endUs) {
        if (s.size() < 2 || endUs < startUs || startUs < s.get(0)[TIME] || endUs > s.get(s.size() - 1)[TIME]) {
            return Double.NaN;
        }
        for (long[] sample : s) {
            if (sample.length <= counter || sample[counter] < 0) {
                return Double.NaN;
            }
        }
        return (at(s, counter, endUs) - at(s, counter, startUs)) / 1e9;
    }

    private static double at(List<long[]> s, int counter, long us) {
        for (int i = 1; i < s.size(); i++) {
            long[] lo = s.get(i - 1);
            long[] hi = s.get(i);
            if (us <= hi[TIME]) {
                double f = hi[TIME] == lo[TIME] ? 1 : (double) (us - lo[TIME]) / (hi[TIME] - lo[TIME]);
                return lo[counter] + f * (hi[counter] - lo[counter]);
            }
        }
        return s.get(s.size() - 1)[counter];
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

    private static CompilationMXBean compilation() {
        CompilationMXBean c = ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c : null;
    }

    private static com.sun.management.OperatingSystemMXBean operatingSystem() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os : null;
    }
}
