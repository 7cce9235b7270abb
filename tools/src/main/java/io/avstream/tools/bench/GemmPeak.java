package io.avstream.tools.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;

/**
 * The engine's dense float32 peak on this machine: {@code classpath:bench-gemm-1024} (c = a @ W,
 * W fixed 1024 x 1024) run with batches of 1024 rows, so that every run is one 1024^3 GEMM on
 * the same engine, threads and number of sessions as the ceiling; GFLOP/s = 2 n^3 / time.
 */
public final class GemmPeak {
    /** The package (found on the class path). */
    public static final String MODEL = "classpath:bench-gemm-1024";
    /** The matrices' size. */
    public static final int N = 1024;

    /**
     * The peak.
     *
     * @param gflops        median GFLOP/s over the repetitions, all sessions together
     * @param sessions      sessions run at once, one thread each
     * @param msPerGemm     median wall time of one GEMM on one session
     * @param cpuMsPerGemm  CPU time of this process per GEMM
     */
    public record Result(double gflops, int sessions, double msPerGemm, double cpuMsPerGemm) {}

    private GemmPeak() {}

    /** Measures with {@code sessions} sessions at once, {@code gemms} GEMMs per session in each of {@code repetitions}. */
    public static Result measure(ModelPackage gemm, RuntimeOptions options, int sessions, int gemms, int repetitions,
            PrintStream log) throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        List<Map<String, float[]>> rows = new ArrayList<>();
        for (int r = 0; r < 64; r++) {
            float[] row = new float[N];
            for (int i = 0; i < N; i++) {
                row[i] = (float) (random.nextDouble() * 2 - 1);
            }
            rows.add(Map.of(gemm.manifest().inputs().get(0).name(), row));
        }
        double flopsPerRow = 2.0 * N * N;
        EngineCeiling.Point p = EngineCeiling.measure(gemm, options, rows, new int[] {N}, sessions,
                Math.max(2, gemms) * N, repetitions, log, "GEMM " + N + "^3").get(0);
        return new Result(p.windowsPerSec() * flopsPerRow / 1e9, sessions, p.msPerBatch(), p.cpuMsPerWindow() * N);
    }
}
