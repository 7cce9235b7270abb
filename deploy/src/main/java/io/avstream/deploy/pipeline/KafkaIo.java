package io.avstream.deploy.pipeline;

import java.util.Properties;

import io.avstream.ingest.kafka.DecodingDeserializer;
import io.avstream.ingest.kafka.KafkaInputSource;
import io.avstream.ingest.validate.Decoded;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.Prediction;
import io.avstream.sinks.AvroKafkaSink;
import io.avstream.sinks.DeliveryMode;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;

/**
 * The job's Kafka settings that every pipeline shares (bootstrap servers, consumer group, starting
 * offsets, bounded reading, delivery, transactional id prefix, client properties), and the sources
 * and sinks built from them.
 */
public final class KafkaIo {
    private final String bootstrapServers;
    private final String groupId;
    private final StartingOffsets startingOffsets;
    private final boolean bounded;
    private final DeliveryMode delivery;
    private final String transactionalIdPrefix;
    private final Properties properties;

    /** The settings; {@code properties} are Kafka client properties passed to every client untouched. */
    public KafkaIo(String bootstrapServers, String groupId, StartingOffsets startingOffsets, boolean bounded,
            DeliveryMode delivery, String transactionalIdPrefix, Properties properties) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("missing --avstream.kafka.bootstrap-servers host:port");
        }
        this.bootstrapServers = bootstrapServers;
        this.groupId = groupId;
        this.startingOffsets = startingOffsets;
        this.bounded = bounded;
        this.delivery = delivery;
        this.transactionalIdPrefix = transactionalIdPrefix;
        this.properties = properties;
    }

    /** A source of one topic that decodes and validates inside the source (bad records become dead letters). */
    public <T extends SpecificRecordBase> Source<Decoded<T>, ?, ?> source(DecodingDeserializer<T> deserializer, String topic) {
        return source(deserializer, topic, startingOffsets.initializer());
    }

    /**
     * A source of a compacted directory topic (e.g. the enrolled speakers): read from its beginning when the job starts
     * without a checkpoint, whatever the job's starting offsets, so that every entry is known; from the checkpoint's
     * offsets after a restore. Decodes and validates inside the source.
     */
    public <T> Source<T, ?, ?> directorySource(KafkaRecordDeserializationSchema<T> deserializer, String topic) {
        return source(deserializer, topic, OffsetsInitializer.earliest());
    }

    private <T> Source<T, ?, ?> source(KafkaRecordDeserializationSchema<T> deserializer, String topic,
            OffsetsInitializer start) {
        KafkaInputSource.Builder<T> source = KafkaInputSource.builder(deserializer)
                .setBootstrapServers(bootstrapServers)
                .setTopic(topic)
                .setGroupId(groupId)
                .optStartingOffsets(start)
                .optProperties(properties);
        if (bounded) {
            source.optBounded(OffsetsInitializer.latest());
        }
        return source.build();
    }

    /**
     * The sink of a pipeline's predictions; with exactly-once its transactional ids are the prefix, a
     * dash and {@code transactionName}.
     */
    public Sink<Prediction> predictionSink(String topic, String transactionName) {
        return AvroKafkaSink.builder(Prediction.class, Prediction::getStreamId)
                .setBootstrapServers(bootstrapServers)
                .setTopic(topic)
                .optDelivery(delivery, transactionalIdPrefix + "-" + transactionName)
                .optTimestamp(Prediction::getWindowEndUs)
                .optProperties(properties)
                .build();
    }

    /** The one dead-letter sink of the job. */
    public Sink<DeadLetter> deadLetterSink(String topic) {
        return AvroKafkaSink.builder(DeadLetter.class, DeadLetter::getStreamId)
                .setBootstrapServers(bootstrapServers)
                .setTopic(topic)
                .optDelivery(delivery, transactionalIdPrefix + "-deadletters")
                .optProperties(properties)
                .build();
    }
}
