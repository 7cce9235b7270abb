package io.avstream.ingest.synthetic;

import io.avstream.schemas.topology.MeshTopology;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The procedural humanoid of topology {@value #TOPOLOGY_ID}: a skinned triangle mesh built from
 * generalised cylinders along a 17-bone skeleton, and the linear-blend skinning that poses it.
 *
 * <p>Torso, neck and head form one tube; each arm (upper arm, forearm, hand) and each leg (thigh,
 * shin, foot) is a tube whose rings are shared across its joints and whose root ring is zipped onto
 * the torso, so the mesh is one connected surface. Each vertex follows one bone, or two bones with
 * linear weights within a few centimetres of a joint.
 *
 * <p>The committed template {@code avstream/topologies/avstream-humanoid-v1.obj} is written by
 * {@link #main(String[])} and a test keeps it equal to {@link #template()}.
 */
public final class Humanoid {

    /** Id of the mesh topology this class builds. */
    public static final String TOPOLOGY_ID = "avstream-humanoid-v1";

    private static final double RING_SPACING = 0.03;
    private static final int TORSO_AROUND = 18;
    private static final int ARM_AROUND = 10;
    private static final int LEG_AROUND = 12;

    private static final class Shared {
        static final Humanoid INSTANCE = new Humanoid();
    }

    private final MeshTopology template;
    private final float[] rest;
    private final int[] bone0;
    private final int[] bone1;
    private final float[] weight1;
    private final boolean[] rigid;

    /** Builds the mesh (a few milliseconds); prefer {@link #shared()}. */
    public Humanoid() {
        TubeMeshBuilder b = new TubeMeshBuilder(RING_SPACING);
        int torsoStart = b.addChain(torso());
        int torsoEnd = b.vertexCount();
        for (int side : new int[] {1, -1}) {
            b.addChain(arm(side, torsoStart, torsoEnd));
        }
        for (int side : new int[] {1, -1}) {
            b.addChain(leg(side, torsoStart, torsoEnd));
        }
        rest = b.vertices();
        template = MeshTopology.of(TOPOLOGY_ID, rest, b.faces());
        bone0 = b.bone0();
        bone1 = b.bone1();
        weight1 = b.weight1();
        rigid = new boolean[bone0.length];
        for (int i = 0; i < rigid.length; i++) {
            rigid[i] = weight1[i] == 0f || bone0[i] == bone1[i];
        }
    }

    /** One instance per JVM, built on first use. */
    public static Humanoid shared() {
        return Shared.INSTANCE;
    }

    /** The rest-pose template (the body standing at the origin, facing +z, arms slightly apart). */
    public MeshTopology template() {
        return template;
    }

    /** Number of vertices. */
    public int vertexCount() {
        return bone0.length;
    }

    /** The bone a vertex follows most (its own bone, or the heavier of its two). */
    public Bone primaryBone(int vertex) {
        Bone[] bones = Bone.values();
        return weight1[vertex] > 0.5f ? bones[bone1[vertex]] : bones[bone0[vertex]];
    }

    private static TubeMeshBuilder.Node n(double x, double y, double z, double ru, double rv, Bone after) {
        return new TubeMeshBuilder.Node(x, y, z, ru, rv, after);
    }

    private static TubeMeshBuilder.Chain torso() {
        List<TubeMeshBuilder.Node> t = new ArrayList<>();
        t.add(n(0, 0.86, 0, 0.150, 0.100, Bone.PELVIS));
        t.add(n(0, 0.95, 0, 0.165, 0.110, Bone.PELVIS));
        t.add(n(0, 1.05, 0, 0.145, 0.100, Bone.SPINE));
        t.add(n(0, 1.15, 0, 0.145, 0.095, Bone.SPINE));
        t.add(n(0, 1.25, 0, 0.155, 0.100, Bone.CHEST));
        t.add(n(0, 1.36, 0, 0.175, 0.105, Bone.CHEST));
        t.add(n(0, 1.43, 0, 0.140, 0.085, Bone.CHEST));
        t.add(n(0, 1.47, 0, 0.060, 0.060, Bone.NECK));
        t.add(n(0, 1.56, 0.005, 0.055, 0.060, Bone.HEAD));
        t.add(n(0, 1.60, 0.010, 0.085, 0.095, Bone.HEAD));
        t.add(n(0, 1.66, 0.010, 0.100, 0.110, Bone.HEAD));
        t.add(n(0, 1.72, 0.005, 0.095, 0.105, Bone.HEAD));
        t.add(n(0, 1.77, 0, 0.065, 0.075, null));
        return new TubeMeshBuilder.Chain(t, TORSO_AROUND, new double[] {1, 0, 0}, 0.05, 0.05, 0.04, 0.03,
                null, 0, 0, 0);
    }

    private static TubeMeshBuilder.Chain arm(int side, int zipFrom, int zipTo) {
        Bone upper = side > 0 ? Bone.LEFT_UPPER_ARM : Bone.RIGHT_UPPER_ARM;
        Bone fore = side > 0 ? Bone.LEFT_FOREARM : Bone.RIGHT_FOREARM;
        Bone hand = side > 0 ? Bone.LEFT_HAND : Bone.RIGHT_HAND;
        double dx = fore.restX() - upper.restX();
        double dy = fore.restY() - upper.restY();
        double len = Math.sqrt(dx * dx + dy * dy);
        dx /= len;
        dy /= len;
        double wx = hand.restX();
        double wy = hand.restY();
        List<TubeMeshBuilder.Node> a = new ArrayList<>();
        a.add(n(side * 0.10, 1.41, 0, 0.045, 0.045, upper));
        a.add(n(upper.restX(), 1.395, 0, 0.050, 0.050, upper));
        a.add(n(fore.restX(), fore.restY(), 0, 0.040, 0.040, fore));
        a.add(n(wx, wy, 0, 0.032, 0.024, hand));
        a.add(n(wx + 0.08 * dx, wy + 0.08 * dy, 0, 0.045, 0.020, hand));
        a.add(n(wx + 0.17 * dx, wy + 0.17 * dy, 0, 0.030, 0.012, null));
        return new TubeMeshBuilder.Chain(a, ARM_AROUND, new double[] {0, 0, 1}, 0, 0.015, 0.04, 0.03,
                Bone.CHEST, 0.08, zipFrom, zipTo);
    }

    private static TubeMeshBuilder.Chain leg(int side, int zipFrom, int zipTo) {
        Bone thigh = side > 0 ? Bone.LEFT_THIGH : Bone.RIGHT_THIGH;
        Bone shin = side > 0 ? Bone.LEFT_SHIN : Bone.RIGHT_SHIN;
        Bone foot = side > 0 ? Bone.LEFT_FOOT : Bone.RIGHT_FOOT;
        double x = thigh.restX();
        List<TubeMeshBuilder.Node> l = new ArrayList<>();
        l.add(n(x, 0.86, 0, 0.065, 0.065, thigh));
        l.add(n(x, 0.78, 0, 0.075, 0.075, thigh));
        l.add(n(x, shin.restY(), 0, 0.050, 0.050, shin));
        l.add(n(x, 0.38, -0.01, 0.055, 0.055, shin));
        l.add(n(x, foot.restY(), 0, 0.035, 0.035, foot));
        l.add(n(x, 0.045, 0.07, 0.045, 0.030, foot));
        l.add(n(x, 0.03, 0.17, 0.040, 0.020, null));
        return new TubeMeshBuilder.Chain(l, LEG_AROUND, new double[] {1, 0, 0}, 0, 0.02, 0.04, 0.03,
                Bone.PELVIS, 0.10, zipFrom, zipTo);
    }

    /**
     * Poses the body: forward kinematics of {@code pose} for an actor of the given proportions,
     * linear-blend skinning, then body scale, heading and placement.
     *
     * @param pose   joint rotations, root offset and placement
     * @param params body scale and limb proportions (the other fields are not used here)
     * @param out    receives the vertices, x, y, z interleaved, in template order; length 3 * vertexCount
     */
    public void pose(Pose pose, ActorParams params, float[] out) {
        if (out.length != rest.length) {
            throw new IllegalArgumentException("output has " + out.length + " floats, the humanoid needs " + rest.length);
        }
        double[] m = boneTransforms(pose, params);
        float[] r = rest;
        for (int i = 0, n = bone0.length; i < n; i++) {
            int o = 3 * i;
            double x = r[o];
            double y = r[o + 1];
            double z = r[o + 2];
            int a = bone0[i] * 12;
            double px = m[a] * x + m[a + 1] * y + m[a + 2] * z + m[a + 3];
            double py = m[a + 4] * x + m[a + 5] * y + m[a + 6] * z + m[a + 7];
            double pz = m[a + 8] * x + m[a + 9] * y + m[a + 10] * z + m[a + 11];
            if (!rigid[i]) {
                double w = weight1[i];
                double u = 1 - w;
                int b = bone1[i] * 12;
                px = u * px + w * (m[b] * x + m[b + 1] * y + m[b + 2] * z + m[b + 3]);
                py = u * py + w * (m[b + 4] * x + m[b + 5] * y + m[b + 6] * z + m[b + 7]);
                pz = u * pz + w * (m[b + 8] * x + m[b + 9] * y + m[b + 10] * z + m[b + 11]);
            }
            out[o] = (float) px;
            out[o + 1] = (float) py;
            out[o + 2] = (float) pz;
        }
    }

    /** Per bone a 3x4 affine matrix (row-major) from rest-pose template to posed world coordinates. */
    private static double[] boneTransforms(Pose pose, ActorParams params) {
        double[] ang = pose.anglesArray();
        double[] world = new double[Bone.COUNT * 9];
        double[] pivot = new double[Bone.COUNT * 3];
        double[] m = new double[Bone.COUNT * 12];
        double[] local = new double[9];
        double lift = (Bone.LEFT_THIGH.restY() - Bone.LEFT_SHIN.restY()) * (params.thighScale() - 1)
                + (Bone.LEFT_SHIN.restY() - Bone.LEFT_FOOT.restY()) * (params.shinScale() - 1);
        // global: scale s, heading rotation about y, translation
        double s = params.bodyScale();
        double ch = StrictMath.cos(pose.heading());
        double sh = StrictMath.sin(pose.heading());
        for (Bone bone : Bone.values()) {
            int bi = bone.ordinal();
            rotation(ang[3 * bi], ang[3 * bi + 1], ang[3 * bi + 2], local);
            Bone parent = bone.parent();
            double px;
            double py;
            double pz;
            if (parent == null) {
                System.arraycopy(local, 0, world, 9 * bi, 9);
                px = bone.restX() + pose.rootOffsetX();
                py = bone.restY() + pose.rootOffsetY() + lift;
                pz = bone.restZ() + pose.rootOffsetZ();
            } else {
                int pi = parent.ordinal();
                mul(world, 9 * pi, local, world, 9 * bi);
                double ls = lengthScale(parent, params);
                double ox = ls * (bone.restX() - parent.restX());
                double oy = ls * (bone.restY() - parent.restY());
                double oz = ls * (bone.restZ() - parent.restZ());
                int w = 9 * pi;
                px = pivot[3 * pi] + world[w] * ox + world[w + 1] * oy + world[w + 2] * oz;
                py = pivot[3 * pi + 1] + world[w + 3] * ox + world[w + 4] * oy + world[w + 5] * oz;
                pz = pivot[3 * pi + 2] + world[w + 6] * ox + world[w + 7] * oy + world[w + 8] * oz;
            }
            pivot[3 * bi] = px;
            pivot[3 * bi + 1] = py;
            pivot[3 * bi + 2] = pz;
            // body-space affine: v -> ls * W (v - rest) + pivot
            double ls = lengthScale(bone, params);
            int w = 9 * bi;
            double rx = bone.restX();
            double ry = bone.restY();
            double rz = bone.restZ();
            for (int row = 0; row < 3; row++) {
                double a0 = ls * world[w + 3 * row];
                double a1 = ls * world[w + 3 * row + 1];
                double a2 = ls * world[w + 3 * row + 2];
                double t = (row == 0 ? px : row == 1 ? py : pz) - (a0 * rx + a1 * ry + a2 * rz);
                // apply the global transform: scale, then rotate about y (rows x and z mix), then translate
                m[12 * bi + 4 * row] = a0;
                m[12 * bi + 4 * row + 1] = a1;
                m[12 * bi + 4 * row + 2] = a2;
                m[12 * bi + 4 * row + 3] = t;
            }
            int o = 12 * bi;
            for (int col = 0; col < 4; col++) {
                double x = s * m[o + col];
                double y = s * m[o + 4 + col];
                double z = s * m[o + 8 + col];
                m[o + col] = ch * x + sh * z;
                m[o + 4 + col] = y;
                m[o + 8 + col] = -sh * x + ch * z;
            }
            m[o + 3] += pose.worldX();
            m[o + 11] += pose.worldZ();
        }
        return m;
    }

    private static double lengthScale(Bone bone, ActorParams p) {
        switch (bone) {
            case LEFT_UPPER_ARM:
            case RIGHT_UPPER_ARM:
                return p.upperArmScale();
            case LEFT_FOREARM:
            case RIGHT_FOREARM:
                return p.forearmScale();
            case LEFT_THIGH:
            case RIGHT_THIGH:
                return p.thighScale();
            case LEFT_SHIN:
            case RIGHT_SHIN:
                return p.shinScale();
            default:
                return 1;
        }
    }

    /** Ry(y) * Rx(x) * Rz(z), row-major. */
    private static void rotation(double x, double y, double z, double[] r) {
        double cx = StrictMath.cos(x);
        double sx = StrictMath.sin(x);
        double cy = StrictMath.cos(y);
        double sy = StrictMath.sin(y);
        double cz = StrictMath.cos(z);
        double sz = StrictMath.sin(z);
        // Rx * Rz
        double[] xz = {cz, -sz, 0, cx * sz, cx * cz, -sx, sx * sz, sx * cz, cx};
        // Ry * (Rx * Rz)
        r[0] = cy * xz[0] + sy * xz[6];
        r[1] = cy * xz[1] + sy * xz[7];
        r[2] = cy * xz[2] + sy * xz[8];
        r[3] = xz[3];
        r[4] = xz[4];
        r[5] = xz[5];
        r[6] = -sy * xz[0] + cy * xz[6];
        r[7] = -sy * xz[1] + cy * xz[7];
        r[8] = -sy * xz[2] + cy * xz[8];
    }

    private static void mul(double[] a, int ao, double[] b, double[] out, int oo) {
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                out[oo + 3 * i + j] = a[ao + 3 * i] * b[j] + a[ao + 3 * i + 1] * b[3 + j] + a[ao + 3 * i + 2] * b[6 + j];
            }
        }
    }

    /**
     * Writes the template as OBJ: to the file named by the first argument, or to standard output.
     * Regenerates {@code schemas/src/main/resources/avstream/topologies/avstream-humanoid-v1.obj}.
     */
    public static void main(String[] args) throws IOException {
        MeshTopology t = new Humanoid().template();
        if (args.length == 0) {
            t.writeObj(System.out);
            return;
        }
        Path path = Path.of(args[0]);
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        try (OutputStream out = Files.newOutputStream(path)) {
            t.writeObj(out);
        }
        System.err.println("wrote " + t + " to " + path);
    }
}
