package io.avstream.benchmarks;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.avstream.operators.action.StmtPreprocessing;
import io.avstream.operators.action.FrameReducer;
import io.avstream.operators.window.MocapWindow;
import io.avstream.operators.action.MocapWindower;
import io.avstream.operators.window.ReducedFrame;
import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Stamped;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The windower's cost per frame: the job's {@link MocapWindower} as a keyed operator on Flink's
 * heap state backend (operator test harness), fed the frames of {@code streams} streams round
 * robin at 25 fps each. Reducing each frame to the model's subset ({@code FrameReducer}, which runs
 * before the shuffle in the job), buffering it in keyed state and
 * closing a 2 s window every 25 frames of a stream (frame selection, copy, emit) are all included,
 * as is building the frame record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WindowerBenchmark {
    @Param({"64"})
    public int streams;

    private KeyedOneInputStreamOperatorTestHarness<String, ReducedFrame, MocapWindow> harness;
    private FrameReducer reducer;
    private ByteBuffer[] vertices;
    private String[] ids;
    private int vertexCount;
    private long tick;
    private int stream;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        StmtPreprocessing stmt = Fixtures.stmt();
        WindowSpec spec = WindowSpec.builder().optSpan(Duration.ofSeconds(2)).optHop(Duration.ofSeconds(1))
                .optFrames(stmt.frames()).optNominalFps(25).optMinCoverage(0.8)
                .optIdleTimeout(Duration.ofHours(1)).optOutOfOrderness(Duration.ofMillis(200)).build();
        reducer = new FrameReducer(stmt.preprocessor().subset(), stmt.topology().vertexCount());
        MocapWindower windower = new MocapWindower(spec);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(windower),
                f -> f.streamId, Types.STRING);
        harness.open();
        float[][] frames = Fixtures.actorFrames(100);
        vertexCount = frames[0].length / 3;
        vertices = new ByteBuffer[frames.length];
        for (int i = 0; i < frames.length; i++) {
            vertices[i] = Fixtures.encode(frames[i]);
        }
        ids = new String[streams];
        for (int s = 0; s < streams; s++) {
            ids[s] = String.format("actor-%04d", s);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        harness.close();
    }

    /** One frame of the next stream (streams take turns; each stream's clock advances 40 ms per turn). */
    @Benchmark
    public void processFrame() throws Exception {
        long t = Fixtures.T0_US + tick * 40_000L;
        MocapFrame f = Fixtures.frame(ids[stream], tick, t, vertices[(int) (tick % vertices.length)].duplicate(), vertexCount);
        harness.processElement(new StreamRecord<>(reducer.map(new Stamped<>(f, t / 1000 + 3)), t / 1000));
        if (++stream == streams) {
            stream = 0;
            tick++;
            if (tick % 25 == 0) {
                // drop the emitted windows so that memory stays flat
                harness.getOutput().clear();
            }
        }
    }
}
