package io.avstream.operators.speech;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;

import io.avstream.operators.audio.AudioClock;
import io.avstream.operators.audio.Resampler;
import io.avstream.operators.audioevents.PcmBlock;

/**
 * Follows one audio stream for voice activity, chunk after chunk in time order: plain code (no Flink, no model) whose
 * whole memory is a {@link VadStreamState}, used per key by {@link VoiceActivityOperator}, which scores the chunks of
 * many streams in one batch.
 *
 * <p>The stream's clock is its samples ({@link AudioClock}: gaps filled with silence up to a bound, longer ones and
 * rate changes restart the stream, overlapping samples dropped). Its audio is converted to 16 kHz as it arrives
 * ({@link Resampler}, history in the state) and cut into 512-sample chunks; {@link #ready} says how many wait to be
 * scored, {@link #input} gives the next one with its 64 samples of context, and {@link #scored} takes its speech
 * probability and the model's next state, feeds the {@link Endpointer} and emits each completed
 * {@link SpeechSegment} with its samples. The samples a segment may still need are kept, no more. Fed in any
 * chunking, a stream gives the segments of {@link #offline} over its samples at once.
 */
public final class VadStream implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final int CHUNK = SileroVad.CHUNK;
    private static final int CONTEXT = SileroVad.CONTEXT;

    /** What happens while a stream is followed. */
    public interface Listener {
        /** A segment is complete. */
        void segment(SpeechSegment segment);

        /** The open speech so far ({@link SpeechSegment#interim}), when the endpointer reports it. */
        default void interim(SpeechSegment segment) {}

        /** A chunk was scored (the probability of the chunk from 16 kHz sample {@code first}). */
        default void probability(long first, float p) {}

        /** A gap of {@code gapUs} was filled with silence. */
        default void gapFilled(long gapUs) {}

        /** The stream started anew (a gap too long to fill, or a new sample rate). */
        default void restarted(String why) {}

        /** Samples of a chunk that overlapped audio already taken were dropped. */
        default void overlapDropped(long samples) {}

        /** A run of speech shorter than the minimum was dropped. */
        default void tooShort() {}
    }

    private final AudioClock clock;
    private final Endpointer endpointer;

    public VadStream(AudioClock clock, Endpointer endpointer) {
        if (endpointer.chunkSamples() != CHUNK) {
            throw new IllegalArgumentException("the endpointer must count " + CHUNK + "-sample chunks, counts "
                    + endpointer.chunkSamples());
        }
        this.clock = clock;
        this.endpointer = endpointer;
    }

    public Endpointer endpointer() {
        return endpointer;
    }

    /** Whether audio at {@code rate} Hz can be converted to 16 kHz. */
    public static boolean supports(int rate) {
        return Resampler.supports(rate, SileroVad.RATE);
    }

    /**
     * Takes the stream's next chunk of audio and returns the stream's state afterwards (a new one when the stream
     * started or restarted; {@code state} may be null for a stream not seen yet). A chunk that {@link #restarts} the
     * stream ends it where its scored chunks end: score its waiting chunks first.
     */
    public VadStreamState accept(String streamId, VadStreamState state, PcmBlock block, long nowUs, Listener listener) {
        VadStreamState s = state;
        float[] samples = block.samples;
        if (s != null) {
            AudioClock.Placement p = clock.place(s.sampleRate, s.t0Us, s.samplesIn, block.sampleRate, block.captureUs);
            if (p.restart() != null) {
                if (ready(s) > 0) {
                    throw new IllegalStateException("score the " + ready(s) + " waiting chunks of " + streamId
                            + " before the chunk that restarts it");
                }
                finish(streamId, s, nowUs, listener);
                listener.restarted(p.restart());
                s = null;
            } else {
                if (p.fillSamples() > 0) {
                    append(s, new float[(int) p.fillSamples()]);
                    listener.gapFilled(p.gapUs());
                }
                float[] kept = p.kept(samples);
                if (kept.length < samples.length) {
                    listener.overlapDropped(samples.length - kept.length);
                }
                if (kept.length == 0) {
                    return s;
                }
                samples = kept;
            }
        }
        if (s == null) {
            s = start(block);
        }
        s.lastCaptureUs = block.captureUs;
        s.lastKafkaUs = block.kafkaUs;
        append(s, samples);
        return s;
    }

    /** Whether {@code block} starts the stream anew (a gap too long to fill, or a new sample rate). */
    public boolean restarts(VadStreamState s, PcmBlock block) {
        return s != null && clock.place(s.sampleRate, s.t0Us, s.samplesIn, block.sampleRate, block.captureUs).restart() != null;
    }

    /** Chunks of the stream that wait to be scored. */
    public int ready(VadStreamState s) {
        return (int) ((s.samples() - s.chunks * CHUNK) / CHUNK);
    }

    /** The next chunk to score with its context ({@code CONTEXT + CHUNK} samples; zeros before the stream's start). */
    public float[] input(VadStreamState s) {
        float[] in = new float[CONTEXT + CHUNK];
        long from = s.chunks * CHUNK - CONTEXT;
        long skip = Math.max(0, -from);
        System.arraycopy(s.audio, (int) (from + skip - s.audioStart), in, (int) skip, (int) (CONTEXT + CHUNK - skip));
        return in;
    }

    /** Takes the score of the chunk {@link #input} gave: its speech probability and the model's state after it. */
    public void scored(String streamId, VadStreamState s, float p, float[] rnn, long nowUs, Listener listener) {
        long index = s.chunks;
        s.rnn = rnn;
        s.chunks++;
        listener.probability(index * CHUNK, p);
        endpointer.accept(s.endpoint, index, p, segments(streamId, s, nowUs, listener));
    }

    /**
     * The end of a stream (end of input, idle, restart): an open segment ends where the scored chunks end (fewer than
     * a chunk of audio after them is not scored).
     */
    public void finish(String streamId, VadStreamState s, long nowUs, Listener listener) {
        if (s != null) {
            endpointer.finish(s.endpoint, s.chunks * CHUNK, segments(streamId, s, nowUs, listener));
        }
    }

    /** Drops the samples no segment and no chunk's context can need any more. */
    public void trim(VadStreamState s) {
        long keep = Math.max(0, s.chunks * CHUNK - CONTEXT);
        Endpointer.State e = s.endpoint;
        long next = e.triggered ? e.start : s.chunks * CHUNK;
        keep = Math.min(keep, Math.max(Math.max(0, next - endpointer.padSamples()), e.lastEnd));
        if (keep > s.audioStart) {
            s.audio = Arrays.copyOfRange(s.audio, (int) (keep - s.audioStart), s.audio.length);
            s.audioStart = keep;
        }
    }

    /**
     * The segments of a whole recording at once (the offline reference), scored one chunk at a time; interim segments,
     * when the endpointer reports them, among them in the order they come.
     */
    public List<SpeechSegment> offline(String streamId, long t0Us, int sampleRate, float[] mono, SileroVad vad,
            Listener listener) throws InterruptedException, ExecutionException {
        List<SpeechSegment> out = new ArrayList<>();
        Listener both = new Listener() {
            @Override
            public void segment(SpeechSegment segment) {
                out.add(segment);
                listener.segment(segment);
            }

            @Override
            public void interim(SpeechSegment segment) {
                out.add(segment);
                listener.interim(segment);
            }

            @Override
            public void probability(long first, float p) {
                listener.probability(first, p);
            }
        };
        VadStreamState s = accept(streamId, null, new PcmBlock(streamId, 0, t0Us, 0, sampleRate, mono, null), 0, both);
        List<float[]> state = new ArrayList<>(List.of(s.rnn));
        while (ready(s) > 0) {
            float p = vad.score(List.of(input(s)), state)[0];
            scored(streamId, s, p, state.get(0), 0, both);
        }
        finish(streamId, s, 0, both);
        return out;
    }

    private VadStreamState start(PcmBlock block) {
        VadStreamState s = new VadStreamState();
        s.sampleRate = block.sampleRate;
        s.t0Us = block.captureUs;
        s.resampler = Resampler.of(block.sampleRate, SileroVad.RATE).newState();
        s.audio = new float[0];
        s.rnn = new float[SileroVad.STATE];
        s.endpoint = new Endpointer.State();
        return s;
    }

    private static void append(VadStreamState s, float[] samples) {
        s.samplesIn += samples.length;
        float[] converted = Resampler.of(s.sampleRate, SileroVad.RATE).process(s.resampler, samples);
        float[] a = Arrays.copyOf(s.audio, s.audio.length + converted.length);
        System.arraycopy(converted, 0, a, s.audio.length, converted.length);
        s.audio = a;
    }

    private Endpointer.Listener segments(String streamId, VadStreamState s, long nowUs, Listener listener) {
        return new Endpointer.Listener() {
            @Override
            public void segment(Endpointer.Segment seg) {
                listener.segment(toSegment(streamId, s, seg, false, nowUs));
            }

            @Override
            public void interim(Endpointer.Segment seg) {
                listener.interim(toSegment(streamId, s, seg, true, nowUs));
            }

            @Override
            public void tooShort(long start, long end) {
                listener.tooShort();
            }
        };
    }

    private static SpeechSegment toSegment(String streamId, VadStreamState s, Endpointer.Segment seg, boolean interim,
            long nowUs) {
        SpeechSegment out = new SpeechSegment();
        out.streamId = streamId;
        out.firstSample = seg.start();
        out.samples = Arrays.copyOfRange(s.audio, (int) (seg.start() - s.audioStart), (int) (seg.end() - s.audioStart));
        out.startUs = timeUs(s, seg.start());
        out.endUs = timeUs(s, seg.end());
        out.speechStartUs = timeUs(s, seg.speechStart());
        out.speechEndUs = timeUs(s, seg.speechEnd());
        out.cutAtMaxLength = seg.cutAtMaxLength();
        out.interim = interim;
        out.lastCaptureUs = s.lastCaptureUs;
        out.lastKafkaUs = s.lastKafkaUs;
        out.closedAtUs = nowUs;
        return out;
    }

    private static long timeUs(VadStreamState s, long sample) {
        return s.t0Us + Math.floorDiv(sample * 1_000_000L, SileroVad.RATE);
    }
}
