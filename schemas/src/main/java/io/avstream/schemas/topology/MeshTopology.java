package io.avstream.schemas.topology;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** A fixed triangle-mesh topology: an id, the rest-pose template vertices and the faces. */
public final class MeshTopology {

    /** Class-path folder that holds one {@code <id>.obj} file per known topology. */
    public static final String RESOURCE_FOLDER = "avstream/topologies/";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Map<String, MeshTopology> CACHE = new ConcurrentHashMap<>();

    private final String id;
    private final float[] vertices;
    private final int[] faces;
    private final float[] bounds;

    private MeshTopology(String id, float[] vertices, int[] faces) {
        this.id = id;
        this.vertices = vertices;
        this.faces = faces;
        this.bounds = computeBounds(vertices);
    }

    /**
     * Builds a topology from copies of the given arrays.
     *
     * @param id       topology id, e.g. {@code avstream-humanoid-v1}
     * @param vertices template vertices, x, y, z interleaved, metres, y up
     * @param faces    triangles, three 0-based vertex indices each
     * @throws IllegalArgumentException naming the first problem found
     */
    public static MeshTopology of(String id, float[] vertices, int[] faces) {
        checkId(id);
        if (vertices == null || faces == null) {
            throw new IllegalArgumentException("topology " + id + ": vertices and faces must not be null");
        }
        if (vertices.length == 0 || vertices.length % 3 != 0) {
            throw new IllegalArgumentException("topology " + id + ": vertex array length " + vertices.length
                    + " is not a positive multiple of 3");
        }
        if (faces.length % 3 != 0) {
            throw new IllegalArgumentException("topology " + id + ": face array length " + faces.length
                    + " is not a multiple of 3");
        }
        for (int i = 0; i < vertices.length; i++) {
            if (!Float.isFinite(vertices[i])) {
                throw new IllegalArgumentException("topology " + id + ": vertex " + (i / 3) + " has a non-finite coordinate");
            }
        }
        int n = vertices.length / 3;
        for (int f = 0; f < faces.length; f += 3) {
            int a = faces[f];
            int b = faces[f + 1];
            int c = faces[f + 2];
            for (int v : new int[] {a, b, c}) {
                if (v < 0 || v >= n) {
                    throw new IllegalArgumentException("topology " + id + ": face " + (f / 3) + " refers to vertex " + v
                            + " outside 0.." + (n - 1));
                }
            }
            if (a == b || b == c || a == c) {
                throw new IllegalArgumentException("topology " + id + ": face " + (f / 3) + " repeats a vertex ("
                        + a + ", " + b + ", " + c + ")");
            }
        }
        return new MeshTopology(id, vertices.clone(), faces.clone());
    }

    /**
     * The topology {@code id}, read once per JVM from the class-path resource
     * {@code avstream/topologies/<id>.obj}.
     *
     * @throws IllegalArgumentException if the id is malformed or no such resource exists
     * @throws UncheckedIOException     if the resource cannot be read
     */
    public static MeshTopology load(String id) {
        checkId(id);
        MeshTopology cached = CACHE.get(id);
        if (cached != null) {
            return cached;
        }
        return CACHE.computeIfAbsent(id, MeshTopology::readResource);
    }

    private static MeshTopology readResource(String id) {
        String name = RESOURCE_FOLDER + id + ".obj";
        InputStream in = MeshTopology.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context != null) {
                in = context.getResourceAsStream(name);
            }
        }
        if (in == null) {
            throw new IllegalArgumentException("unknown mesh topology " + id + ": no class-path resource " + name);
        }
        try (InputStream stream = in) {
            return parseObj(id, stream);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read mesh topology resource " + name, e);
        }
    }

    /**
     * Parses the Wavefront OBJ subset used for templates: {@code v x y z} and {@code f a b c}
     * (1-based; {@code a/t/n} forms and negative indices accepted, polygons fan-triangulated);
     * comments and other statements are ignored. The stream is not closed.
     *
     * @throws IllegalArgumentException with the line number of a malformed statement
     */
    public static MeshTopology parseObj(String id, InputStream in) throws IOException {
        checkId(id);
        FloatList verts = new FloatList();
        IntList faces = new IntList();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] tok = line.split("\\s+");
            if (tok[0].equals("v")) {
                if (tok.length < 4) {
                    throw new IllegalArgumentException("topology " + id + " line " + lineNo + ": a vertex needs x y z");
                }
                for (int k = 1; k <= 3; k++) {
                    try {
                        verts.add(Float.parseFloat(tok[k]));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("topology " + id + " line " + lineNo + ": bad number " + tok[k]);
                    }
                }
            } else if (tok[0].equals("f")) {
                if (tok.length < 4) {
                    throw new IllegalArgumentException("topology " + id + " line " + lineNo + ": a face needs 3 vertices");
                }
                int count = verts.size / 3;
                int[] poly = new int[tok.length - 1];
                for (int k = 1; k < tok.length; k++) {
                    String t = tok[k];
                    int slash = t.indexOf('/');
                    String num = slash >= 0 ? t.substring(0, slash) : t;
                    int idx;
                    try {
                        idx = Integer.parseInt(num);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("topology " + id + " line " + lineNo + ": bad vertex index " + t);
                    }
                    if (idx == 0) {
                        throw new IllegalArgumentException("topology " + id + " line " + lineNo + ": vertex index 0 (OBJ is 1-based)");
                    }
                    int zeroBased = idx > 0 ? idx - 1 : count + idx;
                    if (zeroBased < 0 || zeroBased >= count) {
                        throw new IllegalArgumentException("topology " + id + " line " + lineNo + ": vertex index " + idx
                                + " refers to no vertex defined so far (" + count + ")");
                    }
                    poly[k - 1] = zeroBased;
                }
                for (int k = 1; k + 1 < poly.length; k++) {
                    faces.add(poly[0]);
                    faces.add(poly[k]);
                    faces.add(poly[k + 1]);
                }
            }
        }
        if (verts.size == 0) {
            throw new IllegalArgumentException("topology " + id + ": no vertices");
        }
        return of(id, verts.toArray(), faces.toArray());
    }

    /**
     * Writes this topology as OBJ ({@code v} then {@code f} lines, 1-based); the coordinates are
     * written so that {@link #parseObj} reads back exactly the same floats. The stream is flushed,
     * not closed.
     */
    public void writeObj(OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        w.write("# avstream mesh topology " + id + "\n");
        w.write("# " + vertexCount() + " vertices, " + faceCount() + " triangles; metres, y up\n");
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < vertices.length; i += 3) {
            sb.setLength(0);
            sb.append("v ").append(plain(vertices[i])).append(' ').append(plain(vertices[i + 1])).append(' ')
                    .append(plain(vertices[i + 2])).append('\n');
            w.write(sb.toString());
        }
        for (int f = 0; f < faces.length; f += 3) {
            sb.setLength(0);
            sb.append("f ").append(faces[f] + 1).append(' ').append(faces[f + 1] + 1).append(' ')
                    .append(faces[f + 2] + 1).append('\n');
            w.write(sb.toString());
        }
        w.flush();
    }

    private static String plain(float v) {
        if (v == 0f) {
            return Float.floatToRawIntBits(v) == 0 ? "0" : "-0";
        }
        return new BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** The topology id. */
    public String id() {
        return id;
    }

    /** Number of vertices. */
    public int vertexCount() {
        return vertices.length / 3;
    }

    /** Number of triangles. */
    public int faceCount() {
        return faces.length / 3;
    }

    /** A copy of the template vertices, x, y, z interleaved, metres, y up. */
    public float[] vertices() {
        return vertices.clone();
    }

    /** A copy of the triangles, three 0-based vertex indices each. */
    public int[] faces() {
        return faces.clone();
    }

    /** Coordinate {@code axis} (0 = x, 1 = y, 2 = z) of template vertex {@code vertex}. */
    public float coordinate(int vertex, int axis) {
        if (axis < 0 || axis > 2) {
            throw new IllegalArgumentException("axis " + axis + " is not 0, 1 or 2");
        }
        return vertices[vertex * 3 + axis];
    }

    /** The template's axis-aligned bounding box: min x, min y, min z, max x, max y, max z. */
    public float[] bounds() {
        return bounds.clone();
    }

    /** Height of the template's bounding box (max y - min y), metres. */
    public float yExtent() {
        return bounds[4] - bounds[1];
    }

    private static float[] computeBounds(float[] v) {
        float[] b = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < v.length; i += 3) {
            for (int a = 0; a < 3; a++) {
                b[a] = Math.min(b[a], v[i + a]);
                b[3 + a] = Math.max(b[3 + a], v[i + a]);
            }
        }
        return b;
    }

    private static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("bad mesh topology id " + id
                    + ": use letters, digits, '.', '_' and '-' (at most 128, not starting with a symbol)");
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MeshTopology)) {
            return false;
        }
        MeshTopology other = (MeshTopology) o;
        return id.equals(other.id) && Arrays.equals(vertices, other.vertices) && Arrays.equals(faces, other.faces);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id.hashCode() + Arrays.hashCode(vertices)) + Arrays.hashCode(faces);
    }

    @Override
    public String toString() {
        return "MeshTopology{" + id + ", " + vertexCount() + " vertices, " + faceCount() + " triangles}";
    }

    private static final class FloatList {
        float[] data = new float[3 * 1024];
        int size;

        void add(float v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    private static final class IntList {
        int[] data = new int[3 * 2048];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
