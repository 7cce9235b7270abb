package io.avstream.ingest.produce;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.VertexLayout;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends synthetic MoCap streams to Kafka in real time: one {@link SyntheticActor} per stream, all
 * paced by one thread at the actors' frame rate, capture times from this machine's clock.
 * Key = stream id; value = {@link MocapFrame} in Avro single-object encoding.
 *
 * <pre>{@code
 * try (MocapKafkaProducer p = MocapKafkaProducer.builder()
 *         .setBootstrapServers("127.0.0.1:9092").setTopic(Topics.MOCAP).setStreams(8).build()) {
 *     p.start();
 *     Thread.sleep(60_000);
 * }
 * }</pre>
 */
public final class MocapKafkaProducer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MocapKafkaProducer.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<SyntheticActor> actors;
    private final List<byte[]> keys;
    private final double fps;
    private final Thread thread;
    private final AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running;
    private volatile long behindMicros;

    private MocapKafkaProducer(Builder b) {
        Properties p = new Properties();
        p.putAll(b.properties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = b.topic;
        this.fps = b.fps;
        this.actors = new ArrayList<>(b.streams);
        this.keys = new ArrayList<>(b.streams);
        for (int i = 0; i < b.streams; i++) {
            String id = String.format("%s%04d", b.streamPrefix, i);
            actors.add(SyntheticActor.builder().setStreamId(id).setSeed(b.seed * 1_000_003L + i).optFps(b.fps).build());
            keys.add(id.getBytes(StandardCharsets.UTF_8));
        }
        this.thread = new Thread(this::loop, "mocap-producer");
        this.thread.setDaemon(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts sending on a background thread. */
    public void start() {
        running = true;
        thread.start();
    }

    private void loop() {
        long periodUs = Math.round(1_000_000.0 / fps);
        long startUs = EpochMicros.now();
        long t0 = System.nanoTime();
        for (long k = 0; running; k++) {
            long dueNs = t0 + k * periodUs * 1000L;
            long waitNs = dueNs - System.nanoTime();
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
            long captureUs = startUs + k * periodUs;
            for (int i = 0; i < actors.size() && running; i++) {
                SyntheticActor.Frame f = actors.get(i).next();
                MocapFrame frame = MocapFrame.newBuilder()
                        .setStreamId(actors.get(i).streamId())
                        .setSeq(f.index())
                        .setCaptureTimeUs(captureUs)
                        .setTopology(actors.get(i).topologyId())
                        .setVertexCount(f.vertices().length / 3)
                        .setLayout(VertexLayout.XYZ_F32LE)
                        .setVertices(encode(f.vertices()))
                        .setAnnotation(f.label())
                        .build();
                producer.send(new ProducerRecord<>(topic, null, null, keys.get(i), codec.encode(frame)), (md, err) -> {
                    if (err != null) {
                        if (failed.incrementAndGet() == 1) {
                            LOG.warn("sending a frame failed: {}", err.toString());
                        }
                    } else {
                        sent.incrementAndGet();
                    }
                });
            }
        }
    }

    /** Float32 little-endian, xyz interleaved. */
    public static ByteBuffer encode(float[] xyz) {
        ByteBuffer b = ByteBuffer.allocate(xyz.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(xyz);
        return b;
    }

    /** Frames acknowledged by the broker. */
    public long framesSent() {
        return sent.get();
    }

    /** Frames the broker refused. */
    public long framesFailed() {
        return failed.get();
    }

    /** How far behind real time the last tick started, microseconds (0 when keeping up). */
    public long behindMicros() {
        return behindMicros;
    }

    /** Stops sending and flushes what was sent. */
    public void stop() throws InterruptedException {
        running = false;
        if (thread.isAlive()) {
            thread.join(10_000);
        }
        producer.flush();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        producer.close();
    }

    /** Builder; {@code set*} required, {@code opt*} optional. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic;
        private int streams;
        private long seed = 1;
        private double fps = 25.0;
        private String streamPrefix = "actor-";
        private final Properties properties = new Properties();

        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder setStreams(int streams) {
            this.streams = streams;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optFps(double fps) {
            this.fps = fps;
            return this;
        }

        public Builder optStreamPrefix(String prefix) {
            this.streamPrefix = prefix;
            return this;
        }

        /** Kafka producer properties passed through untouched. */
        public Builder optProperties(Properties props) {
            this.properties.putAll(props);
            return this;
        }

        public MocapKafkaProducer build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers are required: call setBootstrapServers(\"host:port\")");
            }
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("a topic is required: call setTopic(name)");
            }
            if (streams <= 0) {
                throw new IllegalArgumentException("streams must be positive, got " + streams);
            }
            if (!(fps > 0 && fps <= 1000)) {
                throw new IllegalArgumentException("fps must be in (0, 1000], got " + fps);
            }
            return new MocapKafkaProducer(this);
        }
    }
}
