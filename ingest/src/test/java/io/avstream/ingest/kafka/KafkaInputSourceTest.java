package io.avstream.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class KafkaInputSourceTest {

    @Test
    void consumersReadCommittedWithSocketAndFetchSizesForLargeRecords() {
        Properties p = KafkaInputSource.consumerProperties(new Properties());
        assertThat(p.getProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG)).isEqualTo("read_committed");
        assertThat(p.getProperty(ConsumerConfig.RECEIVE_BUFFER_CONFIG)).isEqualTo("-1");
        assertThat(p.getProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)).isEqualTo(Integer.toString(4 << 20));
    }

    @Test
    void givenPropertiesWinOverTheDefaults() {
        Properties given = new Properties();
        given.setProperty(ConsumerConfig.RECEIVE_BUFFER_CONFIG, "65536");
        given.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1048576");
        given.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        Properties p = KafkaInputSource.consumerProperties(given);
        assertThat(p.getProperty(ConsumerConfig.RECEIVE_BUFFER_CONFIG)).isEqualTo("65536");
        assertThat(p.getProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)).isEqualTo("1048576");
        assertThat(p.getProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG)).isEqualTo("read_uncommitted");
    }
}
