package io.avstream.ingest.kafka;

import java.util.Map;

import io.avstream.ingest.validate.Decoded;
import io.avstream.ingest.validate.RecordDecoder;
import io.avstream.ingest.validate.Rejection;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.Stamped;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes and validates records inside the Kafka source, so that event-time watermarks are generated
 * per partition from the records' capture times. It never throws: a bad record becomes a
 * {@link Decoded} dead letter, which {@link io.avstream.ingest.validate.DeadLetterRouter} sends on.
 *
 * @param <T> the record type of the topic
 */
public final class DecodingDeserializer<T extends SpecificRecordBase> implements KafkaRecordDeserializationSchema<Decoded<T>> {
    private static final long serialVersionUID = 1L;

    private final RecordDecoder<T> decoder;

    public DecodingDeserializer(RecordDecoder<T> decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<T>> out) {
        RawRecord raw = new RawRecord(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.key(), record.value());
        out.collect(decode(raw));
    }

    /** Decodes one raw record into a valid record or a dead letter. */
    public Decoded<T> decode(RawRecord raw) {
        try {
            return Decoded.ok(new Stamped<>(decoder.decode(raw), raw.timestampMs));
        } catch (Rejection r) {
            return Decoded.bad(decoder.deadLetter(raw, r));
        }
    }

    /** Event time of a decoded record: its capture time; dead letters carry none. */
    public long eventTimeMs(Decoded<T> d) {
        return d.record == null ? Long.MIN_VALUE : Math.floorDiv(decoder.captureTimeUs(d.record.record), 1000L);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeInformation<Decoded<T>> getProducedType() {
        TypeInformation<Stamped<T>> stamped = (TypeInformation) Types.POJO(Stamped.class, Map.of(
                "record", new AvroTypeInfo<>(decoder.type()),
                "kafkaTimestampMs", Types.LONG));
        return (TypeInformation) Types.POJO(Decoded.class, Map.of(
                "record", stamped,
                "deadLetter", new AvroTypeInfo<>(DeadLetter.class)));
    }

    /** The type information of the valid records. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeInformation<Stamped<T>> recordType() {
        return (TypeInformation) Types.POJO(Stamped.class, Map.of(
                "record", new AvroTypeInfo<>(decoder.type()),
                "kafkaTimestampMs", Types.LONG));
    }
}
