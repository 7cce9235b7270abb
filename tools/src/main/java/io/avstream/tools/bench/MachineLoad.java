package io.avstream.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.avstream.tools.local.BrokerProcess;
import java.util.List;

/**
 * How busy the machine was during a measurement, from Linux's {@code /proc}: the CPU time this
 * process used and the CPU time all other processes used, each as average busy cores over the
 * interval. A measurement during which other processes used a good share of the cores is not a
 * clean one; the report says so.
 */
public final class MachineLoad {
    private static final double TICKS_PER_SECOND = 100.0;

    private final long wallNanos;
    private final long allBusyTicks;
    private final long selfTicks;
    private final long brokerPid;
    private final long brokerTicks;

    private MachineLoad(long wallNanos, long allBusyTicks, long selfTicks, long brokerPid, long brokerTicks) {
        this.wallNanos = wallNanos;
        this.allBusyTicks = allBusyTicks;
        this.selfTicks = selfTicks;
        this.brokerPid = brokerPid;
        this.brokerTicks = brokerTicks;
    }

    /**
     * Busy cores over an interval.
     *
     * @param self   cores this process kept busy on average
     * @param broker cores the bench's broker process kept busy on average (NaN when the broker runs in this
     *               process, where its time is part of {@code self})
     * @param others cores every other process kept busy on average (NaN where {@code /proc} is not readable)
     */
    public record Interval(double seconds, double self, double broker, double others) {
        @Override
        public String toString() {
            if (Double.isNaN(others)) {
                return "machine load not readable";
            }
            return Double.isNaN(broker) ? String.format("this process %.2f cores, other processes %.2f cores", self, others)
                    : String.format("this process %.2f cores, broker process %.2f cores, other processes %.2f cores",
                            self, broker, others);
        }
    }

    /** A snapshot now. */
    public static MachineLoad now() {
        return now(-1);
    }

    /** A snapshot now that also reads the CPU time of the broker process {@code brokerPid} (-1: none). */
    public static MachineLoad now(long brokerPid) {
        long broker = brokerPid < 0 ? -1 : BrokerProcess.processTicks(Path.of("/proc", Long.toString(brokerPid), "stat"));
        return new MachineLoad(System.nanoTime(), allBusyTicks(), selfTicks(), brokerPid, broker);
    }

    /** The load from this snapshot to now. */
    public Interval since() {
        MachineLoad end = now(brokerPid);
        double seconds = (end.wallNanos - wallNanos) / 1e9;
        if (allBusyTicks < 0 || end.allBusyTicks < 0 || selfTicks < 0 || end.selfTicks < 0 || seconds <= 0) {
            return new Interval(seconds, Double.NaN, Double.NaN, Double.NaN);
        }
        double self = (end.selfTicks - selfTicks) / TICKS_PER_SECOND / seconds;
        double all = (end.allBusyTicks - allBusyTicks) / TICKS_PER_SECOND / seconds;
        double broker = brokerTicks < 0 || end.brokerTicks < 0 ? Double.NaN
                : (end.brokerTicks - brokerTicks) / TICKS_PER_SECOND / seconds;
        return new Interval(seconds, self, broker, Math.max(0, all - self - (Double.isNaN(broker) ? 0 : broker)));
    }

    /** user + nice + system + irq + softirq + steal of all CPUs, in clock ticks; -1 if unknown. */
    private static long allBusyTicks() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String[] f = lines.get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of this process, in clock ticks; -1 if unknown. */
    private static long selfTicks() {
        return BrokerProcess.processTicks(Path.of("/proc/self/stat"));
    }
}
