package io.avstream.benchmarks;

import java.util.concurrent.TimeUnit;

import io.avstream.operators.mocap.StmtPreprocessor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * STMT mesh preprocessing: reducing a full frame to the model's vertex subset (done once per frame
 * as it arrives), choosing the window's frames, and normalising a clip (once per window).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MeshPreprocessingBenchmark {
    private StmtPreprocessor pre;
    private float[] fullFrame;
    private long[] windowTimes;
    private float[] clip;

    @Setup
    public void setUp() {
        pre = Fixtures.stmt().preprocessor();
        float[][] frames = Fixtures.actorFrames(50);
        fullFrame = frames[0];
        windowTimes = new long[50];
        for (int i = 0; i < 50; i++) {
            windowTimes[i] = Fixtures.T0_US + i * 40_000L;
        }
        clip = new float[pre.frames() * pre.points() * 3];
        int[] picks = StmtPreprocessor.selectFrames(windowTimes, Fixtures.T0_US, Fixtures.T0_US + 2_000_000L, pre.frames());
        for (int i = 0; i < picks.length; i++) {
            float[] kept = pre.reduce(frames[picks[i]]);
            System.arraycopy(kept, 0, clip, i * kept.length, kept.length);
        }
    }

    /** One frame's vertices reduced to the 128-vertex subset. */
    @Benchmark
    public float[] subsetReduction() {
        return pre.reduce(fullFrame);
    }

    /** The 24 frames chosen from a 2 s window of 50 frames. */
    @Benchmark
    public int[] frameSelection() {
        return StmtPreprocessor.selectFrames(windowTimes, Fixtures.T0_US, Fixtures.T0_US + 2_000_000L, pre.frames());
    }

    /** A 24 x 128 x 3 clip centred and scaled (a copy, as the inference operator does per window). */
    @Benchmark
    public float[] clipNormalisation() {
        return pre.points(clip, pre.frames());
    }

    /** Selection and normalisation together: the per-window preprocessing of the job. */
    @Benchmark
    public float[] selectionAndNormalisation() {
        int[] picks = StmtPreprocessor.selectFrames(windowTimes, Fixtures.T0_US, Fixtures.T0_US + 2_000_000L, pre.frames());
        return picks.length == pre.frames() ? pre.points(clip, pre.frames()) : null;
    }
}
