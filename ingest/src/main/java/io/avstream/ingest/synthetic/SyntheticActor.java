package io.avstream.ingest.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic MoCap performer: from a stream id and a seed it draws a body
 * ({@link ActorParams}) and an endless sequence of action segments (4-8 s each, never the same action
 * twice in a row), and produces posed humanoid meshes at a fixed frame rate.
 *
 * <pre>{@code
 * SyntheticActor actor = new SyntheticActor("actor-7", 42L);          // 25 fps
 * SyntheticActor.Frame f = actor.next();
 * f.index(); f.timeUs(); f.action().label(); f.vertices();            // float[3 * vertexCount]
 * }</pre>
 *
 * <p>The same (stream id, seed, options) always gives the same frames, bit for bit. Each frame carries
 * its {@link Segment}, so training clips can be cut from whole segments (skipping the first
 * {@link #TRANSITION_S} seconds, where the previous action blends into the new one).
 * Instances are not thread-safe; use one per stream.
 */
public final class SyntheticActor {

    /** Default frame rate. */
    public static final double DEFAULT_FPS = 25;
    /** Default shortest segment, seconds. */
    public static final double DEFAULT_MIN_SEGMENT_S = 4;
    /** Default longest segment, seconds. */
    public static final double DEFAULT_MAX_SEGMENT_S = 8;
    /** Seconds at the start of each segment during which the previous action blends into the new one. */
    public static final double TRANSITION_S = 0.4;

    /** Radius around the actor's origin within which walking and running keep their direction. */
    private static final double AREA_RADIUS = 2.5;
    /** Fastest heading change when steering back towards the area, radians per second. */
    private static final double STEER_RATE = 1.2;

    /**
     * One action segment.
     *
     * @param index      0, 1, 2, ... per actor
     * @param action     what the actor does
     * @param startFrame first frame index (inclusive)
     * @param endFrame   last frame index (exclusive)
     * @param startUs    time offset of the first frame, microseconds
     * @param endUs      time offset of frame {@code endFrame}, microseconds (exclusive)
     */
    public record Segment(int index, Action action, long startFrame, long endFrame, long startUs, long endUs) {}

    /**
     * One posed frame.
     *
     * @param index    frame index from the actor's start: 0, 1, 2, ...
     * @param timeUs   capture time offset from the actor's start, microseconds
     * @param segment  the segment (and so the action) the frame belongs to
     * @param vertices posed vertices, x, y, z interleaved, metres, y up, in the template's vertex order
     */
    public record Frame(long index, long timeUs, Segment segment, float[] vertices) {
        /** The action performed. */
        public Action action() {
            return segment.action();
        }

        /** The action's label, e.g. {@code walk}. */
        public String label() {
            return segment.action().label();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && index == f.index && timeUs == f.timeUs && segment.equals(f.segment)
                    && Arrays.equals(vertices, f.vertices);
        }

        @Override
        public int hashCode() {
            return Objects.hash(index, timeUs, segment) * 31 + Arrays.hashCode(vertices);
        }

        @Override
        public String toString() {
            return "Frame{" + index + " @" + timeUs + "us " + label() + ", " + vertices.length / 3 + " vertices}";
        }
    }

    /** Motion state of one segment. */
    private static final class Running {
        final Segment segment;
        final double phase0;
        final double turnDirection;
        final double targetHeading;

        Running(Segment segment, double phase0, double turnDirection, double targetHeading) {
            this.segment = segment;
            this.phase0 = phase0;
            this.turnDirection = turnDirection;
            this.targetHeading = targetHeading;
        }
    }

    private final String streamId;
    private final long seed;
    private final double fps;
    private final ActorParams params;
    private final Action[] actions;
    private final double minSegmentS;
    private final double maxSegmentS;
    private final Humanoid humanoid;
    private final SplittableRandom scheduleRng;
    private final SplittableRandom noiseRng;
    private final Pose current = new Pose();
    private final Pose previous = new Pose();
    private final Pose blended = new Pose();

    private long frameIndex;
    private Running segment;
    private Running before;
    private double x;
    private double z;
    private double heading;

    /** An actor with every action, random body and 4-8 s segments at 25 fps. */
    public SyntheticActor(String streamId, long seed) {
        this(builder().setStreamId(streamId).setSeed(seed).checked());
    }

    private SyntheticActor(Builder b) {
        this.streamId = b.streamId;
        this.seed = b.seed;
        this.fps = b.fps;
        this.minSegmentS = b.minSegmentS;
        this.maxSegmentS = b.maxSegmentS;
        this.actions = b.actions.toArray(new Action[0]);
        this.humanoid = Humanoid.shared();
        SplittableRandom root = new SplittableRandom(mix(seed, streamId));
        SplittableRandom paramsRng = root.split();
        this.scheduleRng = root.split();
        this.noiseRng = root.split();
        ActorParams drawn = ActorParams.random(paramsRng);
        this.params = b.params != null ? b.params : drawn;
        this.x = params.originX();
        this.z = params.originZ();
        this.heading = params.heading();
    }

    /** A builder; stream id and seed are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The stream id. */
    public String streamId() {
        return streamId;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** Frames per second. */
    public double fps() {
        return fps;
    }

    /** The actor's body and style. */
    public ActorParams params() {
        return params;
    }

    /** Id of the mesh topology of the frames. */
    public String topologyId() {
        return Humanoid.TOPOLOGY_ID;
    }

    /** Vertices per frame. */
    public int vertexCount() {
        return humanoid.vertexCount();
    }

    /** Index of the frame {@link #next()} returns next. */
    public long nextIndex() {
        return frameIndex;
    }

    /** Time offset of frame {@code index}, microseconds from the actor's start. */
    public long timeUs(long index) {
        return Math.round(index * 1_000_000.0 / fps);
    }

    /** The next frame. */
    public Frame next() {
        float[] out = new float[3 * humanoid.vertexCount()];
        return next(out);
    }

    /** The next frame, posed into {@code out} (length 3 * vertexCount), which the frame then holds. */
    public Frame next(float[] out) {
        long i = frameIndex;
        if (segment == null || i >= segment.segment.endFrame()) {
            before = segment;
            segment = startSegment(i);
        }
        double dt = 1 / fps;
        double speed = params.speed();
        double amp = params.amplitude();
        Action action = segment.segment.action();
        double tau = (i - segment.segment.startFrame()) / fps;
        Motions.apply(action, segment.phase0 + tau * speed / Motions.period(action), amp, current);
        double v = Motions.forwardSpeed(action) * speed * (0.5 + 0.5 * amp);
        double yaw = Motions.yawRate(action) * speed * segment.turnDirection;
        Pose pose = current;
        if (before != null && tau < TRANSITION_S) {
            Action pa = before.segment.action();
            double ptau = (i - before.segment.startFrame()) / fps;
            Motions.apply(pa, before.phase0 + ptau * speed / Motions.period(pa), amp, previous);
            double w = Motions.smooth(tau / TRANSITION_S);
            pose = blended.blend(previous, current, w);
            v = (1 - w) * Motions.forwardSpeed(pa) * speed * (0.5 + 0.5 * amp) + w * v;
            yaw = (1 - w) * Motions.yawRate(pa) * speed * before.turnDirection + w * yaw;
        }
        pose.setPlacement(x, z, heading);
        humanoid.pose(pose, params, out);
        double sigma = params.noiseSigma();
        if (sigma > 0) {
            for (int k = 0; k < out.length; k++) {
                out[k] += (float) (sigma * noiseRng.nextGaussian());
            }
        }
        Frame frame = new Frame(i, timeUs(i), segment.segment, out);

        // advance the placement to the next frame
        if (Motions.forwardSpeed(action) > 0) {
            double diff = Math.IEEEremainder(segment.targetHeading - heading, 2 * Math.PI);
            heading += Math.max(-STEER_RATE * dt, Math.min(STEER_RATE * dt, diff));
        }
        heading = Math.IEEEremainder(heading + yaw * dt, 2 * Math.PI);
        double step = v * dt * params.bodyScale();
        x += step * StrictMath.sin(heading);
        z += step * StrictMath.cos(heading);
        frameIndex++;
        return frame;
    }

    private Running startSegment(long startFrame) {
        int index = segment == null ? 0 : segment.segment.index() + 1;
        Action last = segment == null ? null : segment.segment.action();
        Action action;
        if (actions.length == 1) {
            action = actions[0];
        } else {
            do {
                action = actions[scheduleRng.nextInt(actions.length)];
            } while (action == last);
        }
        double seconds = minSegmentS == maxSegmentS ? minSegmentS : scheduleRng.nextDouble(minSegmentS, maxSegmentS);
        long frames = Math.max(1, Math.round(seconds * fps));
        double phase0 = scheduleRng.nextDouble();
        double turn = scheduleRng.nextBoolean() ? 1 : -1;
        double jitter = scheduleRng.nextDouble(-0.5, 0.5);
        double dx = params.originX() - x;
        double dz = params.originZ() - z;
        double target = Math.hypot(dx, dz) > AREA_RADIUS ? Math.atan2(dx, dz) + jitter : heading + jitter;
        Segment s = new Segment(index, action, startFrame, startFrame + frames, timeUs(startFrame),
                timeUs(startFrame + frames));
        return new Running(s, phase0, turn, target);
    }

    /** Stable 64-bit mix of the seed and the stream id (FNV-1a over the id's chars, then a finaliser). */
    static long mix(long seed, String streamId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < streamId.length(); i++) {
            h ^= streamId.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= seed * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Builds a {@link SyntheticActor}.
     *
     * <pre>{@code
     * SyntheticActor actor = SyntheticActor.builder()
     *     .setStreamId("actor-7").setSeed(42L)
     *     .optFps(30).optActions(Action.WALK, Action.RUN).optSegmentSeconds(3, 5)
     *     .build();
     * }</pre>
     */
    public static final class Builder {
        private String streamId;
        private Long seedSet;
        private long seed;
        private double fps = DEFAULT_FPS;
        private ActorParams params;
        private EnumSet<Action> actions = EnumSet.allOf(Action.class);
        private double minSegmentS = DEFAULT_MIN_SEGMENT_S;
        private double maxSegmentS = DEFAULT_MAX_SEGMENT_S;

        private Builder() {}

        /** Required: the stream id (also mixed into the random streams). */
        public Builder setStreamId(String streamId) {
            this.streamId = streamId;
            return this;
        }

        /** Required: the seed. */
        public Builder setSeed(long seed) {
            this.seed = seed;
            this.seedSet = seed;
            return this;
        }

        /** Frames per second; default 25. */
        public Builder optFps(double fps) {
            this.fps = fps;
            return this;
        }

        /** A fixed body and style instead of one drawn from the seed. */
        public Builder optParams(ActorParams params) {
            this.params = params;
            return this;
        }

        /** The actions to choose from; default all. With one action every segment performs it. */
        public Builder optActions(Action... actions) {
            this.actions = actions.length == 0 ? EnumSet.noneOf(Action.class) : EnumSet.copyOf(List.of(actions));
            return this;
        }

        /** Segment length range in seconds; default 4-8. */
        public Builder optSegmentSeconds(double min, double max) {
            this.minSegmentS = min;
            this.maxSegmentS = max;
            return this;
        }

        /** Checks the settings and builds the actor. */
        public SyntheticActor build() {
            return new SyntheticActor(checked());
        }

        private Builder checked() {
            List<String> problems = new ArrayList<>();
            if (streamId == null || streamId.isEmpty()) {
                problems.add("stream id is required (setStreamId)");
            }
            if (seedSet == null) {
                problems.add("seed is required (setSeed)");
            }
            if (!(fps > 0) || !Double.isFinite(fps) || fps > 1000) {
                problems.add("fps must be in (0, 1000], was " + fps);
            }
            if (actions.isEmpty()) {
                problems.add("at least one action is required (optActions)");
            }
            if (!(minSegmentS > 0) || !(maxSegmentS >= minSegmentS) || !Double.isFinite(maxSegmentS)) {
                problems.add("segment seconds must satisfy 0 < min <= max, were " + minSegmentS + ", " + maxSegmentS);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("cannot build SyntheticActor: " + String.join("; ", problems));
            }
            return this;
        }
    }
}
