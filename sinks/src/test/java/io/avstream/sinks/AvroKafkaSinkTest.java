package io.avstream.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AvroKafkaSinkTest {

    private static Prediction prediction() {
        return Prediction.newBuilder().setPredictionId("s/action/1/m@1").setStreamId("s").setTask("action")
                .setModelName("m").setModelVersion("1").setWindowStartUs(0).setWindowEndUs(1)
                .setLatency(LatencyRecord.newBuilder().setCaptureTimeUs(0).setKafkaAppendTimeUs(0).setWindowCloseUs(0)
                        .setInferenceStartUs(0).setInferenceEndUs(0).setBatchSize(1).setQueueTimeUs(0).setEmitTimeUs(0).build())
                .build();
    }

    @Test
    void writesTheStreamIdAsKeyAndSingleObjectAvroAsValue() throws Exception {
        var serializer = new AvroKafkaSink.Serializer<>(Prediction.class, "out", Prediction::getStreamId, null);
        ProducerRecord<byte[], byte[]> r = serializer.serialize(prediction(), null, 42L);
        assertThat(r.topic()).isEqualTo("out");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("s");
        assertThat(r.timestamp()).isEqualTo(42L);
        assertThat(AvroCodec.forClass(Prediction.class).decode(r.value())).isEqualTo(prediction());
    }

    @Test
    void aWindowFlushedAtEndOfInputIsWrittenWithItsWindowEndNotTheTimersLongMaxValue() {
        // windows closed by the end-of-input timer reach the sink with the timer's timestamp, Long.MAX_VALUE
        var predictions = new AvroKafkaSink.Serializer<>(Prediction.class, "out", Prediction::getStreamId,
                Prediction::getWindowEndUs);
        Prediction p = Prediction.newBuilder(prediction()).setWindowEndUs(1_700_000_002_000_123L).build();
        assertThat(predictions.serialize(p, null, Long.MAX_VALUE).timestamp()).isEqualTo(1_700_000_002_000L);
        // without a timestamp of its own, a record never carries the timer's (nor a negative) one
        var plain = new AvroKafkaSink.Serializer<>(Prediction.class, "out", Prediction::getStreamId, null);
        assertThat(plain.serialize(p, null, Long.MAX_VALUE).timestamp()).isNull();
        assertThat(plain.serialize(p, null, -5L).timestamp()).isNull();
    }

    @Test
    void parsesAndPrintsDeliveryModesByTheirConfigurationNames() {
        assertThat(DeliveryMode.EXACTLY_ONCE).hasToString("exactly-once");
        assertThat(DeliveryMode.parse(DeliveryMode.AT_LEAST_ONCE.toString())).isEqualTo(DeliveryMode.AT_LEAST_ONCE);
    }

    @Test
    void failsFastOnMissingSettings() {
        assertThatThrownBy(() -> AvroKafkaSink.builder(Prediction.class, Prediction::getStreamId).setTopic("t").build())
                .hasMessageContaining("bootstrap servers are required");
        assertThatThrownBy(() -> AvroKafkaSink.builder(Prediction.class, Prediction::getStreamId)
                .setBootstrapServers("127.0.0.1:9092").build())
                .hasMessageContaining("an output topic is required");
        assertThatThrownBy(() -> AvroKafkaSink.builder(Prediction.class, Prediction::getStreamId)
                .setBootstrapServers("127.0.0.1:9092").setTopic("t").optDelivery(DeliveryMode.EXACTLY_ONCE, null).build())
                .hasMessageContaining("exactly-once delivery needs a transactional id prefix");
    }

    @Test
    void parsesDeliveryModes() {
        assertThat(DeliveryMode.parse("exactly-once")).isEqualTo(DeliveryMode.EXACTLY_ONCE);
        assertThat(DeliveryMode.parse("AT_LEAST_ONCE")).isEqualTo(DeliveryMode.AT_LEAST_ONCE);
        assertThatThrownBy(() -> DeliveryMode.parse("maybe")).hasMessageContaining("use exactly-once or at-least-once");
    }
}
