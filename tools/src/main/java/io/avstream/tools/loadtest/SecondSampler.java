package io.avstream.tools.loadtest;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

import io.avstream.tools.loadtest.LoadResult.Percentiles;
import io.avstream.tools.loadtest.LoadResult.Point;
import io.avstream.schemas.EpochMicros;

/**
 * Takes a trial's sample at the end of each second: the predictions that arrived in it and their
 * end-to-end percentiles, frames sent, the job's counters and the batcher's queue depth (in process),
 * this JVM's heap and the machine's load average; prints the progress line when asked to.
 */
final class SecondSampler {
    private final LoadSettings s;
    private final Deployment d;
    private final LoadRecorder recorder;
    private final StreamSources sources;
    private final double frameBytes;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<CounterTick> counterTicks = new ArrayList<>();
    private long lastWindows;
    private long lastShed;
    private double lastHeapMb;
    private double heapMaxMb;

    SecondSampler(LoadSettings s, Deployment d, LoadRecorder recorder, StreamSources sources, double frameBytes) {
        this.s = s;
        this.d = d;
        this.recorder = recorder;
        this.sources = sources;
        this.frameBytes = frameBytes;
    }

    /** The sample of second {@code tick} (counted from the trial's start), in phase {@code phase}. */
    Point sample(long tick, String phase) {
        LoadRecorder.Interval iv = recorder.drainInterval();
        StreamSources.Second sent = sources.second();
        Long windowsDelta = null;
        Long shedDelta = null;
        Double queueDepth = null;
        if (d.job() != null) {
            queueDepth = JobCounters.gaugeMax(d.job(), JobCounters.QUEUE_DEPTH);
            long w = JobCounters.count(d.job(), s.profile.windowsCounter());
            long sh = JobCounters.count(d.job(), JobCounters.SHED_WINDOWS);
            windowsDelta = w - lastWindows;
            shedDelta = sh - lastShed;
            lastWindows = w;
            lastShed = sh;
            counterTicks.add(new CounterTick(EpochMicros.now(), w, sh));
        }
        double heapMb = memory.getHeapMemoryUsage().getUsed() / 1e6;
        lastHeapMb = heapMb;
        heapMaxMb = Math.max(heapMaxMb, heapMb);
        double inputMb = sent.framesSent() * frameBytes / 1e6;
        Percentiles e = iv.endToEnd();
        double load = loadAverage();
        Point point = new Point(tick, sent.active(), iv.predictions(), windowsDelta, shedDelta, Summaries.round(inputMb, 3),
                e.p50(), e.p90(), e.p95(), e.p99(), e.max(), Summaries.round(heapMb, 1), Summaries.round(load, 2),
                queueDepth);
        if (s.progress) {
            progress(s.out, point, phase, heapMb, inputMb, load);
        }
        return point;
    }

    private static void progress(PrintStream out, Point p, String phase, double heapMb, double inputMb, double load) {
        out.printf("[%4ds %-9s] streams %3d | predictions/s %6.1f%s | input %6.2f MB/s | e2e p50 %6.0f p99 %6.0f max %6.0f ms%s%s | heap %5.0f MB | load %4.1f%n",
                (long) p.t(), phase, p.streams(), (double) p.predictions(),
                p.windowsClosed() == null ? "" : String.format(" windows/s %6.1f", (double) p.windowsClosed()),
                inputMb, p.p50(), p.p99(), p.max(),
                p.shedWindows() == null ? "" : String.format(" | shed/s %4d", p.shedWindows()),
                p.queueDepth() == null ? "" : String.format(" | queue %4.0f", p.queueDepth()), heapMb, load);
    }

    /** The job's counters at the end of every second so far (empty where the job runs elsewhere). */
    List<CounterTick> counterTicks() {
        return counterTicks;
    }

    /** The heap used at the last sample, MB. */
    double lastHeapMb() {
        return lastHeapMb;
    }

    /** The most heap used at any sample, MB. */
    double heapMaxMb() {
        return heapMaxMb;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
