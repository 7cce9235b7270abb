package io.avstream.deploy.action;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.avstream.deploy.AvstreamJob;
import io.avstream.deploy.JobOptions;
import io.avstream.deploy.pipeline.KafkaIo;
import io.avstream.deploy.pipeline.Pipeline;
import io.avstream.deploy.pipeline.PipelineIo;
import io.avstream.ingest.InputWatermarks;
import io.avstream.ingest.kafka.DecodingDeserializer;
import io.avstream.ingest.validate.DeadLetterRouter;
import io.avstream.ingest.validate.Decoded;
import io.avstream.ingest.validate.InputLimits;
import io.avstream.ingest.validate.MocapFrameDecoder;
import io.avstream.operators.action.FrameReducer;
import io.avstream.operators.action.MocapWindower;
import io.avstream.operators.action.StmtPreprocessing;
import io.avstream.operators.inference.BatchedInference;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.window.MocapWindow;
import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.Stamped;
import io.avstream.sinks.LatencyMetrics;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The action pipeline: MoCap frames from Kafka, decoded and validated in the source, reduced to the
 * model's vertices, cut into per-stream windows, run through the action model (STMT) in batches,
 * predictions on {@link ActionOptions#PREDICTIONS_TOPIC}. Its operator uids are those of the releases
 * before pipelines existed ({@code mocap-source}, {@code mocap-windows}, {@code action-inference}, ...),
 * so savepoints of those releases restore.
 */
public final class ActionPipeline implements Pipeline {
    /** The name in {@code avstream.pipelines}. */
    public static final String NAME = "action";

    /** The pipeline's sources and sink: the MoCap source emits decoded frames or dead letters, watermarked per partition. */
    public record Io(Source<Decoded<MocapFrame>, ?, ?> mocapSource, Sink<Prediction> predictionSink) implements PipelineIo {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<?> optionsClass() {
        return ActionOptions.class;
    }

    /** The uids of the first release: unprefixed. */
    @Override
    public String uid(String operator) {
        return operator;
    }

    @Override
    public PipelineIo kafkaIo(Configuration conf, KafkaIo kafka) {
        return new Io(kafka.source(mocapDeserializer(conf), conf.get(ActionOptions.TOPIC)),
                kafka.predictionSink(conf.get(ActionOptions.PREDICTIONS_TOPIC), "predictions"));
    }

    /**
     * The deserializer of the MoCap topic: decodes and validates frames of the action model's mesh
     * topology within the configured limits.
     */
    public static DecodingDeserializer<MocapFrame> mocapDeserializer(Configuration conf) {
        return mocapDeserializer(conf, StmtPreprocessing.of(ModelRef.of(conf.get(ActionOptions.MODEL)).load()));
    }

    /** The same, for the model's preprocessing already read (no second load of the package). */
    static DecodingDeserializer<MocapFrame> mocapDeserializer(Configuration conf, StmtPreprocessing stmt) {
        InputLimits limits = InputLimits.builder()
                .optMaxPayloadBytes(conf.get(JobOptions.MAX_PAYLOAD_BYTES))
                .optMaxFutureSkew(conf.get(JobOptions.MAX_FUTURE_SKEW))
                .build();
        return new DecodingDeserializer<>(new MocapFrameDecoder(
                Map.of(stmt.topology().id(), stmt.topology().vertexCount()), limits));
    }

    @Override
    public Outputs build(StreamExecutionEnvironment env, Configuration conf, PipelineIo pipelineIo) {
        Io io = (Io) pipelineIo;
        ModelRef modelRef = ModelRef.of(conf.get(ActionOptions.MODEL));
        StmtPreprocessing stmt = StmtPreprocessing.of(modelRef.load());
        Duration budget = conf.get(JobOptions.LATENCY_BUDGET);
        Windows w = windows(env, conf, io, stmt);
        DataStream<Prediction> predictions = AsyncDataStream.unorderedWait(
                        w.windows(),
                        new BatchedInference<>(modelRef, AvstreamJob.runtimeOptions(conf), MocapWindow.class, Prediction.class,
                                budget.toMillis(),
                                new TranslatorSettings(conf.get(JobOptions.TOP_K))),
                        Math.max(60_000L, 4 * budget.toMillis()), TimeUnit.MILLISECONDS,
                        conf.get(JobOptions.ASYNC_CAPACITY))
                .name("action-inference").uid("action-inference")
                .map(new LatencyMetrics()).name("latency-metrics").uid("latency-metrics");
        return new Outputs(predictions, w.deadLetters());
    }

    /** The graph up to closed windows, and the dead letters of the source. */
    public record Windows(DataStream<MocapWindow> windows, DataStream<DeadLetter> deadLetters) {}

    /**
     * The graph up to closed windows: the MoCap source (decoding and validation inside it), its dead
     * letters, frames reduced to the model's vertex subset, the per-stream windower.
     */
    public static Windows windows(StreamExecutionEnvironment env, Configuration conf, Io io, StmtPreprocessing stmt) {
        DecodingDeserializer<MocapFrame> deserializer = mocapDeserializer(conf, stmt);
        WindowSpec spec = windowSpec(conf, stmt.frames());
        SingleOutputStreamOperator<Stamped<MocapFrame>> frames = env
                .fromSource(io.mocapSource(), InputWatermarks.strategy(deserializer,
                        conf.get(ActionOptions.OUT_OF_ORDERNESS), conf.get(JobOptions.SOURCE_IDLENESS)), "mocap-source")
                .uid("mocap-source")
                .process(new DeadLetterRouter<>(deserializer.recordType()))
                .name("route-dead-letters").uid("route-dead-letters");
        DataStream<MocapWindow> windows = frames
                .map(new FrameReducer(stmt.preprocessor().subset(), stmt.topology().vertexCount()))
                .name("reduce-frames").uid("reduce-frames")
                .keyBy(f -> f.streamId)
                .process(new MocapWindower(spec))
                .name("mocap-windows").uid("mocap-windows");
        return new Windows(windows, frames.getSideOutput(DeadLetterRouter.DEAD_LETTERS));
    }

    /** The pipeline's window settings, with {@code frames} frames per window for the model. */
    public static WindowSpec windowSpec(Configuration conf, int frames) {
        return WindowSpec.builder()
                .optSpan(conf.get(ActionOptions.WINDOW_SPAN))
                .optHop(conf.get(ActionOptions.WINDOW_HOP))
                .optFrames(frames)
                .optNominalFps(conf.get(ActionOptions.FPS))
                .optMinCoverage(conf.get(ActionOptions.WINDOW_MIN_COVERAGE))
                .optIdleTimeout(conf.get(ActionOptions.STREAM_IDLE_TIMEOUT))
                .optOutOfOrderness(conf.get(ActionOptions.OUT_OF_ORDERNESS))
                .optStagger(conf.get(ActionOptions.WINDOW_STAGGER))
                .build();
    }
}
