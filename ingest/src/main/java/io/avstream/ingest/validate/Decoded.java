package io.avstream.ingest.validate;

import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.Stamped;

/**
 * What the source emits for one Kafka record: either the decoded, valid record with its Kafka
 * timestamp, or the dead letter that says why it could not be used. A Flink POJO.
 *
 * @param <T> the record type
 */
public class Decoded<T> {
    /** The valid record, or null. */
    public Stamped<T> record;
    /** The dead letter, or null. */
    public DeadLetter deadLetter;

    public Decoded() {}

    public static <T> Decoded<T> ok(Stamped<T> record) {
        Decoded<T> d = new Decoded<>();
        d.record = record;
        return d;
    }

    public static <T> Decoded<T> bad(DeadLetter deadLetter) {
        Decoded<T> d = new Decoded<>();
        d.deadLetter = deadLetter;
        return d;
    }

    public boolean isValid() {
        return record != null;
    }
}
