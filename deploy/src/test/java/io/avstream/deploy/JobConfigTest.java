package io.avstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import io.avstream.deploy.action.ActionOptions;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.deploy.pipeline.StartingOffsets;
import io.avstream.models.Engine;
import io.avstream.sinks.DeliveryMode;

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
        assertThat(c.flink().get(ActionOptions.WINDOW_SPAN)).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.flink().get(ActionOptions.WINDOW_HOP)).isEqualTo(Duration.ofSeconds(1));
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

    @Test
    void audioWindowsInFlightHaveTheirOwnLowerDefaultUnlessTheGlobalCapacityIsSet() {
        JobConfig defaults = JobConfig.fromArgs(new String[] {"--avstream.kafka.bootstrap-servers", "127.0.0.1:9092"});
        assertThat(defaults.flink().get(AudioEventsOptions.ASYNC_CAPACITY)).isEqualTo(16);
        assertThat(defaults.flink().get(JobOptions.ASYNC_CAPACITY)).isEqualTo(128);
        JobConfig global = JobConfig.fromArgs(new String[] {"--avstream.kafka.bootstrap-servers", "127.0.0.1:9092",
                "--avstream.inference.async-capacity", "64"});
        assertThat(global.flink().get(AudioEventsOptions.ASYNC_CAPACITY)).isEqualTo(64);
        JobConfig own = JobConfig.fromArgs(new String[] {"--avstream.kafka.bootstrap-servers", "127.0.0.1:9092",
                "--avstream.inference.async-capacity", "64", "--avstream.audio-events.async-capacity", "8"});
        assertThat(own.flink().get(AudioEventsOptions.ASYNC_CAPACITY)).isEqualTo(8);
    }

    @Test
    void pipelineOptionsHaveTheirPrefixAndStillAnswerToTheirEarlierKeys() {
        JobConfig c = JobConfig.fromArgs(new String[] {"--avstream.action.window.hop", "500ms", "--avstream.topic.mocap", "in"});
        assertThat(c.flink().get(ActionOptions.WINDOW_HOP)).isEqualTo(Duration.ofMillis(500));
        assertThat(c.flink().get(ActionOptions.TOPIC)).isEqualTo("in");
        assertThat(c.describe()).contains("avstream.action.topic = in");
        assertThat(c.flink().get(JobOptions.PIPELINES)).containsExactly("action");
    }

    @Test
    void deliveryEngineAndStartingOffsetsAreTypedAndFailAtConfigurationTime() {
        JobConfig c = JobConfig.fromArgs(new String[] {"--avstream.delivery", "at-least-once",
                "--avstream.model.engine", "onnxruntime-cuda", "--avstream.source.starting-offsets", "latest"});
        assertThat(c.flink().get(JobOptions.DELIVERY)).isEqualTo(DeliveryMode.AT_LEAST_ONCE);
        assertThat(c.flink().get(JobOptions.ENGINE)).isEqualTo(Engine.ORT_CUDA);
        assertThat(c.flink().get(JobOptions.STARTING_OFFSETS)).isEqualTo(StartingOffsets.LATEST);
        assertThat(c.describe()).contains("avstream.delivery = at-least-once", "avstream.source.starting-offsets = latest");
        for (String[] bad : List.of(new String[] {"--avstream.delivery", "maybe-once"},
                new String[] {"--avstream.model.engine", "onnxruntime-gpu"},
                new String[] {"--avstream.source.starting-offsets", "yesterday"})) {
            assertThatThrownBy(() -> JobConfig.fromArgs(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad value '" + bad[1] + "' for " + bad[0]);
        }
    }

    @Test
    void refusesUnknownPipelines() {
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--avstream.pipelines", "action,sonar"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad value for --avstream.pipelines: unknown pipeline 'sonar' (known: [action, audio-events, speech, audio-visual])");
    }
}
