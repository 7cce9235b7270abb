package io.avstream.tools.dataset;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.avstream.ingest.synthetic.Action;
import io.avstream.ingest.synthetic.ActorParams;
import io.avstream.ingest.synthetic.Humanoid;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.schemas.topology.MeshTopology;

/**
 * Writes a labelled MoCap training set from synthetic actors: per frame the STMT vertex subset
 * (quantised), the action and whether the frame lies in a transition between two actions.
 *
 * <pre>{@code
 * MocapDatasetExporter.Summary s = new MocapDatasetExporter(MocapDatasetExporter.Settings.defaults())
 *     .export(Path.of("/tmp/ds"));
 * }</pre>
 *
 * <p>Actors. Actor {@code k} (0-based) of split {@code train} has stream id {@code train-%03d} and
 * seed {@code seed * 1_000_000 + 100_000 + k}; of split {@code test} stream id {@code test-%03d} and
 * seed {@code seed * 1_000_000 + 200_000 + k} ({@link #actorSeed}); {@code k < 100_000}, so the two
 * splits never share a seed (nor a stream id). Each actor is a {@link SyntheticActor} with its
 * defaults (25 fps, every action, 4-8 s segments) and contributes its first
 * {@code round(seconds * fps)} frames; frame {@code i} lies at {@code i / fps} seconds of the actor's
 * time.
 *
 * <p>Files, little-endian, row-major, no headers (numpy: {@code np.fromfile(path, '<i2')} etc.):
 * <ul>
 *   <li>{@code meta.json}: topology, subset, quantisation step, labels, actors per split, generator
 *       settings, the command line, byte sizes and SHA-256 of the other files;</li>
 *   <li>{@code geodist.f32} [128, 128]: the subset's geodesic distances on the template, metres;</li>
 *   <li>{@code <split>_points.i16} [N, 128, 3]: {@code q = round((x - o) / 1e-4)} for each subset
 *       vertex coordinate x, with {@code o} the frame's offset;</li>
 *   <li>{@code <split>_offsets.f32} [N, 3]: per frame the mean of its 128 subset points (float32), so
 *       {@code x ~= o + q * 1e-4} within 0.05 mm;</li>
 *   <li>{@code <split>_labels.u8} [N]: the action index (order of {@link Action});</li>
 *   <li>{@code <split>_transition.u8} [N]: 1 where the previous action is still being blended into
 *       this one (the first {@link SyntheticActor#TRANSITION_S} s of every segment but an actor's
 *       first), else 0.</li>
 * </ul>
 * Frames of one actor are consecutive; {@code meta.json} gives each actor's first row and row count.
 * The same settings always give byte-identical files.
 */
public final class MocapDatasetExporter {

    /** Format id written to {@code meta.json}. */
    public static final String FORMAT = "avstream-mocap-dataset-v1";
    /** Quantisation step of the stored coordinates, metres. */
    public static final double QUANT_STEP_M = 1e-4;
    /** Largest number of actors per split (keeps the seeds of the splits apart). */
    public static final int MAX_ACTORS = 100_000;
    /** Vertices kept per frame. */
    public static final int POINTS = StmtPreprocessor.DEFAULT_POINTS;

    /** The two splits, in file order. */
    public enum Split {
        TRAIN("train", 1),
        TEST("test", 2);

        private final String id;
        private final int code;

        Split(String id, int code) {
            this.id = id;
            this.code = code;
        }

        /** {@code train} or {@code test}: file prefix and stream id prefix. */
        public String id() {
            return id;
        }
    }

    /**
     * What to export.
     *
     * @param trainActors actors of the training split
     * @param testActors  held-out actors
     * @param seconds     seconds per actor
     * @param seed        base seed of every actor's seed
     */
    public record Settings(int trainActors, int testActors, double seconds, long seed) {
        public static final int DEFAULT_TRAIN_ACTORS = 28;
        public static final int DEFAULT_TEST_ACTORS = 8;
        public static final double DEFAULT_SECONDS = 60;
        public static final long DEFAULT_SEED = 7;

        public Settings {
            if (trainActors < 0 || trainActors > MAX_ACTORS || testActors < 0 || testActors > MAX_ACTORS) {
                throw new IllegalArgumentException("actors per split must be in 0.." + MAX_ACTORS + ", were "
                        + trainActors + " and " + testActors);
            }
            if (trainActors + testActors == 0) {
                throw new IllegalArgumentException("at least one actor is needed");
            }
            if (!(seconds > 0) || !Double.isFinite(seconds) || seconds > 24 * 3600) {
                throw new IllegalArgumentException("seconds per actor must be in (0, 86400], was " + seconds);
            }
            if (Math.abs(seed) > Long.MAX_VALUE / 2_000_000L) {
                throw new IllegalArgumentException("seed " + seed + " is too large in magnitude");
            }
        }

        /** 28 training actors, 8 held-out actors, 60 s each, seed 7 (about 42 MB). */
        public static Settings defaults() {
            return new Settings(DEFAULT_TRAIN_ACTORS, DEFAULT_TEST_ACTORS, DEFAULT_SECONDS, DEFAULT_SEED);
        }

        int actors(Split split) {
            return split == Split.TRAIN ? trainActors : testActors;
        }

        /** The command line that writes this data set (the output directory left out). */
        public String commandLine() {
            return String.format(Locale.ROOT, "avstream export-dataset --train-actors %d --test-actors %d --seconds %s --seed %d",
                    trainActors, testActors, plain(seconds), seed);
        }
    }

    /** One actor of a split. */
    public record ActorSpec(Split split, int index, String streamId, long seed) {
        /** The actor that produces this spec's frames. */
        public SyntheticActor newActor() {
            return new SyntheticActor(streamId, seed);
        }
    }

    /** What an export wrote. */
    public record Summary(Path dir, long trainFrames, long testFrames, long totalBytes, double seconds) {}

    private final Settings settings;

    public MocapDatasetExporter(Settings settings) {
        this.settings = settings;
    }

    /** {@code seed * 1_000_000 + c * 100_000 + k}, c = 1 for train and 2 for test. */
    public static long actorSeed(long seed, Split split, int k) {
        if (k < 0 || k >= MAX_ACTORS) {
            throw new IllegalArgumentException("actor index " + k + " outside 0.." + (MAX_ACTORS - 1));
        }
        return Math.addExact(Math.multiplyExact(seed, 1_000_000L), split.code * 100_000L + k);
    }

    /** Actor {@code k} of a split. */
    public static ActorSpec actor(long seed, Split split, int k) {
        return new ActorSpec(split, k, String.format(Locale.ROOT, "%s-%03d", split.id(), k), actorSeed(seed, split, k));
    }

    /** The held-out actors of a data set written with this base seed: what a streaming test should replay. */
    public static List<ActorSpec> heldOutActors(long seed, int count) {
        List<ActorSpec> l = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            l.add(actor(seed, Split.TEST, k));
        }
        return l;
    }

    /** The actors of one split of this export. */
    public List<ActorSpec> actors(Split split) {
        List<ActorSpec> l = new ArrayList<>();
        for (int k = 0; k < settings.actors(split); k++) {
            l.add(actor(settings.seed(), split, k));
        }
        return l;
    }

    /** Frames per actor. */
    public int framesPerActor() {
        return (int) Math.max(1, Math.round(settings.seconds() * SyntheticActor.DEFAULT_FPS));
    }

    /** Bytes the export will write, {@code meta.json} excluded. */
    public long expectedBinaryBytes() {
        long frames = (long) framesPerActor() * (settings.trainActors() + settings.testActors());
        return 4L * POINTS * POINTS + frames * (POINTS * 3 * 2 + 3 * 4 + 1 + 1);
    }

    /** The quantised frames of one actor. */
    static final class ActorData {
        final ActorSpec spec;
        final ActorParams params;
        final short[] points;
        final float[] offsets;
        final byte[] labels;
        final byte[] transition;

        ActorData(ActorSpec spec, ActorParams params, int frames) {
            this.spec = spec;
            this.params = params;
            this.points = new short[frames * POINTS * 3];
            this.offsets = new float[frames * 3];
            this.labels = new byte[frames];
            this.transition = new byte[frames];
        }
    }

    /** Generates and quantises one actor's frames. */
    static ActorData generate(ActorSpec spec, int[] subset, int frames) {
        SyntheticActor actor = spec.newActor();
        ActorData d = new ActorData(spec, actor.params(), frames);
        float[] buf = new float[3 * actor.vertexCount()];
        for (int f = 0; f < frames; f++) {
            SyntheticActor.Frame frame = actor.next(buf);
            quantise(frame.vertices(), subset, d.points, f * POINTS * 3, d.offsets, f * 3);
            d.labels[f] = (byte) frame.action().ordinal();
            d.transition[f] = (byte) (isTransition(frame, actor.fps()) ? 1 : 0);
        }
        return d;
    }

    /** Whether the previous action is blended into this frame (the rule {@link SyntheticActor} poses by). */
    static boolean isTransition(SyntheticActor.Frame frame, double fps) {
        SyntheticActor.Segment s = frame.segment();
        return s.index() > 0 && (frame.index() - s.startFrame()) / fps < SyntheticActor.TRANSITION_S;
    }

    /**
     * Quantises the subset vertices of one frame: the offset is the float32 mean of the subset points,
     * each coordinate is stored as {@code round((x - offset) / step)}.
     */
    static void quantise(float[] full, int[] subset, short[] q, int qAt, float[] offsets, int oAt) {
        double[] sum = new double[3];
        for (int v : subset) {
            for (int a = 0; a < 3; a++) {
                sum[a] += full[3 * v + a];
            }
        }
        float[] o = new float[3];
        for (int a = 0; a < 3; a++) {
            o[a] = (float) (sum[a] / subset.length);
            offsets[oAt + a] = o[a];
        }
        for (int i = 0; i < subset.length; i++) {
            int v = subset[i];
            for (int a = 0; a < 3; a++) {
                long r = Math.round(((double) full[3 * v + a] - o[a]) / QUANT_STEP_M);
                if (r < Short.MIN_VALUE || r > Short.MAX_VALUE) {
                    throw new IllegalStateException("vertex " + v + " lies " + r * QUANT_STEP_M
                            + " m from its frame's mean, beyond the int16 range of the quantisation");
                }
                q[qAt + 3 * i + a] = (short) r;
            }
        }
    }

    /** Writes the data set into {@code dir} (created if needed; files of the same names are replaced). */
    public Summary export(Path dir) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(dir);
        MeshTopology topology = MeshTopology.load(Humanoid.TOPOLOGY_ID);
        StmtPreprocessor pre = new StmtPreprocessor(topology);
        int[] subset = pre.subset();
        int frames = framesPerActor();

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode meta = json.createObjectNode();
        meta.put("format", FORMAT);
        meta.put("topology", topology.id());
        meta.put("vertex_count", topology.vertexCount());
        meta.put("fps", SyntheticActor.DEFAULT_FPS);
        meta.put("points", POINTS);
        ArrayNode subsetNode = meta.putArray("subset");
        for (int s : subset) {
            subsetNode.add(s);
        }
        meta.put("subset_rule", "farthest point sampling of the template vertices, start vertex 0, lowest index on ties");
        ObjectNode quant = meta.putObject("quantisation");
        quant.put("step_m", QUANT_STEP_M);
        quant.put("rule", "points[n, i, a] = round((x - offsets[n, a]) / step_m); offsets[n] = float32 mean of the "
                + "frame's 128 subset points; x ~= offsets[n, a] + points[n, i, a] * step_m");
        ArrayNode labels = meta.putArray("labels");
        Action.labels().forEach(labels::add);
        meta.put("transition_rule", "1 for frames within the first " + plain(SyntheticActor.TRANSITION_S)
                + " s of a segment other than the actor's first (the previous action is blended in), else 0");
        meta.put("frame_time", "frame i of an actor lies at i / fps seconds of the actor's time");

        ObjectNode gen = meta.putObject("generator");
        gen.put("class", SyntheticActor.class.getName());
        gen.put("fps", SyntheticActor.DEFAULT_FPS);
        gen.put("min_segment_s", SyntheticActor.DEFAULT_MIN_SEGMENT_S);
        gen.put("max_segment_s", SyntheticActor.DEFAULT_MAX_SEGMENT_S);
        gen.put("transition_s", SyntheticActor.TRANSITION_S);
        ArrayNode actions = gen.putArray("actions");
        Action.labels().forEach(actions::add);
        gen.put("actor_params", "ActorParams.random (drawn from the actor's seed and stream id)");
        gen.put("train_actors", settings.trainActors());
        gen.put("test_actors", settings.testActors());
        gen.put("seconds_per_actor", settings.seconds());
        gen.put("frames_per_actor", frames);
        gen.put("seed", settings.seed());
        gen.put("actor_seed_rule", "seed * 1000000 + c * 100000 + k for actor k of the split, c = 1 for train, 2 for test");
        gen.put("stream_id_rule", "train-%03d / test-%03d with the actor's index k");
        meta.put("command", settings.commandLine());

        writeFloats(dir.resolve("geodist.f32"), pre.geodesicMatrix());

        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ObjectNode splits = meta.putObject("splits");
        long[] counts = new long[2];
        try {
            for (Split split : Split.values()) {
                List<Future<ActorData>> jobs = new ArrayList<>();
                for (ActorSpec spec : actors(split)) {
                    jobs.add(pool.submit(() -> generate(spec, subset, frames)));
                }
                ArrayNode list = splits.putArray(split.id());
                try (OutputStream points = out(dir, split, "points.i16");
                        OutputStream offsets = out(dir, split, "offsets.f32");
                        OutputStream labelOut = out(dir, split, "labels.u8");
                        OutputStream transitionOut = out(dir, split, "transition.u8")) {
                    long row = 0;
                    for (Future<ActorData> job : jobs) {
                        ActorData d = get(job);
                        points.write(littleEndian(d.points));
                        offsets.write(littleEndian(d.offsets));
                        labelOut.write(d.labels);
                        transitionOut.write(d.transition);
                        ObjectNode a = list.addObject();
                        a.put("stream_id", d.spec.streamId());
                        a.put("seed", d.spec.seed());
                        a.put("first_frame", row);
                        a.put("frame_count", frames);
                        a.set("params", paramsNode(json, d.params));
                        row += frames;
                    }
                    counts[split.ordinal()] = row;
                }
            }
        } finally {
            pool.shutdownNow();
        }

        ObjectNode files = meta.putObject("files");
        long total = 0;
        for (String name : binaryFiles()) {
            Path p = dir.resolve(name);
            long size = Files.size(p);
            total += size;
            ObjectNode f = files.putObject(name);
            f.put("bytes", size);
            f.put("sha256", sha256(p));
        }
        byte[] metaBytes = (json.writeValueAsString(meta) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(dir.resolve("meta.json"), metaBytes);
        total += metaBytes.length;
        return new Summary(dir, counts[0], counts[1], total, (System.nanoTime() - t0) / 1e9);
    }

    /** Names of the binary files, in the order {@code meta.json} lists them. */
    public static List<String> binaryFiles() {
        List<String> l = new ArrayList<>();
        l.add("geodist.f32");
        for (Split s : Split.values()) {
            for (String suffix : List.of("points.i16", "offsets.f32", "labels.u8", "transition.u8")) {
                l.add(s.id() + "_" + suffix);
            }
        }
        return l;
    }

    private static ObjectNode paramsNode(ObjectMapper json, ActorParams p) {
        ObjectNode n = json.createObjectNode();
        n.put("body_scale", p.bodyScale());
        n.put("upper_arm_scale", p.upperArmScale());
        n.put("forearm_scale", p.forearmScale());
        n.put("thigh_scale", p.thighScale());
        n.put("shin_scale", p.shinScale());
        n.put("speed", p.speed());
        n.put("amplitude", p.amplitude());
        n.put("heading", p.heading());
        n.put("origin_x", p.originX());
        n.put("origin_z", p.originZ());
        n.put("noise_sigma", p.noiseSigma());
        return n;
    }

    private static OutputStream out(Path dir, Split split, String suffix) throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(dir.resolve(split.id() + "_" + suffix)), 1 << 20);
    }

    private static ActorData get(Future<ActorData> job) throws IOException {
        try {
            return job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        }
    }

    static byte[] littleEndian(short[] v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(v);
        return b.array();
    }

    static byte[] littleEndian(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    static void writeFloats(Path p, float[] v) throws IOException {
        Files.write(p, littleEndian(v));
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A number without a needless ".0". */
    static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
