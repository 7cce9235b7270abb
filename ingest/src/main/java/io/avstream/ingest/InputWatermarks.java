package io.avstream.ingest;

import java.time.Duration;

import io.avstream.ingest.kafka.DecodingDeserializer;
import io.avstream.ingest.validate.Decoded;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event-time watermarks of an input source, generated per Kafka partition from the records'
 * capture times: bounded out-of-orderness, idle partitions ignored. Dead letters carry no time.
 */
public final class InputWatermarks {
    private InputWatermarks() {}

    /**
     * @param deserializer   the source's deserializer, which knows the records' capture times
     * @param outOfOrderness how late a record may arrive behind the newest one of its partition and still be used
     * @param idleness       after how long without records a partition stops holding back the watermark
     */
    public static <T extends SpecificRecordBase> WatermarkStrategy<Decoded<T>> strategy(DecodingDeserializer<T> deserializer,
            Duration outOfOrderness, Duration idleness) {
        return WatermarkStrategy.<Decoded<T>>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((d, previous) -> deserializer.eventTimeMs(d))
                .withIdleness(idleness);
    }
}
