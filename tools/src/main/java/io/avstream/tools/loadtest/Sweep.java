package io.avstream.tools.loadtest;

import java.util.OptionalInt;

/**
 * The stream counts a sweep tries: from a start count, doubling while the target holds, then
 * bisecting between the largest count that held and the smallest that failed until they are
 * within the precision (the larger of 1 stream and {@code precision} x the held count), or until
 * {@code maxSteps} steps or {@code maxStreams}.
 *
 * <pre>{@code
 * Sweep sweep = new Sweep(4, 512, 0.1, 12);
 * for (OptionalInt n = sweep.next(); n.isPresent(); n = sweep.next()) {
 *     sweep.report(n.getAsInt(), runAt(n.getAsInt()).held());
 * }
 * int answer = sweep.largestHeld();   // 0 when even one stream failed
 * }</pre>
 */
public final class Sweep {
    private final int start;
    private final int maxStreams;
    private final double precision;
    private final int maxSteps;
    private int steps;
    private int largestHeld;
    private int smallestFailed = Integer.MAX_VALUE;

    public Sweep(int start, int maxStreams, double precision, int maxSteps) {
        if (start < 1 || maxStreams < start) {
            throw new IllegalArgumentException("need 1 <= start <= maxStreams, got start " + start + ", max " + maxStreams);
        }
        if (!(precision >= 0) || maxSteps < 1) {
            throw new IllegalArgumentException("precision must be >= 0 and maxSteps >= 1");
        }
        this.start = start;
        this.maxStreams = maxStreams;
        this.precision = precision;
        this.maxSteps = maxSteps;
    }

    /** The next stream count to try, or empty when the sweep is done. */
    public OptionalInt next() {
        if (steps >= maxSteps) {
            return OptionalInt.empty();
        }
        if (steps == 0) {
            return OptionalInt.of(start);
        }
        if (smallestFailed == Integer.MAX_VALUE) {
            return largestHeld >= maxStreams ? OptionalInt.empty() : OptionalInt.of(Math.min(maxStreams, 2 * largestHeld));
        }
        int gap = smallestFailed - largestHeld;
        if (gap <= Math.max(1, (int) Math.floor(precision * largestHeld))) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(largestHeld + gap / 2);
    }

    /** The outcome of a step. */
    public void report(int streams, boolean held) {
        steps++;
        if (held) {
            largestHeld = Math.max(largestHeld, streams);
        } else {
            smallestFailed = Math.min(smallestFailed, streams);
        }
    }

    /** The largest count that held, 0 when none did. */
    public int largestHeld() {
        return largestHeld;
    }

    /** The smallest count that failed, or null when none did. */
    public Integer smallestFailed() {
        return smallestFailed == Integer.MAX_VALUE ? null : smallestFailed;
    }
}
