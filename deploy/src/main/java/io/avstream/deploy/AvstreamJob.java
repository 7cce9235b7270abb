package io.avstream.deploy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.avstream.ingest.InputWatermarks;
import io.avstream.ingest.kafka.DecodingDeserializer;
import io.avstream.ingest.kafka.KafkaInputSource;
import io.avstream.ingest.validate.DeadLetterRouter;
import io.avstream.ingest.validate.Decoded;
import io.avstream.ingest.validate.InputLimits;
import io.avstream.ingest.validate.MocapFrameDecoder;
import io.avstream.models.Engine;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.inference.BatchedInference;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.action.StmtPreprocessing;
import io.avstream.operators.action.FrameReducer;
import io.avstream.operators.window.MocapWindow;
import io.avstream.operators.action.MocapWindower;
import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.Stamped;
import io.avstream.sinks.AvroKafkaSink;
import io.avstream.sinks.DeliveryMode;
import io.avstream.sinks.LatencyMetrics;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The avstream job: MoCap frames from Kafka, decoded and validated (bad records to the dead-letter
 * sink), cut into per-stream windows, run through the action model in batches, predictions to Kafka.
 * {@link #build} lays out the graph from given sources and sinks; {@link #main} only wires.
 */
public final class AvstreamJob {

    private AvstreamJob() {}

    /**
     * The sources and sinks the graph is built on; tests and {@code demo} pass their own. The MoCap
     * source emits decoded frames or dead letters ({@link #mocapDecoder}), watermarked per partition.
     */
    public record Io(Source<Decoded<MocapFrame>, ?, ?> mocapSource, Sink<Prediction> predictionSink, Sink<DeadLetter> deadLetterSink) {}

    /** Entry point for {@code flink run}: {@code --avstream.kafka.bootstrap-servers host:port [--key value ...]}. */
    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configureEnvironment(env, config.flink());
        build(env, config.flink(), kafkaIo(config.flink(), config.kafkaProperties()));
        env.execute("avstream");
    }

    /**
     * Checkpointing (exactly-once barriers) at the configured interval, network buffer timeout, object
     * reuse between chained operators.
     *
     * <p>Object reuse: without it Flink deep-copies every record handed from one chained operator to the
     * next, and the decoded MoCap frames (24 KB of vertices each) were copied twice before being reduced
     * to the model's vertices. No function of the job keeps or changes a record it has passed on: the
     * source's deserializer, the windower ({@code MocapWindow}) and the inference build a new object per
     * output, the windower stores frames that came over the network (always fresh objects), and every
     * operator's output goes to a single downstream operator.
     */
    public static void configureEnvironment(StreamExecutionEnvironment env, Configuration conf) {
        env.getConfig().enableObjectReuse();
        env.setBufferTimeout(conf.get(JobOptions.BUFFER_TIMEOUT).toMillis());
        env.enableCheckpointing(conf.get(JobOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(Math.min(500, conf.get(JobOptions.CHECKPOINT_INTERVAL).toMillis() / 2));
    }

    /** Kafka source and sinks from the configuration; {@code kafka} holds client properties passed through. */
    public static Io kafkaIo(Configuration conf, Properties kafka) {
        String bootstrap = conf.get(JobOptions.BOOTSTRAP_SERVERS);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("missing --" + JobOptions.BOOTSTRAP_SERVERS.key() + " host:port");
        }
        KafkaInputSource.Builder<Decoded<MocapFrame>> source = KafkaInputSource.builder(mocapDeserializer(conf))
                .setBootstrapServers(bootstrap)
                .setTopic(conf.get(JobOptions.MOCAP_TOPIC))
                .setGroupId(conf.get(JobOptions.GROUP_ID))
                .optStartingOffsets(startingOffsets(conf.get(JobOptions.STARTING_OFFSETS)))
                .optProperties(kafka);
        if (conf.get(JobOptions.BOUNDED)) {
            source.optBounded(OffsetsInitializer.latest());
        }
        DeliveryMode delivery = DeliveryMode.parse(conf.get(JobOptions.DELIVERY));
        String prefix = conf.get(JobOptions.TRANSACTIONAL_ID_PREFIX);
        Sink<Prediction> predictions = AvroKafkaSink.builder(Prediction.class, Prediction::getStreamId)
                .setBootstrapServers(bootstrap)
                .setTopic(conf.get(JobOptions.ACTION_TOPIC))
                .optDelivery(delivery, prefix + "-predictions")
                .optProperties(kafka)
                .build();
        Sink<DeadLetter> deadLetters = AvroKafkaSink.builder(DeadLetter.class, DeadLetter::getStreamId)
                .setBootstrapServers(bootstrap)
                .setTopic(conf.get(JobOptions.DEADLETTER_TOPIC))
                .optDelivery(delivery, prefix + "-deadletters")
                .optProperties(kafka)
                .build();
        return new Io(source.build(), predictions, deadLetters);
    }

    private static OffsetsInitializer startingOffsets(String s) {
        return switch (s) {
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            case "committed-or-earliest" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            default -> throw new IllegalArgumentException("unknown starting offsets '" + s
                    + "': use committed-or-earliest, earliest or latest");
        };
    }

    /**
     * The deserializer of the MoCap topic: decodes and validates frames of the action model's mesh
     * topology within the configured limits.
     */
    public static DecodingDeserializer<MocapFrame> mocapDeserializer(Configuration conf) {
        StmtPreprocessing stmt = StmtPreprocessing.of(ModelRef.of(conf.get(JobOptions.ACTION_MODEL)).load());
        InputLimits limits = InputLimits.builder()
                .optMaxPayloadBytes(conf.get(JobOptions.MAX_PAYLOAD_BYTES))
                .optMaxFutureSkew(conf.get(JobOptions.MAX_FUTURE_SKEW))
                .build();
        return new DecodingDeserializer<>(new MocapFrameDecoder(
                Map.of(stmt.topology().id(), stmt.topology().vertexCount()), limits));
    }

    /** Lays out the job graph. Loads the model package once here to read its preprocessing. */
    public static DataStream<Prediction> build(StreamExecutionEnvironment env, Configuration conf, Io io) {
        ModelRef modelRef = ModelRef.of(conf.get(JobOptions.ACTION_MODEL));
        StmtPreprocessing stmt = StmtPreprocessing.of(modelRef.load());
        Duration budget = conf.get(JobOptions.LATENCY_BUDGET);
        DataStream<Prediction> predictions = AsyncDataStream.unorderedWait(
                        windows(env, conf, io, stmt),
                        new BatchedInference<>(modelRef, runtimeOptions(conf), MocapWindow.class, budget.toMillis(),
                                new TranslatorSettings(conf.get(JobOptions.TOP_K))),
                        Math.max(60_000L, 4 * budget.toMillis()), TimeUnit.MILLISECONDS,
                        conf.get(JobOptions.ASYNC_CAPACITY))
                .name("action-inference").uid("action-inference")
                .map(new LatencyMetrics()).name("latency-metrics").uid("latency-metrics");

        predictions.sinkTo(io.predictionSink()).name("prediction-sink").uid("prediction-sink");
        return predictions;
    }

    /**
     * The graph up to closed windows: the MoCap source (decoding and validation inside it), dead
     * letters to their sink, frames reduced to the model's vertex subset, the per-stream windower.
     */
    public static DataStream<MocapWindow> windows(StreamExecutionEnvironment env, Configuration conf, Io io,
            StmtPreprocessing stmt) {
        DecodingDeserializer<MocapFrame> deserializer = mocapDeserializer(conf);
        WindowSpec spec = WindowSpec.builder()
                .optSpan(conf.get(JobOptions.WINDOW_SPAN))
                .optHop(conf.get(JobOptions.WINDOW_HOP))
                .optFrames(stmt.frames())
                .optNominalFps(conf.get(JobOptions.MOCAP_FPS))
                .optMinCoverage(conf.get(JobOptions.WINDOW_MIN_COVERAGE))
                .optIdleTimeout(conf.get(JobOptions.STREAM_IDLE_TIMEOUT))
                .optOutOfOrderness(conf.get(JobOptions.OUT_OF_ORDERNESS))
                .optStagger(conf.get(JobOptions.WINDOW_STAGGER))
                .build();

        SingleOutputStreamOperator<Stamped<MocapFrame>> frames = env
                .fromSource(io.mocapSource(), InputWatermarks.strategy(deserializer,
                        conf.get(JobOptions.OUT_OF_ORDERNESS), conf.get(JobOptions.SOURCE_IDLENESS)), "mocap-source")
                .uid("mocap-source")
                .process(new DeadLetterRouter<>(deserializer.recordType()))
                .name("route-dead-letters").uid("route-dead-letters");

        frames.getSideOutput(DeadLetterRouter.DEAD_LETTERS)
                .sinkTo(io.deadLetterSink()).name("dead-letter-sink").uid("dead-letter-sink");

        return frames
                .map(new FrameReducer(stmt.preprocessor().subset(), stmt.topology().vertexCount()))
                .name("reduce-frames").uid("reduce-frames")
                .keyBy(f -> f.streamId)
                .process(new MocapWindower(spec))
                .name("mocap-windows").uid("mocap-windows");
    }

    static RuntimeOptions runtimeOptions(Configuration conf) {
        return RuntimeOptions.builder()
                .optEngine(Engine.parse(conf.get(JobOptions.ENGINE)))
                .optMaxBatch(conf.get(JobOptions.MAX_BATCH))
                .optMaxDelay(conf.get(JobOptions.MAX_DELAY))
                .optQueueCapacity(conf.get(JobOptions.QUEUE_CAPACITY))
                .optWorkers(conf.get(JobOptions.WORKERS))
                .optIntraOpThreads(conf.get(JobOptions.INTRA_OP_THREADS))
                .build();
    }
}
