package io.avstream.operators.window;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How a stream is cut into windows: span and hop in event time (windows start at multiples of the
 * hop since the epoch, shifted per stream by {@link #offsetUs} when staggered), how long after its
 * end a window waits for out-of-order frames, the
 * number of frames handed to the model, the nominal frame rate and the share of the expected
 * frames a window must hold to be used, and when an idle stream is flushed and expires.
 *
 * <pre>{@code
 * WindowSpec spec = WindowSpec.builder()
 *     .optSpan(Duration.ofSeconds(2)).optHop(Duration.ofSeconds(1)).build();
 * }</pre>
 */
public final class WindowSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Where each stream's windows start within the hop. */
    public enum Stagger {
        /** Every stream's windows start at multiples of the hop: all streams close a window at the same instants. */
        ALIGNED,
        /**
         * Each stream's windows are shifted by a fixed offset in [0, hop), whole milliseconds, from its id
         * ({@link #offsetUs}): window closes, and so inference, spread evenly over the hop instead of
         * arriving in one burst per hop.
         */
        PER_STREAM
    }

    private final long spanUs;
    private final long hopUs;
    private final int frames;
    private final double nominalFps;
    private final double minCoverage;
    private final long idleTimeoutMs;
    private final long outOfOrdernessUs;
    private final Stagger stagger;

    private WindowSpec(Builder b) {
        this.spanUs = b.span.toNanos() / 1000L;
        this.hopUs = b.hop.toNanos() / 1000L;
        this.frames = b.frames;
        this.nominalFps = b.nominalFps;
        this.minCoverage = b.minCoverage;
        this.idleTimeoutMs = b.idleTimeout.toMillis();
        this.outOfOrdernessUs = b.outOfOrderness.toNanos() / 1000L;
        this.stagger = b.stagger;
    }

    public static Builder builder() {
        return new Builder();
    }

    public long spanUs() {
        return spanUs;
    }

    public long hopUs() {
        return hopUs;
    }

    public int frames() {
        return frames;
    }

    public double nominalFps() {
        return nominalFps;
    }

    public double minCoverage() {
        return minCoverage;
    }

    public long idleTimeoutMs() {
        return idleTimeoutMs;
    }

    /** How far behind its stream's newest frame a frame may arrive and still be used; a window closes this long after its end. */
    public long outOfOrdernessUs() {
        return outOfOrdernessUs;
    }

    /** Fewest frames a window must hold to be used. */
    public int minFrames() {
        return Math.max(1, (int) Math.ceil(minCoverage * nominalFps * spanUs / 1_000_000.0 - 1e-9));
    }

    public Stagger stagger() {
        return stagger;
    }

    /**
     * How far a stream's windows are shifted from the multiples of the hop: 0 when {@link Stagger#ALIGNED};
     * with {@link Stagger#PER_STREAM}, the 64-bit FNV-1a hash of the UTF-8 stream id modulo the hop in
     * whole milliseconds (modulo the hop in microseconds when the hop is not whole milliseconds). The
     * same id gives the same offset in every version, JVM and language.
     */
    public long offsetUs(String streamId) {
        if (stagger == Stagger.ALIGNED) {
            return 0;
        }
        long h = 0xcbf29ce484222325L;
        for (byte b : streamId.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return hopUs % 1000 == 0 ? Long.remainderUnsigned(h, hopUs / 1000) * 1000 : Long.remainderUnsigned(h, hopUs);
    }

    /** Start of the first window (aligned to the hop) that contains {@code tUs}. */
    public long firstWindowStartContaining(long tUs) {
        return firstWindowStartContaining(tUs, 0);
    }

    /** Start of the first window of a stream whose windows start at {@code k * hop + offsetUs} that contains {@code tUs}. */
    public long firstWindowStartContaining(long tUs, long offsetUs) {
        // smallest k with k*hop + offset + span > t
        long k = Math.floorDiv(tUs - spanUs - offsetUs, hopUs) + 1;
        return k * hopUs + offsetUs;
    }

    /** Start of the last window that contains {@code tUs}. */
    public long lastWindowStartContaining(long tUs) {
        return Math.floorDiv(tUs, hopUs) * hopUs;
    }

    @Override
    public String toString() {
        return "WindowSpec{span=" + spanUs / 1000 + "ms, hop=" + hopUs / 1000 + "ms, frames=" + frames
                + ", fps=" + nominalFps + ", minCoverage=" + minCoverage + ", outOfOrderness=" + outOfOrdernessUs / 1000 + "ms, idleTimeout=" + idleTimeoutMs + "ms"
                + ", stagger=" + stagger + "}";
    }

    /** Builder; defaults: span 2 s, hop 1 s, 24 frames, 25 fps, coverage 0.8, out of order 200 ms, idle timeout 10 s, aligned. */
    public static final class Builder {
        private Duration span = Duration.ofSeconds(2);
        private Duration hop = Duration.ofSeconds(1);
        private int frames = 24;
        private double nominalFps = 25.0;
        private double minCoverage = 0.8;
        private Duration idleTimeout = Duration.ofSeconds(10);
        private Duration outOfOrderness = Duration.ofMillis(200);
        private Stagger stagger = Stagger.ALIGNED;

        public Builder optSpan(Duration span) {
            this.span = span;
            return this;
        }

        public Builder optHop(Duration hop) {
            this.hop = hop;
            return this;
        }

        public Builder optFrames(int frames) {
            this.frames = frames;
            return this;
        }

        public Builder optNominalFps(double fps) {
            this.nominalFps = fps;
            return this;
        }

        public Builder optMinCoverage(double coverage) {
            this.minCoverage = coverage;
            return this;
        }

        public Builder optIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder optOutOfOrderness(Duration outOfOrderness) {
            this.outOfOrderness = outOfOrderness;
            return this;
        }

        public Builder optStagger(Stagger stagger) {
            this.stagger = stagger;
            return this;
        }

        /** Checks the settings. */
        public WindowSpec build() {
            if (span == null || span.toNanos() < 1000) {
                throw new IllegalArgumentException("window span must be at least 1 us, got " + span);
            }
            if (hop == null || hop.toNanos() < 1000) {
                throw new IllegalArgumentException("window hop must be at least 1 us, got " + hop);
            }
            if (hop.compareTo(span) > 0) {
                throw new IllegalArgumentException("window hop " + hop + " is longer than the span " + span + ": frames would be skipped");
            }
            if (frames <= 0) {
                throw new IllegalArgumentException("frames per window must be positive, got " + frames);
            }
            if (!(nominalFps > 0)) {
                throw new IllegalArgumentException("nominal fps must be positive, got " + nominalFps);
            }
            if (!(minCoverage > 0 && minCoverage <= 1)) {
                throw new IllegalArgumentException("min coverage must be in (0, 1], got " + minCoverage);
            }
            if (outOfOrderness == null || outOfOrderness.isNegative()) {
                throw new IllegalArgumentException("out-of-orderness must be zero or positive, got " + outOfOrderness);
            }
            if (stagger == null) {
                throw new IllegalArgumentException("stagger must be ALIGNED or PER_STREAM, got null");
            }
            if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
            }
            return new WindowSpec(this);
        }
    }
}
