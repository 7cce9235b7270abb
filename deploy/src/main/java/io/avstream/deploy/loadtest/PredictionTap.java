package io.avstream.deploy.loadtest;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.Prediction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a prediction topic ({@code read_committed}) on its own thread and hands each prediction and
 * its arrival time (epoch microseconds) to a listener. {@link #start} returns once the consumer holds
 * its partitions and knows its positions, so that nothing produced afterwards is missed even when it
 * starts at the topic's end (an external cluster with history).
 */
final class PredictionTap implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BiConsumer<Prediction, Long> listener;
    private final AvroCodec<Prediction> codec = AvroCodec.forClass(Prediction.class);
    private final AtomicLong undecodable = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    PredictionTap(String bootstrapServers, String topic, boolean fromEarliest, Properties extra,
            BiConsumer<Prediction, Long> listener) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "avstream-loadtest-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromEarliest ? "earliest" : "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.consumer.subscribe(List.of(topic));
        this.listener = listener;
        this.thread = new Thread(this::loop, "loadtest-consumer");
        this.thread.setDaemon(true);
    }

    /** Waits (up to {@code timeout}) for the partitions and their positions, then reads on a background thread. */
    PredictionTap start(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.assignment().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the prediction consumer got no partitions within " + timeout
                        + ": is the topic there and the broker reachable?");
            }
            consumer.poll(Duration.ofMillis(100)).forEach(r -> deliver(r, EpochMicros.now()));
        }
        for (TopicPartition tp : consumer.assignment()) {
            consumer.position(tp, timeout);
        }
        thread.start();
        return this;
    }

    private void loop() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(50));
                long arrival = EpochMicros.now();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    deliver(r, arrival);
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void deliver(ConsumerRecord<byte[], byte[]> r, long arrivalUs) {
        try {
            listener.accept(codec.decode(r.value()), arrivalUs);
        } catch (IOException e) {
            undecodable.incrementAndGet();
        }
    }

    long undecodable() {
        return undecodable.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        if (thread.isAlive()) {
            thread.join(10_000);
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
