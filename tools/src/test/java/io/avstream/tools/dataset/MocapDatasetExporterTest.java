package io.avstream.tools.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avstream.tools.dataset.MocapDatasetExporter.ActorSpec;
import io.avstream.tools.dataset.MocapDatasetExporter.Settings;
import io.avstream.tools.dataset.MocapDatasetExporter.Split;
import io.avstream.ingest.synthetic.Action;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.schemas.topology.MeshTopology;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small export (2 training + 1 held-out actors, 5 s each) checked against the raw frames. */
class MocapDatasetExporterTest {

    private static final Settings SMALL = new Settings(2, 1, 5, 11);
    private static final int FRAMES = 125;

    @TempDir
    static Path tmp;

    private static Path first;
    private static JsonNode meta;

    @BeforeAll
    static void exportOnce() throws IOException {
        first = tmp.resolve("a");
        MocapDatasetExporter.Summary s = new MocapDatasetExporter(SMALL).export(first);
        assertThat(s.trainFrames()).isEqualTo(2 * FRAMES);
        assertThat(s.testFrames()).isEqualTo(FRAMES);
        meta = new ObjectMapper().readTree(first.resolve("meta.json").toFile());
    }

    @Test
    void writesFilesOfTheDocumentedSizes() throws IOException {
        assertThat(Files.size(first.resolve("geodist.f32"))).isEqualTo(128 * 128 * 4);
        for (Split split : Split.values()) {
            long n = split == Split.TRAIN ? 2 * FRAMES : FRAMES;
            assertThat(Files.size(first.resolve(split.id() + "_points.i16"))).isEqualTo(n * 128 * 3 * 2);
            assertThat(Files.size(first.resolve(split.id() + "_offsets.f32"))).isEqualTo(n * 3 * 4);
            assertThat(Files.size(first.resolve(split.id() + "_labels.u8"))).isEqualTo(n);
            assertThat(Files.size(first.resolve(split.id() + "_transition.u8"))).isEqualTo(n);
        }
        long binary = 0;
        for (String f : MocapDatasetExporter.binaryFiles()) {
            binary += Files.size(first.resolve(f));
            assertThat(meta.at("/files/" + f + "/bytes").asLong()).isEqualTo(Files.size(first.resolve(f)));
        }
        assertThat(binary).isEqualTo(new MocapDatasetExporter(SMALL).expectedBinaryBytes());
    }

    @Test
    void metaDescribesTheExport() {
        assertThat(meta.get("topology").asText()).isEqualTo("avstream-humanoid-v1");
        assertThat(meta.get("vertex_count").asInt()).isEqualTo(2038);
        assertThat(meta.get("fps").asDouble()).isEqualTo(25.0);
        assertThat(meta.at("/quantisation/step_m").asDouble()).isEqualTo(1e-4);
        assertThat(meta.get("labels")).extracting(JsonNode::asText).containsExactlyElementsOf(Action.labels());
        int[] subset = new StmtPreprocessor(MeshTopology.load("avstream-humanoid-v1")).subset();
        assertThat(meta.get("subset")).extracting(JsonNode::asInt).containsExactly(box(subset));
        assertThat(meta.get("command").asText())
                .isEqualTo("avstream export-dataset --train-actors 2 --test-actors 1 --seconds 5 --seed 11");
        JsonNode train = meta.at("/splits/train");
        assertThat(train).hasSize(2);
        assertThat(train.get(1).get("stream_id").asText()).isEqualTo("train-001");
        assertThat(train.get(1).get("seed").asLong()).isEqualTo(11_100_001L);
        assertThat(train.get(1).get("first_frame").asLong()).isEqualTo(FRAMES);
        assertThat(train.get(1).get("frame_count").asInt()).isEqualTo(FRAMES);
        assertThat(meta.at("/splits/test/0/stream_id").asText()).isEqualTo("test-000");
        assertThat(meta.at("/splits/test/0/seed").asLong()).isEqualTo(11_200_000L);
    }

    @Test
    void dequantisedPointsMatchTheRawFramesWithinAHalfStep() throws IOException {
        int[] subset = new StmtPreprocessor(MeshTopology.load("avstream-humanoid-v1")).subset();
        for (Split split : Split.values()) {
            short[] q = readShorts(first.resolve(split.id() + "_points.i16"));
            float[] o = readFloats(first.resolve(split.id() + "_offsets.f32"));
            byte[] labels = Files.readAllBytes(first.resolve(split.id() + "_labels.u8"));
            byte[] transition = Files.readAllBytes(first.resolve(split.id() + "_transition.u8"));
            int row = 0;
            double worst = 0;
            int transitions = 0;
            Set<Integer> actions = new HashSet<>();
            for (ActorSpec spec : new MocapDatasetExporter(SMALL).actors(split)) {
                SyntheticActor actor = spec.newActor();
                for (int f = 0; f < FRAMES; f++, row++) {
                    SyntheticActor.Frame frame = actor.next();
                    assertThat(frame.timeUs()).isEqualTo(Math.round(f * 1e6 / 25));
                    float[] v = frame.vertices();
                    for (int i = 0; i < 128; i++) {
                        for (int a = 0; a < 3; a++) {
                            double x = o[3 * row + a] + q[(row * 128 + i) * 3 + a] * 1e-4;
                            worst = Math.max(worst, Math.abs(x - v[3 * subset[i] + a]));
                        }
                    }
                    assertThat(labels[row]).isEqualTo((byte) frame.action().ordinal());
                    SyntheticActor.Segment s = frame.segment();
                    boolean inTransition = s.index() > 0 && frame.index() - s.startFrame() < 10;  // 0.4 s at 25 fps
                    assertThat(transition[row]).as("transition flag of row %d", row).isEqualTo((byte) (inTransition ? 1 : 0));
                    transitions += transition[row];
                    actions.add((int) labels[row]);
                }
            }
            assertThat(worst).as("largest dequantisation error, metres").isLessThanOrEqualTo(0.05e-3 + 1e-9);
            System.out.printf("%s: %d frames, %d in transitions, actions %s, largest error %.3g mm%n", split.id(), row,
                    transitions, actions, worst * 1e3);
        }
    }

    @Test
    void theSameSettingsGiveByteIdenticalFiles() throws IOException {
        Path second = tmp.resolve("b");
        new MocapDatasetExporter(SMALL).export(second);
        for (String f : List.of("meta.json", "geodist.f32", "train_points.i16", "train_offsets.f32", "train_labels.u8",
                "train_transition.u8", "test_points.i16", "test_offsets.f32", "test_labels.u8", "test_transition.u8")) {
            assertThat(Files.readAllBytes(second.resolve(f))).as(f).isEqualTo(Files.readAllBytes(first.resolve(f)));
        }
    }

    @Test
    void trainAndTestActorsNeverShareASeed() {
        Set<Long> train = new HashSet<>();
        Set<Long> test = new HashSet<>();
        for (long seed : new long[] {0, 7, 8, -3}) {
            for (int k = 0; k < 500; k++) {
                train.add(MocapDatasetExporter.actorSeed(seed, Split.TRAIN, k));
                test.add(MocapDatasetExporter.actorSeed(seed, Split.TEST, k));
            }
        }
        assertThat(train).hasSize(4 * 500).doesNotContainAnyElementsOf(test);
        assertThat(test).hasSize(4 * 500);
        List<ActorSpec> heldOut = MocapDatasetExporter.heldOutActors(7, 8);
        assertThat(heldOut).extracting(ActorSpec::streamId).startsWith("test-000", "test-001").endsWith("test-007");
        assertThat(heldOut.get(3).seed()).isEqualTo(7_200_003L);
        assertThat(new MocapDatasetExporter(SMALL).actors(Split.TEST)).isEqualTo(MocapDatasetExporter.heldOutActors(11, 1));
        assertThatThrownBy(() -> MocapDatasetExporter.actorSeed(7, Split.TRAIN, 100_000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsStayWithin45Megabytes() {
        assertThat(new MocapDatasetExporter(Settings.defaults()).expectedBinaryBytes() + 40_000).isLessThanOrEqualTo(45_000_000L);
    }

    private static Integer[] box(int[] v) {
        Integer[] b = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return b;
    }

    static short[] readShorts(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        short[] v = new short[b.remaining() / 2];
        b.asShortBuffer().get(v);
        return v;
    }

    static float[] readFloats(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }
}
