package io.avstream.operators.mocap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.avstream.schemas.topology.MeshTopology;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StmtPreprocessorTest {

    private static MeshTopology humanoid;
    private static StmtPreprocessor pre;

    @BeforeAll
    static void build() {
        humanoid = MeshTopology.load("avstream-humanoid-v1");
        pre = new StmtPreprocessor(humanoid, 24, 128);
    }

    @Test
    void subsetIsTheFarthestPointSampleOfTheTemplate() {
        assertThat(pre.subset()).hasSize(128).containsExactly(FarthestPointSampling.sample(humanoid.vertices(), 128, 0));
        assertThat(pre.subset()[0]).isZero();
        assertThat(pre.frames()).isEqualTo(24);
        assertThat(pre.points()).isEqualTo(128);
    }

    @Test
    void reduceKeepsTheSubsetVerticesInOrder() {
        float[] full = humanoid.vertices();
        float[] kept = pre.reduce(full);
        int[] subset = pre.subset();
        assertThat(kept).hasSize(3 * 128);
        for (int i = 0; i < 128; i++) {
            for (int a = 0; a < 3; a++) {
                assertThat(kept[3 * i + a]).isEqualTo(humanoid.coordinate(subset[i], a));
            }
        }
        assertThatThrownBy(() -> pre.reduce(new float[30])).hasMessageContaining("needs " + 3 * humanoid.vertexCount());
    }

    @Test
    void geodistIsTheScaledMatrixRepeatedPerFrameAndShared() {
        float[] g = pre.geodist();
        assertThat(g).hasSize(24 * 128 * 128);
        assertThat(pre.geodist()).isSameAs(g);
        float[] metres = GeodesicDistances.compute(humanoid, pre.subset());
        float factor = GeodesicScale.STMT.factor(humanoid);
        assertThat(pre.geodesicScale()).isEqualTo(GeodesicScale.STMT);
        assertThat(GeodesicScale.STMT).as("metres on the surface, as the published pipeline").isEqualTo(GeodesicScale.METRES);
        assertThat(GeodesicScale.TEMPLATE_Y_EXTENT.factor(humanoid)).isEqualTo(1f / humanoid.yExtent());
        for (int f = 0; f < 24; f++) {
            for (int i = 0; i < 128 * 128; i++) {
                assertThat(g[f * 128 * 128 + i]).isCloseTo(metres[i] * factor, within(1e-6f));
            }
        }
        assertThat(pre.geodesicMatrix()).containsExactly(Arrays.copyOf(g, 128 * 128));
    }

    @Test
    void metresScaleLeavesDistancesAsTheyAre() {
        StmtPreprocessor raw = new StmtPreprocessor(humanoid, 2, 16, GeodesicScale.METRES);
        assertThat(raw.geodesicMatrix()).containsExactly(GeodesicDistances.compute(humanoid, raw.subset()));
    }

    @Test
    void pointsAreCentredOnTheClipBoxAndDividedByItsHeight() {
        SplittableRandom r = new SplittableRandom(5);
        float[][] clip = new float[24][];
        for (int f = 0; f < 24; f++) {
            clip[f] = new float[3 * 128];
            for (int i = 0; i < 128; i++) {
                clip[f][3 * i] = (float) r.nextDouble(2, 3) + 0.1f * f;     // drifts in x
                clip[f][3 * i + 1] = (float) r.nextDouble(0, 1.7);
                clip[f][3 * i + 2] = (float) r.nextDouble(-5, -4.5);
            }
        }
        float[] p = pre.points(clip);
        assertThat(p).hasSize(24 * 128 * 3);
        float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < p.length; i += 3) {
            for (int a = 0; a < 3; a++) {
                min[a] = Math.min(min[a], p[i + a]);
                max[a] = Math.max(max[a], p[i + a]);
            }
        }
        for (int a = 0; a < 3; a++) {
            assertThat(min[a] + max[a]).as("centre of axis %d", a).isCloseTo(0f, within(1e-6f));
        }
        assertThat(max[1] - min[1]).isCloseTo(1f, within(1e-6f));
        // x and z keep their proportion to y: x spans (1 + 2.3) / 1.7 of the height
        float height = rangeY(clip);
        assertThat(max[0] - min[0]).isCloseTo(rangeX(clip) / height, within(1e-5f));
        // frame-major layout: point 7 of frame 3
        assertThat(p[(3 * 128 + 7) * 3 + 1]).isCloseTo((clip[3][7 * 3 + 1] - (minY(clip) + height / 2)) / height,
                within(1e-6f));
    }

    @Test
    void flatLayoutGivesTheSameResult() {
        float[][] clip = new float[24][];
        float[] flat = new float[24 * 128 * 3];
        SplittableRandom r = new SplittableRandom(6);
        for (int f = 0; f < 24; f++) {
            clip[f] = new float[3 * 128];
            for (int i = 0; i < clip[f].length; i++) {
                clip[f][i] = (float) r.nextDouble(-1, 2);
            }
            System.arraycopy(clip[f], 0, flat, f * 3 * 128, 3 * 128);
        }
        float[] before = flat.clone();
        assertThat(pre.points(flat, 24)).containsExactly(pre.points(clip));
        assertThat(flat).containsExactly(before);
        assertThatThrownBy(() -> pre.points(flat, 23)).hasMessageContaining("clip has 23 frames, expected 24");
        assertThatThrownBy(() -> pre.points(new float[3][])).hasMessageContaining("clip has 3 frames, expected 24");
    }

    @Test
    void selectsTheFrameNearestEachBinMidpoint() {
        // 5 s at 25 fps: bins of 208333.3 us, midpoints at 104166.7 + k * 208333.3
        long[] times = new long[125];
        for (int i = 0; i < times.length; i++) {
            times[i] = 1_000_000L + 40_000L * i;
        }
        int[] picks = StmtPreprocessor.selectFrames(times, 1_000_000L, 6_000_000L, 24);
        assertThat(picks).hasSize(24);
        for (int k = 0; k < 24; k++) {
            double mid = 1_000_000 + (k + 0.5) * 5_000_000.0 / 24;
            assertThat(picks[k]).isEqualTo((int) Math.round((mid - 1_000_000) / 40_000));
        }
        assertThat(picks[0]).isEqualTo(3);    // 104166.7 us -> frame at 120000
        assertThat(picks[23]).isEqualTo(122); // 4895833.3 us -> frame at 4880000
    }

    @Test
    void aSparseWindowRepeatsFrames() {
        long[] times = {0, 500_000, 1_000_000, 1_500_000, 1_900_000};
        int[] picks = StmtPreprocessor.selectFrames(times, 0, 2_000_000, 24);
        assertThat(picks).hasSize(24);
        // bin width 83333.3 us: bin k's midpoint is 41666.7 + 83333.3 k
        assertThat(Arrays.copyOfRange(picks, 0, 3)).containsOnly(0);          // midpoints up to 208333
        assertThat(picks[3]).isEqualTo(1);                                     // 291666.7: nearer 500000 than 0
        assertThat(picks[23]).isEqualTo(4);
        for (int k = 1; k < 24; k++) {
            assertThat(picks[k]).isGreaterThanOrEqualTo(picks[k - 1]);
        }
        assertThat(Arrays.stream(picks).distinct().count()).isEqualTo(5);
    }

    @Test
    void selectionIgnoresTheOrderOfTheTimesAndPrefersTheEarlierOnATie() {
        long[] times = {300, 100, 200};
        // one bin over [0, 400): midpoint 200
        assertThat(StmtPreprocessor.selectFrames(times, 0, 400, 1)).containsExactly(2);
        // midpoint 150: 100 and 200 tie -> the earlier frame
        assertThat(StmtPreprocessor.selectFrames(times, 100, 200, 1)).containsExactly(1);
        assertThatThrownBy(() -> StmtPreprocessor.selectFrames(new long[0], 0, 1, 24)).hasMessageContaining("no frames");
        assertThatThrownBy(() -> StmtPreprocessor.selectFrames(times, 5, 5, 24)).hasMessageContaining("not after");
    }

    @Test
    void rejectsSizesTheTopologyCannotGive() {
        assertThatThrownBy(() -> new StmtPreprocessor(humanoid, 24, humanoid.vertexCount() + 1))
                .hasMessageContaining("points must be 1.." + humanoid.vertexCount());
        assertThatThrownBy(() -> new StmtPreprocessor(humanoid, 0, 128)).hasMessageContaining("frames must be >= 1");
    }

    private static float minY(float[][] clip) {
        float m = Float.MAX_VALUE;
        for (float[] f : clip) {
            for (int i = 1; i < f.length; i += 3) {
                m = Math.min(m, f[i]);
            }
        }
        return m;
    }

    private static float rangeY(float[][] clip) {
        return range(clip, 1);
    }

    private static float rangeX(float[][] clip) {
        return range(clip, 0);
    }

    private static float range(float[][] clip, int axis) {
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float[] f : clip) {
            for (int i = axis; i < f.length; i += 3) {
                lo = Math.min(lo, f[i]);
                hi = Math.max(hi, f[i]);
            }
        }
        return hi - lo;
    }
}
