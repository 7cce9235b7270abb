package io.avstream.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.avstream.deploy.AvstreamJob;
import io.avstream.deploy.action.ActionPipeline;
import io.avstream.sinks.AvroKafkaSink;
import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.junit.jupiter.api.Test;

/**
 * Kafka security settings given as {@code kafka.<property>} reach every Kafka client the job builds
 * (the MoCap source, the prediction sink, the dead-letter sink), and their secrets never show in the
 * printed configuration.
 */
class KafkaSecuritySettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"avstream\" password=\"s3cr3t-jaas\";";

    private static Map<String, String> securitySettings() {
        Map<String, String> s = new TreeMap<>();
        s.put("kafka.security.protocol", "SASL_SSL");
        s.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
        s.put("kafka.sasl.jaas.config", JAAS);
        s.put("kafka.ssl.truststore.location", "/etc/avstream/truststore.p12");
        s.put("kafka.ssl.truststore.password", "s3cr3t-truststore");
        s.put("kafka.ssl.keystore.location", "/etc/avstream/keystore.p12");
        s.put("kafka.ssl.keystore.password", "s3cr3t-keystore");
        s.put("kafka.ssl.key.password", "s3cr3t-key");
        s.put("kafka.ssl.endpoint.identification.algorithm", "https");
        return s;
    }

    private static JobConfig config() {
        Map<String, String> pairs = new TreeMap<>(securitySettings());
        pairs.put(JobOptions.BOOTSTRAP_SERVERS.key(), "kafka-1.example.com:9093");
        return JobConfig.fromMap(pairs);
    }

    @Test
    void securitySettingsReachTheSourceAndBothSinks() throws Exception {
        JobConfig config = config();
        AvstreamJob.Io io = AvstreamJob.kafkaIo(config.flink(), config.kafkaProperties());
        ActionPipeline.Io action = io.pipeline(ActionPipeline.NAME, ActionPipeline.Io.class);

        assertThat(action.mocapSource()).isInstanceOf(KafkaSource.class);
        assertHasSecuritySettings("mocap source", sourceProperties((KafkaSource<?>) action.mocapSource()));
        assertThat(AvroKafkaSink.kafkaSinkOf(action.predictionSink())).isInstanceOf(KafkaSink.class);
        assertHasSecuritySettings("prediction sink", sinkProperties(AvroKafkaSink.kafkaSinkOf(action.predictionSink())));
        assertThat(AvroKafkaSink.kafkaSinkOf(io.deadLetterSink())).isInstanceOf(KafkaSink.class);
        assertHasSecuritySettings("dead-letter sink", sinkProperties(AvroKafkaSink.kafkaSinkOf(io.deadLetterSink())));
    }

    @Test
    void printedConfigurationMasksEverySecret() {
        String printed = config().describe();
        assertThat(printed).contains("kafka.security.protocol = SASL_SSL", "kafka.ssl.truststore.location = /etc/avstream/truststore.p12")
                .doesNotContain("s3cr3t", "password=");
        assertThat(printed.lines().filter(l -> l.contains("******")).count()).isEqualTo(4);
    }

    private static void assertHasSecuritySettings(String client, Properties props) {
        securitySettings().forEach((k, v) ->
                assertThat(props.getProperty(k.substring("kafka.".length()))).as(client + " " + k).isEqualTo(v));
        assertThat(props.getProperty("bootstrap.servers")).as(client).isEqualTo("kafka-1.example.com:9093");
    }

    private static Properties sourceProperties(KafkaSource<?> source) throws ReflectiveOperationException {
        Field f = KafkaSource.class.getDeclaredField("props");
        f.setAccessible(true);
        return (Properties) f.get(source);
    }

    private static Properties sinkProperties(KafkaSink<?> sink) throws ReflectiveOperationException {
        Method m = KafkaSink.class.getDeclaredMethod("getKafkaProducerConfig");
        m.setAccessible(true);
        return (Properties) m.invoke(sink);
    }
}
