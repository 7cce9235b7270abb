package io.avstream.operators.audio;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A stream's audio turned into log-mel filterbank frames as it arrives: mono samples at the stream's own
 * rate, converted to the filterbank's rate ({@link Resampler}), framed every frame shift
 * ({@link KaldiFbank}). Each frame is computed once, from its own window of samples; the memory between
 * calls is a {@link State} (the resampler's history, the samples of the next frames, the frame count), so
 * the frames of a stream are the same, bit for bit, however its samples are cut into calls and whether or
 * not the state went through a restart in between. The frames of a whole recording in one call are the
 * offline reference of the streaming ones.
 *
 * <pre>{@code
 * FbankStream fbank = new FbankStream(KaldiFbank.mavil());
 * FbankStream.State s = fbank.newState(44_100);
 * float[] frames = fbank.accept(s, monoChunk);   // frames.length / 128 new frames, oldest first
 * }</pre>
 */
public final class FbankStream implements Serializable {
    private static final long serialVersionUID = 1L;

    private final KaldiFbank fbank;
    private final int rate;

    /** @param fbank the filterbank; its sample rate is the rate the audio is converted to */
    public FbankStream(KaldiFbank fbank) {
        this.fbank = fbank;
        double r = fbank.options().sampleRate();
        if (r != Math.rint(r) || r < 1) {
            throw new IllegalArgumentException("the filterbank's sample rate must be a whole number of Hz, was " + r);
        }
        this.rate = (int) r;
    }

    /** The filterbank. */
    public KaldiFbank fbank() {
        return fbank;
    }

    /** Mel bins per frame. */
    public int bins() {
        return fbank.numMelBins();
    }

    /** The rate the audio is converted to before framing, Hz. */
    public int rate() {
        return rate;
    }

    /** Whether a stream at {@code inputRate} Hz can be converted. */
    public boolean supports(int inputRate) {
        return Resampler.supports(inputRate, rate);
    }

    /** A stream that starts now at {@code inputRate} Hz: silence before it, no frame yet. */
    public State newState(int inputRate) {
        State s = new State();
        s.inputRate = inputRate;
        s.resampler = Resampler.of(inputRate, rate).newState();
        s.pending = new float[0];
        return s;
    }

    /**
     * Takes the stream's next mono samples (at the state's input rate) and returns the frames they
     * complete, {@link #bins()} values each, oldest first.
     */
    public float[] accept(State s, float[] mono) {
        float[] converted = Resampler.of(s.inputRate, rate).process(s.resampler, mono);
        float[] x = s.pending.length == 0 ? converted : concat(s.pending, converted);
        int frames = fbank.numFrames(x.length);
        float[] out = new float[frames * fbank.numMelBins()];
        if (frames > 0) {
            fbank.compute(x, 0, x.length, out);
        }
        int consumed = frames * fbank.windowShift();
        s.pending = Arrays.copyOfRange(x, consumed, x.length);
        s.frames += frames;
        return out;
    }

    /** The frames of a whole recording at once (the offline reference): a fresh stream fed every sample in one call. */
    public float[] offline(int inputRate, float[] mono) {
        return accept(newState(inputRate), mono);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * A stream's memory between calls. A Flink POJO (public fields, no-argument constructor) so that it can
     * live in keyed state.
     */
    public static final class State {
        /** The stream's sample rate, Hz. */
        public int inputRate;
        /** The resampler's history. */
        public Resampler.State resampler;
        /** Converted samples not yet consumed by a frame (fewer than a frame window plus a shift). */
        public float[] pending;
        /** Frames produced since the stream started. */
        public long frames;

        public State() {}
    }
}
