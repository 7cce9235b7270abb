package io.avstream.benchmarks;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.avstream.ingest.kafka.RawRecord;
import io.avstream.ingest.validate.InputLimits;
import io.avstream.ingest.validate.MocapFrameDecoder;
import io.avstream.ingest.validate.Rejection;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.Label;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Prediction;
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
 * Avro single-object encoding and decoding of a MoCap frame (the synthetic humanoid's full mesh)
 * and of an action prediction; and the source's decode-and-validate step of a frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AvroBenchmark {
    private AvroCodec<MocapFrame> frameCodec;
    private AvroCodec<Prediction> predictionCodec;
    private MocapFrame frame;
    private byte[] frameBytes;
    private Prediction prediction;
    private byte[] predictionBytes;
    private MocapFrameDecoder decoder;
    private RawRecord raw;

    @Setup
    public void setUp() {
        frameCodec = AvroCodec.forClass(MocapFrame.class);
        predictionCodec = AvroCodec.forClass(Prediction.class);
        float[] xyz = Fixtures.actorFrames(1)[0];
        long now = EpochMicros.now();
        frame = Fixtures.frame("actor-0001", 42, now, Fixtures.encode(xyz), xyz.length / 3);
        frameBytes = frameCodec.encode(frame);
        prediction = Prediction.newBuilder()
                .setPredictionId("actor-0001/action/1700000002000000/stmt-small@0.2.0")
                .setStreamId("actor-0001").setTask("action").setModelName("stmt-small").setModelVersion("0.2.0")
                .setWindowStartUs(now - 2_000_000L).setWindowEndUs(now)
                .setLabels(List.of(new Label(0, "walk", 0.91f, null), new Label(3, "run", 0.05f, null), new Label(5, "wave", 0.02f, null)))
                .setAnnotation("walk")
                .setLatency(LatencyRecord.newBuilder().setCaptureTimeUs(now).setKafkaAppendTimeUs(now + 1000)
                        .setWindowCloseUs(now + 2000).setInferenceStartUs(now + 3000).setInferenceEndUs(now + 40_000)
                        .setBatchSize(8).setQueueTimeUs(1000).setEmitTimeUs(now + 41_000).build())
                .build();
        predictionBytes = predictionCodec.encode(prediction);
        decoder = new MocapFrameDecoder(Map.of(frame.getTopology(), xyz.length / 3), InputLimits.builder().build());
        raw = new RawRecord("avstream.mocap", 0, 0, now / 1000, "actor-0001".getBytes(), frameBytes);
    }

    @Benchmark
    public byte[] encodeFrame() {
        return frameCodec.encode(frame);
    }

    @Benchmark
    public MocapFrame decodeFrame() throws IOException {
        return frameCodec.decode(frameBytes);
    }

    /** What the Kafka source does per frame: decode, then check topology, sizes, NaN/Inf and timestamps. */
    @Benchmark
    public MocapFrame decodeAndValidateFrame() throws Rejection {
        return decoder.decode(raw);
    }

    @Benchmark
    public byte[] encodePrediction() {
        return predictionCodec.encode(prediction);
    }

    @Benchmark
    public Prediction decodePrediction() throws IOException {
        return predictionCodec.decode(predictionBytes);
    }
}
