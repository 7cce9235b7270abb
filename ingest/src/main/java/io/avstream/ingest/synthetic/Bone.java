package io.avstream.ingest.synthetic;

/**
 * The bones of the synthetic humanoid's skeleton with their rest-pose pivots (metres, y up, the
 * body facing +z, its left side at +x), parents listed before children.
 */
public enum Bone {
    PELVIS(null, 0, 0.95, 0),
    SPINE(PELVIS, 0, 1.05, 0),
    CHEST(SPINE, 0, 1.25, 0),
    NECK(CHEST, 0, 1.47, 0),
    HEAD(NECK, 0, 1.56, 0),
    LEFT_UPPER_ARM(CHEST, 0.18, 1.40, 0),
    LEFT_FOREARM(LEFT_UPPER_ARM, 0.22862, 1.12425, 0),
    LEFT_HAND(LEFT_FOREARM, 0.27203, 0.87805, 0),
    RIGHT_UPPER_ARM(CHEST, -0.18, 1.40, 0),
    RIGHT_FOREARM(RIGHT_UPPER_ARM, -0.22862, 1.12425, 0),
    RIGHT_HAND(RIGHT_FOREARM, -0.27203, 0.87805, 0),
    LEFT_THIGH(PELVIS, 0.09, 0.92, 0),
    LEFT_SHIN(LEFT_THIGH, 0.09, 0.50, 0),
    LEFT_FOOT(LEFT_SHIN, 0.09, 0.085, 0),
    RIGHT_THIGH(PELVIS, -0.09, 0.92, 0),
    RIGHT_SHIN(RIGHT_THIGH, -0.09, 0.50, 0),
    RIGHT_FOOT(RIGHT_SHIN, -0.09, 0.085, 0);

    /** Number of bones. */
    public static final int COUNT = values().length;

    private final Bone parent;
    private final double x;
    private final double y;
    private final double z;

    Bone(Bone parent, double x, double y, double z) {
        this.parent = parent;
        this.x = x;
        this.y = y;
        this.z = z;
    }

    /** The parent bone, or null for the root ({@link #PELVIS}). */
    public Bone parent() {
        return parent;
    }

    /** Rest-pose pivot, x (metres). */
    public double restX() {
        return x;
    }

    /** Rest-pose pivot, y (metres). */
    public double restY() {
        return y;
    }

    /** Rest-pose pivot, z (metres). */
    public double restZ() {
        return z;
    }

    /** The same bone on the other side of the body (itself for bones on the mid-line). */
    public Bone mirror() {
        String n = name();
        if (n.startsWith("LEFT_")) {
            return valueOf("RIGHT_" + n.substring(5));
        }
        if (n.startsWith("RIGHT_")) {
            return valueOf("LEFT_" + n.substring(6));
        }
        return this;
    }
}
