package io.avstream.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.avstream.operators.audio.FbankStream;
import io.avstream.operators.audio.KaldiFbank;
import io.avstream.operators.audioevents.AudioStream;
import io.avstream.operators.audioevents.AudioStreamState;
import io.avstream.operators.audioevents.AudioWindow;
import io.avstream.operators.audioevents.AudioWindowSpec;
import io.avstream.operators.audioevents.PcmBlock;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The audio-events front end per hop: one second of a stream's audio in ten 100 ms chunks through
 * {@link AudioStream} (conversion to 16 kHz, filterbank frames as audio arrives, the window of the newest frames cut
 * at the hop), for windows of 2.56 s, 10.24 s (the default) and 40.96 s. Filterbank frames are computed once, so the
 * time per hop stays nearly flat as the window grows; what grows is the copy of the window out of the ring.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AudioFrontEndBenchmark {

    private static final int CHUNKS_PER_HOP = 10;

    /** Window length in filterbank frames (10 ms each). */
    @Param({"256", "1024", "4096"})
    public int windowFrames;

    /** Input sample rate: converted to 16 kHz in the stream, or already at 16 kHz. */
    @Param({"16000", "48000"})
    public int rate;

    private AudioStream stream;
    private AudioStreamState state;
    private float[][] chunks;
    private long seq;
    private long t0Us;
    private Blackhole sink;
    private final AudioStream.Listener listener = new AudioStream.Listener() {
        @Override
        public void window(AudioWindow window) {
            sink.consume(window);
        }
    };

    @Setup
    public void setUp(Blackhole bh) {
        sink = bh;
        stream = new AudioStream(AudioWindowSpec.builder().optWindowFrames(windowFrames).build(),
                new FbankStream(KaldiFbank.mavil()));
        SplittableRandom rng = new SplittableRandom(3);
        int n = rate / CHUNKS_PER_HOP;
        chunks = new float[CHUNKS_PER_HOP][n];
        for (int c = 0; c < CHUNKS_PER_HOP; c++) {
            for (int i = 0; i < n; i++) {
                double t = (c * n + i) / (double) rate;
                chunks[c][i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * t) + 0.02 * (2 * rng.nextDouble() - 1));
            }
        }
        t0Us = 1_700_000_000_000_000L;
        // a stream whose window is full already
        long warm = (windowFrames / 100 + 2) * CHUNKS_PER_HOP;
        for (int i = 0; i < warm; i++) {
            next();
        }
    }

    private void next() {
        float[] samples = chunks[(int) (seq % CHUNKS_PER_HOP)];
        long captureUs = t0Us + seq * 1_000_000L / CHUNKS_PER_HOP;
        state = stream.accept("s", state, new PcmBlock("s", seq, captureUs, 0, rate, samples, null), 0, listener);
        seq++;
    }

    /** One hop: a second of audio in, one window out. */
    @Benchmark
    public AudioStreamState hop() {
        for (int c = 0; c < CHUNKS_PER_HOP; c++) {
            next();
        }
        return state;
    }
}
