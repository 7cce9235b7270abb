package io.avstream.operators.audio;

/**
 * Power spectrum of a real sequence of a power-of-two length {@code n}: one complex radix-2 FFT of
 * length {@code n / 2} over the even samples as real and the odd samples as imaginary parts, then
 * the split into the spectrum of the real sequence. Double precision; forward transform without
 * scaling ({@code X[k] = sum x[t] e^(-2 pi i k t / n)}).
 *
 * <p>The tables are immutable; the caller owns the work arrays, so one instance serves any number
 * of threads.
 */
final class RealFft {

    private final int size;
    private final int half;
    private final int[] bitReversed;
    /** Twiddles of the stage that merges transforms of length {@code span}: {@code [span + j]}, j < span. */
    private final double[] cos;
    private final double[] sin;
    private final double[] splitCos;
    private final double[] splitSin;

    /**
     * @param size the real transform length, a power of two >= 2
     */
    RealFft(int size) {
        if (size < 2 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two >= 2, was " + size);
        }
        this.size = size;
        this.half = size / 2;
        int bits = Integer.numberOfTrailingZeros(half);
        bitReversed = new int[half];
        for (int i = 0; i < half; i++) {
            bitReversed[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        }
        cos = new double[half];
        sin = new double[half];
        for (int span = 1; span < half; span <<= 1) {
            for (int j = 0; j < span; j++) {
                double a = Math.PI * j / span;
                cos[span + j] = Math.cos(a);
                sin[span + j] = Math.sin(a);
            }
        }
        splitCos = new double[half];
        splitSin = new double[half];
        for (int k = 0; k < half; k++) {
            double a = 2 * Math.PI * k / size;
            splitCos[k] = Math.cos(a);
            splitSin[k] = Math.sin(a);
        }
    }

    /** The real transform length. */
    int size() {
        return size;
    }

    /**
     * Loads {@code x[0..count)}, zero padded to the transform length, into the work arrays
     * (bit-reversed order, even samples in {@code re}, odd samples in {@code im}).
     *
     * @param re work array of at least {@code size / 2}
     * @param im work array of at least {@code size / 2}
     */
    void load(float[] x, int count, double[] re, double[] im) {
        int pairs = count >> 1;
        for (int i = 0; i < pairs; i++) {
            int slot = bitReversed[i];
            re[slot] = x[2 * i];
            im[slot] = x[2 * i + 1];
        }
        if ((count & 1) != 0) {
            int slot = bitReversed[pairs];
            re[slot] = x[count - 1];
            im[slot] = 0.0;
            pairs++;
        }
        for (int i = pairs; i < half; i++) {
            int slot = bitReversed[i];
            re[slot] = 0.0;
            im[slot] = 0.0;
        }
    }

    /** The complex FFT of length {@code size / 2}, in place, on arrays filled by {@link #load}. */
    void transform(double[] re, double[] im) {
        int n = half;
        if (n >= 2) {
            // span 1: the twiddle is 1
            for (int a = 0; a < n; a += 2) {
                double br = re[a + 1];
                double bi = im[a + 1];
                re[a + 1] = re[a] - br;
                im[a + 1] = im[a] - bi;
                re[a] += br;
                im[a] += bi;
            }
        }
        for (int span = 2; span < n; span <<= 1) {
            for (int start = 0; start < n; start += span << 1) {
                for (int j = 0; j < span; j++) {
                    double c = cos[span + j];
                    double s = sin[span + j];
                    int a = start + j;
                    int b = a + span;
                    // (re[b] + i im[b]) * e^(-i pi j / span)
                    double br = re[b] * c + im[b] * s;
                    double bi = im[b] * c - re[b] * s;
                    re[b] = re[a] - br;
                    im[b] = im[a] - bi;
                    re[a] += br;
                    im[a] += bi;
                }
            }
        }
    }

    /**
     * Writes {@code |X[k]|^2} of the real sequence for {@code k} in {@code [from, to)}, {@code 0 <=
     * from <= to <= size / 2 + 1}, from arrays after {@link #transform}.
     */
    void power(double[] re, double[] im, double[] power, int from, int to) {
        for (int k = from; k < to; k++) {
            if (k == 0) {
                double x0 = re[0] + im[0];
                power[0] = x0 * x0;
                continue;
            }
            if (k == half) {
                double xn = re[0] - im[0];
                power[k] = xn * xn;
                continue;
            }
            int m = half - k;
            double zr = re[k];
            double zi = im[k];
            double cr = re[m];
            double ci = -im[m];
            double er = 0.5 * (zr + cr);
            double ei = 0.5 * (zi + ci);
            double or = 0.5 * (zi - ci);
            double oi = -0.5 * (zr - cr);
            double c = splitCos[k];
            double s = splitSin[k];
            double xr = er + c * or + s * oi;
            double xi = ei + c * oi - s * or;
            power[k] = xr * xr + xi * xi;
        }
    }

    /** {@code |X[k]|^2} for {@code k = 0..size/2} of {@code x} zero padded to the transform length. */
    double[] powerSpectrum(float[] x) {
        if (x.length > size) {
            throw new IllegalArgumentException(x.length + " samples do not fit a transform of " + size);
        }
        double[] re = new double[half];
        double[] im = new double[half];
        double[] power = new double[half + 1];
        load(x, x.length, re, im);
        transform(re, im);
        power(re, im, power, 0, half + 1);
        return power;
    }
}
