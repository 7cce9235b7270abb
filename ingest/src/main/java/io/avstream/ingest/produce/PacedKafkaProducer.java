package io.avstream.ingest.produce;

import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.avstream.schemas.EpochMicros;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pacing and sending that the synthetic producers share: one thread ticks every period from the start (tick
 * {@code k} at {@code start + k x period}, late ticks run at once and the lag is kept), and each tick sends what is
 * due; acknowledged and refused records are counted, the first refusal logged.
 */
abstract class PacedKafkaProducer implements PacedProducer {
    private static final Logger LOG = LoggerFactory.getLogger(PacedKafkaProducer.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final long periodUs;
    private final String record;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running;
    private volatile long behindMicros;
    private volatile long startUs;

    /**
     * @param periodUs   the ticks' period, microseconds
     * @param threadName the pacing thread's name
     * @param record     what one record is, for the log (e.g. "a frame")
     */
    PacedKafkaProducer(String bootstrapServers, Properties properties, long periodUs, String threadName, String record) {
        Properties p = new Properties();
        p.putAll(properties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        // float32 vertices and PCM samples do not compress with lz4 (0.1 % smaller on the synthetic actors; zstd and
        // gzip save 10 %): compression would only cost the producer, the broker and every consumer CPU
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.periodUs = periodUs;
        this.record = record;
        this.thread = new Thread(this::loop, threadName);
        this.thread.setDaemon(true);
    }

    /** Checks a builder's broker, topic and stream count. */
    static void requireTarget(String bootstrapServers, String topic, int streams) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are required: call setBootstrapServers(\"host:port\")");
        }
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("a topic is required: call setTopic(name)");
        }
        if (streams <= 0) {
            throw new IllegalArgumentException("streams must be positive, got " + streams);
        }
    }

    /** Sends what is due at tick {@code k} (from 0, at {@link #startUs()} + k x period); stops early once stopped. */
    abstract void tick(long k);

    /** The ticks' period, microseconds. */
    final long periodUs() {
        return periodUs;
    }

    /** When the producer started, epoch microseconds. */
    final long startUs() {
        return startUs;
    }

    /** Whether the producer still runs. */
    final boolean running() {
        return running;
    }

    /** Sends one record and counts its outcome. */
    final void send(String topic, byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, null, null, key, value), (md, err) -> {
            if (err != null) {
                if (failed.incrementAndGet() == 1) {
                    LOG.warn("sending {} failed: {}", record, err.toString());
                }
            } else {
                sent.incrementAndGet();
            }
        });
    }

    @Override
    public final void start() {
        running = true;
        startUs = EpochMicros.now();
        thread.start();
    }

    private void loop() {
        long t0 = System.nanoTime();
        for (long k = 0; running; k++) {
            long waitNs = t0 + k * periodUs * 1000L - System.nanoTime();
            if (waitNs > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(waitNs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } else {
                behindMicros = -waitNs / 1000L;
            }
            tick(k);
        }
    }

    @Override
    public final long sent() {
        return sent.get();
    }

    /** Records the broker refused. */
    public final long failed() {
        return failed.get();
    }

    @Override
    public final long behindMicros() {
        return behindMicros;
    }

    @Override
    public final void stop() throws InterruptedException {
        running = false;
        if (thread.isAlive()) {
            thread.join(10_000);
        }
        producer.flush();
    }

    @Override
    public final void close() throws InterruptedException {
        stop();
        producer.close();
    }
}
