package io.avstream.operators.mocap;

import io.avstream.schemas.topology.MeshTopology;

/**
 * STMT preprocessing for one mesh topology: the fixed vertex subset and geodesic matrix, per-frame
 * reduction to that subset, frame selection in a window and per-clip normalisation.
 *
 * <pre>{@code
 * StmtPreprocessor pre = new StmtPreprocessor(MeshTopology.load("avstream-humanoid-v1"), 24, 128);
 * float[] kept = pre.reduce(frameXyz);                       // as each frame arrives: 128 x 3
 * int[] picks = StmtPreprocessor.selectFrames(timesUs, startUs, endUs, 24);
 * float[] points = pre.points(selectedKeptFrames);           // [24 * 128 * 3], normalised
 * float[] geodist = pre.geodist();                           // [24 * 128 * 128], shared
 * }</pre>
 *
 * <p>The subset is a farthest point sampling of the template's vertices starting at vertex 0 (the
 * first {@code points} of a longer sampling are the same vertices); the geodesic matrix is computed
 * once on the template, scaled by {@link GeodesicScale#STMT}, and repeated for every frame.
 * Immutable and thread-safe.
 */
public final class StmtPreprocessor {

    /** Frames per clip of the STMT models. */
    public static final int DEFAULT_FRAMES = 24;
    /** Vertices per frame of the STMT models. */
    public static final int DEFAULT_POINTS = 128;

    private final MeshTopology topology;
    private final int frames;
    private final int points;
    private final GeodesicScale scale;
    private final int[] subset;
    private final float[] geodesicMatrix;
    private final float[] geodist;

    /** The STMT defaults: 24 frames, 128 points, {@link GeodesicScale#STMT}. */
    public StmtPreprocessor(MeshTopology topology) {
        this(topology, DEFAULT_FRAMES, DEFAULT_POINTS);
    }

    /** Frames and points as given, geodesic units {@link GeodesicScale#STMT}. */
    public StmtPreprocessor(MeshTopology topology, int frames, int points) {
        this(topology, frames, points, GeodesicScale.STMT);
    }

    /**
     * Computes the subset (farthest point sampling of the template, start 0) and the geodesic matrix.
     *
     * @throws IllegalArgumentException if the sizes do not fit the topology or its mesh is not connected
     */
    public StmtPreprocessor(MeshTopology topology, int frames, int points, GeodesicScale scale) {
        if (topology == null || scale == null) {
            throw new IllegalArgumentException("topology and geodesic scale are required");
        }
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be >= 1, was " + frames);
        }
        if (points < 1 || points > topology.vertexCount()) {
            throw new IllegalArgumentException("points must be 1.." + topology.vertexCount() + " for topology "
                    + topology.id() + ", was " + points);
        }
        this.topology = topology;
        this.frames = frames;
        this.points = points;
        this.scale = scale;
        this.subset = FarthestPointSampling.sample(topology.vertices(), points, 0);
        float[] g = GeodesicDistances.compute(topology, subset);
        float factor = scale.factor(topology);
        for (int i = 0; i < g.length; i++) {
            g[i] *= factor;
        }
        this.geodesicMatrix = g;
        this.geodist = new float[frames * g.length];
        for (int f = 0; f < frames; f++) {
            System.arraycopy(g, 0, geodist, f * g.length, g.length);
        }
    }

    /** The mesh topology. */
    public MeshTopology topology() {
        return topology;
    }

    /** Frames per clip. */
    public int frames() {
        return frames;
    }

    /** Vertices kept per frame. */
    public int points() {
        return points;
    }

    /** Units of the geodesic matrix. */
    public GeodesicScale geodesicScale() {
        return scale;
    }

    /** The kept vertex indices, in sampling order (a copy). */
    public int[] subset() {
        return subset.clone();
    }

    /**
     * The kept vertices of one frame.
     *
     * @param fullFrameXyz all vertices of the topology, x, y, z interleaved
     * @return {@code points x 3} floats
     */
    public float[] reduce(float[] fullFrameXyz) {
        if (fullFrameXyz.length != 3 * topology.vertexCount()) {
            throw new IllegalArgumentException("frame has " + fullFrameXyz.length + " floats; topology " + topology.id()
                    + " needs " + 3 * topology.vertexCount());
        }
        float[] out = new float[3 * points];
        for (int i = 0; i < points; i++) {
            int v = 3 * subset[i];
            out[3 * i] = fullFrameXyz[v];
            out[3 * i + 1] = fullFrameXyz[v + 1];
            out[3 * i + 2] = fullFrameXyz[v + 2];
        }
        return out;
    }

    /**
     * Chooses {@code frames} frames of a window: for each of {@code frames} equal bins over
     * [start, end) the frame whose time is nearest the bin's midpoint (the earlier one on a tie).
     * A window with fewer frames than bins repeats frames.
     *
     * @param frameTimesUs times of the window's frames, microseconds (any order)
     * @return indices into {@code frameTimesUs}, one per bin
     */
    public static int[] selectFrames(long[] frameTimesUs, long windowStartUs, long windowEndUs, int frames) {
        if (frameTimesUs.length == 0) {
            throw new IllegalArgumentException("the window holds no frames");
        }
        if (windowEndUs <= windowStartUs) {
            throw new IllegalArgumentException("window end " + windowEndUs + " is not after its start " + windowStartUs);
        }
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be >= 1, was " + frames);
        }
        int[] picks = new int[frames];
        double width = (double) (windowEndUs - windowStartUs) / frames;
        for (int b = 0; b < frames; b++) {
            double mid = windowStartUs + (b + 0.5) * width;
            int best = 0;
            double bestGap = Double.POSITIVE_INFINITY;
            for (int i = 0; i < frameTimesUs.length; i++) {
                double gap = Math.abs(frameTimesUs[i] - mid);
                if (gap < bestGap || (gap == bestGap && frameTimesUs[i] < frameTimesUs[best])) {
                    bestGap = gap;
                    best = i;
                }
            }
            picks[b] = best;
        }
        return picks;
    }

    /**
     * Normalises a clip: the bounding box over all its frames' points is centred at 0 per axis and
     * all three axes are divided by the box's y-extent.
     *
     * @param reducedFrames {@code frames} arrays of {@code points x 3} floats (see {@link #reduce})
     * @return {@code [frames * points * 3]}, frame-major
     */
    public float[] points(float[][] reducedFrames) {
        if (reducedFrames.length != frames) {
            throw new IllegalArgumentException("clip has " + reducedFrames.length + " frames, expected " + frames);
        }
        int stride = 3 * points;
        float[] flat = new float[frames * stride];
        for (int f = 0; f < frames; f++) {
            if (reducedFrames[f].length != stride) {
                throw new IllegalArgumentException("frame " + f + " has " + reducedFrames[f].length + " floats, expected "
                        + stride);
            }
            System.arraycopy(reducedFrames[f], 0, flat, f * stride, stride);
        }
        normaliseInPlace(flat);
        return flat;
    }

    /**
     * As {@link #points(float[][])} for frames already laid end to end.
     *
     * @param framesXyz {@code frameCount * points * 3} floats
     * @param frameCount must equal {@link #frames()}
     * @return a new normalised array of the same layout
     */
    public float[] points(float[] framesXyz, int frameCount) {
        if (frameCount != frames) {
            throw new IllegalArgumentException("clip has " + frameCount + " frames, expected " + frames);
        }
        if (framesXyz.length != frames * 3 * points) {
            throw new IllegalArgumentException("clip has " + framesXyz.length + " floats, expected " + frames + " x "
                    + points + " x 3 = " + frames * 3 * points);
        }
        float[] flat = framesXyz.clone();
        normaliseInPlace(flat);
        return flat;
    }

    private static void normaliseInPlace(float[] xyz) {
        float[] min = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] max = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < xyz.length; i += 3) {
            for (int a = 0; a < 3; a++) {
                float v = xyz[i + a];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("clip holds a non-finite coordinate at index " + (i + a));
                }
                min[a] = Math.min(min[a], v);
                max[a] = Math.max(max[a], v);
            }
        }
        double cx = 0.5 * ((double) min[0] + max[0]);
        double cy = 0.5 * ((double) min[1] + max[1]);
        double cz = 0.5 * ((double) min[2] + max[2]);
        double h = (double) max[1] - min[1];
        double inv = h > 1e-9 ? 1 / h : 1;
        for (int i = 0; i < xyz.length; i += 3) {
            xyz[i] = (float) ((xyz[i] - cx) * inv);
            xyz[i + 1] = (float) ((xyz[i + 1] - cy) * inv);
            xyz[i + 2] = (float) ((xyz[i + 2] - cz) * inv);
        }
    }

    /**
     * The geodesic input, {@code [frames * points * points]}: the subset's geodesic matrix (units
     * {@link #geodesicScale()}) once per frame. The same array on every call: read it, never write it.
     */
    public float[] geodist() {
        return geodist;
    }

    /** The subset's geodesic matrix, {@code points x points}, row-major (a copy). */
    public float[] geodesicMatrix() {
        return geodesicMatrix.clone();
    }
}
