package io.avstream.operators.mocap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avstream.schemas.topology.MeshTopology;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FarthestPointSamplingTest {

    private static float[] cloud(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] xyz = new float[3 * n];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = (float) r.nextDouble(-1, 1);
        }
        return xyz;
    }

    @Test
    void picksTheEndsThenTheMiddleOfALine() {
        float[] line = new float[3 * 11];
        for (int i = 0; i <= 10; i++) {
            line[3 * i] = i;
        }
        assertThat(FarthestPointSampling.sample(line, 4, 0)).containsExactly(0, 10, 5, 2);
        assertThat(FarthestPointSampling.sample(line, 2, 3)).containsExactly(3, 10);
    }

    @Test
    void isDeterministicAndPicksDistinctPoints() {
        float[] xyz = cloud(1, 2000);
        int[] a = FarthestPointSampling.sample(xyz, 512, 0);
        int[] b = FarthestPointSampling.sample(xyz.clone(), 512, 0);
        assertThat(a).containsExactly(b);
        assertThat(a[0]).isZero();
        assertThat(Arrays.stream(a).distinct().count()).isEqualTo(512);
    }

    @Test
    void aShorterSampleIsAPrefixOfALongerOne() {
        float[] xyz = cloud(2, 3000);
        int[] long512 = FarthestPointSampling.sample(xyz, 512, 0);
        int[] short128 = FarthestPointSampling.sample(xyz, 128, 0);
        assertThat(Arrays.copyOf(long512, 128)).containsExactly(short128);
    }

    @Test
    void fps512ThenFirst128IsFps128OnTheHumanoidTemplate() {
        float[] template = MeshTopology.load("avstream-humanoid-v1").vertices();
        int[] first128 = Arrays.copyOf(FarthestPointSampling.sample(template, 512, 0), 128);
        assertThat(first128).containsExactly(FarthestPointSampling.sample(template, 128, 0));
    }

    @Test
    void spreadsOverTheWholeCloud() {
        float[] xyz = cloud(3, 5000);
        int[] picks = FarthestPointSampling.sample(xyz, 64, 0);
        // every point lies closer to some pick than the sampling's last covering radius bound
        double worst = 0;
        for (int i = 0; i < 5000; i++) {
            double best = Double.MAX_VALUE;
            for (int p : picks) {
                double dx = xyz[3 * i] - xyz[3 * p];
                double dy = xyz[3 * i + 1] - xyz[3 * p + 1];
                double dz = xyz[3 * i + 2] - xyz[3 * p + 2];
                best = Math.min(best, dx * dx + dy * dy + dz * dz);
            }
            worst = Math.max(worst, best);
        }
        assertThat(Math.sqrt(worst)).isLessThan(0.7);
    }

    @Test
    void rejectsImpossibleRequests() {
        float[] xyz = cloud(4, 10);
        assertThatThrownBy(() -> FarthestPointSampling.sample(xyz, 11, 0)).hasMessageContaining("cannot pick 11 of 10");
        assertThatThrownBy(() -> FarthestPointSampling.sample(xyz, 3, 10)).hasMessageContaining("start index 10");
        assertThatThrownBy(() -> FarthestPointSampling.sample(new float[4], 1, 0)).hasMessageContaining("multiple of 3");
    }
}
