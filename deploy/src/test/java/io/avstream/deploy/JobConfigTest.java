package io.avstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class JobConfigTest {

    @Test
    void readsTypedOptionsAndPassesKafkaPropertiesThrough() {
        JobConfig c = JobConfig.fromArgs(new String[] {
                "--avstream.kafka.bootstrap-servers", "127.0.0.1:9092",
                "--avstream.window.span=3s",
                "--kafka.security.protocol", "SASL_SSL",
                "--kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";"});
        assertThat(c.flink().get(JobOptions.BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:9092");
        assertThat(c.flink().get(JobOptions.WINDOW_SPAN)).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.flink().get(JobOptions.WINDOW_HOP)).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(c.kafkaProperties().getProperty("sasl.jaas.config")).contains("hunter2");
    }

    @Test
    void neverPrintsSecrets() {
        JobConfig c = JobConfig.fromArgs(new String[] {
                "--kafka.sasl.jaas.config", "... password=\"hunter2\";",
                "--kafka.ssl.truststore.password", "hunter3",
                "--kafka.ssl.key.password", "hunter4"});
        String printed = c.describe();
        assertThat(printed).doesNotContain("hunter2", "hunter3", "hunter4").contains("kafka.ssl.truststore.password = ******");
    }

    @Test
    void refusesUnknownOptionsByName() {
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--avstream.window.spam", "2s"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option(s) [avstream.window.spam]");
    }

    @Test
    void refusesMalformedValuesByName() {
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--avstream.window.span", "two seconds"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--avstream.window.span");
    }
}
