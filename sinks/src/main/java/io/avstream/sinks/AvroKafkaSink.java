package io.avstream.sinks;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

import io.avstream.schemas.AvroCodec;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds a Kafka sink that writes Avro records (single-object encoding, see {@code schemas/README.md})
 * keyed by stream id, exactly-once or at-least-once; its writer sends what it buffered before it closes
 * ({@link FlushingKafkaSink}), so that {@code flink stop} never fails on records of the aborted last
 * transaction.
 *
 * <pre>{@code
 * Sink<Prediction> sink = AvroKafkaSink.builder(Prediction.class, Prediction::getStreamId)
 *     .setBootstrapServers("127.0.0.1:9092")
 *     .setTopic(Topics.PREDICTIONS_ACTION)
 *     .optDelivery(DeliveryMode.EXACTLY_ONCE, "avstream-action")
 *     .build();
 * }</pre>
 */
public final class AvroKafkaSink {

    /** The broker's default maximum transaction timeout; the sink's default (1 h) exceeds it. */
    public static final int TRANSACTION_TIMEOUT_MS = 600_000;

    private AvroKafkaSink() {}

    /** The Kafka sink inside a sink that {@link Builder#build()} made (to inspect its settings), or null for another sink. */
    public static KafkaSink<?> kafkaSinkOf(Sink<?> sink) {
        return sink instanceof FlushingKafkaSink<?> f ? f.delegate() : null;
    }

    /** A builder for records of {@code type}, keyed by {@code key}. */
    public static <T extends SpecificRecordBase> Builder<T> builder(Class<T> type, SerializableFunction<T, String> key) {
        return new Builder<>(type, key);
    }

    /** Builder; {@code set*} required, {@code opt*} optional. */
    public static final class Builder<T extends SpecificRecordBase> {
        private final Class<T> type;
        private final SerializableFunction<T, String> key;
        private String bootstrapServers;
        private String topic;
        private DeliveryMode delivery = DeliveryMode.AT_LEAST_ONCE;
        private String transactionalIdPrefix;
        private SerializableFunction<T, Long> timestampUs;
        private final Properties properties = new Properties();

        private Builder(Class<T> type, SerializableFunction<T, String> key) {
            this.type = type;
            this.key = key;
        }

        public Builder<T> setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder<T> setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        /**
         * Delivery mode; exactly-once needs a transactional id prefix unique to this sink among all
         * jobs writing to the cluster.
         */
        public Builder<T> optDelivery(DeliveryMode delivery, String transactionalIdPrefix) {
            this.delivery = delivery;
            this.transactionalIdPrefix = transactionalIdPrefix;
            return this;
        }

        /**
         * The Kafka record timestamp of each record, from the record itself (epoch microseconds; written
         * in milliseconds), e.g. a prediction's window end. Without it the record's stream timestamp is
         * used, except the end-of-input timer's {@code Long.MAX_VALUE} and negative ones, for which the
         * producer's clock is.
         */
        public Builder<T> optTimestamp(SerializableFunction<T, Long> timestampUs) {
            this.timestampUs = timestampUs;
            return this;
        }

        /** Kafka producer properties passed through untouched (security settings among them). */
        public Builder<T> optProperties(Properties props) {
            this.properties.putAll(props);
            return this;
        }

        /** Checks the settings and builds the sink. */
        public Sink<T> build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers are required: call setBootstrapServers(\"host:port\")");
            }
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("an output topic is required: call setTopic(name)");
            }
            if (delivery == null) {
                throw new IllegalArgumentException("a delivery mode is required");
            }
            if (delivery == DeliveryMode.EXACTLY_ONCE && (transactionalIdPrefix == null || transactionalIdPrefix.isBlank())) {
                throw new IllegalArgumentException("exactly-once delivery needs a transactional id prefix: optDelivery(EXACTLY_ONCE, \"prefix\")");
            }
            Properties props = new Properties();
            props.putAll(properties);
            props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(TRANSACTION_TIMEOUT_MS));
            props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
            props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            var b = KafkaSink.<T>builder()
                    .setBootstrapServers(bootstrapServers)
                    .setRecordSerializer(new Serializer<>(type, topic, key, timestampUs))
                    .setDeliveryGuarantee(delivery.guarantee())
                    .setKafkaProducerConfig(props);
            if (delivery == DeliveryMode.EXACTLY_ONCE) {
                b.setTransactionalIdPrefix(transactionalIdPrefix);
            }
            return new FlushingKafkaSink<>(b.build());
        }
    }

    /**
     * Serialises one record: key = stream id (UTF-8), value = Avro single-object encoding, timestamp
     * from the record ({@link Builder#optTimestamp}) or its stream timestamp where that is a real time.
     */
    static final class Serializer<T extends SpecificRecordBase> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final AvroCodec<T> codec;
        private final String topic;
        private final SerializableFunction<T, String> key;
        private final SerializableFunction<T, Long> timestampUs;

        Serializer(Class<T> type, String topic, SerializableFunction<T, String> key, SerializableFunction<T, Long> timestampUs) {
            this.codec = AvroCodec.forClass(type);
            this.topic = topic;
            this.key = key;
            this.timestampUs = timestampUs;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            String k = key.apply(element);
            Long ts;
            if (timestampUs != null) {
                ts = Math.floorDiv(timestampUs.apply(element), 1000L);
            } else {
                ts = timestamp;
            }
            if (ts != null && (ts < 0 || ts == Long.MAX_VALUE)) {
                // an end-of-input timer's timestamp passed through, or a clock before 1970: not a time
                // a broker keeps or accepts; the producer stamps the record instead
                ts = null;
            }
            return new ProducerRecord<>(topic, null, ts, k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                    codec.encode(element));
        }
    }
}
