package io.avstream.tools.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.models.EngineSession;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.action.StmtPreprocessing;
import io.avstream.operators.mocap.StmtPreprocessor;

/**
 * The raw engine's throughput: {@link EngineSession#runBatch} on batches prepared in advance
 * (preprocessed windows of a synthetic actor), no Kafka, no Flink, no batcher. With {@code sessions}
 * greater than 1, that many sessions run at once, each on its own thread with its own predictor,
 * and their windows are added up: the ceiling for the same engine threads as a pipeline with that
 * many batcher workers.
 */
public final class EngineCeiling {

    /**
     * The throughput at one batch size.
     *
     * @param batchSize     samples per {@code runBatch}
     * @param windowsPerSec median over the timed repetitions, all sessions together
     * @param repetitions   windows/s of each timed repetition
     * @param msPerBatch    median wall time of one batch on one session
     * @param cpuMsPerWindow median CPU time of this process per window (all sessions' threads together)
     */
    public record Point(int batchSize, double windowsPerSec, double[] repetitions, double msPerBatch,
            double cpuMsPerWindow) {}

    private EngineCeiling() {}

    /**
     * The mean of two measurements of the same batch size (the ceiling right before and right after a job run):
     * windows per second, milliseconds per batch and CPU per window averaged, the repetitions of both kept.
     */
    public static Point meanOf(Point a, Point b) {
        if (a.batchSize() != b.batchSize()) {
            throw new IllegalArgumentException("batch sizes differ: " + a.batchSize() + " and " + b.batchSize());
        }
        double[] reps = new double[a.repetitions().length + b.repetitions().length];
        System.arraycopy(a.repetitions(), 0, reps, 0, a.repetitions().length);
        System.arraycopy(b.repetitions(), 0, reps, a.repetitions().length, b.repetitions().length);
        return new Point(a.batchSize(), (a.windowsPerSec() + b.windowsPerSec()) / 2, reps,
                (a.msPerBatch() + b.msPerBatch()) / 2, (a.cpuMsPerWindow() + b.cpuMsPerWindow()) / 2);
    }

    /** Preprocessed model inputs of {@code count} distinct windows of a synthetic actor (points, geodist). */
    public static List<Map<String, float[]>> sampleWindows(ModelPackage pkg, int count) {
        StmtPreprocessor pre = StmtPreprocessing.of(pkg).preprocessor();
        String pointsName = StmtPreprocessing.POINTS;
        String geodistName = StmtPreprocessing.GEODIST;
        SyntheticActor actor = new SyntheticActor("ceiling-probe", 3L);
        int span = 50;
        List<float[]> reduced = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < span + count; i++) {
            SyntheticActor.Frame f = actor.next();
            reduced.add(pre.reduce(f.vertices()));
            times.add(f.timeUs());
        }
        List<Map<String, float[]>> out = new ArrayList<>();
        for (int w = 0; w < count; w++) {
            long[] t = new long[span];
            for (int i = 0; i < span; i++) {
                t[i] = times.get(w + i);
            }
            long start = t[0];
            int[] picks = StmtPreprocessor.selectFrames(t, start, start + 2_000_000L, pre.frames());
            float[][] chosen = new float[picks.length][];
            for (int i = 0; i < picks.length; i++) {
                chosen[i] = reduced.get(w + picks[i]);
            }
            Map<String, float[]> m = new LinkedHashMap<>();
            m.put(pointsName, pre.points(chosen));
            m.put(geodistName, pre.geodist());
            out.add(m);
        }
        return out;
    }

    /**
     * Lays {@code batch} samples end to end per input, cycling through {@code samples}; a shared input
     * ({@code shared}) is passed once, as the batcher passes it.
     */
    public static Map<String, float[]> batchOf(ModelPackage pkg, List<Map<String, float[]>> samples, int batch, int offset) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String input : samples.get(0).keySet()) {
            if (pkg.manifest().input(input).map(io.avstream.models.TensorSpec::isShared).orElse(false)) {
                out.put(input, samples.get(0).get(input));
                continue;
            }
            int size = samples.get(0).get(input).length;
            float[] buf = new float[batch * size];
            for (int s = 0; s < batch; s++) {
                System.arraycopy(samples.get((offset + s) % samples.size()).get(input), 0, buf, s * size, size);
            }
            out.put(input, buf);
        }
        return out;
    }

    /**
     * Measures each batch size: warm-up, then {@code repetitions} rounds in which every batch size
     * runs once for at least {@code windowsPerRepetition} windows per session (at least 2 batches);
     * reports the median per batch size.
     *
     * @param sessions engine sessions running at once, one thread each
     */
    public static List<Point> measure(ModelPackage pkg, RuntimeOptions options, int[] batchSizes, int sessions,
            int windowsPerRepetition, int repetitions, PrintStream log) throws Exception {
        return measure(pkg, options, sampleWindows(pkg, 64), batchSizes, sessions, windowsPerRepetition, repetitions,
                log, "engine");
    }

    /**
     * The same on prepared samples of any model (one float array per input and sample), logged as {@code name}.
     */
    public static List<Point> measure(ModelPackage pkg, RuntimeOptions options, List<Map<String, float[]>> samples,
            int[] batchSizes, int sessions, int windowsPerRepetition, int repetitions, PrintStream log, String name)
            throws Exception {
        List<EngineSession> open = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(sessions, r -> {
            Thread t = new Thread(r, "engine-ceiling");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < sessions; i++) {
                open.add(EngineSession.open(pkg, options));
            }
            // every batch size once per round, rounds one after the other: a change of the machine's load
            // over the run then touches every batch size alike instead of a few of them
            List<List<Map<String, float[]>>> batches = new ArrayList<>();
            int[] runs = new int[batchSizes.length];
            for (int k = 0; k < batchSizes.length; k++) {
                int b = batchSizes[k];
                List<Map<String, float[]>> perSession = new ArrayList<>();
                for (int i = 0; i < sessions; i++) {
                    perSession.add(batchOf(pkg, samples, b, i * 7));
                }
                batches.add(perSession);
                runs[k] = Math.max(2, (windowsPerRepetition + b - 1) / b);
                // warm-up: 2 batches per session
                timed(pool, open, perSession, b, 2);
            }
            double[][] reps = new double[batchSizes.length][repetitions];
            double[][] msPerBatch = new double[batchSizes.length][repetitions];
            double[][] cpuMs = new double[batchSizes.length][repetitions];
            for (int r = 0; r < repetitions; r++) {
                for (int k = 0; k < batchSizes.length; k++) {
                    int b = batchSizes[k];
                    long cpu0 = ProcessCpu.nanos();
                    double seconds = timed(pool, open, batches.get(k), b, runs[k]);
                    long cpu = ProcessCpu.nanos() - cpu0;
                    reps[k][r] = (double) sessions * runs[k] * b / seconds;
                    msPerBatch[k][r] = seconds * 1000 / runs[k];
                    cpuMs[k][r] = cpu / 1e6 / ((double) sessions * runs[k] * b);
                }
            }
            List<Point> points = new ArrayList<>();
            for (int k = 0; k < batchSizes.length; k++) {
                Point p = new Point(batchSizes[k], median(reps[k]), reps[k], median(msPerBatch[k]), median(cpuMs[k]));
                points.add(p);
                if (log != null) {
                    log.printf("  %s x%d, batch %3d: %7.1f windows/s (%.1f ms per batch, %.2f ms CPU per window; "
                            + "repetitions %s)%n", name, sessions, p.batchSize(), p.windowsPerSec(), p.msPerBatch(),
                            p.cpuMsPerWindow(), format(reps[k]));
                }
            }
            return points;
        } finally {
            pool.shutdownNow();
            open.forEach(EngineSession::close);
        }
    }

    /** Runs {@code runs} batches on every session at once; returns the wall time from the common start to the last end. */
    private static double timed(ExecutorService pool, List<EngineSession> sessions, List<Map<String, float[]>> batches,
            int batchSize, int runs) throws Exception {
        CyclicBarrier start = new CyclicBarrier(sessions.size() + 1);
        List<Future<Long>> done = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            EngineSession s = sessions.get(i);
            // as tensors made once: a shared input stays in the engine between runs, as in the job's batcher
            Map<String, io.avstream.models.Tensor> batch = s.tensorsOf(batches.get(i), batchSize);
            done.add(pool.submit(() -> {
                await(start);
                for (int r = 0; r < runs; r++) {
                    s.run(batch, batchSize);
                }
                return System.nanoTime();
            }));
        }
        await(start);
        long t0 = System.nanoTime();
        long end = t0;
        for (Future<Long> f : done) {
            end = Math.max(end, f.get());
        }
        return (end - t0) / 1e9;
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException(e);
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String format(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format("%.1f", v[i]));
        }
        return sb.append(']').toString();
    }
}
