package io.avstream.operators.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResamplerTest {

    private static float[] sine(double hz, int rate, int n, double amplitude) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    private static float[] noise(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 0.2);
        }
        return x;
    }

    /** The input in chunks of random sizes (0 included), each call with the state of the one before. */
    private static float[] chunked(Resampler r, float[] x, long seed) {
        Random random = new Random(seed);
        Resampler.State s = r.newState();
        float[] out = new float[0];
        int at = 0;
        while (at < x.length) {
            int n = Math.min(x.length - at, random.nextInt(3000));
            float[] y = r.process(s, x, at, n);
            out = concat(out, y);
            at += n;
            if (random.nextInt(4) == 0) {
                s = s.copy(); // as after a checkpoint and restore
            }
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @ParameterizedTest
    @ValueSource(ints = {8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000})
    void anyChunkingGivesTheSameSamplesBitForBitAsAllAtOnce(int rate) {
        Resampler r = Resampler.of(rate, 16000);
        float[] x = noise(rate * 3 + 17, rate);
        float[] once = r.process(r.newState(), x);
        for (long seed = 1; seed <= 3; seed++) {
            assertThat(chunked(r, x, seed)).as("seed %d", seed).containsExactly(once);
        }
        // every output whose input is complete: n with base(n) + halfWidth < x.length
        long expected = Math.floorDiv((long) (x.length - r.halfWidth()) * 16000 - 1, rate) + 1;
        assertThat((long) once.length).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {8000, 22050, 44100, 48000})
    void keepsATonesAmplitudeAndPhaseBelowTheOutputNyquist(int rate) {
        Resampler r = Resampler.of(rate, 16000);
        float[] y = r.process(r.newState(), sine(1000, rate, rate * 2, 0.5));
        float[] want = sine(1000, 16000, y.length, 0.5);
        double worst = 0;
        for (int i = 2000; i < y.length; i++) { // past the filter's start-up
            worst = Math.max(worst, Math.abs(y[i] - want[i]));
        }
        assertThat(worst).as("largest error against the ideal 1 kHz tone at 16 kHz").isLessThan(2e-3);
    }

    @ParameterizedTest
    @ValueSource(ints = {32000, 44100, 48000})
    void removesWhatLiesAboveTheOutputNyquist(int rate) {
        Resampler r = Resampler.of(rate, 16000);
        float[] y = r.process(r.newState(), sine(11000, rate, rate * 2, 0.5));
        double rms = 0;
        int n = 0;
        for (int i = 2000; i < y.length; i++) {
            rms += y[i] * (double) y[i];
            n++;
        }
        rms = Math.sqrt(rms / n);
        assertThat(20 * Math.log10(rms / (0.5 / Math.sqrt(2)))).as("11 kHz tone after conversion, dB").isLessThan(-60);
    }

    @Test
    void passesSilenceAndDcUnchanged() {
        Resampler r = Resampler.of(44100, 16000);
        float[] dc = new float[44100];
        Arrays.fill(dc, 0.25f);
        float[] y = r.process(r.newState(), dc);
        for (int i = 200; i < y.length; i++) {
            assertThat(y[i]).isCloseTo(0.25f, org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThat(r.process(r.newState(), new float[4410])).containsOnly(0f);
    }

    @Test
    void sixteenKilohertzPassesThroughUnchanged() {
        Resampler r = Resampler.of(16000, 16000);
        float[] x = noise(1000, 5);
        float[] y = r.process(r.newState(), x);
        assertThat(y).containsExactly(Arrays.copyOf(x, y.length));
        assertThat(y.length).isEqualTo(999);
    }

    @Test
    void refusesRatesWhoseRatioNeedsTooManyPhases() {
        assertThat(Resampler.supports(44100, 16000)).isTrue();
        assertThat(Resampler.supports(44099, 16000)).isFalse();
        assertThatThrownBy(() -> Resampler.of(44099, 16000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("44099");
        assertThat(Resampler.of(44100, 16000)).isSameAs(Resampler.of(44100, 16000));
    }
}
