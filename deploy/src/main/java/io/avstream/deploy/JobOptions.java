package io.avstream.deploy;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;

import java.util.List;

import io.avstream.deploy.pipeline.StartingOffsets;
import io.avstream.models.Engine;
import io.avstream.schemas.Topics;
import io.avstream.sinks.DeliveryMode;
import org.apache.flink.configuration.ConfigOption;

/**
 * The settings of the avstream job that every pipeline shares, as typed Flink options (each pipeline's
 * own are in its options class, e.g. {@code ActionOptions}). On the command line each is given as
 * {@code --<key> <value>} (e.g. {@code --avstream.action.window.span 2s}); Kafka client properties pass
 * through untouched with the prefix {@code kafka.} (e.g. {@code --kafka.security.protocol SSL}).
 */
public final class JobOptions {
    private JobOptions() {}

    public static final ConfigOption<List<String>> PIPELINES = key("avstream.pipelines")
            .stringType().asList().defaultValues("action")
            .withDescription("The pipelines the job runs, separated by commas or semicolons (each with its options under avstream.<name>.*): action.");

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("avstream.kafka.bootstrap-servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka bootstrap servers (host:port,...). Required.");

    public static final ConfigOption<String> DEADLETTER_TOPIC = key("avstream.topic.deadletter")
            .stringType().defaultValue(Topics.DEADLETTER).withDescription("Dead-letter topic.");

    public static final ConfigOption<String> GROUP_ID = key("avstream.kafka.group-id")
            .stringType().defaultValue("avstream-action").withDescription("Consumer group of the input source.");

    public static final ConfigOption<DeliveryMode> DELIVERY = key("avstream.delivery")
            .enumType(DeliveryMode.class).defaultValue(DeliveryMode.EXACTLY_ONCE)
            .withDescription("exactly-once (Kafka transactions at checkpoints; output visible after each checkpoint) or at-least-once.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = key("avstream.kafka.transactional-id-prefix")
            .stringType().defaultValue("avstream-action")
            .withDescription("Prefix of the sinks' transactional ids (exactly-once); unique per job on a cluster.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = key("avstream.checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("Checkpoint interval; with exactly-once, predictions become visible at this pace.");

    public static final ConfigOption<Duration> BUFFER_TIMEOUT = key("avstream.network.buffer-timeout")
            .durationType().defaultValue(Duration.ofMillis(5))
            .withDescription("Longest time a record waits in a network buffer between operators (Flink's default is 100 ms); "
                    + "lower is lower latency for a little throughput.");

    public static final ConfigOption<Duration> SOURCE_IDLENESS = key("avstream.watermark.idleness")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("After how long without records a partition stops holding back the watermark.");

    public static final ConfigOption<Engine> ENGINE = key("avstream.model.engine")
            .enumType(Engine.class).defaultValue(Engine.ORT_CPU)
            .withDescription("onnxruntime-cpu, onnxruntime-cuda, onnxruntime-tensorrt or djl-tensorrt.");

    public static final ConfigOption<Integer> MAX_BATCH = key("avstream.batch.max-size")
            .intType().defaultValue(4).withDescription("Largest batch handed to the engine (ONNX Runtime on CPU gains ~nothing from "
                    + "larger batches, see docs/performance.md; GPU engines want 16 or more).");

    public static final ConfigOption<Duration> MAX_DELAY = key("avstream.batch.max-delay")
            .durationType().defaultValue(Duration.ofMillis(10))
            .withDescription("Longest time the oldest request waits for a batch to fill.");

    public static final ConfigOption<Integer> WORKERS = key("avstream.batch.workers")
            .intType().defaultValue(0).withDescription("Inference threads per TaskManager and model, each with its own predictor; "
                    + "0 (the default) = one per core of the TaskManager (engine threads = cores was the fastest setting on CPU, "
                    + "docs/performance.md; with intra-op threads > 1, set it so that workers x intra-op threads = cores).");

    public static final ConfigOption<Integer> QUEUE_CAPACITY = key("avstream.batch.queue-capacity")
            .intType().defaultValue(1024).withDescription("Requests the batcher queues before it sheds.");

    public static final ConfigOption<Integer> INTRA_OP_THREADS = key("avstream.model.intra-op-threads")
            .intType().defaultValue(1).withDescription("Engine threads per inference call.");

    public static final ConfigOption<Duration> LATENCY_BUDGET = key("avstream.latency.budget")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("A window that cannot be predicted within this time after it closes is shed (counted).");

    public static final ConfigOption<Integer> ASYNC_CAPACITY = key("avstream.inference.async-capacity")
            .intType().defaultValue(128).withDescription("Windows in flight per inference subtask.");

    public static final ConfigOption<Integer> TOP_K = key("avstream.prediction.top-k")
            .intType().defaultValue(3).withDescription("Labels written per prediction.");

    public static final ConfigOption<Integer> MAX_PAYLOAD_BYTES = key("avstream.input.max-payload-bytes")
            .intType().defaultValue(1 << 20).withDescription("Records larger than this go to the dead-letter topic.");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW = key("avstream.input.max-future-skew")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("Capture times further in the future than this go to the dead-letter topic.");

    public static final ConfigOption<Boolean> BOUNDED = key("avstream.source.bounded")
            .booleanType().defaultValue(false)
            .withDescription("Stop at the input topics' latest offsets as of job start (tests, back-fills).");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = key("avstream.source.starting-offsets")
            .enumType(StartingOffsets.class).defaultValue(StartingOffsets.COMMITTED_OR_EARLIEST)
            .withDescription("committed-or-earliest, earliest or latest.");
}
