package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Loads the real STMT package from {@code models/packages/stmt-small} and runs one batch. */
class StmtSmallPackageTest {

    private static final int FRAMES = 24;
    private static final int POINTS = 128;

    @Test
    void loadsStmtSmallAndRunsOneBatch() {
        ModelPackage pkg = ModelPackage.load(packageDir());
        ModelManifest m = pkg.manifest();
        assertThat(m.architecture()).isEqualTo("STMT");
        assertThat(m.inputs()).extracting(TensorSpec::name).containsExactly("points", "geodist");
        TensorSpec logits = m.outputs().get(0);
        assertThat(pkg.labels()).hasSize((int) logits.dim(logits.rank() - 1));

        int batch = 2;
        Random random = new Random(5);
        Map<String, float[]> inputs = new LinkedHashMap<>();
        assertThat(m.input("geodist").orElseThrow().isShared()).as("geodist is passed once per batch").isTrue();
        for (TensorSpec t : m.inputs()) {
            float[] v = new float[(t.isShared() ? 1 : batch) * t.sampleSize()];
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextFloat();
            }
            inputs.put(t.name(), v);
        }
        try (EngineSession session = EngineSession.open(pkg, RuntimeOptions.defaults())) {
            float[] out = session.runBatch(inputs, batch).get(logits.name());
            assertThat(out).hasSize(batch * logits.sampleSize());
            for (float v : out) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    /**
     * The golden inputs and PyTorch logits: points, geodesic matrices repeated over the frames (one
     * [24, 128, 128] block per window: each window has its own), logits.
     */
    private record Golden(float[] points, float[] geodist, float[] logits, int batch) {}

    private static Golden golden() throws IOException {
        float[] points = golden("points.f32");
        float[] geodistFrames = golden("geodist_frame.f32");
        float[] expected = golden("logits.f32");
        assumeTrue(points != null && geodistFrames != null && expected != null, "golden vectors are absent");
        int batch = expected.length / 8;
        int geoFrame = POINTS * POINTS;
        float[] geodist = new float[batch * FRAMES * geoFrame];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < FRAMES; t++) {
                System.arraycopy(geodistFrames, b * geoFrame, geodist, (b * FRAMES + t) * geoFrame, geoFrame);
            }
        }
        return new Golden(points, geodist, expected, batch);
    }

    /**
     * The GPU engines give the golden logits too (within 1e-3: GPU kernels round differently). Where an
     * engine is not present, skipped with the engine's own start-up message saying what is missing.
     */
    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"ORT_CUDA", "ORT_TENSORRT", "DJL_TENSORRT"})
    void gpuEnginesMatchThePyTorchGoldenLogits(Engine engine) throws Exception {
        String missing = null;
        try {
            engine.checkAvailable();
        } catch (EngineUnavailableException e) {
            missing = e.getMessage();
        }
        assumeTrue(missing == null, missing);
        ModelPackage pkg = ModelPackage.load(packageDir());
        Golden g = golden();
        try (EngineSession session = EngineSession.open(pkg, RuntimeOptions.builder().optEngine(engine).build())) {
            float[] actual = oneAtATime(session, g);
            assertThat(actual).hasSameSizeAs(g.logits());
            for (int i = 0; i < actual.length; i++) {
                assertThat(actual[i]).as("logit %d on %s", i, engine.id()).isCloseTo(g.logits()[i], within(1e-3f));
            }
        }
    }

    /** Each golden window on its own (each has its own geodesic input), logits back to back. */
    private static float[] oneAtATime(EngineSession session, Golden g) {
        int pointsSize = g.points().length / g.batch();
        int geoSize = g.geodist().length / g.batch();
        float[] out = new float[g.logits().length];
        for (int b = 0; b < g.batch(); b++) {
            float[] l = session.runBatch(Map.of("points", slice(g.points(), b, pointsSize),
                    "geodist", slice(g.geodist(), b, geoSize)), 1).get("logits");
            System.arraycopy(l, 0, out, b * l.length, l.length);
        }
        return out;
    }

    @Test
    void matchesPyTorchGoldenLogitsBatchedAndOneAtATime() throws Exception {
        ModelPackage pkg = ModelPackage.load(packageDir());
        Golden g = golden();
        float[] points = g.points();
        float[] geodist = g.geodist();
        float[] expected = g.logits();
        int batch = g.batch();

        try (EngineSession session = EngineSession.open(pkg, RuntimeOptions.defaults())) {
            assertCloseTo(oneAtATime(session, g), expected);
            // a batch shares one geodesic input: all windows with window 0's equal each run alone with it
            int geoSize = geodist.length / batch;
            float[] shared = slice(geodist, 0, geoSize);
            float[] together = session.runBatch(Map.of("points", points, "geodist", shared), batch).get("logits");
            for (int b = 0; b < batch; b++) {
                float[] alone = session.runBatch(Map.of("points", slice(points, b, points.length / batch), "geodist", shared), 1)
                        .get("logits");
                for (int i = 0; i < 8; i++) {
                    assertThat(together[b * 8 + i]).isCloseTo(alone[i], within(1e-5f));
                }
            }
        }
        try (ModelHandle model = SharedModels.acquire(pkg, RuntimeOptions.builder().optMaxBatch(4).build())) {
            int pointsSize = points.length / batch;
            int geoSize = geodist.length / batch;
            List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                futures.add(model.submit(Map.of(
                        "points", slice(points, b, pointsSize),
                        "geodist", slice(geodist, b, geoSize)), Long.MAX_VALUE));
            }
            for (int b = 0; b < batch; b++) {
                assertCloseTo(futures.get(b).get().output("logits"), slice(expected, b, 8));
            }
        }
    }

    private static Path packageDir() {
        Path dir = Path.of(System.getProperty("avstream.repo.root", ".."), "models", "packages", "stmt-small");
        assumeTrue(Files.isDirectory(dir), "models/packages/stmt-small has not been exported yet");
        return dir;
    }

    private static float[] golden(String file) throws IOException {
        try (InputStream in = StmtSmallPackageTest.class.getResourceAsStream("/golden/stmt-small/" + file)) {
            if (in == null) {
                return null;
            }
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(v);
            return v;
        }
    }

    private static float[] slice(float[] all, int index, int size) {
        float[] s = new float[size];
        System.arraycopy(all, index * size, s, 0, size);
        return s;
    }

    private static void assertCloseTo(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("logit %d", i).isCloseTo(expected[i], within(1e-4f));
        }
    }
}
