package io.avstream.schemas.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MeshTopologyTest {

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesVerticesAndOneBasedFaces() throws IOException {
        MeshTopology t = MeshTopology.parseObj("tri", text("""
                # a comment
                o thing
                v 0 0 0
                v 1.5 0 0   # trailing comment
                v 0 2 -0.25
                vn 0 0 1
                f 1 2 3
                """));
        assertThat(t.id()).isEqualTo("tri");
        assertThat(t.vertexCount()).isEqualTo(3);
        assertThat(t.faceCount()).isEqualTo(1);
        assertThat(t.vertices()).containsExactly(0f, 0f, 0f, 1.5f, 0f, 0f, 0f, 2f, -0.25f);
        assertThat(t.faces()).containsExactly(0, 1, 2);
        assertThat(t.coordinate(2, 2)).isEqualTo(-0.25f);
    }

    @Test
    void acceptsSlashFormsNegativeIndicesAndTriangulatesQuads() throws IOException {
        MeshTopology t = MeshTopology.parseObj("quad", text("""
                v 0 0 0
                v 1 0 0
                v 1 1 0
                v 0 1 0
                f 1/1/1 2/2/2 3//3 4
                f -4 -2 -1
                """));
        assertThat(t.faces()).containsExactly(0, 1, 2, 0, 2, 3, 0, 2, 3);
    }

    @Test
    void writeThenParseGivesIdenticalFloats() throws IOException {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] v = new float[3 * 50];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble(-3, 3) * Math.pow(10, rnd.nextInt(-6, 2)));
        }
        v[0] = 0f;
        v[1] = -0f;
        v[2] = 1e-7f;
        int[] f = new int[3 * 40];
        for (int i = 0; i < f.length; i += 3) {
            f[i] = i % 50;
            f[i + 1] = (i + 1) % 50;
            f[i + 2] = (i + 2) % 50;
        }
        MeshTopology t = MeshTopology.of("random", v, f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.writeObj(out);
        String obj = out.toString(StandardCharsets.UTF_8);
        assertThat(obj).startsWith("# avstream mesh topology random\n").doesNotContain("E");
        MeshTopology back = MeshTopology.parseObj("random", text(obj));
        assertThat(back).isEqualTo(t);
        assertThat(back.vertices()).containsExactly(t.vertices());
    }

    @Test
    void boundsAndYExtent() {
        MeshTopology t = MeshTopology.of("box", new float[] {-1, 0.5f, 2, 3, 2.5f, -2, 0, 1, 0}, new int[] {0, 1, 2});
        assertThat(t.bounds()).containsExactly(-1f, 0.5f, -2f, 3f, 2.5f, 2f);
        assertThat(t.yExtent()).isEqualTo(2f);
    }

    @Test
    void accessorsReturnCopies() {
        MeshTopology t = MeshTopology.of("tri", new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}, new int[] {0, 1, 2});
        t.vertices()[0] = 42f;
        t.faces()[0] = 2;
        assertThat(t.vertices()[0]).isZero();
        assertThat(t.faces()[0]).isZero();
    }

    @Test
    void rejectsMalformedInputWithTheLine() {
        assertThatThrownBy(() -> MeshTopology.parseObj("bad", text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 4")
                .hasMessageContaining("vertex index 4");
        assertThatThrownBy(() -> MeshTopology.parseObj("bad", text("v 0 zero 0\n")))
                .hasMessageContaining("line 1").hasMessageContaining("bad number zero");
        assertThatThrownBy(() -> MeshTopology.parseObj("bad", text("v 0 0 0\nf 0 1 1\n")))
                .hasMessageContaining("1-based");
        assertThatThrownBy(() -> MeshTopology.parseObj("bad", text("# nothing\n")))
                .hasMessageContaining("no vertices");
        assertThatThrownBy(() -> MeshTopology.of("bad", new float[] {0, 0, 0, 1, 0, 0}, new int[] {0, 1, 1}))
                .hasMessageContaining("face 0 repeats a vertex");
        assertThatThrownBy(() -> MeshTopology.of("bad", new float[] {0, 0, Float.NaN}, new int[0]))
                .hasMessageContaining("non-finite");
    }

    @Test
    void rejectsIdsThatCouldEscapeTheResourceFolder() {
        assertThatThrownBy(() -> MeshTopology.load("../secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad mesh topology id");
    }

    @Test
    void loadsTheHumanoidOncePerJvm() {
        MeshTopology first = MeshTopology.load("avstream-humanoid-v1");
        assertThat(first.id()).isEqualTo("avstream-humanoid-v1");
        assertThat(first.vertexCount()).isBetween(1000, 2500);
        assertThat(first.faceCount()).isGreaterThan(first.vertexCount());
        assertThat(MeshTopology.load("avstream-humanoid-v1")).isSameAs(first);
    }

    @Test
    void unknownTopologyNamesTheResource() {
        assertThatThrownBy(() -> MeshTopology.load("no-such-mesh"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("avstream/topologies/no-such-mesh.obj");
    }
}
