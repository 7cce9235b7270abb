package io.avstream.ingest.synthetic;

import java.util.Arrays;

/**
 * A mutable skeleton pose: local joint rotations per bone, a body-local root offset and the body's
 * placement (position on the ground plane and heading).
 *
 * <p>A bone's local rotation is {@code Ry(y) * Rx(x) * Rz(z)} about its pivot, in its parent's frame,
 * whose axes in the rest pose are the world axes (x to the body's left, y up, z forward). Signs that
 * follow: a negative x angle swings a hanging limb forward (hip or shoulder flexion), a positive x
 * angle bends the knee or leans the spine forward, a positive z angle raises a left limb sideways
 * (a negative one a right limb), a positive y angle turns towards the body's left.
 */
public final class Pose {
    private final double[] angles = new double[Bone.COUNT * 3];
    private double offsetX;
    private double offsetY;
    private double offsetZ;
    private double worldX;
    private double worldZ;
    private double heading;

    /** The rest pose at the origin, facing +z. */
    public Pose() {}

    /** Back to the rest pose at the origin, facing +z. */
    public Pose reset() {
        Arrays.fill(angles, 0);
        offsetX = offsetY = offsetZ = 0;
        worldX = worldZ = heading = 0;
        return this;
    }

    /** Sets a bone's local rotation, in degrees. */
    public Pose set(Bone bone, double xDeg, double yDeg, double zDeg) {
        int i = bone.ordinal() * 3;
        angles[i] = Math.toRadians(xDeg);
        angles[i + 1] = Math.toRadians(yDeg);
        angles[i + 2] = Math.toRadians(zDeg);
        return this;
    }

    /** A bone's local rotation angle about {@code axis} (0 = x, 1 = y, 2 = z), radians. */
    public double angle(Bone bone, int axis) {
        return angles[bone.ordinal() * 3 + axis];
    }

    /** Offsets the root (pelvis) in the body's own frame, metres of the unscaled template. */
    public Pose setRootOffset(double x, double y, double z) {
        offsetX = x;
        offsetY = y;
        offsetZ = z;
        return this;
    }

    /** Places the body: ground-plane position (metres) and heading (radians; 0 faces +z, pi/2 faces +x). */
    public Pose setPlacement(double x, double z, double headingRad) {
        worldX = x;
        worldZ = z;
        heading = headingRad;
        return this;
    }

    /** Root offset, x. */
    public double rootOffsetX() {
        return offsetX;
    }

    /** Root offset, y. */
    public double rootOffsetY() {
        return offsetY;
    }

    /** Root offset, z. */
    public double rootOffsetZ() {
        return offsetZ;
    }

    /** Ground-plane position, x. */
    public double worldX() {
        return worldX;
    }

    /** Ground-plane position, z. */
    public double worldZ() {
        return worldZ;
    }

    /** Heading, radians. */
    public double heading() {
        return heading;
    }

    /** Copies another pose into this one. */
    public Pose copyFrom(Pose other) {
        System.arraycopy(other.angles, 0, angles, 0, angles.length);
        offsetX = other.offsetX;
        offsetY = other.offsetY;
        offsetZ = other.offsetZ;
        worldX = other.worldX;
        worldZ = other.worldZ;
        heading = other.heading;
        return this;
    }

    /**
     * Sets the joint angles and root offset to {@code (1 - w) * a + w * b}; the placement is left as
     * it is.
     */
    public Pose blend(Pose a, Pose b, double w) {
        double u = 1 - w;
        for (int i = 0; i < angles.length; i++) {
            angles[i] = u * a.angles[i] + w * b.angles[i];
        }
        offsetX = u * a.offsetX + w * b.offsetX;
        offsetY = u * a.offsetY + w * b.offsetY;
        offsetZ = u * a.offsetZ + w * b.offsetZ;
        return this;
    }

    double[] anglesArray() {
        return angles;
    }
}
