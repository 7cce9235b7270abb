package io.avstream.tools.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avstream.operators.mocap.StmtPreprocessor;
import org.junit.jupiter.api.Test;

/**
 * The committed STMT preprocessing parity vectors ({@code models/src/test/resources/parity/stmt}) are
 * what the Java preprocessing makes of the committed raw frames today; the Python side checks its
 * own implementation against the same files, so a change on either side is caught.
 */
class StmtPreprocessingParityTest {

    @Test
    void javaPreprocessingReproducesTheCommittedVectors() throws IOException {
        Path dir = Path.of(System.getProperty("avstream.repo.root", ".."), "models", "src", "test", "resources", "parity", "stmt");
        assumeTrue(Files.isRegularFile(dir.resolve("windows.json")), "parity vectors are absent: " + dir);
        JsonNode root = new ObjectMapper().readTree(dir.resolve("windows.json").toFile());
        StmtPreprocessor pre = StmtParityVectors.preprocessor();

        int[] subset = readInts(dir.resolve("subset.i32"));
        assertThat(pre.subset()).isEqualTo(subset);
        assertThat(pre.geodesicMatrix()).isEqualTo(MocapDatasetExporterTest.readFloats(dir.resolve("geodist.f32")));

        int vertexFloats = 3 * pre.topology().vertexCount();
        float[] all = MocapDatasetExporterTest.readFloats(dir.resolve("frames.f32"));
        assertThat(all.length % vertexFloats).isZero();
        float[][] frames = new float[all.length / vertexFloats][vertexFloats];
        for (int i = 0; i < frames.length; i++) {
            System.arraycopy(all, i * vertexFloats, frames[i], 0, vertexFloats);
        }
        float[] expected = MocapDatasetExporterTest.readFloats(dir.resolve("points.f32"));
        List<StmtParityVectors.Window> windows = StmtParityVectors.readWindows(root);
        assertThat(windows).hasSize(3);
        int size = pre.frames() * pre.points() * 3;
        assertThat(expected).hasSize(windows.size() * size);
        for (int k = 0; k < windows.size(); k++) {
            StmtParityVectors.Result r = StmtParityVectors.preprocess(pre, frames, windows.get(k));
            JsonNode picks = root.get("windows").get(k).get("picks");
            for (int b = 0; b < r.picks().length; b++) {
                assertThat(r.picks()[b]).as("window %d bin %d", k, b).isEqualTo(picks.get(b).asInt());
            }
            float[] want = new float[size];
            System.arraycopy(expected, k * size, want, 0, size);
            assertThat(r.points()).as("points of window %d", k).isEqualTo(want);
        }
    }

    @Test
    void windowsMatchTheirDescription() {
        List<StmtParityVectors.Window> w = StmtParityVectors.windows();
        assertThat(w.get(0).rows()).hasSize(50);
        assertThat(w.get(1).rows()).hasSize(40);
        assertThat(w.get(2).rows()).hasSize(50);
        // the third window's capture clock is 25 ms off the grid: bin 1's midpoint (start + 125 ms) is
        // equally far from the frames at start + 105 ms and start + 145 ms, and the earlier one is taken
        StmtParityVectors.Window third = w.get(2);
        int[] picks = StmtPreprocessor.selectFrames(third.timesUs(), third.startUs(), third.endUs(), 24);
        assertThat(third.timesUs()[picks[1]]).isEqualTo(third.startUs() + 105_000);
    }

    private static int[] readInts(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[b.remaining() / 4];
        b.asIntBuffer().get(v);
        return v;
    }
}
