package io.avstream.operators.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RealFftTest {

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8, 16, 64, 256, 512})
    void powerSpectrumEqualsTheDirectDft(int n) {
        SplittableRandom r = new SplittableRandom(n);
        RealFft fft = new RealFft(n);
        for (int count : new int[] {n, Math.max(1, n * 3 / 4), 1}) {
            float[] x = new float[count];
            for (int i = 0; i < count; i++) {
                x[i] = (float) (2 * r.nextDouble() - 1);
            }
            double[] power = fft.powerSpectrum(x);
            assertThat(power).hasSize(n / 2 + 1);
            for (int k = 0; k <= n / 2; k++) {
                double re = 0;
                double im = 0;
                for (int t = 0; t < count; t++) {
                    double a = -2 * Math.PI * k * t / n;
                    re += x[t] * Math.cos(a);
                    im += x[t] * Math.sin(a);
                }
                double expected = re * re + im * im;
                assertThat(power[k]).as("n %d, %d samples, bin %d", n, count, k)
                        .isCloseTo(expected, within(1e-9 * (1 + expected)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 6, 400, -8})
    void refusesSizesThatAreNotPowersOfTwo(int n) {
        assertThatThrownBy(() -> new RealFft(n)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 17, 255})
    void aCosineOnABinIsOneLine(int bin) {
        int n = 512;
        float[] x = new float[n];
        for (int t = 0; t < n; t++) {
            x[t] = (float) Math.cos(2 * Math.PI * bin * t / n);
        }
        double[] power = new RealFft(n).powerSpectrum(x);
        for (int k = 0; k <= n / 2; k++) {
            double expected = k == bin ? (n / 2.0) * (n / 2.0) : 0;
            assertThat(power[k]).as("bin %d", k).isCloseTo(expected, within(1e-6 * n * n));
        }
    }
}
