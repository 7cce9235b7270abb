package io.avstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import io.avstream.models.EngineSession;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.action.StmtPreprocessing;
import org.junit.jupiter.api.Test;

/** The packages only bench uses, and the FLOPs table it reads. */
class BenchModelsTest {

    private static final RuntimeOptions ONE_THREAD = RuntimeOptions.builder().optIntraOpThreads(1).build();

    @Test
    void trivialModelHasStmtSmallsSignatureAndReadsEveryInput() {
        ModelPackage stmt = ModelRef.of("classpath:stmt-small").load();
        ModelPackage trivial = ModelRef.of(Bench.TRIVIAL_MODEL).load();
        assertThat(trivial.manifest().task()).isEqualTo("action");
        assertThat(trivial.manifest().description()).contains("only for avstream bench");
        assertThat(trivial.manifest().inputs()).isEqualTo(stmt.manifest().inputs());
        assertThat(trivial.manifest().outputs()).isEqualTo(stmt.manifest().outputs());
        assertThat(trivial.labels()).isEqualTo(stmt.labels());
        assertThat(StmtPreprocessing.of(trivial).points()).isEqualTo(StmtPreprocessing.of(stmt).points());

        Map<String, float[]> window = EngineCeiling.sampleWindows(trivial, 1).get(0);
        float[] points = window.get("points");
        float[] geodist = window.get("geodist");
        double meanPoints = mean(points);
        double meanGeodist = mean(geodist);
        try (EngineSession session = EngineSession.open(trivial, ONE_THREAD)) {
            float[] logits = session.runBatch(window, 1).get("logits");
            // logits[j] = meanPoints * cos(0.7 j) + meanGeodist * cos(0.7 (8 + j)) + 0.01 j
            for (int j = 0; j < 8; j++) {
                double expected = meanPoints * Math.cos(0.7 * j) + meanGeodist * Math.cos(0.7 * (8 + j)) + 0.01 * j;
                assertThat((double) logits[j]).isCloseTo(expected, within(1e-4));
            }
            // one value of the geodesic input changed changes the logits: the model reads it
            geodist[geodist.length - 1] += 1000f;
            float[] changed = session.runBatch(window, 1).get("logits");
            assertThat(changed[0]).isNotEqualTo(logits[0]);
        }
    }

    @Test
    void gemmModelIsOneDenseMatMulAndItsPeakIsMeasured() throws Exception {
        ModelPackage gemm = ModelRef.of(GemmPeak.MODEL).load();
        int n = GemmPeak.N;
        float[] row = new float[n];
        for (int i = 0; i < n; i++) {
            row[i] = (float) Math.sin(i);
        }
        try (EngineSession session = EngineSession.open(gemm, ONE_THREAD)) {
            float[] c = session.runBatch(Map.of("a", row), 1).get("c");
            for (int j : new int[] {0, 1, 517, n - 1}) {
                double expected = 0;
                for (int i = 0; i < n; i++) {
                    expected += row[i] * Math.cos((float) (0.001f * (float) (i * n + j)));
                }
                assertThat((double) c[j]).isCloseTo(expected, within(0.05));
            }
        }
        GemmPeak.Result peak = GemmPeak.measure(gemm, ONE_THREAD, 1, 2, 1, null);
        assertThat(peak.gflops()).isPositive();
        assertThat(peak.msPerGemm()).isPositive();
    }

    @Test
    void flopsTableCountsTheBundledPackages() {
        ModelPackage stmt = ModelRef.of("classpath:stmt-small").load();
        // MatMul, Gemm and Conv of stmt-small: 901,063,168 multiply-adds per window
        assertThat(ModelFlops.perWindow(stmt)).hasValue(1_802_126_336.0);
        assertThat(ModelFlops.perWindow(ModelRef.of(Bench.TRIVIAL_MODEL).load())).hasValue(32.0);
        assertThat(ModelFlops.perWindow(ModelRef.of(GemmPeak.MODEL).load())).hasValue(2.0 * GemmPeak.N * GemmPeak.N);
        assertThat(ModelFlops.counted()).isEqualTo("MatMul, Gemm, Conv, Einsum");
        assertThat(List.of(Bench.PARTS.toArray())).contains("max-batch-1", "trivial");
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }
}
