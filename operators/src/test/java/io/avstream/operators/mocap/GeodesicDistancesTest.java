package io.avstream.operators.mocap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.avstream.schemas.topology.MeshTopology;
import org.junit.jupiter.api.Test;

class GeodesicDistancesTest {

    private static final float SQRT2 = (float) Math.sqrt(2);

    /** Unit cube; each face split along the diagonal through its lowest-numbered corner. */
    static MeshTopology cube() {
        float[] v = {
            0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0,   // 0..3: z = 0
            0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1};  // 4..7: z = 1
        int[][] quads = {{0, 3, 2, 1}, {4, 5, 6, 7}, {0, 1, 5, 4}, {3, 7, 6, 2}, {0, 4, 7, 3}, {1, 2, 6, 5}};
        int[] f = new int[quads.length * 6];
        int k = 0;
        for (int[] q : quads) {
            f[k++] = q[0];
            f[k++] = q[1];
            f[k++] = q[2];
            f[k++] = q[0];
            f[k++] = q[2];
            f[k++] = q[3];
        }
        return MeshTopology.of("cube", v, f);
    }

    /** A flat (w+1) x (h+1) grid of unit squares in the xy plane, split along the +x+y diagonal. */
    static MeshTopology grid(int w, int h) {
        float[] v = new float[3 * (w + 1) * (h + 1)];
        for (int y = 0; y <= h; y++) {
            for (int x = 0; x <= w; x++) {
                int i = y * (w + 1) + x;
                v[3 * i] = x;
                v[3 * i + 1] = y;
            }
        }
        int[] f = new int[6 * w * h];
        int k = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int a = y * (w + 1) + x;
                int b = a + 1;
                int c = a + w + 2;
                int d = a + w + 1;
                f[k++] = a;
                f[k++] = b;
                f[k++] = c;
                f[k++] = a;
                f[k++] = c;
                f[k++] = d;
            }
        }
        return MeshTopology.of("grid", v, f);
    }

    @Test
    void cubeDistancesFollowEdgesAndDiagonals() {
        MeshTopology cube = cube();
        float[] d = GeodesicDistances.compute(cube, new int[] {0, 1, 2, 6});
        // 0-1: an edge; 0-2: the bottom face's diagonal; 0-6: a face diagonal then an edge
        assertThat(d[1]).isCloseTo(1f, within(1e-6f));
        assertThat(d[2]).isCloseTo(SQRT2, within(1e-6f));
        assertThat(d[3]).isCloseTo(1 + SQRT2, within(1e-6f));
        assertThat(d[4 + 2]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void gridDistancesAreExact() {
        MeshTopology grid = grid(4, 3);
        // (0,0) to (3,3): three diagonals; (0,0) to (4,0): four edges; (0,3) to (4,0): 3 + 1 along edges only
        int origin = 0;
        int diag = 3 * 5 + 3;
        int right = 4;
        int topLeft = 3 * 5;
        float[] d = GeodesicDistances.compute(grid, new int[] {origin, diag, right, topLeft});
        assertThat(d[1]).isCloseTo(3 * SQRT2, within(1e-5f));
        assertThat(d[2]).isCloseTo(4f, within(1e-5f));
        assertThat(d[3]).isCloseTo(3f, within(1e-5f));
        assertThat(d[2 * 4 + 3]).isCloseTo(7f, within(1e-5f));
    }

    @Test
    void isSymmetricZeroOnTheDiagonalAndObeysTheTriangleInequality() {
        MeshTopology grid = grid(6, 5);
        int m = grid.vertexCount();
        int[] all = new int[m];
        for (int i = 0; i < m; i++) {
            all[i] = i;
        }
        float[] d = GeodesicDistances.compute(grid, all);
        for (int a = 0; a < m; a++) {
            assertThat(d[a * m + a]).isZero();
            for (int b = 0; b < m; b++) {
                assertThat(d[a * m + b]).isFinite().isEqualTo(d[b * m + a]);
                if (a != b) {
                    assertThat(d[a * m + b]).isGreaterThan(0f);
                }
                for (int c = 0; c < m; c++) {
                    assertThat(d[a * m + c]).isLessThanOrEqualTo(d[a * m + b] + d[b * m + c] + 1e-5f);
                }
            }
        }
    }

    @Test
    void geodesicIsNeverShorterThanTheStraightLineOnTheHumanoid() {
        MeshTopology h = MeshTopology.load("avstream-humanoid-v1");
        int[] subset = FarthestPointSampling.sample(h.vertices(), 128, 0);
        float[] d = GeodesicDistances.compute(h, subset);
        float maxD = 0;
        for (int a = 0; a < 128; a++) {
            for (int b = 0; b < 128; b++) {
                float g = d[a * 128 + b];
                assertThat(g).isFinite().isEqualTo(d[b * 128 + a]);
                double dx = h.coordinate(subset[a], 0) - h.coordinate(subset[b], 0);
                double dy = h.coordinate(subset[a], 1) - h.coordinate(subset[b], 1);
                double dz = h.coordinate(subset[a], 2) - h.coordinate(subset[b], 2);
                assertThat((double) g).isGreaterThanOrEqualTo(Math.sqrt(dx * dx + dy * dy + dz * dz) - 1e-5);
                maxD = Math.max(maxD, g);
            }
        }
        // from a fingertip to a toe is well over the body's height
        assertThat(maxD).isBetween(1.8f, 4f);
    }

    @Test
    void rejectsDisconnectedMeshesAndBadIndices() {
        MeshTopology twoTriangles = MeshTopology.of("apart", new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 0, 0, 6, 0, 0, 5, 1, 0},
                new int[] {0, 1, 2, 3, 4, 5});
        assertThatThrownBy(() -> GeodesicDistances.compute(twoTriangles, new int[] {0, 4}))
                .hasMessageContaining("vertex 4 cannot be reached from vertex 0");
        assertThatThrownBy(() -> GeodesicDistances.compute(twoTriangles, new int[] {6}))
                .hasMessageContaining("subset vertex 6 outside 0..5");
    }
}
