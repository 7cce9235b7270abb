package io.avstream.operators.audioevents;

import java.io.Serializable;
import java.time.Duration;

/**
 * How an audio stream becomes the model's windows: the window's frames (1024 = 10.24 s of 10 ms frames for
 * MAViL), a hop in frames, the frames a stream needs before its first window, and how its clock is followed
 * (gaps filled with silence up to a bound, longer ones restart the stream; jitter of the producers' timestamps
 * tolerated).
 *
 * <pre>{@code
 * AudioWindowSpec spec = AudioWindowSpec.builder().optWindowFrames(1024).optHopFrames(100).build();
 * }</pre>
 */
public final class AudioWindowSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int windowFrames;
    private final int hopFrames;
    private final int minFrames;
    private final long maxGapFillUs;
    private final long jitterUs;
    private final long idleTimeoutMs;

    private AudioWindowSpec(Builder b) {
        this.windowFrames = b.windowFrames;
        this.hopFrames = b.hopFrames;
        this.minFrames = b.minFrames < 0 ? b.hopFrames : b.minFrames;
        this.maxGapFillUs = b.maxGapFill.toNanos() / 1000;
        this.jitterUs = b.jitter.toNanos() / 1000;
        this.idleTimeoutMs = b.idleTimeout.toMillis();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Frames of a full window. */
    public int windowFrames() {
        return windowFrames;
    }

    /** Frames from one window's end to the next's. */
    public int hopFrames() {
        return hopFrames;
    }

    /** Frames a stream has before its first window (shorter windows are the newest frames so far). */
    public int minFrames() {
        return minFrames;
    }

    /** Gaps in a stream's audio up to this long are filled with silence; longer ones restart the stream. */
    public long maxGapFillUs() {
        return maxGapFillUs;
    }

    /** How far a chunk's timestamp may sit from where the stream's samples put it without counting as a gap or overlap. */
    public long jitterUs() {
        return jitterUs;
    }

    /** A stream that sends nothing for this long (processing time) is forgotten. */
    public long idleTimeoutMs() {
        return idleTimeoutMs;
    }

    /**
     * Whether a window ends after frame {@code frames} (a stream's frame count since it started): at
     * {@link #minFrames()} and every hop after it; at the end of the stream also after its last frame.
     */
    public boolean windowEndsAt(long frames, boolean endOfStream) {
        if (frames <= 0) {
            return false;
        }
        if (frames >= minFrames && (frames - minFrames) % hopFrames == 0) {
            return true;
        }
        return endOfStream;
    }

    @Override
    public String toString() {
        return "AudioWindowSpec{window " + windowFrames + " frames, hop " + hopFrames + ", first after " + minFrames
                + ", gaps filled up to " + maxGapFillUs + " us, jitter " + jitterUs + " us}";
    }

    /** Builder; every setting optional. */
    public static final class Builder {
        private int windowFrames = 1024;
        private int hopFrames = 100;
        private int minFrames = -1;
        private Duration maxGapFill = Duration.ofSeconds(1);
        private Duration jitter = Duration.ofMillis(20);
        private Duration idleTimeout = Duration.ofMinutes(1);

        /** Frames of a full window (default 1024, MAViL's 10.24 s). */
        public Builder optWindowFrames(int frames) {
            this.windowFrames = frames;
            return this;
        }

        /** Frames from one window to the next (default 100, 1 s). */
        public Builder optHopFrames(int frames) {
            this.hopFrames = frames;
            return this;
        }

        /** Frames before a stream's first window (default: one hop). */
        public Builder optMinFrames(int frames) {
            this.minFrames = frames;
            return this;
        }

        /** Longest gap filled with silence (default 1 s); longer gaps restart the stream. */
        public Builder optMaxGapFill(Duration gap) {
            this.maxGapFill = gap;
            return this;
        }

        /** Timestamp jitter tolerated (default 20 ms). */
        public Builder optJitter(Duration jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Idle time after which a stream is forgotten (default 1 min). */
        public Builder optIdleTimeout(Duration idle) {
            this.idleTimeout = idle;
            return this;
        }

        public AudioWindowSpec build() {
            if (windowFrames < 16) {
                throw new IllegalArgumentException("window frames must be at least 16, got " + windowFrames);
            }
            if (hopFrames < 1 || hopFrames > windowFrames) {
                throw new IllegalArgumentException("hop frames must be in 1.." + windowFrames + ", got " + hopFrames);
            }
            if (minFrames != -1 && (minFrames < 1 || minFrames > windowFrames)) {
                throw new IllegalArgumentException("min frames must be in 1.." + windowFrames + ", got " + minFrames);
            }
            if (maxGapFill == null || maxGapFill.isNegative() || jitter == null || jitter.isNegative()) {
                throw new IllegalArgumentException("gap fill and jitter must be zero or positive");
            }
            if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
            }
            return new AudioWindowSpec(this);
        }
    }
}
