package io.avstream.deploy;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;

import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.Topics;
import org.apache.flink.configuration.ConfigOption;

/**
 * The settings of the avstream job, as typed Flink options. On the command line each is given as
 * {@code --<key> <value>} (e.g. {@code --avstream.window.span 2s}); Kafka client properties pass
 * through untouched with the prefix {@code kafka.} (e.g. {@code --kafka.security.protocol SSL}).
 */
public final class JobOptions {
    private JobOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("avstream.kafka.bootstrap-servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka bootstrap servers (host:port,...). Required.");

    public static final ConfigOption<String> MOCAP_TOPIC = key("avstream.topic.mocap")
            .stringType().defaultValue(Topics.MOCAP).withDescription("Input topic of MoCap frames.");

    public static final ConfigOption<String> ACTION_TOPIC = key("avstream.topic.predictions.action")
            .stringType().defaultValue(Topics.PREDICTIONS_ACTION).withDescription("Output topic of action predictions.");

    public static final ConfigOption<String> DEADLETTER_TOPIC = key("avstream.topic.deadletter")
            .stringType().defaultValue(Topics.DEADLETTER).withDescription("Dead-letter topic.");

    public static final ConfigOption<String> GROUP_ID = key("avstream.kafka.group-id")
            .stringType().defaultValue("avstream-action").withDescription("Consumer group of the input source.");

    public static final ConfigOption<String> DELIVERY = key("avstream.delivery")
            .stringType().defaultValue("exactly-once")
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

    public static final ConfigOption<Duration> WINDOW_SPAN = key("avstream.window.span")
            .durationType().defaultValue(Duration.ofSeconds(2)).withDescription("Window length (event time).");

    public static final ConfigOption<Duration> WINDOW_HOP = key("avstream.window.hop")
            .durationType().defaultValue(Duration.ofSeconds(1)).withDescription("Window hop (event time).");

    public static final ConfigOption<WindowSpec.Stagger> WINDOW_STAGGER = key("avstream.window.stagger")
            .enumType(WindowSpec.Stagger.class).defaultValue(WindowSpec.Stagger.ALIGNED)
            .withDescription("ALIGNED: every stream's windows start at multiples of the hop, so all streams close a window "
                    + "at the same instants and inference comes in one burst per hop. PER_STREAM: each stream's windows "
                    + "are shifted by a fixed offset in [0, hop) from its id (FNV-1a of the id modulo the hop, whole ms), "
                    + "which spreads inference over the hop and lowers tail latency with many streams. Changing it on a "
                    + "running job moves the boundaries of the streams that start (or resume after going idle) "
                    + "afterwards; restored streams keep theirs.");

    public static final ConfigOption<Double> WINDOW_MIN_COVERAGE = key("avstream.window.min-coverage")
            .doubleType().defaultValue(0.8)
            .withDescription("Share of the expected frames (span x fps) a window must hold to be predicted.");

    public static final ConfigOption<Double> MOCAP_FPS = key("avstream.mocap.fps")
            .doubleType().defaultValue(25.0).withDescription("Nominal MoCap frame rate.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = key("avstream.watermark.out-of-orderness")
            .durationType().defaultValue(Duration.ofMillis(200))
            .withDescription("How far behind its stream's newest frame a frame may arrive and still be used; "
                    + "a window closes when its stream has a frame this far past the window's end.");

    public static final ConfigOption<Duration> SOURCE_IDLENESS = key("avstream.watermark.idleness")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("After how long without records a partition stops holding back the watermark.");

    public static final ConfigOption<Duration> STREAM_IDLE_TIMEOUT = key("avstream.window.idle-timeout")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("A stream silent this long (processing time) has its open windows closed with what they hold, "
                    + "and its state dropped.");

    public static final ConfigOption<String> ACTION_MODEL = key("avstream.model.action")
            .stringType().defaultValue("classpath:stmt-small")
            .withDescription("Action model package: classpath:<name> or a directory on every TaskManager.");

    public static final ConfigOption<String> ENGINE = key("avstream.model.engine")
            .stringType().defaultValue("onnxruntime-cpu")
            .withDescription("onnxruntime-cpu, onnxruntime-cuda, onnxruntime-tensorrt or djl-tensorrt.");

    public static final ConfigOption<Integer> MAX_BATCH = key("avstream.batch.max-size")
            .intType().defaultValue(4).withDescription("Largest batch handed to the engine (ONNX Runtime on CPU gains ~nothing from "
                    + "larger batches, see docs/performance.md; GPU engines want 16 or more).");

    public static final ConfigOption<Duration> MAX_DELAY = key("avstream.batch.max-delay")
            .durationType().defaultValue(Duration.ofMillis(10))
            .withDescription("Longest time the oldest request waits for a batch to fill.");

    public static final ConfigOption<Integer> WORKERS = key("avstream.batch.workers")
            .intType().defaultValue(1).withDescription("Inference threads per TaskManager, each with its own predictor.");

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

    public static final ConfigOption<String> STARTING_OFFSETS = key("avstream.source.starting-offsets")
            .stringType().defaultValue("committed-or-earliest")
            .withDescription("committed-or-earliest, earliest or latest.");
}
