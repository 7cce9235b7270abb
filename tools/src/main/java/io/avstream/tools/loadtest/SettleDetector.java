package io.avstream.tools.loadtest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a trial has reached its steady state, from one sample per second: the end-to-end
 * p50 and p99 of the predictions that arrived in that second and the batcher's queue depth at its end.
 * The trial has settled when, over the last {@code window} seconds,
 * <ul>
 *   <li>predictions arrived in at least 70 % of the seconds (of the seconds divided by {@code arrivalPeriod}
 *       where predictions arrive in bursts, e.g. every checkpoint with exactly-once delivery; at least 3);</li>
 *   <li>the least-squares line through the p50, through the p99 and through the queue depth changes
 *       across the window by no more than a floor ({@code latencyFloorMs}; for the queue {@code queueFloor}
 *       requests), or by no more than both {@code tolerance} x the series' median and twice the change's
 *       standard error (what the noise explains): no trend;</li>
 *   <li>the p50's spread (max - min) is at most its median plus the latency floor: no spike or step.</li>
 * </ul>
 * Seconds without predictions are left out of the latency series, seconds without a depth out of the
 * queue's; the queue is checked when as many seconds have a depth as must have predictions (the job runs
 * in this JVM: its gauge is read). Pure: time enters only as the samples.
 *
 * <pre>{@code
 * SettleDetector d = SettleDetector.builder().optWindowSeconds(10).optTolerance(0.25).build();
 * SettleDetector.Check c = d.add(new SettleDetector.Second(predictions, p50Ms, p99Ms, queueDepth));  // each second
 * if (c.settled()) { ... start measuring ... }
 * }</pre>
 */
final class SettleDetector {
    static final int DEFAULT_WINDOW_S = 10;
    static final double DEFAULT_TOLERANCE = 0.25;
    static final double DEFAULT_LATENCY_FLOOR_MS = 50;
    static final double DEFAULT_QUEUE_FLOOR = 4;
    /** The share of the window's seconds that must have predictions. */
    static final double MIN_COVERAGE = 0.7;
    /** A trend within this many standard errors of its slope is taken for noise. */
    static final double NOISE_Z = 2;

    /** One second of a trial: predictions that arrived in it, their end-to-end p50 and p99, the queue depth (null: unknown). */
    record Second(long predictions, double p50Ms, double p99Ms, Double queueDepth) {}

    /** The verdict on the window ending at the newest second, and why. */
    record Check(boolean settled, String reason) {}

    private final int window;
    private final double tolerance;
    private final double latencyFloorMs;
    private final double queueFloor;
    private final int arrivalPeriod;
    private final Deque<Second> seconds = new ArrayDeque<>();
    private Check last;

    private SettleDetector(Builder b) {
        this.window = b.window;
        this.tolerance = b.tolerance;
        this.latencyFloorMs = b.latencyFloorMs;
        this.queueFloor = b.queueFloor;
        this.arrivalPeriod = b.arrivalPeriod;
        this.last = new Check(false, "no second sampled yet");
    }

    static Builder builder() {
        return new Builder();
    }

    /** Adds the newest second and judges the window that ends with it. */
    Check add(Second s) {
        seconds.addLast(s);
        while (seconds.size() > window) {
            seconds.removeFirst();
        }
        last = check(List.copyOf(seconds));
        return last;
    }

    /** The verdict after the newest second. */
    Check last() {
        return last;
    }

    /** The window, seconds. */
    int windowSeconds() {
        return window;
    }

    /** The rule in a line, for the report. */
    String rule() {
        return String.format(Locale.ROOT, "over the last %d s: predictions in >= %d of the seconds; e2e p50, p99 and "
                + "batcher queue depth each with a least-squares change <= max(%.0f ms (queue: %.0f), min(%.0f%% of the "
                + "median, 2 standard errors)); p50 spread <= median + %.0f ms", window,
                Math.max(3, (int) Math.ceil(MIN_COVERAGE * window / arrivalPeriod)), latencyFloorMs,
                queueFloor, 100 * tolerance, latencyFloorMs);
    }

    private Check check(List<Second> w) {
        if (w.size() < window) {
            return new Check(false, String.format(Locale.ROOT, "%d of %d s sampled", w.size(), window));
        }
        List<double[]> p50 = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        List<double[]> queue = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            Second s = w.get(i);
            if (s.predictions() > 0) {
                p50.add(new double[] {i, s.p50Ms()});
                p99.add(new double[] {i, s.p99Ms()});
            }
            if (s.queueDepth() != null) {
                queue.add(new double[] {i, s.queueDepth()});
            }
        }
        int need = Math.max(3, (int) Math.ceil(MIN_COVERAGE * window / arrivalPeriod));
        if (p50.size() < need) {
            return new Check(false, String.format(Locale.ROOT, "predictions arrived in only %d of the last %d s (need %d)",
                    p50.size(), window, need));
        }
        List<String> facts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        trend("e2e p50", "ms", p50, latencyFloorMs, facts, problems);
        trend("e2e p99", "ms", p99, latencyFloorMs, facts, problems);
        double[] v50 = p50.stream().mapToDouble(p -> p[1]).toArray();
        double m50 = median(v50);
        double spread = Arrays.stream(v50).max().orElse(0) - Arrays.stream(v50).min().orElse(0);
        double allowedSpread = m50 + latencyFloorMs;
        String spreadFact = String.format(Locale.ROOT, "p50 spread %.0f ms (allowed %.0f)", spread, allowedSpread);
        (spread <= allowedSpread ? facts : problems).add(spreadFact);
        if (queue.size() >= need) {
            trend("queue depth", "", queue, queueFloor, facts, problems);
        } else {
            facts.add("queue depth not known");
        }
        if (problems.isEmpty()) {
            return new Check(true, "over the last " + window + " s " + String.join(", ", facts));
        }
        return new Check(false, "over the last " + window + " s " + String.join(", ", problems));
    }

    /**
     * Checks one series for a trend; adds a fact when flat, a problem otherwise. The series is flat when the
     * change of its least-squares line across the window is at most the floor, or at most both the tolerance
     * x its median and twice the change's standard error (a trend the noise cannot explain is not flat).
     */
    private void trend(String name, String unit, List<double[]> points, double floor, List<String> facts, List<String> problems) {
        double[] v = points.stream().mapToDouble(p -> p[1]).toArray();
        double median = median(v);
        double[] fit = fit(points);
        double change = fit[0] * (window - 1);
        double noise = NOISE_Z * fit[1] * (window - 1);
        double allowed = Math.max(floor, Math.min(tolerance * Math.abs(median), noise));
        String u = unit.isEmpty() ? "" : " " + unit;
        if (Math.abs(change) <= allowed) {
            facts.add(String.format(Locale.ROOT, "%s %.0f%s (change %+.0f, allowed +/-%.0f)", name, median, u, change, allowed));
        } else {
            problems.add(String.format(Locale.ROOT, "%s %s %.0f%s across the window (median %.0f%s, allowed +/-%.0f)", name,
                    change < 0 ? "falling" : "rising", Math.abs(change), u, median, u, allowed));
        }
    }

    /** The least-squares slope of y over x and its standard error; both 0 for fewer than three points. */
    static double[] fit(List<double[]> points) {
        int n = points.size();
        if (n < 3) {
            return new double[] {0, 0};
        }
        double b = slope(points);
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double sxx = 0;
        double rss = 0;
        for (double[] p : points) {
            sxx += (p[0] - mx) * (p[0] - mx);
            double r = p[1] - (my + b * (p[0] - mx));
            rss += r * r;
        }
        return new double[] {b, sxx == 0 ? 0 : Math.sqrt(rss / (n - 2) / sxx)};
    }

    /** Least-squares slope of y over x; 0 for fewer than two points. */
    static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return 0;
        }
        double mx = 0;
        double my = 0;
        for (double[] p : points) {
            mx += p[0];
            my += p[1];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Builder; every setting optional. */
    static final class Builder {
        private int window = DEFAULT_WINDOW_S;
        private double tolerance = DEFAULT_TOLERANCE;
        private double latencyFloorMs = DEFAULT_LATENCY_FLOOR_MS;
        private double queueFloor = DEFAULT_QUEUE_FLOOR;
        private int arrivalPeriod = 1;

        /** Seconds the series must stay flat (default 10). */
        Builder optWindowSeconds(int seconds) {
            this.window = seconds;
            return this;
        }

        /** The change allowed across the window, as a share of the series' median (default 0.25). */
        Builder optTolerance(double tolerance) {
            this.tolerance = tolerance;
            return this;
        }

        /** The change always allowed in a latency series, milliseconds (default 50). */
        Builder optLatencyFloorMs(double floorMs) {
            this.latencyFloorMs = floorMs;
            return this;
        }

        /** The change always allowed in the queue depth, requests (default 4). */
        Builder optQueueFloor(double floor) {
            this.queueFloor = floor;
            return this;
        }

        /** Seconds between bursts of predictions (exactly-once: the checkpoint interval, rounded up; default 1). */
        Builder optArrivalPeriodSeconds(int seconds) {
            this.arrivalPeriod = seconds;
            return this;
        }

        SettleDetector build() {
            List<String> problems = new ArrayList<>();
            if (window < 3) {
                problems.add("settle window must be at least 3 s, got " + window);
            }
            if (!(tolerance > 0)) {
                problems.add("settle tolerance must be positive, got " + tolerance);
            }
            if (arrivalPeriod < 1) {
                problems.add("arrival period must be at least 1 s, got " + arrivalPeriod);
            }
            if (!(latencyFloorMs >= 0) || !(queueFloor >= 0)) {
                problems.add("settle floors must not be negative, got " + latencyFloorMs + " ms and " + queueFloor);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("settle detector: " + String.join("; ", problems));
            }
            return new SettleDetector(this);
        }
    }
}
