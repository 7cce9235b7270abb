package io.avstream.tools.cli;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a prediction topic ({@code read_committed}) on its own thread and hands each decoded
 * prediction and its arrival time (epoch microseconds) to a listener. Undecodable records are
 * counted and logged. {@link #start(Duration)} returns once the consumer holds its partitions and
 * knows its positions, so that nothing produced afterwards is missed even when it starts at the
 * topic's end (an external cluster with history).
 */
public final class PredictionConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionConsumer.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BiConsumer<Prediction, Long> listener;
    private final Thread thread;
    private final AvroCodec<Prediction> codec = AvroCodec.forClass(Prediction.class);
    private final AtomicLong undecodable = new AtomicLong();
    private volatile boolean running = true;

    /** Reads the topic from its start. */
    public PredictionConsumer(String bootstrapServers, String topic, Properties extra, BiConsumer<Prediction, Long> listener) {
        this(bootstrapServers, topic, true, extra, listener);
    }

    /** Reads the topic from its start ({@code fromEarliest}) or from its end. */
    public PredictionConsumer(String bootstrapServers, String topic, boolean fromEarliest, Properties extra,
            BiConsumer<Prediction, Long> listener) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "avstream-consumer-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromEarliest ? "earliest" : "latest");
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

    /** Waits (up to {@code timeout}) for the partitions and their positions, then reads on the background thread. */
    public PredictionConsumer start(Duration timeout) {
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
        return start();
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
            LOG.warn("undecodable prediction at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    /** Records of the topic that were not a decodable prediction. */
    public long undecodable() {
        return undecodable.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        if (thread.isAlive()) {
            thread.join(10_000);
        } else if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
