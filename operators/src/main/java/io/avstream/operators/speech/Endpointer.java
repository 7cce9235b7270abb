package io.avstream.operators.speech;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Turns a stream's voice-activity probabilities, one per chunk, into speech segments, with Silero VAD's own rules and
 * defaults ({@code get_speech_timestamps}): speech starts at the first chunk whose probability reaches the enter
 * threshold (0.5); it ends when the probability has stayed under the exit threshold (0.35, the hysteresis) for the
 * minimum silence (100 ms), a return to the enter threshold in between cancelling the end; segments shorter than the
 * minimum speech (250 ms) are dropped; each kept segment is padded by the speech pad (30 ms) on both sides, never
 * into the previous segment. Beyond Silero: a segment that reaches the maximum length (20 s) is cut at its deepest
 * pause, the chunk of lowest probability after its first minimum-speech stretch, and speech goes on in a new segment
 * from the next chunk.
 *
 * <p>Interim segments (off by default): while speech is open, every interim interval of it (counted from its start,
 * once the speech known so far lasts the minimum speech, so that a final segment is sure to follow) the span so far
 * is reported, padded at its start as the final segment will be, so that a transcript can be shown before the speech
 * ends; the final segment follows as without them.
 *
 * <p>Where the end lies: Silero places it at the first chunk under the exit threshold. Here it is, by default, the
 * first chunk of that silence under the enter threshold ({@link EndRule#LEFT_SPEECH}): the exit threshold and the
 * minimum silence confirm that speech ended, the enter threshold says where. The model's probability lags the audio by
 * about a chunk and decays over a few, so this is up to a few chunks nearer to where the sound stops
 * ({@link EndRule#SILERO} keeps Silero's).
 *
 * <p>Plain code; positions are samples of the 16 kHz stream, whose whole memory is a {@link State}. The segments of a
 * stream are the same however its chunks reach {@link #accept}: one call per chunk in order is the only way in.
 */
public final class Endpointer implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Where a segment ends once its silence is confirmed. */
    public enum EndRule {
        /** At the first chunk of the silence whose probability fell under the enter threshold. */
        LEFT_SPEECH,
        /** At the first chunk under the exit threshold, as Silero's {@code get_speech_timestamps}. */
        SILERO
    }

    /** A detected segment: the speech, and the padded span the recognisers get. Samples of the 16 kHz stream. */
    public record Segment(long speechStart, long speechEnd, long start, long end, boolean cutAtMaxLength) {}

    /** What the endpointer decides. */
    public interface Listener {
        /** Speech started at {@code sample} (a segment may still be dropped as too short). */
        default void speechStarted(long sample) {}

        /** A segment is complete; the audio up to {@code segment.end()} has been seen. */
        void segment(Segment segment);

        /** A run of speech shorter than the minimum was dropped. */
        default void tooShort(long start, long end) {}

        /**
         * The open speech so far, when interim segments are on: {@code segment.end()} is where the audio seen ends,
         * {@code segment.speechEnd()} where the speech ends as far as is known (the final segment's speech ends there
         * or later, and lasts at least the minimum speech).
         */
        default void interim(Segment segment) {}
    }

    private final float enter;
    private final float exit;
    private final int chunk;
    private final long minSpeech;
    private final long minSilence;
    private final long pad;
    private final long maxSegment;
    private final long interim;
    private final EndRule endRule;

    private Endpointer(Builder b) {
        this.enter = b.enter;
        this.exit = b.exit;
        this.chunk = b.chunkSamples;
        this.minSpeech = samples(b.minSpeech, b.sampleRate);
        this.minSilence = samples(b.minSilence, b.sampleRate);
        this.pad = samples(b.speechPad, b.sampleRate);
        this.maxSegment = samples(b.maxSegment, b.sampleRate);
        this.interim = samples(b.interimInterval, b.sampleRate);
        this.endRule = b.endRule;
    }

    private static long samples(Duration d, int rate) {
        return d.toNanos() * rate / 1_000_000_000L;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Samples per chunk. */
    public int chunkSamples() {
        return chunk;
    }

    /** The speech pad, in samples. */
    public long padSamples() {
        return pad;
    }

    /** The interval of interim segments in samples, 0 when they are off. */
    public long interimSamples() {
        return interim;
    }

    /** The longest segment, in samples (speech pad excluded). */
    public long maxSegmentSamples() {
        return maxSegment;
    }

    /**
     * Takes the probability of the stream's chunk {@code index} (samples {@code index * chunk} on), the chunks in order
     * from 0.
     */
    public void accept(State s, long index, float p, Listener out) {
        long at = index * chunk;
        if (p >= enter) {
            s.silenceFrom = -1;
            s.leftSpeechAt = -1;
            s.belowEnterFrom = -1;
        } else if (s.belowEnterFrom < 0) {
            s.belowEnterFrom = at;
        }
        if (!s.triggered) {
            if (p >= enter) {
                s.triggered = true;
                s.start = at;
                s.deepestAt = -1;
                s.nextInterimAt = at + interim;
                out.speechStarted(at);
            }
            return;
        }
        if (at - s.start >= minSpeech && (s.deepestAt < 0 || p <= s.deepestP)) {
            s.deepestAt = at;
            s.deepestP = p;
        }
        if (p < exit) {
            if (s.silenceFrom < 0) {
                s.silenceFrom = at;
                s.leftSpeechAt = s.belowEnterFrom;
            }
            if (at - s.silenceFrom >= minSilence) {
                close(s, endRule == EndRule.SILERO ? s.silenceFrom : s.leftSpeechAt, at + chunk, false, out);
                s.triggered = false;
                return;
            }
        }
        if (at + chunk - s.start >= maxSegment) {
            long cut = s.deepestAt >= 0 ? s.deepestAt : at;
            close(s, cut, at + chunk, true, out);
            // speech goes on after the cut: the chunks after the deepest pause open the next segment
            s.start = cut + chunk;
            s.deepestAt = -1;
            s.silenceFrom = -1;
            s.leftSpeechAt = -1;
            s.nextInterimAt = s.start + interim;
            if (s.start > at) {
                s.triggered = false;
            } else {
                out.speechStarted(s.start);
            }
        }
        long seen = at + chunk;
        // (a state restored from before interim segments existed has nextInterimAt 0: counted from the start then)
        if (interim > 0 && s.triggered && seen >= Math.max(s.nextInterimAt, s.start + interim)) {
            // where the speech ends as far as is known: the final segment ends there or later, so an interim segment
            // is only reported once the final one is sure to be long enough to be kept
            long soFar = endRule == EndRule.SILERO ? (s.silenceFrom >= 0 ? s.silenceFrom : seen)
                    : (s.belowEnterFrom >= 0 ? s.belowEnterFrom : seen);
            if (soFar - s.start >= minSpeech) {
                s.nextInterimAt = seen + interim;
                out.interim(new Segment(s.start, soFar, paddedStart(s), seen, false));
            }
        }
    }

    /** The end of the stream's audio at sample {@code end}: an open segment ends there. */
    public void finish(State s, long end, Listener out) {
        if (s.triggered) {
            long speechEnd = s.silenceFrom >= 0 ? (endRule == EndRule.SILERO ? s.silenceFrom : s.leftSpeechAt) : end;
            close(s, speechEnd, end, false, out);
            s.triggered = false;
        }
    }

    private void close(State s, long speechEnd, long seen, boolean cut, Listener out) {
        if (speechEnd - s.start < minSpeech) {
            out.tooShort(s.start, speechEnd);
            return;
        }
        long start = paddedStart(s);
        long end = Math.min(speechEnd + pad, seen);
        if (cut) {
            end = speechEnd; // the next segment starts right after: no pad into it
        }
        s.lastEnd = end;
        out.segment(new Segment(s.start, speechEnd, start, end, cut));
    }

    private long paddedStart(State s) {
        return Math.max(Math.max(0, s.start - pad), s.lastEnd);
    }

    /** A stream's endpointing memory. A Flink POJO (public fields, no-argument constructor) for keyed state. */
    public static final class State {
        /** Whether speech is open. */
        public boolean triggered;
        /** Where the open speech started. */
        public long start;
        /** The first chunk of the current run under the enter threshold, or -1. */
        public long belowEnterFrom = -1;
        /** The first chunk of the pending silence (under the exit threshold), or -1. */
        public long silenceFrom = -1;
        /** Where the pending silence's speech ended by the enter threshold, or -1. */
        public long leftSpeechAt = -1;
        /** The open segment's deepest pause so far (its chunk's first sample), or -1. */
        public long deepestAt = -1;
        /** Its probability. */
        public float deepestP;
        /** The end of the last segment, with its pad. */
        public long lastEnd;
        /** Where the open speech's next interim segment is due (when interim segments are on). */
        public long nextInterimAt;

        public State() {}
    }

    /** Endpointing rules; the defaults are Silero VAD's, plus a 20 s maximum segment. */
    public static final class Builder {
        private float enter = 0.5f;
        private float exit = Float.NaN;
        private int sampleRate = 16_000;
        private int chunkSamples = 512;
        private Duration minSpeech = Duration.ofMillis(250);
        private Duration minSilence = Duration.ofMillis(100);
        private Duration speechPad = Duration.ofMillis(30);
        private Duration maxSegment = Duration.ofSeconds(20);
        private Duration interimInterval = Duration.ZERO;
        private EndRule endRule = EndRule.LEFT_SPEECH;

        /** Speech starts at this probability (0.5). */
        public Builder optEnter(float enter) {
            this.enter = enter;
            return this;
        }

        /** Speech may end under this probability (the enter threshold - 0.15, at least 0.01). */
        public Builder optExit(float exit) {
            this.exit = exit;
            return this;
        }

        public Builder optSampleRate(int sampleRate) {
            this.sampleRate = sampleRate;
            return this;
        }

        public Builder optChunkSamples(int chunkSamples) {
            this.chunkSamples = chunkSamples;
            return this;
        }

        public Builder optMinSpeech(Duration minSpeech) {
            this.minSpeech = minSpeech;
            return this;
        }

        public Builder optMinSilence(Duration minSilence) {
            this.minSilence = minSilence;
            return this;
        }

        public Builder optSpeechPad(Duration speechPad) {
            this.speechPad = speechPad;
            return this;
        }

        public Builder optMaxSegment(Duration maxSegment) {
            this.maxSegment = maxSegment;
            return this;
        }

        /** Reports the open speech so far every {@code interval} of it (zero, the default: never). */
        public Builder optInterimInterval(Duration interval) {
            this.interimInterval = interval;
            return this;
        }

        public Builder optEndRule(EndRule endRule) {
            this.endRule = endRule;
            return this;
        }

        /** @throws IllegalArgumentException naming the first rule that does not hold */
        public Endpointer build() {
            if (Float.isNaN(exit)) {
                exit = Math.max(enter - 0.15f, 0.01f);
            }
            if (!(enter > 0 && enter < 1)) {
                throw new IllegalArgumentException("the enter threshold must lie in (0, 1), was " + enter);
            }
            if (!(exit > 0 && exit <= enter)) {
                throw new IllegalArgumentException("the exit threshold must lie in (0, enter = " + enter + "], was " + exit);
            }
            if (sampleRate <= 0 || chunkSamples <= 0) {
                throw new IllegalArgumentException("sample rate and chunk must be positive, were " + sampleRate + " and "
                        + chunkSamples);
            }
            for (Duration d : new Duration[] {minSpeech, minSilence, speechPad, interimInterval}) {
                if (d.isNegative()) {
                    throw new IllegalArgumentException("durations must not be negative, got " + d);
                }
            }
            if (samples(maxSegment, sampleRate) < samples(minSpeech, sampleRate) + 2L * chunkSamples) {
                throw new IllegalArgumentException("the maximum segment (" + maxSegment.toMillis()
                        + " ms) must exceed the minimum speech (" + minSpeech.toMillis() + " ms) by two chunks");
            }
            long interimSamples = samples(interimInterval, sampleRate);
            if (!interimInterval.isZero() && interimSamples < chunkSamples) {
                throw new IllegalArgumentException("the interim interval (" + interimInterval.toMillis()
                        + " ms) must be zero (off) or at least one chunk");
            }
            Objects.requireNonNull(endRule, "endRule");
            return new Endpointer(this);
        }
    }
}
