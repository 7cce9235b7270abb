package io.avstream.ingest.kafka;

import io.avstream.ingest.validate.Decoded;
import io.avstream.ingest.validate.Rejection;
import io.avstream.ingest.validate.SpeakerEnrolmentDecoder;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.SpeakerEnrolment;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The speakers topic's records: enrolments decoded and checked ({@link SpeakerEnrolmentDecoder}), and deletions (a
 * null value, compaction's tombstone) passed on as {@link SpeakerEnrolmentDecoder#deletion} of the key's speaker. A
 * deletion without a key, or with a key that is not UTF-8, is a dead letter. Never throws.
 */
public final class SpeakerEnrolmentDeserializer implements KafkaRecordDeserializationSchema<Decoded<SpeakerEnrolment>> {
    private static final long serialVersionUID = 1L;

    private final SpeakerEnrolmentDecoder decoder;
    private final DecodingDeserializer<SpeakerEnrolment> enrolments;

    public SpeakerEnrolmentDeserializer(SpeakerEnrolmentDecoder decoder) {
        this.decoder = decoder;
        this.enrolments = new DecodingDeserializer<>(decoder);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<SpeakerEnrolment>> out) {
        RawRecord raw = new RawRecord(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.key(), record.value());
        out.collect(decode(raw));
    }

    /** Decodes one raw record: an enrolment, a deletion, or a dead letter. */
    public Decoded<SpeakerEnrolment> decode(RawRecord raw) {
        if (raw.value != null) {
            return enrolments.decode(raw);
        }
        if (raw.key == null) {
            return Decoded.bad(decoder.deadLetter(raw, new Rejection(ReasonCode.MISSING_KEY,
                    "a deletion (null value) needs the speaker id as its key")));
        }
        String id = SpeakerEnrolmentDecoder.keyText(raw.key);
        if (id == null || id.isEmpty()) {
            return Decoded.bad(decoder.deadLetter(raw, new Rejection(ReasonCode.KEY_MISMATCH,
                    "a deletion's key must be a speaker id in UTF-8")));
        }
        return Decoded.ok(new Stamped<>(SpeakerEnrolmentDecoder.deletion(id, raw.timestampMs * 1000L), raw.timestampMs));
    }

    /** Event time of a decoded record: its enrolment time; dead letters carry none. */
    public long eventTimeMs(Decoded<SpeakerEnrolment> d) {
        return enrolments.eventTimeMs(d);
    }

    @Override
    public TypeInformation<Decoded<SpeakerEnrolment>> getProducedType() {
        return enrolments.getProducedType();
    }

    /** The type information of the valid records. */
    public TypeInformation<Stamped<SpeakerEnrolment>> recordType() {
        return enrolments.recordType();
    }
}
