package io.avstream.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.avstream.operators.audio.KaldiFbank;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MAViL audio front end ({@link KaldiFbank#mavil()}: 128 log-mel bins, 25 ms frames every 10 ms
 * at 16 kHz) on 1 s (98 frames) and on the 10.24 s of a MAViL clip (1022 frames). The waveform is made
 * in the setup: two tones, a slow chirp and noise, seeded. Per call; divide by the seconds of audio
 * for the real-time factor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FbankBenchmark {
    /** Seconds of 16 kHz audio. */
    @Param({"1.0", "10.24"})
    public double seconds;

    private KaldiFbank fbank;
    private float[] waveform;
    private float[] features;

    @Setup
    public void setUp() {
        fbank = KaldiFbank.mavil();
        int n = (int) Math.round(seconds * 16_000);
        waveform = new float[n];
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            double t = i / 16_000.0;
            double x = 0.3 * Math.sin(2 * Math.PI * 440 * t) + 0.1 * Math.sin(2 * Math.PI * 2500 * t)
                    + 0.1 * Math.sin(2 * Math.PI * (200 + 300 * t) * t) + 0.02 * (2 * rng.nextDouble() - 1);
            waveform[i] = (float) x;
        }
        features = new float[fbank.numFrames(n) * fbank.numMelBins()];
    }

    /** Into a caller-owned buffer (frames x 128, row-major): the hot-path variant. */
    @Benchmark
    public float[] computeInto() {
        fbank.compute(waveform, 0, waveform.length, features);
        return features;
    }

    /** The convenience method: a new {@code float[frames][128]} per call. */
    @Benchmark
    public float[][] compute() {
        return fbank.compute(waveform);
    }
}
