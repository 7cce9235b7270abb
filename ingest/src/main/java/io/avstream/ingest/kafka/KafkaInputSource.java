package io.avstream.ingest.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Builds the Kafka source of one input topic with the given deserializer (for input topics a
 * {@link DecodingDeserializer}, which never fails on a bad record), reading {@code read_committed}.
 *
 * <pre>{@code
 * KafkaSource<Decoded<MocapFrame>> source = KafkaInputSource.builder(new DecodingDeserializer<>(decoder))
 *     .setBootstrapServers("127.0.0.1:9092")
 *     .setTopic(Topics.MOCAP)
 *     .setGroupId("avstream-action")
 *     .build();
 * }</pre>
 */
public final class KafkaInputSource {

    private KafkaInputSource() {}

    /** A new builder for a source that emits what {@code deserializer} makes of each record. */
    public static <T> Builder<T> builder(KafkaRecordDeserializationSchema<T> deserializer) {
        return new Builder<>(deserializer);
    }

    /** Builder of the input source; {@code set*} are required, {@code opt*} optional. */
    public static final class Builder<T> {
        private final KafkaRecordDeserializationSchema<T> deserializer;
        private String bootstrapServers;
        private final List<String> topics = new ArrayList<>();
        private String groupId;
        private OffsetsInitializer startingOffsets = OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        private OffsetsInitializer stoppingOffsets;
        private final Properties properties = new Properties();

        private Builder(KafkaRecordDeserializationSchema<T> deserializer) {
            this.deserializer = deserializer;
        }

        public Builder<T> setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder<T> setTopic(String topic) {
            this.topics.add(topic);
            return this;
        }

        public Builder<T> setGroupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** Where to start when the group has no committed offset; default: committed, else earliest. */
        public Builder<T> optStartingOffsets(OffsetsInitializer startingOffsets) {
            this.startingOffsets = startingOffsets;
            return this;
        }

        /** Makes the source bounded: it stops at these offsets (e.g. {@code OffsetsInitializer.latest()}). */
        public Builder<T> optBounded(OffsetsInitializer stoppingOffsets) {
            this.stoppingOffsets = stoppingOffsets;
            return this;
        }

        /** Kafka consumer properties passed through untouched (security settings among them). */
        public Builder<T> optProperties(Properties props) {
            this.properties.putAll(props);
            return this;
        }

        /** Checks the settings and builds the source. */
        public KafkaSource<T> build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers are required: call setBootstrapServers(\"host:port\")");
            }
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("an input topic is required: call setTopic(name)");
            }
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("a consumer group id is required: call setGroupId(id)");
            }
            Properties props = consumerProperties(properties);
            KafkaSourceBuilder<T> b = KafkaSource.<T>builder()
                    .setBootstrapServers(bootstrapServers)
                    .setTopics(topics)
                    .setGroupId(groupId)
                    .setStartingOffsets(startingOffsets)
                    .setDeserializer(deserializer)
                    .setProperties(props);
            if (stoppingOffsets != null) {
                b.setBounded(stoppingOffsets);
            }
            return b.build();
        }
    }

    /**
     * The consumer properties of a source: the given ones (they win), over the source's defaults (read
     * committed, partition discovery, offsets committed on checkpoints, and settings for large records).
     */
    static Properties consumerProperties(Properties given) {
        Properties props = new Properties();
        props.putAll(given);
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent("partition.discovery.interval.ms", "10000");
        props.putIfAbsent("commit.offsets.on.checkpoint", "true");
        // sensor records are large (a MoCap frame 24 KB): the OS's socket buffer autotuning instead of the
        // consumer's 64 KB, and 4 MB per partition and fetch instead of 1 MB (bench's trivial-model job: about
        // 1.3x the windows/s; docs/performance.md)
        props.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, "-1");
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
        return props;
    }
}
