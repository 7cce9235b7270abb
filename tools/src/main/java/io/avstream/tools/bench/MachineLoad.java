package io.avstream.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private MachineLoad(long wallNanos, long allBusyTicks, long selfTicks) {
        this.wallNanos = wallNanos;
        this.allBusyTicks = allBusyTicks;
        this.selfTicks = selfTicks;
    }

    /**
     * Busy cores over an interval.
     *
     * @param self   cores this process kept busy on average
     * @param others cores every other process kept busy on average (NaN where {@code /proc} is not readable)
     */
    public record Interval(double seconds, double self, double others) {
        @Override
        public String toString() {
            return Double.isNaN(others) ? "machine load not readable"
                    : String.format("this process %.2f cores, other processes %.2f cores", self, others);
        }
    }

    /** A snapshot now. */
    public static MachineLoad now() {
        return new MachineLoad(System.nanoTime(), allBusyTicks(), selfTicks());
    }

    /** The load from this snapshot to now. */
    public Interval since() {
        MachineLoad end = now();
        double seconds = (end.wallNanos - wallNanos) / 1e9;
        if (allBusyTicks < 0 || end.allBusyTicks < 0 || selfTicks < 0 || end.selfTicks < 0 || seconds <= 0) {
            return new Interval(seconds, Double.NaN, Double.NaN);
        }
        double self = (end.selfTicks - selfTicks) / TICKS_PER_SECOND / seconds;
        double all = (end.allBusyTicks - allBusyTicks) / TICKS_PER_SECOND / seconds;
        return new Interval(seconds, self, Math.max(0, all - self));
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
        try {
            String s = Files.readString(Path.of("/proc/self/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split("\\s+");
            // fields after the command: state is f[0]; utime and stime are fields 14 and 15 of the whole line
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
