package io.avstream.tools.testutils;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.avstream.deploy.JobConfig;
import io.avstream.tools.cli.LocalJob;
import io.avstream.tools.local.EmbeddedKafka;
import io.avstream.schemas.AvroCodec;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Kafka clients and job runs shared by the integration tests on the in-process broker. */
public final class KafkaTestClients {
    private KafkaTestClients() {}

    /** A byte-array producer on the broker, with extra producer properties. */
    public static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka, Map<String, String> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putAll(extra);
        return new KafkaProducer<>(p);
    }

    /**
     * Reads a topic {@code read_committed} from the start until at least {@code atLeast} records
     * arrived and then {@code quiet} passed without more (so that extra records are caught), 60 s at most.
     */
    public static <T extends SpecificRecordBase> List<T> readCommitted(EmbeddedKafka kafka, String topic, Class<T> type,
            int atLeast, Duration quiet) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        AvroCodec<T> codec = AvroCodec.forClass(type);
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long last = System.nanoTime();
            while (System.nanoTime() < deadline && (out.size() < atLeast || System.nanoTime() - last < quiet.toNanos())) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    try {
                        out.add(codec.decode(r.value()));
                    } catch (IOException e) {
                        throw new AssertionError("undecodable record at " + topic + "-" + r.partition() + "@" + r.offset(), e);
                    }
                    last = System.nanoTime();
                }
            }
        }
        return out;
    }

    /** Runs the avstream job with these settings on a MiniCluster until its bounded input ends. */
    public static void runJob(Map<String, String> settings, int parallelism, String name) throws Exception {
        LocalJob.builder().setConfig(JobConfig.fromMap(settings)).optParallelism(parallelism).build().execute(name);
    }
}
