package io.avstream.ingest.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avstream.schemas.topology.MeshTopology;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HumanoidTest {

    private static final Humanoid HUMANOID = Humanoid.shared();
    private static final float[] REST = HUMANOID.template().vertices();

    @Test
    void hasAFewThousandVerticesAndMoreTriangles() {
        MeshTopology t = HUMANOID.template();
        assertThat(t.id()).isEqualTo(Humanoid.TOPOLOGY_ID);
        assertThat(t.vertexCount()).isEqualTo(HUMANOID.vertexCount()).isBetween(1000, 2500);
        assertThat(t.faceCount()).isBetween(t.vertexCount(), 3 * t.vertexCount());
        assertThat(t.yExtent()).isBetween(1.7f, 1.9f);
        assertThat(t.bounds()[1]).isBetween(-0.01f, 0.03f);
    }

    @Test
    void committedTemplateIsTheGeneratedOne() {
        MeshTopology committed = MeshTopology.load(Humanoid.TOPOLOGY_ID);
        MeshTopology built = new Humanoid().template();
        String hint = "regenerate schemas/src/main/resources/avstream/topologies/" + Humanoid.TOPOLOGY_ID
                + ".obj with io.avstream.ingest.synthetic.Humanoid#main";
        assertThat(committed.vertexCount()).as(hint).isEqualTo(built.vertexCount());
        assertThat(committed.faces()).as(hint).containsExactly(built.faces());
        float[] a = committed.vertices();
        float[] b = built.vertices();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as(hint + " (coordinate %d)", i).isCloseTo(b[i], within(1e-6f));
        }
    }

    @Test
    void meshIsOneConnectedComponentUsingEveryVertex() {
        MeshTopology t = HUMANOID.template();
        int n = t.vertexCount();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        boolean[] used = new boolean[n];
        int[] f = t.faces();
        for (int i = 0; i < f.length; i += 3) {
            union(parent, f[i], f[i + 1]);
            union(parent, f[i + 1], f[i + 2]);
            used[f[i]] = used[f[i + 1]] = used[f[i + 2]] = true;
        }
        int root = find(parent, 0);
        for (int i = 0; i < n; i++) {
            assertThat(used[i]).as("vertex %d used by a face", i).isTrue();
            assertThat(find(parent, i)).as("vertex %d connected to vertex 0", i).isEqualTo(root);
        }
    }

    @Test
    void almostEveryEdgeIsSharedByTwoTriangles() {
        int[] f = HUMANOID.template().faces();
        Map<Long, Integer> edges = new HashMap<>();
        for (int i = 0; i < f.length; i += 3) {
            for (int k = 0; k < 3; k++) {
                int a = f[i + k];
                int b = f[i + (k + 1) % 3];
                long key = ((long) Math.min(a, b) << 32) | Math.max(a, b);
                edges.merge(key, 1, Integer::sum);
            }
        }
        long open = edges.values().stream().filter(c -> c == 1).count();
        assertThat(open).as("boundary edges of %d", edges.size()).isLessThan(edges.size() / 20);
    }

    @Test
    void everyBoneMovesSomeVertices() {
        Set<Bone> seen = EnumSet.noneOf(Bone.class);
        for (int i = 0; i < HUMANOID.vertexCount(); i++) {
            seen.add(HUMANOID.primaryBone(i));
        }
        assertThat(seen).containsExactlyInAnyOrder(Bone.values());
    }

    @Test
    void restPoseReproducesTheTemplate() {
        float[] out = new float[REST.length];
        HUMANOID.pose(new Pose(), ActorParams.NEUTRAL, out);
        for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).isCloseTo(REST[i], within(1e-6f));
        }
    }

    @Test
    void bodyScaleHeadingAndPlacementActOnTheWholeBody() {
        ActorParams big = new ActorParams(1.1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
        float[] out = new float[REST.length];
        HUMANOID.pose(new Pose().setPlacement(2, -3, Math.PI / 2), big, out);
        for (int i = 0; i < out.length; i += 3) {
            // heading pi/2: the body's forward (+z) turns to +x, its left (+x) to -z
            assertThat(out[i]).isCloseTo(2 + 1.1f * REST[i + 2], within(1e-5f));
            assertThat(out[i + 1]).isCloseTo(1.1f * REST[i + 1], within(1e-5f));
            assertThat(out[i + 2]).isCloseTo(-3 - 1.1f * REST[i], within(1e-5f));
        }
    }

    @Test
    void longerLegsKeepTheFeetOnTheGround() {
        ActorParams tall = new ActorParams(1, 1, 1, 1.05, 1.05, 1, 1, 0, 0, 0, 0);
        float[] out = new float[REST.length];
        HUMANOID.pose(new Pose(), tall, out);
        assertThat(minY(out)).isCloseTo(minY(REST), within(1e-4f));
        assertThat(maxY(out)).isGreaterThan(maxY(REST) + 0.03f);
    }

    @Test
    void bendingAKneeMovesTheLowerLegOnly() {
        float[] out = new float[REST.length];
        HUMANOID.pose(new Pose().set(Bone.LEFT_SHIN, 90, 0, 0), ActorParams.NEUTRAL, out);
        for (int i = 0; i < HUMANOID.vertexCount(); i++) {
            Bone b = HUMANOID.primaryBone(i);
            double moved = Math.sqrt(sq(out[3 * i] - REST[3 * i]) + sq(out[3 * i + 1] - REST[3 * i + 1])
                    + sq(out[3 * i + 2] - REST[3 * i + 2]));
            if (b == Bone.LEFT_FOOT) {
                // the foot swings behind the knee: about 0.4 m back and up
                assertThat(moved).isGreaterThan(0.3);
            } else if (b != Bone.LEFT_SHIN && b != Bone.LEFT_THIGH) {
                assertThat(moved).as("vertex %d of %s", i, b).isLessThan(1e-6);
            }
        }
    }

    private static double sq(double v) {
        return v * v;
    }

    static float minY(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (int i = 1; i < v.length; i += 3) {
            m = Math.min(m, v[i]);
        }
        return m;
    }

    static float maxY(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 1; i < v.length; i += 3) {
            m = Math.max(m, v[i]);
        }
        return m;
    }

    private static int find(int[] p, int i) {
        while (p[i] != i) {
            p[i] = p[p[i]];
            i = p[i];
        }
        return i;
    }

    private static void union(int[] p, int a, int b) {
        p[find(p, a)] = find(p, b);
    }
}
