package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RuntimeOptionsTest {

    @Test
    void hasDocumentedDefaults() {
        RuntimeOptions o = RuntimeOptions.defaults();

        assertThat(o.engine()).isEqualTo(Engine.ORT_CPU);
        assertThat(o.maxBatch()).isEqualTo(16);
        assertThat(o.maxDelay()).isEqualTo(Duration.ofMillis(5));
        assertThat(o.queueCapacity()).isEqualTo(1024);
        assertThat(o.workers()).isEqualTo(1);
        assertThat(o.intraOpThreads()).isEqualTo(1);
    }

    @Test
    void refusesOutOfRangeSettings() {
        assertInvalid(RuntimeOptions.builder().optMaxBatch(0), "maxBatch must be between 1 and 4096, was 0");
        assertInvalid(RuntimeOptions.builder().optMaxBatch(5000), "maxBatch must be between 1 and 4096, was 5000");
        assertInvalid(RuntimeOptions.builder().optMaxDelay(Duration.ofMillis(-1)),
                "maxDelay must not be negative, was PT-0.001S");
        assertInvalid(RuntimeOptions.builder().optMaxDelay(Duration.ofSeconds(11)),
                "maxDelay must be at most PT10S, was PT11S");
        assertInvalid(RuntimeOptions.builder().optMaxBatch(32).optQueueCapacity(8),
                "queueCapacity must be at least maxBatch (32), was 8");
        assertInvalid(RuntimeOptions.builder().optWorkers(-1), "workers must be between 1 and 64 (or 0: one per core), was -1");
        assertThat(RuntimeOptions.builder().optWorkers(0).build().resolvedWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertInvalid(RuntimeOptions.builder().optIntraOpThreads(0), "intraOpThreads must be between 1 and 256, was 0");
        assertThatThrownBy(() -> RuntimeOptions.builder().optEngine(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("engine must not be null");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        RuntimeOptions o = RuntimeOptions.builder().optEngine(Engine.ORT_TENSORRT).optMaxBatch(32)
                .optMaxDelay(Duration.ofMillis(7)).optQueueCapacity(64).optWorkers(2).optIntraOpThreads(4).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(o);
        }
        assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
    }

    private static void assertInvalid(RuntimeOptions.Builder builder, String message) {
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
