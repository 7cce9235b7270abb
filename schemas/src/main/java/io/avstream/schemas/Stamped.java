package io.avstream.schemas;

/**
 * A decoded input record with the Kafka timestamp of the record that carried it (the broker's
 * append time, or the producer's create time), kept for the latency record of predictions.
 * A Flink POJO; its type information comes from the decoding step of the job.
 *
 * @param <T> the Avro record type
 */
public class Stamped<T> {
    public T record;
    /** Kafka record timestamp, epoch milliseconds. */
    public long kafkaTimestampMs;

    public Stamped() {}

    public Stamped(T record, long kafkaTimestampMs) {
        this.record = record;
        this.kafkaTimestampMs = kafkaTimestampMs;
    }

    @Override
    public String toString() {
        return "Stamped{" + record + " @" + kafkaTimestampMs + "}";
    }
}
