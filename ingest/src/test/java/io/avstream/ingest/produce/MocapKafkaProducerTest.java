package io.avstream.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.UpAxis;
import org.junit.jupiter.api.Test;

class MocapKafkaProducerTest {

    private static MocapKafkaProducer.Builder builder() {
        // nothing is sent: the Kafka client connects only when a record goes out
        return MocapKafkaProducer.builder().setBootstrapServers("127.0.0.1:9").setTopic("t").setStreams(1);
    }

    @Test
    void buildsForEveryReleaseInTheDefaultFrameOfReference() throws Exception {
        try (MocapKafkaProducer p = builder().build()) {
            assertThat(p.framesSent()).isZero();
        }
        try (MocapKafkaProducer p = builder().optSchemaRelease("v1").build()) {
            assertThat(p.framesSent()).isZero();
        }
        try (MocapKafkaProducer p = builder().optUpAxis(UpAxis.Z_UP).optLengthUnit(LengthUnit.MILLIMETRE).build()) {
            assertThat(p.framesSent()).isZero();
        }
    }

    @Test
    void refusesAFrameOfReferenceTheReleaseCannotCarry() {
        assertThatThrownBy(() -> builder().optSchemaRelease("v1").optUpAxis(UpAxis.Z_UP).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("up_axis = Z_UP")
                .hasMessageContaining("release v1");
        assertThatThrownBy(() -> builder().optSchemaRelease("v1").optLengthUnit(LengthUnit.CENTIMETRE).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length_unit = CENTIMETRE");
        assertThatThrownBy(() -> builder().optSchemaRelease("v7").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown schema release 'v7'");
    }

    @Test
    void expressesMetresYUpInTheRequestedFrame() {
        float[] yUpMetres = {1f, 2f, 3f, -0.5f, 0.25f, 0f};

        assertThat(MocapKafkaProducer.fromMetresYUp(yUpMetres, UpAxis.Y_UP, LengthUnit.METRE)).isSameAs(yUpMetres);
        assertThat(MocapKafkaProducer.fromMetresYUp(yUpMetres, UpAxis.Y_UP, LengthUnit.CENTIMETRE))
                .containsExactly(100f, 200f, 300f, -50f, 25f, 0f);
        // z up: forward (-z in y-up) becomes +y, up (+y) becomes +z
        assertThat(MocapKafkaProducer.fromMetresYUp(yUpMetres, UpAxis.Z_UP, LengthUnit.MILLIMETRE))
                .containsExactly(1000f, -3000f, 2000f, -500f, -0f, 250f);
    }
}
