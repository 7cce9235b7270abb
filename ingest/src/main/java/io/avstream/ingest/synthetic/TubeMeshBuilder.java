package io.avstream.ingest.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a skinned triangle mesh from generalised cylinders: each chain is a polyline of nodes with
 * an elliptical cross-section per node; rings are placed along it at a fixed spacing, oriented by
 * parallel transport, stitched into a tube, capped at free ends and zipped onto the surface it grows
 * from at a rooted end. Uses {@link StrictMath} so the mesh is identical on every JVM.
 */
final class TubeMeshBuilder {

    /** One node of a chain: centre, half-widths along the frame's U and V axes, bone of the segment after it. */
    record Node(double x, double y, double z, double ru, double rv, Bone boneAfter) {}

    /** How a chain ends: a rounded cap of the given length, or zipped onto earlier vertices. */
    record Chain(List<Node> nodes, int around, double[] initialU, double startCap, double endCap,
            double blendHalfWidth, double turnRadius, Bone rootParent, double rootBlend, int zipFrom, int zipTo) {}

    private static final int CAP_RINGS = 2;

    private double[] pos = new double[3 * 1024];
    private int[] bone0 = new int[1024];
    private int[] bone1 = new int[1024];
    private double[] weight1 = new double[1024];
    private int vertexCount;
    private int[] faces = new int[3 * 2048];
    private int faceIndexCount;
    private final double spacing;

    TubeMeshBuilder(double spacing) {
        this.spacing = spacing;
    }

    int vertexCount() {
        return vertexCount;
    }

    float[] vertices() {
        float[] v = new float[vertexCount * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) pos[i];
        }
        return v;
    }

    int[] faces() {
        return Arrays.copyOf(faces, faceIndexCount);
    }

    int[] bone0() {
        return Arrays.copyOf(bone0, vertexCount);
    }

    int[] bone1() {
        return Arrays.copyOf(bone1, vertexCount);
    }

    float[] weight1() {
        float[] w = new float[vertexCount];
        for (int i = 0; i < vertexCount; i++) {
            w[i] = (float) weight1[i];
        }
        return w;
    }

    /** Adds a chain; returns the index of its first vertex. */
    int addChain(Chain chain) {
        int first = vertexCount;
        List<Node> nodes = chain.nodes();
        int segments = nodes.size() - 1;
        double[] segLen = new double[segments];
        double[][] dir = new double[segments][];
        double[] nodeArc = new double[nodes.size()];
        for (int k = 0; k < segments; k++) {
            Node a = nodes.get(k);
            Node b = nodes.get(k + 1);
            double[] d = {b.x() - a.x(), b.y() - a.y(), b.z() - a.z()};
            segLen[k] = norm(d);
            dir[k] = scale(d, 1 / segLen[k]);
            nodeArc[k + 1] = nodeArc[k] + segLen[k];
        }

        // ring stations: (segment, t in [0,1])
        List<double[]> stations = new ArrayList<>();
        for (int k = 0; k < segments; k++) {
            int m = Math.max(1, (int) Math.round(segLen[k] / spacing));
            for (int j = 0; j < m; j++) {
                stations.add(new double[] {k, (double) j / m});
            }
        }
        stations.add(new double[] {segments - 1, 1.0});

        List<int[]> rings = new ArrayList<>();
        double[] u = null;
        double[] prevT = null;
        double[] lastCentre = null;
        double[] lastT = null;
        double lastRu = 0;
        double lastRv = 0;
        int[] lastSkinB0 = null;
        double[] firstCentre = null;
        double[] firstT = null;
        double[] firstU = null;
        double firstRu = 0;
        double firstRv = 0;
        double[] lastU = null;
        for (double[] st : stations) {
            int k = (int) st[0];
            double t = st[1];
            Node a = nodes.get(k);
            Node b = nodes.get(k + 1);
            double s = nodeArc[k] + t * segLen[k];
            double[] c = {lerp(a.x(), b.x(), t), lerp(a.y(), b.y(), t), lerp(a.z(), b.z(), t)};
            double ru = lerp(a.ru(), b.ru(), t);
            double rv = lerp(a.rv(), b.rv(), t);
            double[] tan = tangent(dir, nodeArc, k, s, chain.turnRadius());
            if (u == null) {
                u = orthonormal(chain.initialU(), tan);
            } else {
                u = orthonormal(transport(u, prevT, tan), tan);
            }
            prevT = tan;
            double[] v = cross(tan, u);
            int[] skin = skin(chain, nodes, nodeArc, k, s);
            int[] ring = ring(c, u, v, ru, rv, chain.around(), skin);
            rings.add(ring);
            if (firstCentre == null) {
                firstCentre = c;
                firstT = tan;
                firstU = u;
                firstRu = ru;
                firstRv = rv;
            }
            lastCentre = c;
            lastT = tan;
            lastU = u;
            lastRu = ru;
            lastRv = rv;
            lastSkinB0 = skin;
        }
        for (int i = 0; i + 1 < rings.size(); i++) {
            stitch(rings.get(i), rings.get(i + 1));
        }
        int[] firstRing = rings.get(0);
        if (chain.rootParent() != null) {
            zip(firstRing, chain.zipFrom(), chain.zipTo());
        } else {
            cap(firstRing, firstCentre, scale(firstT, -1), firstU, firstRu, firstRv, chain.startCap(), true,
                    skinOf(firstRing[0]));
        }
        cap(rings.get(rings.size() - 1), lastCentre, lastT, lastU, lastRu, lastRv, chain.endCap(), false, lastSkinB0);
        return first;
    }

    private int[] skinOf(int vertex) {
        return new int[] {bone0[vertex], bone1[vertex], (int) Math.round(weight1[vertex] * 1_000_000)};
    }

    /** Skin of a ring at arc length s in segment k: {bone0, bone1, weight1 * 1e6}. */
    private static int[] skin(Chain chain, List<Node> nodes, double[] nodeArc, int k, double s) {
        int own = nodes.get(k).boneAfter().ordinal();
        if (chain.rootParent() != null && s < chain.rootBlend()) {
            double w = s / chain.rootBlend();
            return new int[] {chain.rootParent().ordinal(), own, (int) Math.round(w * 1_000_000)};
        }
        double h = chain.blendHalfWidth();
        for (int j = 1; j < nodes.size() - 1; j++) {
            Bone before = nodes.get(j - 1).boneAfter();
            Bone after = nodes.get(j).boneAfter();
            if (before != after && Math.abs(s - nodeArc[j]) < h) {
                double w = 0.5 + 0.5 * (s - nodeArc[j]) / h;
                return new int[] {before.ordinal(), after.ordinal(), (int) Math.round(w * 1_000_000)};
            }
        }
        return new int[] {own, own, 0};
    }

    private static double[] tangent(double[][] dir, double[] nodeArc, int k, double s, double turn) {
        double fromStart = s - nodeArc[k];
        double toEnd = nodeArc[k + 1] - s;
        if (k > 0 && fromStart < turn) {
            double w = 0.5 + 0.5 * fromStart / turn;
            return normalize(lerp(dir[k - 1], dir[k], w));
        }
        if (k + 1 < dir.length && toEnd < turn) {
            double w = 0.5 - 0.5 * toEnd / turn;
            return normalize(lerp(dir[k], dir[k + 1], w));
        }
        return dir[k];
    }

    private int[] ring(double[] c, double[] u, double[] v, double ru, double rv, int n, int[] skin) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            double th = 2 * StrictMath.PI * i / n;
            double cu = ru * StrictMath.cos(th);
            double sv = rv * StrictMath.sin(th);
            idx[i] = addVertex(c[0] + cu * u[0] + sv * v[0], c[1] + cu * u[1] + sv * v[1], c[2] + cu * u[2] + sv * v[2],
                    skin);
        }
        return idx;
    }

    /** Closes a ring with CAP_RINGS shrinking rings and a pole, bulging {@code len} along {@code out}. */
    private void cap(int[] ring, double[] c, double[] out, double[] u, double ru, double rv, double len,
            boolean atStart, int[] skin) {
        double[] uu = orthonormal(u, out);
        double[] vv = cross(out, uu);
        if (atStart) {
            // keep the ring's own orientation: v = t x u with t = -out
            vv = scale(vv, -1);
        }
        int[] prev = ring;
        for (int j = 1; j <= CAP_RINGS; j++) {
            double a = 0.5 * StrictMath.PI * j / (CAP_RINGS + 1);
            double[] cj = add(c, scale(out, len * StrictMath.sin(a)));
            int[] r = ring(cj, uu, vv, ru * StrictMath.cos(a), rv * StrictMath.cos(a), ring.length, skin);
            if (atStart) {
                stitch(r, prev);
            } else {
                stitch(prev, r);
            }
            prev = r;
        }
        double[] p = add(c, scale(out, len));
        int pole = addVertex(p[0], p[1], p[2], skin);
        int n = prev.length;
        for (int i = 0; i < n; i++) {
            int a = prev[i];
            int b = prev[(i + 1) % n];
            if (atStart) {
                addFace(pole, b, a);
            } else {
                addFace(a, b, pole);
            }
        }
    }

    /** Joins a ring to the nearest of the vertices [from, to) with a strip of triangles. */
    private void zip(int[] ring, int from, int to) {
        int n = ring.length;
        int[] near = new int[n];
        for (int i = 0; i < n; i++) {
            int r = ring[i];
            double best = Double.POSITIVE_INFINITY;
            for (int q = from; q < to; q++) {
                double d = dist2(r, q);
                if (d < best) {
                    best = d;
                    near[i] = q;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            addFace(near[j], ring[j], ring[i]);
            if (near[i] != near[j]) {
                addFace(near[i], near[j], ring[i]);
            }
        }
    }

    /** Ring a precedes ring b along the tube; faces point outwards. */
    private void stitch(int[] a, int[] b) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            addFace(a[i], a[j], b[i]);
            addFace(a[j], b[j], b[i]);
        }
    }

    private int addVertex(double x, double y, double z, int[] skin) {
        if (vertexCount == bone0.length) {
            int cap = vertexCount * 2;
            pos = Arrays.copyOf(pos, cap * 3);
            bone0 = Arrays.copyOf(bone0, cap);
            bone1 = Arrays.copyOf(bone1, cap);
            weight1 = Arrays.copyOf(weight1, cap);
        }
        int i = vertexCount++;
        pos[3 * i] = x;
        pos[3 * i + 1] = y;
        pos[3 * i + 2] = z;
        bone0[i] = skin[0];
        bone1[i] = skin[1];
        weight1[i] = skin[2] / 1_000_000.0;
        return i;
    }

    private void addFace(int a, int b, int c) {
        if (faceIndexCount + 3 > faces.length) {
            faces = Arrays.copyOf(faces, faces.length * 2);
        }
        faces[faceIndexCount++] = a;
        faces[faceIndexCount++] = b;
        faces[faceIndexCount++] = c;
    }

    private double dist2(int a, int b) {
        double dx = pos[3 * a] - pos[3 * b];
        double dy = pos[3 * a + 1] - pos[3 * b + 1];
        double dz = pos[3 * a + 2] - pos[3 * b + 2];
        return dx * dx + dy * dy + dz * dz;
    }

    // ---- vector arithmetic ----

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }

    private static double[] lerp(double[] a, double[] b, double t) {
        return new double[] {lerp(a[0], b[0], t), lerp(a[1], b[1], t), lerp(a[2], b[2], t)};
    }

    private static double[] add(double[] a, double[] b) {
        return new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
    }

    private static double[] scale(double[] a, double s) {
        return new double[] {a[0] * s, a[1] * s, a[2] * s};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static double norm(double[] a) {
        return StrictMath.sqrt(dot(a, a));
    }

    private static double[] normalize(double[] a) {
        return scale(a, 1 / norm(a));
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    /** The part of u orthogonal to the unit vector t, normalised. */
    private static double[] orthonormal(double[] u, double[] t) {
        double d = dot(u, t);
        return normalize(new double[] {u[0] - d * t[0], u[1] - d * t[1], u[2] - d * t[2]});
    }

    /** Rotates u by the smallest rotation taking unit vector from onto unit vector to. */
    private static double[] transport(double[] u, double[] from, double[] to) {
        double[] axis = cross(from, to);
        double s = norm(axis);
        double c = dot(from, to);
        if (s < 1e-12) {
            return u;
        }
        double[] k = scale(axis, 1 / s);
        // Rodrigues: u c + (k x u) s + k (k.u)(1 - c)
        double[] kxu = cross(k, u);
        double kd = dot(k, u) * (1 - c);
        return new double[] {u[0] * c + kxu[0] * s + k[0] * kd, u[1] * c + kxu[1] * s + k[1] * kd,
            u[2] * c + kxu[2] * s + k[2] * kd};
    }
}
