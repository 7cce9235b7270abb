package io.avstream.tools.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.avstream.ingest.synthetic.Humanoid;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.schemas.topology.MeshTopology;

/**
 * Reference vectors of the STMT preprocessing for checking other implementations of it (the
 * Python training code): raw full frames of one held-out actor, three windows over them, and what
 * {@link StmtPreprocessor} makes of them.
 *
 * <p>Windows (times in the actor's time, microseconds):
 * <ol>
 *   <li>{@code [10 s, 12 s)}: frames 250-299 at {@code i * 40 ms}, in time order;</li>
 *   <li>{@code [11 s, 13 s)}: frames 275-324 less a gap (298-302) and every frame with
 *       {@code i % 10 == 3}: 40 frames, the fewest a streaming window keeps, in reverse time order;</li>
 *   <li>{@code [12 s, 14 s)}: frames 300-349 at {@code i * 40 ms + 25 ms} (a capture clock off the
 *       window grid, which puts two frames equally far from some bin midpoints), shuffled.</li>
 * </ol>
 *
 * <p>Files written:
 * <ul>
 *   <li>{@code frames.f32} [F, vertexCount, 3]: the raw frames, float32 little-endian;</li>
 *   <li>{@code subset.i32} [128]: the vertex subset; {@code geodist.f32} [128, 128] metres;</li>
 *   <li>{@code points.f32} [W, 24, 128, 3]: {@link StmtPreprocessor#points(float[], int)} of each
 *       window's selected frames;</li>
 *   <li>{@code windows.json}: actor, frame indices, and per window its bounds, the rows of
 *       {@code frames.f32} in the order handed to {@link StmtPreprocessor#selectFrames}, their times
 *       and the selected positions.</li>
 * </ul>
 */
public final class StmtParityVectors {

    /** Base seed of the data set whose held-out actor the vectors come from. */
    public static final long SEED = MocapDatasetExporter.Settings.DEFAULT_SEED;
    /** First actor frame stored. */
    static final int FIRST_FRAME = 250;
    /** Actor frames stored. */
    static final int FRAME_COUNT = 100;
    private static final long MS = 1000L;

    private static final String README = """
            # STMT preprocessing parity vectors

            Written by `./avstream export-dataset --parity models/src/test/resources/parity/stmt`
            (`io.avstream.tools.dataset.StmtParityVectors`); do not edit by hand.

            Raw frames of held-out actor `test-000` (data-set seed 7), three windows over them and what the
            Java STMT preprocessing (`io.avstream.operators.mocap.StmtPreprocessor`) makes of them. All binary
            files are little-endian and row-major without headers.

            | file | shape | content |
            |---|---|---|
            | `frames.f32` | [100, 2038, 3] float32 | actor frames 250-349, all vertices, metres, y up |
            | `subset.i32` | [128] int32 | the vertex subset (farthest point sampling of the template from vertex 0) |
            | `geodist.f32` | [128, 128] float32 | geodesic distances of the subset on the template, metres |
            | `points.f32` | [3, 24, 128, 3] float32 | per window the selected frames' subset points, normalised |
            | `windows.json` | | per window: bounds, rows of `frames.f32` in the order given to `selectFrames`, their times, the positions it picked |

            Checked by `deploy/.../dataset/StmtPreprocessingParityTest.java` (Java recomputes the same
            tensors) and `models/python/test_mocap_preprocessing.py` (an independent Python implementation
            of subset, geodesic matrix, frame selection and normalisation agrees).
            """;

    private StmtParityVectors() {}

    /** One window: its bounds and its frames, as rows of the stored frames with their times. */
    record Window(String description, long startUs, long endUs, int[] rows, long[] timesUs) {}

    /** The three windows (see the class comment). */
    static List<Window> windows() {
        List<Window> w = new ArrayList<>();
        int[] rows = new int[50];
        long[] times = new long[50];
        for (int j = 0; j < 50; j++) {
            rows[j] = 250 + j - FIRST_FRAME;
            times[j] = (250 + j) * 40 * MS;
        }
        w.add(new Window("frames 250-299 at i * 40 ms, in time order", 10_000 * MS, 12_000 * MS, rows, times));

        List<Integer> kept = new ArrayList<>();
        for (int i = 324; i >= 275; i--) {
            if ((i >= 298 && i <= 302) || i % 10 == 3) {
                continue;
            }
            kept.add(i);
        }
        rows = new int[kept.size()];
        times = new long[kept.size()];
        for (int j = 0; j < rows.length; j++) {
            rows[j] = kept.get(j) - FIRST_FRAME;
            times[j] = kept.get(j) * 40 * MS;
        }
        w.add(new Window("frames 275-324 without 298-302 and i % 10 == 3, in reverse time order", 11_000 * MS,
                13_000 * MS, rows, times));

        int[] order = new int[50];
        for (int j = 0; j < 50; j++) {
            order[j] = j;
        }
        SplittableRandom rng = new SplittableRandom(3);
        for (int j = order.length - 1; j > 0; j--) {
            int k = rng.nextInt(j + 1);
            int t = order[j];
            order[j] = order[k];
            order[k] = t;
        }
        rows = new int[50];
        times = new long[50];
        for (int j = 0; j < 50; j++) {
            int i = 300 + order[j];
            rows[j] = i - FIRST_FRAME;
            times[j] = i * 40 * MS + 25 * MS;
        }
        w.add(new Window("frames 300-349 at i * 40 ms + 25 ms (ties between frames), shuffled", 12_000 * MS,
                14_000 * MS, rows, times));
        return w;
    }

    /** The raw frames {@link #FIRST_FRAME} .. {@code + FRAME_COUNT} of held-out actor 0, x, y, z interleaved. */
    static float[][] rawFrames() {
        SyntheticActor actor = MocapDatasetExporter.heldOutActors(SEED, 1).get(0).newActor();
        float[][] frames = new float[FRAME_COUNT][];
        for (int i = 0; i < FIRST_FRAME + FRAME_COUNT; i++) {
            SyntheticActor.Frame f = actor.next();
            if (i >= FIRST_FRAME) {
                frames[i - FIRST_FRAME] = f.vertices();
            }
        }
        return frames;
    }

    /** Java's tensors for one window: the selected positions and the normalised points. */
    record Result(int[] picks, float[] points) {}

    /** Runs the preprocessing of a window over the given raw frames, as the streaming job does. */
    static Result preprocess(StmtPreprocessor pre, float[][] frames, Window w) {
        float[][] reduced = new float[w.rows().length][];
        for (int j = 0; j < reduced.length; j++) {
            reduced[j] = pre.reduce(frames[w.rows()[j]]);
        }
        int[] picks = StmtPreprocessor.selectFrames(w.timesUs(), w.startUs(), w.endUs(), pre.frames());
        int stride = 3 * pre.points();
        float[] flat = new float[pre.frames() * stride];
        for (int b = 0; b < picks.length; b++) {
            System.arraycopy(reduced[picks[b]], 0, flat, b * stride, stride);
        }
        return new Result(picks, pre.points(flat, pre.frames()));
    }

    /** The preprocessor of the streaming job for the humanoid. */
    static StmtPreprocessor preprocessor() {
        return new StmtPreprocessor(MeshTopology.load(Humanoid.TOPOLOGY_ID));
    }

    /** Writes the vectors into {@code dir}; returns the bytes written. */
    public static long write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StmtPreprocessor pre = preprocessor();
        float[][] frames = rawFrames();
        List<Window> windows = windows();
        MocapDatasetExporter.ActorSpec spec = MocapDatasetExporter.heldOutActors(SEED, 1).get(0);

        int vertexFloats = frames[0].length;
        float[] all = new float[frames.length * vertexFloats];
        for (int i = 0; i < frames.length; i++) {
            System.arraycopy(frames[i], 0, all, i * vertexFloats, vertexFloats);
        }
        MocapDatasetExporter.writeFloats(dir.resolve("frames.f32"), all);
        int[] subset = pre.subset();
        java.nio.ByteBuffer sb = java.nio.ByteBuffer.allocate(4 * subset.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        sb.asIntBuffer().put(subset);
        Files.write(dir.resolve("subset.i32"), sb.array());
        MocapDatasetExporter.writeFloats(dir.resolve("geodist.f32"), pre.geodesicMatrix());

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("topology", pre.topology().id());
        root.put("vertex_count", pre.topology().vertexCount());
        root.put("frames_per_window", pre.frames());
        root.put("points", pre.points());
        ObjectNode actor = root.putObject("actor");
        actor.put("stream_id", spec.streamId());
        actor.put("seed", spec.seed());
        actor.put("dataset_seed", SEED);
        actor.put("first_frame", FIRST_FRAME);
        actor.put("frame_count", FRAME_COUNT);
        root.put("frames_file", "frames.f32: [" + FRAME_COUNT + ", " + pre.topology().vertexCount()
                + ", 3] float32, row r = actor frame " + FIRST_FRAME + " + r");
        float[] points = new float[windows.size() * pre.frames() * pre.points() * 3];
        ArrayNode list = root.putArray("windows");
        for (int k = 0; k < windows.size(); k++) {
            Window w = windows.get(k);
            Result r = preprocess(pre, frames, w);
            System.arraycopy(r.points(), 0, points, k * r.points().length, r.points().length);
            ObjectNode n = list.addObject();
            n.put("description", w.description());
            n.put("start_us", w.startUs());
            n.put("end_us", w.endUs());
            ArrayNode rows = n.putArray("rows");
            for (int v : w.rows()) {
                rows.add(v);
            }
            ArrayNode times = n.putArray("times_us");
            for (long v : w.timesUs()) {
                times.add(v);
            }
            ArrayNode picks = n.putArray("picks");
            for (int v : r.picks()) {
                picks.add(v);
            }
        }
        MocapDatasetExporter.writeFloats(dir.resolve("points.f32"), points);
        root.put("points_file", "points.f32: [" + windows.size() + ", " + pre.frames() + ", " + pre.points()
                + ", 3] float32, Java StmtPreprocessor.points of each window's selected frames");
        root.put("command", "avstream export-dataset --parity " + "models/src/test/resources/parity/stmt");
        Files.write(dir.resolve("windows.json"), (json.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("README.md"), README.getBytes(StandardCharsets.UTF_8));
        long total = 0;
        for (String f : List.of("frames.f32", "subset.i32", "geodist.f32", "points.f32", "windows.json", "README.md")) {
            total += Files.size(dir.resolve(f));
        }
        return total;
    }

    /** Reads {@code windows.json} back into windows. */
    static List<Window> readWindows(JsonNode root) {
        List<Window> l = new ArrayList<>();
        for (JsonNode n : root.get("windows")) {
            int[] rows = new int[n.get("rows").size()];
            long[] times = new long[rows.length];
            for (int j = 0; j < rows.length; j++) {
                rows[j] = n.get("rows").get(j).asInt();
                times[j] = n.get("times_us").get(j).asLong();
            }
            l.add(new Window(n.get("description").asText(), n.get("start_us").asLong(), n.get("end_us").asLong(), rows, times));
        }
        return l;
    }
}
