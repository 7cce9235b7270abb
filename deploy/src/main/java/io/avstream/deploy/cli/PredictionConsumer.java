package io.avstream.deploy.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiConsumer;

import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.Prediction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a prediction topic ({@code read_committed}, from the start) on its own thread and hands
 * each decoded prediction and its arrival time (epoch microseconds) to a listener.
 */
public final class PredictionConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionConsumer.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BiConsumer<Prediction, Long> listener;
    private final Thread thread;
    private final AvroCodec<Prediction> codec = AvroCodec.forClass(Prediction.class);
    private volatile boolean running = true;
    private volatile long undecodable;

    public PredictionConsumer(String bootstrapServers, String topic, Properties extra, BiConsumer<Prediction, Long> listener) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "avstream-consumer-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.consumer.subscribe(List.of(topic));
        this.listener = listener;
        this.thread = new Thread(this::loop, "prediction-consumer");
        this.thread.setDaemon(true);
    }

    /** Starts reading. */
    public PredictionConsumer start() {
        thread.start();
        return this;
    }

    private void loop() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                long arrival = EpochMicros.now();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    try {
                        listener.accept(codec.decode(r.value()), arrival);
                    } catch (IOException e) {
                        undecodable++;
                        LOG.warn("undecodable prediction at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    public long undecodable() {
        return undecodable;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
