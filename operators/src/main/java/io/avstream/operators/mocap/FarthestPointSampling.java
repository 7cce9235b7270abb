package io.avstream.operators.mocap;

import java.util.Arrays;

/** Deterministic farthest point sampling (FPS) of a point cloud. */
public final class FarthestPointSampling {

    private FarthestPointSampling() {}

    /**
     * Picks {@code count} points, starting with {@code startIndex}; each next pick is the point
     * farthest (Euclidean) from all picked so far, the lowest index on ties. The first k picks of a
     * sample of n > k points equal a sample of k points with the same start. A cloud with fewer
     * distinct points than {@code count} yields repeated positions.
     *
     * @param xyz        points, x, y, z interleaved
     * @param count      how many to pick, 1..number of points
     * @param startIndex the first pick
     * @return the picked point indices, in pick order
     */
    public static int[] sample(float[] xyz, int count, int startIndex) {
        if (xyz.length == 0 || xyz.length % 3 != 0) {
            throw new IllegalArgumentException("point array length " + xyz.length + " is not a positive multiple of 3");
        }
        int n = xyz.length / 3;
        if (count < 1 || count > n) {
            throw new IllegalArgumentException("cannot pick " + count + " of " + n + " points");
        }
        if (startIndex < 0 || startIndex >= n) {
            throw new IllegalArgumentException("start index " + startIndex + " outside 0.." + (n - 1));
        }
        int[] picked = new int[count];
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int current = startIndex;
        for (int k = 0; k < count; k++) {
            picked[k] = current;
            double cx = xyz[3 * current];
            double cy = xyz[3 * current + 1];
            double cz = xyz[3 * current + 2];
            int best = -1;
            double bestDistance = -1;
            for (int i = 0; i < n; i++) {
                double dx = xyz[3 * i] - cx;
                double dy = xyz[3 * i + 1] - cy;
                double dz = xyz[3 * i + 2] - cz;
                double d = dx * dx + dy * dy + dz * dz;
                if (d < nearest[i]) {
                    nearest[i] = d;
                }
                if (nearest[i] > bestDistance) {
                    bestDistance = nearest[i];
                    best = i;
                }
            }
            current = best;
        }
        return picked;
    }
}
