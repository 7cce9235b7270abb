package io.avstream.ingest.validate;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/** Limits that every input record must respect; records outside them go to the dead-letter topic. */
public final class InputLimits implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default floor of capture times: 2000-01-01T00:00:00Z. */
    public static final long DEFAULT_MIN_TIMESTAMP_US = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli() * 1000L;

    private final int maxPayloadBytes;
    private final long minTimestampUs;
    private final long maxFutureSkewUs;
    private final int deadLetterPayloadLimit;
    private final int maxStreamIdLength;

    private InputLimits(Builder b) {
        this.maxPayloadBytes = b.maxPayloadBytes;
        this.minTimestampUs = b.minTimestampUs;
        this.maxFutureSkewUs = b.maxFutureSkew.toNanos() / 1000L;
        this.deadLetterPayloadLimit = b.deadLetterPayloadLimit;
        this.maxStreamIdLength = b.maxStreamIdLength;
    }

    /** Limits with every default. */
    public static InputLimits defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    public long minTimestampUs() {
        return minTimestampUs;
    }

    public long maxFutureSkewUs() {
        return maxFutureSkewUs;
    }

    public int deadLetterPayloadLimit() {
        return deadLetterPayloadLimit;
    }

    public int maxStreamIdLength() {
        return maxStreamIdLength;
    }

    /** Builder; every setting is optional. */
    public static final class Builder {
        private int maxPayloadBytes = 1 << 20;
        private long minTimestampUs = DEFAULT_MIN_TIMESTAMP_US;
        private Duration maxFutureSkew = Duration.ofMinutes(1);
        private int deadLetterPayloadLimit = 64 * 1024;
        private int maxStreamIdLength = 256;

        /** Largest accepted record value in bytes (default 1 MiB). */
        public Builder optMaxPayloadBytes(int bytes) {
            this.maxPayloadBytes = bytes;
            return this;
        }

        /** Earliest accepted capture time (default 2000-01-01). */
        public Builder optMinTimestampUs(long us) {
            this.minTimestampUs = us;
            return this;
        }

        /** How far in the future of this machine's clock a capture time may be (default 1 min). */
        public Builder optMaxFutureSkew(Duration skew) {
            this.maxFutureSkew = skew;
            return this;
        }

        /** How many bytes of a refused record the dead letter keeps (default 64 KiB). */
        public Builder optDeadLetterPayloadLimit(int bytes) {
            this.deadLetterPayloadLimit = bytes;
            return this;
        }

        /** Longest accepted stream id (default 256 characters). */
        public Builder optMaxStreamIdLength(int chars) {
            this.maxStreamIdLength = chars;
            return this;
        }

        public InputLimits build() {
            if (maxPayloadBytes <= 0) {
                throw new IllegalArgumentException("maxPayloadBytes must be positive, got " + maxPayloadBytes);
            }
            if (maxFutureSkew == null || maxFutureSkew.isNegative()) {
                throw new IllegalArgumentException("maxFutureSkew must be zero or positive, got " + maxFutureSkew);
            }
            if (deadLetterPayloadLimit < 0) {
                throw new IllegalArgumentException("deadLetterPayloadLimit must be zero or positive, got " + deadLetterPayloadLimit);
            }
            if (maxStreamIdLength <= 0) {
                throw new IllegalArgumentException("maxStreamIdLength must be positive, got " + maxStreamIdLength);
            }
            return new InputLimits(this);
        }
    }
}
