package io.avstream.operators.audio;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Objects;

/**
 * Kaldi-compatible log-mel filterbank features of a mono waveform, equal (within float rounding) to
 * {@code torchaudio.compliance.kaldi.fbank} (torchaudio 0.13) called with the {@link Options} and
 * these fixed settings:
 *
 * <pre>{@code
 * fbank(waveform, window_type='hanning', dither=0.0, remove_dc_offset=True, round_to_power_of_two=True,
 *       snip_edges=True, use_log_fbank=True, use_power=True, use_energy=False, vtln_warp=1.0,
 *       subtract_mean=False, min_duration=0.0,
 *       sample_frequency=..., num_mel_bins=..., frame_length=..., frame_shift=...,
 *       preemphasis_coefficient=..., low_freq=..., high_freq=..., htk_compat=...)
 * }</pre>
 *
 * <p>{@link #mavil()} is the audio front end of the MAViL models: 16 kHz, 128 bins, 25 ms frames
 * every 10 ms, i.e. {@code fbank(w, htk_compat=True, sample_frequency=16000, use_energy=False,
 * window_type='hanning', num_mel_bins=128, dither=0.0, frame_shift=10)}. The waveform mean
 * subtraction before, and MAViL's normalisation and padding to 1024 frames after (a 10.24 s clip
 * gives 1022 frames), are the model's preprocessing and not part of this class.
 *
 * <p>The steps, as torchaudio does them:
 * <ol>
 *   <li>frames of {@code int(sample_rate * frame_length_ms * 0.001)} samples (400 at 16 kHz, 25 ms)
 *       every {@code int(sample_rate * frame_shift_ms * 0.001)} samples (160), only frames that fit
 *       ({@code snip_edges}): {@code 1 + (n - 400) / 160} frames, none below 400 samples;</li>
 *   <li>the frame's own mean subtracted (DC offset removal);</li>
 *   <li>preemphasis {@code y[j] = x[j] - p * x[j - 1]}, with {@code x[-1] = x[0]} (so {@code y[0] =
 *       (1 - p) x[0]});</li>
 *   <li>the symmetric Hann window {@code 0.5 - 0.5 cos(2 pi j / (L - 1))}
 *       ({@code torch.hann_window(L, periodic=False)});</li>
 *   <li>zero padding to the next power of two (512) and the power spectrum {@code |FFT|^2}, bins
 *       {@code 0 .. 256};</li>
 *   <li>triangular mel filters, equally spaced on the mel scale {@code 1127 ln(1 + f / 700)} between
 *       {@code low_freq} and {@code high_freq} (Nyquist when {@code <= 0}, plus the value), each from its
 *       left to its right neighbour's centre, evaluated at the mel value of each FFT bin
 *       {@code 0 .. 255}; the Nyquist bin has no weight;</li>
 *   <li>{@code log(max(energy, 1.1920929e-07))}, the float32 machine epsilon.</li>
 * </ol>
 *
 * <p>torchaudio computes all of this in float32. This class rounds to float where torchaudio does
 * before the FFT (frame mean, DC removal, preemphasis, window) and for the window and the filter
 * weights, which are computed with torchaudio's float32 steps; the FFT and the filter sums are in
 * double. Against torchaudio's output the largest difference on log-mel values is below 4e-4, in
 * bands whose energy is near the float32 rounding noise of torchaudio's own FFT; the median
 * difference is one float ulp (see {@code KaldiFbankTest}). With 128 bins and a 512-point FFT,
 * filter 3 contains no FFT bin (the lowest filters are narrower than the 31.25 Hz bin spacing): it is
 * always {@link #LOG_FLOOR}, in torchaudio too.
 *
 * <p>Unlike torchaudio, which raises an error for a waveform shorter than one frame, a short waveform
 * gives zero frames (as Kaldi does). Non-finite samples are not checked; they propagate.
 *
 * <p>Immutable and thread-safe: each call allocates its own small work arrays (a few kB). Serializable
 * as its options; the tables are recomputed on deserialization.
 */
public final class KaldiFbank implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The floor under the mel energies: {@code torch.finfo(torch.float).eps}. */
    public static final float ENERGY_FLOOR = Math.ulp(1.0f);

    /** The value of a band whose energy is at or below {@link #ENERGY_FLOOR}: {@code log(ENERGY_FLOOR)}. */
    public static final float LOG_FLOOR = (float) Math.log(ENERGY_FLOOR);

    private final Options options;
    private final int windowSize;
    private final int windowShift;
    private final int numBins;
    private final float preemphasis;
    private final float[] window;
    private final RealFft fft;
    /** Filter m covers FFT bins {@code filterStart[m] .. filterStart[m] + filterLength[m] - 1}. */
    private final int[] filterStart;
    private final int[] filterLength;
    /** Weights of filter m from {@code filterOffset[m]}, {@code filterLength[m]} of them. */
    private final int[] filterOffset;
    private final float[] filterWeights;
    /** FFT bins any filter uses: {@code [firstBin, endBin)}. */
    private final int firstBin;
    private final int endBin;

    /** A filterbank with these options (validated when they were built). */
    public KaldiFbank(Options options) {
        this.options = Objects.requireNonNull(options, "options");
        this.windowSize = options.windowSize();
        this.windowShift = options.windowShift();
        this.numBins = options.numMelBins();
        this.preemphasis = (float) options.preemphasis();
        this.window = hannWindow(windowSize);
        int padded = options.paddedWindowSize();
        this.fft = new RealFft(padded);

        float[][] bank = melBank(options);
        filterStart = new int[numBins];
        filterLength = new int[numBins];
        filterOffset = new int[numBins];
        int total = 0;
        for (int m = 0; m < numBins; m++) {
            int first = -1;
            int last = -2;
            for (int k = 0; k < bank[m].length; k++) {
                if (bank[m][k] != 0f) {
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            filterStart[m] = Math.max(first, 0);
            filterLength[m] = last - first + 1;
            filterOffset[m] = total;
            total += filterLength[m];
        }
        filterWeights = new float[total];
        int lo = padded / 2;
        int hi = 0;
        for (int m = 0; m < numBins; m++) {
            System.arraycopy(bank[m], filterStart[m], filterWeights, filterOffset[m], filterLength[m]);
            if (filterLength[m] > 0) {
                lo = Math.min(lo, filterStart[m]);
                hi = Math.max(hi, filterStart[m] + filterLength[m]);
            }
        }
        this.firstBin = Math.min(lo, hi);
        this.endBin = hi;
    }

    /** The MAViL audio front end: {@link Options#mavil()}. */
    public static KaldiFbank mavil() {
        return new KaldiFbank(Options.mavil());
    }

    /** The options. */
    public Options options() {
        return options;
    }

    /** Mel bins per frame, the width of a row of the output. */
    public int numMelBins() {
        return numBins;
    }

    /** Samples per frame (400 for 25 ms at 16 kHz). */
    public int windowSize() {
        return windowSize;
    }

    /** Samples between frame starts (160 for 10 ms at 16 kHz). */
    public int windowShift() {
        return windowShift;
    }

    /** FFT length: the window size rounded up to a power of two (512). */
    public int fftSize() {
        return fft.size();
    }

    /**
     * Frames of a waveform of {@code samples} samples: {@code 0} below one window, else {@code 1 +
     * (samples - windowSize) / windowShift}.
     */
    public int numFrames(int samples) {
        if (samples < 0) {
            throw new IllegalArgumentException("sample count must be >= 0, was " + samples);
        }
        return samples < windowSize ? 0 : 1 + (samples - windowSize) / windowShift;
    }

    /**
     * The log-mel features of a whole waveform.
     *
     * @param waveform mono samples at {@link Options#sampleRate()}, in [-1, 1] as torchaudio loads them
     * @return {@code numFrames(waveform.length)} rows of {@link #numMelBins()} values
     */
    public float[][] compute(float[] waveform) {
        int frames = numFrames(waveform.length);
        float[] flat = new float[frames * numBins];
        compute(waveform, 0, waveform.length, flat);
        float[][] rows = new float[frames][numBins];
        for (int f = 0; f < frames; f++) {
            System.arraycopy(flat, f * numBins, rows[f], 0, numBins);
        }
        return rows;
    }

    /**
     * The log-mel features of {@code waveform[offset .. offset + length)}, written row-major (frame by
     * frame, {@link #numMelBins()} values each) to {@code out[0 .. numFrames(length) * numMelBins())};
     * the rest of {@code out} is left as it is.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code waveform}
     * @throws IllegalArgumentException  if {@code out} is too short
     */
    public void compute(float[] waveform, int offset, int length, float[] out) {
        Objects.checkFromIndexSize(offset, length, waveform.length);
        int frames = numFrames(length);
        long needed = (long) frames * numBins;
        if (out.length < needed) {
            throw new IllegalArgumentException("output holds " + out.length + " floats; " + frames + " frames x "
                    + numBins + " bins need " + needed);
        }
        int half = fft.size() / 2;
        float[] frame = new float[windowSize];
        double[] re = new double[half];
        double[] im = new double[half];
        double[] power = new double[half + 1];
        for (int f = 0; f < frames; f++) {
            prepareFrame(waveform, offset + f * windowShift, frame);
            fft.load(frame, windowSize, re, im);
            fft.transform(re, im);
            fft.power(re, im, power, firstBin, endBin);
            int row = f * numBins;
            for (int m = 0; m < numBins; m++) {
                int start = filterStart[m];
                int w = filterOffset[m];
                double energy = 0;
                for (int k = 0, n = filterLength[m]; k < n; k++) {
                    energy += filterWeights[w + k] * power[start + k];
                }
                float e = (float) energy;
                out[row + m] = e > ENERGY_FLOOR ? (float) Math.log(e) : LOG_FLOOR;
            }
        }
    }

    /** DC removal, preemphasis and window of one frame, in float as torchaudio rounds them. */
    private void prepareFrame(float[] waveform, int start, float[] frame) {
        double sum = 0;
        for (int j = 0; j < windowSize; j++) {
            float v = waveform[start + j];
            frame[j] = v;
            sum += v;
        }
        float mean = (float) (sum / windowSize);
        for (int j = 0; j < windowSize; j++) {
            frame[j] -= mean;
        }
        if (preemphasis != 0f) {
            for (int j = windowSize - 1; j > 0; j--) {
                frame[j] -= preemphasis * frame[j - 1];
            }
            frame[0] -= preemphasis * frame[0];
        }
        for (int j = 0; j < windowSize; j++) {
            frame[j] *= window[j];
        }
    }

    /** {@code torch.hann_window(size, periodic=False)} with its float32 steps. */
    static float[] hannWindow(int size) {
        float[] w = new float[size];
        float step = (float) (2 * Math.PI / (size - 1));
        for (int j = 0; j < size; j++) {
            float angle = (float) j * step;
            w[j] = (float) Math.cos(angle) * -0.5f + 0.5f;
        }
        return w;
    }

    /**
     * The mel filters, {@code numMelBins x (paddedWindowSize / 2)} (the Nyquist bin left out), as
     * torchaudio's {@code get_mel_banks} computes them: the mel band edges from double parameters, every
     * tensor step in float32.
     */
    static float[][] melBank(Options o) {
        int bins = o.numMelBins();
        int fftBins = o.paddedWindowSize() / 2;
        double binWidth = o.sampleRate() / o.paddedWindowSize();
        double melLow = melScale(o.lowFreq());
        double melHigh = melScale(o.effectiveHighFreq());
        double melDelta = (melHigh - melLow) / (bins + 1);
        float low = (float) melLow;
        float delta = (float) melDelta;
        float width = (float) binWidth;
        float[] mel = new float[fftBins];
        for (int k = 0; k < fftBins; k++) {
            float freq = (float) k * width;
            mel[k] = 1127f * (float) Math.log(1f + freq / 700f);
        }
        float[][] bank = new float[bins][fftBins];
        for (int m = 0; m < bins; m++) {
            float left = low + (float) m * delta;
            float center = low + (float) (m + 1) * delta;
            float right = low + (float) (m + 2) * delta;
            for (int k = 0; k < fftBins; k++) {
                float up = (mel[k] - left) / (center - left);
                float down = (right - mel[k]) / (right - center);
                bank[m][k] = Math.max(0f, Math.min(up, down));
            }
        }
        return bank;
    }

    /** Kaldi's (HTK's) mel scale, {@code 1127 ln(1 + hz / 700)}. */
    static double melScale(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    private Object writeReplace() {
        return new SerializedForm(options);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("KaldiFbank is serialized as its options");
    }

    /** The serialized form: the options only. */
    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Options options;

        SerializedForm(Options options) {
            this.options = options;
        }

        private Object readResolve() {
            return new KaldiFbank(options);
        }
    }

    /**
     * The options of the filterbank, named and defaulted as torchaudio's {@code fbank} arguments
     * ({@link #builder()} starts from torchaudio's defaults: 16 kHz, 23 bins, 25 ms / 10 ms, preemphasis
     * 0.97, 20 Hz to Nyquist). Validated on construction, with torchaudio's checks; the settings that
     * this class does not implement are refused.
     *
     * @param sampleRate    {@code sample_frequency}, Hz
     * @param numMelBins    {@code num_mel_bins}, > 3
     * @param frameLengthMs {@code frame_length}, milliseconds
     * @param frameShiftMs  {@code frame_shift}, milliseconds
     * @param preemphasis   {@code preemphasis_coefficient}, 0..1 (0 turns it off)
     * @param lowFreq       {@code low_freq}, Hz, 0 <= low < Nyquist
     * @param highFreq      {@code high_freq}, Hz; {@code <= 0} means Nyquist plus this value
     * @param htkCompat     {@code htk_compat}: only moves the energy column, so without energy it changes
     *                      nothing; kept so that the options read like the torchaudio call
     * @param useEnergy     {@code use_energy}: must be false (not implemented)
     */
    public record Options(double sampleRate, int numMelBins, double frameLengthMs, double frameShiftMs,
                          double preemphasis, double lowFreq, double highFreq, boolean htkCompat, boolean useEnergy)
            implements Serializable {

        /** Frame lengths above this many samples are refused (the FFT tables would be huge). */
        public static final int MAX_WINDOW_SIZE = 1 << 20;

        /** Validates the options (torchaudio's assertions and this class's limits). */
        public Options {
            if (useEnergy) {
                throw new IllegalArgumentException("use_energy=true is not supported: KaldiFbank computes only the mel "
                        + "bins (use_energy=False)");
            }
            if (!(sampleRate > 0) || Double.isInfinite(sampleRate)) {
                throw new IllegalArgumentException("sample rate must be > 0 and finite, was " + sampleRate);
            }
            if (numMelBins <= 3) {
                throw new IllegalArgumentException("num_mel_bins must be > 3, was " + numMelBins);
            }
            if (!(preemphasis >= 0 && preemphasis <= 1)) {
                throw new IllegalArgumentException("preemphasis coefficient must be in [0, 1], was " + preemphasis);
            }
            if (!(frameShiftMs > 0) || Double.isInfinite(frameShiftMs)) {
                throw new IllegalArgumentException("frame shift must be > 0 ms and finite, was " + frameShiftMs);
            }
            if (!(frameLengthMs > 0) || Double.isInfinite(frameLengthMs)) {
                throw new IllegalArgumentException("frame length must be > 0 ms and finite, was " + frameLengthMs);
            }
            double shift = samples(sampleRate, frameShiftMs);
            double size = samples(sampleRate, frameLengthMs);
            if (shift < 1 || shift > MAX_WINDOW_SIZE) {
                throw new IllegalArgumentException("frame shift of " + frameShiftMs + " ms at " + sampleRate
                        + " Hz is " + (long) shift + " samples; must be 1.." + MAX_WINDOW_SIZE);
            }
            if (size < 2 || size > MAX_WINDOW_SIZE) {
                throw new IllegalArgumentException("frame length of " + frameLengthMs + " ms at " + sampleRate
                        + " Hz is " + (long) size + " samples; must be 2.." + MAX_WINDOW_SIZE);
            }
            double nyquist = 0.5 * sampleRate;
            double high = highFreq <= 0 ? highFreq + nyquist : highFreq;
            if (!(lowFreq >= 0 && lowFreq < nyquist) || !(high > 0 && high <= nyquist) || !(lowFreq < high)) {
                throw new IllegalArgumentException("bad mel range: low_freq " + lowFreq + " and high_freq " + highFreq
                        + " (" + high + " Hz) must satisfy 0 <= low < high <= Nyquist " + nyquist);
            }
        }

        /** torchaudio's defaults for {@code fbank}. */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * The MAViL audio front end: torchaudio's defaults with 16 kHz, 128 bins, 10 ms shift,
         * {@code htk_compat=True}, {@code use_energy=False}.
         */
        public static Options mavil() {
            return builder().sampleRate(16000).numMelBins(128).frameShiftMs(10).htkCompat(true).build();
        }

        /** A builder holding these options. */
        public Builder toBuilder() {
            return new Builder().sampleRate(sampleRate).numMelBins(numMelBins).frameLengthMs(frameLengthMs)
                    .frameShiftMs(frameShiftMs).preemphasis(preemphasis).lowFreq(lowFreq).highFreq(highFreq)
                    .htkCompat(htkCompat).useEnergy(useEnergy);
        }

        /** Samples per frame: {@code int(sample_rate * frame_length_ms * 0.001)}, as torchaudio rounds it. */
        public int windowSize() {
            return (int) samples(sampleRate, frameLengthMs);
        }

        /** Samples between frames: {@code int(sample_rate * frame_shift_ms * 0.001)}. */
        public int windowShift() {
            return (int) samples(sampleRate, frameShiftMs);
        }

        /** The FFT length: the window size rounded up to a power of two. */
        public int paddedWindowSize() {
            int size = windowSize();
            return Integer.bitCount(size) == 1 ? size : Integer.highestOneBit(size) << 1;
        }

        /** The upper edge of the mel range in Hz: {@code highFreq}, or Nyquist plus it when {@code <= 0}. */
        public double effectiveHighFreq() {
            return highFreq <= 0 ? highFreq + 0.5 * sampleRate : highFreq;
        }

        private static double samples(double sampleRate, double ms) {
            return Math.floor(sampleRate * ms * 0.001);
        }

        /** Builder of {@link Options}, starting from torchaudio's {@code fbank} defaults. */
        public static final class Builder {
            private double sampleRate = 16000;
            private int numMelBins = 23;
            private double frameLengthMs = 25;
            private double frameShiftMs = 10;
            private double preemphasis = 0.97;
            private double lowFreq = 20;
            private double highFreq = 0;
            private boolean htkCompat;
            private boolean useEnergy;

            private Builder() {}

            /** {@code sample_frequency}, Hz (default 16000). */
            public Builder sampleRate(double hz) {
                this.sampleRate = hz;
                return this;
            }

            /** {@code num_mel_bins} (default 23). */
            public Builder numMelBins(int bins) {
                this.numMelBins = bins;
                return this;
            }

            /** {@code frame_length}, ms (default 25). */
            public Builder frameLengthMs(double ms) {
                this.frameLengthMs = ms;
                return this;
            }

            /** {@code frame_shift}, ms (default 10). */
            public Builder frameShiftMs(double ms) {
                this.frameShiftMs = ms;
                return this;
            }

            /** {@code preemphasis_coefficient} (default 0.97). */
            public Builder preemphasis(double coefficient) {
                this.preemphasis = coefficient;
                return this;
            }

            /** {@code low_freq}, Hz (default 20). */
            public Builder lowFreq(double hz) {
                this.lowFreq = hz;
                return this;
            }

            /** {@code high_freq}, Hz; {@code <= 0} is an offset from Nyquist (default 0: Nyquist). */
            public Builder highFreq(double hz) {
                this.highFreq = hz;
                return this;
            }

            /** {@code htk_compat} (default false; no effect without energy). */
            public Builder htkCompat(boolean htkCompat) {
                this.htkCompat = htkCompat;
                return this;
            }

            /** {@code use_energy} (default false; true is refused by {@link #build()}). */
            public Builder useEnergy(boolean useEnergy) {
                this.useEnergy = useEnergy;
                return this;
            }

            /**
             * The options.
             *
             * @throws IllegalArgumentException for values torchaudio refuses or this class does not support
             */
            public Options build() {
                return new Options(sampleRate, numMelBins, frameLengthMs, frameShiftMs, preemphasis, lowFreq, highFreq,
                        htkCompat, useEnergy);
            }
        }
    }
}
