package io.avstream.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.avstream.deploy.pipeline.KafkaIo;
import io.avstream.deploy.pipeline.Pipeline;
import io.avstream.deploy.pipeline.PipelineIo;
import io.avstream.deploy.pipeline.Pipelines;
import io.avstream.models.RuntimeOptions;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.Prediction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The avstream job: the pipelines named in {@code avstream.pipelines} (each its input topics, windows,
 * model and prediction topic; {@code action} today), their predictions to Kafka, and every pipeline's
 * dead letters to one dead-letter sink. {@link #build} lays out the graph from given sources and sinks;
 * {@link #main} only wires. Nothing here knows a modality: a pipeline is its own {@link Pipeline}.
 */
public final class AvstreamJob {

    private AvstreamJob() {}

    /**
     * The sources and sinks the graph is built on: each configured pipeline's own ({@link PipelineIo}), by
     * pipeline name, and the one dead-letter sink; tests and {@code demo} pass their own.
     */
    public record Io(Map<String, PipelineIo> pipelines, Sink<DeadLetter> deadLetterSink) {
        /** The IO of the pipeline called {@code name}. */
        public <T extends PipelineIo> T pipeline(String name, Class<T> type) {
            PipelineIo io = pipelines.get(name);
            if (io == null) {
                throw new IllegalArgumentException("no IO for pipeline '" + name + "' (have " + pipelines.keySet() + ")");
            }
            return type.cast(io);
        }
    }

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
     * source's deserializer, the windower and the inference build a new object per output, the windower
     * stores frames that came over the network (always fresh objects), and every operator's output goes
     * to a single downstream operator.
     */
    public static void configureEnvironment(StreamExecutionEnvironment env, Configuration conf) {
        env.getConfig().enableObjectReuse();
        env.setBufferTimeout(conf.get(JobOptions.BUFFER_TIMEOUT).toMillis());
        env.enableCheckpointing(conf.get(JobOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(Math.min(500, conf.get(JobOptions.CHECKPOINT_INTERVAL).toMillis() / 2));
    }

    /** The job's shared Kafka settings; {@code kafka} holds client properties passed through. */
    public static KafkaIo kafka(Configuration conf, Properties kafka) {
        return new KafkaIo(conf.get(JobOptions.BOOTSTRAP_SERVERS), conf.get(JobOptions.GROUP_ID),
                conf.get(JobOptions.STARTING_OFFSETS), conf.get(JobOptions.BOUNDED), conf.get(JobOptions.DELIVERY),
                conf.get(JobOptions.TRANSACTIONAL_ID_PREFIX), kafka);
    }

    /** Every configured pipeline's Kafka sources and sink, and the dead-letter sink, from the configuration. */
    public static Io kafkaIo(Configuration conf, Properties kafka) {
        KafkaIo k = kafka(conf, kafka);
        Map<String, PipelineIo> ios = new LinkedHashMap<>();
        for (Pipeline p : pipelines(conf)) {
            ios.put(p.name(), p.kafkaIo(conf, k));
        }
        return new Io(ios, k.deadLetterSink(conf.get(JobOptions.DEADLETTER_TOPIC)));
    }

    /** The configured pipelines ({@code avstream.pipelines}). */
    public static List<Pipeline> pipelines(Configuration conf) {
        return Pipelines.named(conf.get(JobOptions.PIPELINES));
    }

    /**
     * Lays out the job graph: each configured pipeline, its predictions to its sink, all dead letters to
     * one sink. Returns every pipeline's predictions.
     */
    public static DataStream<Prediction> build(StreamExecutionEnvironment env, Configuration conf, Io io) {
        DataStream<Prediction> all = null;
        DataStream<DeadLetter> deadLetters = null;
        for (Pipeline p : pipelines(conf)) {
            PipelineIo pio = io.pipelines().get(p.name());
            if (pio == null) {
                throw new IllegalArgumentException("pipeline '" + p.name() + "' is configured but the job was given no IO for it"
                        + " (have " + io.pipelines().keySet() + ")");
            }
            Pipeline.Outputs out = p.build(env, conf, pio);
            out.predictions().sinkTo(pio.predictionSink()).name(p.uid("prediction-sink")).uid(p.uid("prediction-sink"));
            all = all == null ? out.predictions() : all.union(out.predictions());
            deadLetters = deadLetters == null ? out.deadLetters() : deadLetters.union(out.deadLetters());
        }
        deadLetters.sinkTo(io.deadLetterSink()).name("dead-letter-sink").uid("dead-letter-sink");
        return all;
    }

    /** The engine and batching of the shared model instances. */
    public static RuntimeOptions runtimeOptions(Configuration conf) {
        return RuntimeOptions.builder()
                .optEngine(conf.get(JobOptions.ENGINE))
                .optMaxBatch(conf.get(JobOptions.MAX_BATCH))
                .optMaxDelay(conf.get(JobOptions.MAX_DELAY))
                .optQueueCapacity(conf.get(JobOptions.QUEUE_CAPACITY))
                .optWorkers(conf.get(JobOptions.WORKERS))
                .optIntraOpThreads(conf.get(JobOptions.INTRA_OP_THREADS))
                .build();
    }
}
