package io.avstream.operators.audio;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streaming sample-rate conversion of mono audio to a target rate by a polyphase windowed-sinc filter
 * (Kaiser window), exact in the sense that matters for streaming: output sample {@code n} is a fixed
 * sum over the input samples around input time {@code n * M / L} (the rate ratio {@code L / M} in lowest
 * terms, computed in integers), so feeding the input in any chunking gives bit-identical output to feeding
 * it at once. The input before the first sample is silence; outputs that need input not yet given wait for
 * it. Its whole memory is a {@link State} (the last input samples and two counters) that a caller keeps,
 * e.g. in Flink keyed state, so that a restart resumes mid-stream.
 *
 * <p>The low-pass cut-off is {@link #ROLLOFF} of the lower Nyquist frequency, with {@link #ZERO_CROSSINGS}
 * zero crossings of the sinc on each side. Filters are shared per rate pair.
 *
 * <pre>{@code
 * Resampler r = Resampler.of(44_100, 16_000);
 * Resampler.State s = r.newState();
 * float[] out16k = r.process(s, chunk44k);   // then the next chunk with the same state
 * }</pre>
 */
public final class Resampler implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Cut-off as a share of the lower of the two Nyquist frequencies. */
    public static final double ROLLOFF = 0.945;
    /** Zero crossings of the windowed sinc on each side of its centre. */
    public static final int ZERO_CROSSINGS = 16;
    /** Kaiser window shape (about 85 dB stop-band attenuation). */
    public static final double KAISER_BETA = 8.6;
    /** The most filter phases (the reduced output rate {@code L}) a conversion may need. */
    public static final int MAX_PHASES = 2000;

    private static final Map<Long, Resampler> CACHE = new ConcurrentHashMap<>();

    private final int inRate;
    private final int outRate;
    private final int up;
    private final int down;
    private final int halfWidth;
    /** {@code phases[p * taps + j]}: weight of input sample {@code base - halfWidth + 1 + j} at phase {@code p}. */
    private final float[] phases;

    private Resampler(int inRate, int outRate) {
        this.inRate = inRate;
        this.outRate = outRate;
        int g = gcd(inRate, outRate);
        this.up = outRate / g;
        this.down = inRate / g;
        // cut-off in cycles per input sample
        double cutoff = 0.5 * ROLLOFF * Math.min(1.0, (double) outRate / inRate);
        this.halfWidth = inRate == outRate ? 1 : (int) Math.ceil(ZERO_CROSSINGS / (2 * cutoff));
        int taps = 2 * halfWidth;
        this.phases = new float[up * taps];
        double i0Beta = besselI0(KAISER_BETA);
        for (int p = 0; p < up; p++) {
            double[] w = new double[taps];
            double sum = 0;
            for (int j = 0; j < taps; j++) {
                // distance from the output time to input sample base - halfWidth + 1 + j, in input samples
                double t = (double) p / up + halfWidth - 1 - j;
                w[j] = inRate == outRate ? (t == 0 ? 1 : 0) : kernel(t, cutoff, halfWidth, i0Beta);
                sum += w[j];
            }
            for (int j = 0; j < taps; j++) {
                // each phase passes DC unchanged
                phases[p * taps + j] = (float) (w[j] / sum);
            }
        }
    }

    /**
     * The conversion from {@code inRate} to {@code outRate} Hz (shared, built once per pair).
     *
     * @throws IllegalArgumentException for a rate outside 1 Hz .. 1 MHz or a ratio that needs more than
     *     {@link #MAX_PHASES} filter phases
     */
    public static Resampler of(int inRate, int outRate) {
        if (!supports(inRate, outRate)) {
            throw new IllegalArgumentException("cannot convert " + inRate + " Hz to " + outRate + " Hz: rates must lie in "
                    + "1..1000000 Hz and their ratio in lowest terms have an output part of at most " + MAX_PHASES);
        }
        return CACHE.computeIfAbsent(((long) inRate << 32) | outRate, k -> new Resampler(inRate, outRate));
    }

    /** Whether {@link #of} accepts the pair. */
    public static boolean supports(int inRate, int outRate) {
        return inRate >= 1 && outRate >= 1 && inRate <= 1_000_000 && outRate <= 1_000_000
                && outRate / gcd(inRate, outRate) <= MAX_PHASES;
    }

    public int inRate() {
        return inRate;
    }

    public int outRate() {
        return outRate;
    }

    /** Input samples the filter reaches on each side of an output sample's time. */
    public int halfWidth() {
        return halfWidth;
    }

    /** A fresh stream: silence before its first sample, nothing produced yet. */
    public State newState() {
        State s = new State();
        s.history = new float[2 * halfWidth];
        s.historyStart = -2L * halfWidth;
        return s;
    }

    /**
     * Takes the next input samples of a stream and returns every output sample that they make computable,
     * in order; the state moves on.
     */
    public float[] process(State s, float[] input) {
        return process(s, input, 0, input.length);
    }

    /** The same for {@code input[offset, offset + length)}. */
    public float[] process(State s, float[] input, int offset, int length) {
        // the kept history followed by the new input, starting at input index s.historyStart
        float[] x = new float[s.history.length + length];
        System.arraycopy(s.history, 0, x, 0, s.history.length);
        System.arraycopy(input, offset, x, s.history.length, length);
        long available = s.historyStart + x.length; // input indices [historyStart, available) are known
        int taps = 2 * halfWidth;
        // output n needs input up to base(n) + halfWidth, base(n) = floor(n * down / up)
        long last = Math.floorDiv((available - 1 - halfWidth) * up + up - 1, down); // largest n with base + halfWidth < available
        long first = s.produced;
        int count = (int) Math.max(0, last - first + 1);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            long n = first + i;
            long num = n * down;
            long base = Math.floorDiv(num, up);
            int phase = (int) (num - base * up);
            int from = (int) (base - halfWidth + 1 - s.historyStart);
            float acc = 0f;
            int row = phase * taps;
            for (int j = 0; j < taps; j++) {
                acc += phases[row + j] * x[from + j];
            }
            out[i] = acc;
        }
        s.produced = first + count;
        // keep the input from the first sample the next output can need
        long nextBase = Math.floorDiv(s.produced * down, up);
        long keepFrom = Math.min(nextBase - halfWidth + 1, available);
        keepFrom = Math.max(keepFrom, s.historyStart);
        int drop = (int) (keepFrom - s.historyStart);
        s.history = Arrays.copyOfRange(x, drop, x.length);
        s.historyStart = keepFrom;
        return out;
    }

    private static double kernel(double t, double cutoff, int halfWidth, double i0Beta) {
        if (Math.abs(t) >= halfWidth) {
            return 0;
        }
        double x = 2 * cutoff * t;
        double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        double r = t / halfWidth;
        double window = besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta;
        return 2 * cutoff * sinc * window;
    }

    /** Modified Bessel function of the first kind, order 0 (power series). */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /**
     * A stream's memory: the input samples from index {@code historyStart} on that the next outputs need, and
     * the count of outputs produced. A Flink POJO (public fields, no-argument constructor) for keyed state.
     */
    public static final class State {
        /** Input samples from {@link #historyStart} on. */
        public float[] history;
        /** Input index of {@code history[0]}; negative for the silence before the stream. */
        public long historyStart;
        /** Output samples produced so far. */
        public long produced;

        public State() {}

        /** A deep copy. */
        public State copy() {
            State c = new State();
            c.history = history.clone();
            c.historyStart = historyStart;
            c.produced = produced;
            return c;
        }
    }
}
