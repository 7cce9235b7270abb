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
import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.LengthUnits;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.SchemaReleases;
import io.avstream.schemas.UpAxis;
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
 * Key = stream id; value = {@link MocapFrame} in Avro single-object encoding, of the newest schema
 * release unless {@link Builder#optSchemaRelease} names an earlier one. The vertices are sent in
 * metres, y up, unless {@link Builder#optUpAxis}/{@link Builder#optLengthUnit} ask for another frame
 * of reference (as a z-up millimetre MoCap system would send them).
 *
 * <pre>{@code
 * try (MocapKafkaProducer p = MocapKafkaProducer.builder()
 *         .setBootstrapServers("127.0.0.1:9092").setTopic(Topics.MOCAP).setStreams(8).build()) {
 *     p.start();
 *     Thread.sleep(60_000);
 * }
 * }</pre>
 */
public final class MocapKafkaProducer implements PacedProducer {
    private static final Logger LOG = LoggerFactory.getLogger(MocapKafkaProducer.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<SyntheticActor> actors;
    private final List<byte[]> keys;
    private final double fps;
    private final Thread thread;
    private final AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
    private final String schemaRelease;
    private final UpAxis upAxis;
    private final LengthUnit lengthUnit;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running;
    private volatile long behindMicros;
    private volatile long startUs;

    private MocapKafkaProducer(Builder b) {
        Properties p = new Properties();
        p.putAll(b.properties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        // float32 vertex payloads do not compress with lz4 (0.1 % smaller, measured on the synthetic actors; zstd and
        // gzip save 10 %): compression would only cost the producer, the broker and every consumer CPU
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = b.topic;
        this.fps = b.fps;
        this.schemaRelease = b.schemaRelease;
        this.upAxis = b.upAxis;
        this.lengthUnit = b.lengthUnit;
        this.actors = new ArrayList<>(b.streams);
        this.keys = new ArrayList<>(b.streams);
        for (int i = 0; i < b.streams; i++) {
            String id = streamId(b.streamPrefix, i);
            actors.add(SyntheticActor.builder().setStreamId(id).setSeed(b.seed * 1_000_003L + i).optFps(b.fps).build());
            keys.add(id.getBytes(StandardCharsets.UTF_8));
        }
        this.thread = new Thread(this::loop, "mocap-producer");
        this.thread.setDaemon(true);
    }

    /** The id of the i-th stream of a producer with this stream prefix: the prefix and i in four digits. */
    public static String streamId(String prefix, int i) {
        return PacedProducer.streamId(prefix, i);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void start() {
        running = true;
        startUs = EpochMicros.now();
        thread.start();
    }

    private void loop() {
        long periodUs = Math.round(1_000_000.0 / fps);
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
                MocapFrame frame = SyntheticFrames.of(actors.get(i), f, captureUs, upAxis, lengthUnit);
                producer.send(new ProducerRecord<>(topic, null, null, keys.get(i), codec.encodeAs(schemaRelease, frame)), (md, err) -> {
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

    /**
     * Vertices in metres, y up, expressed in another frame of reference: z up turns (x, y, z) into
     * (x, -z, y) (the inverse of what readers do), centimetres and millimetres scale by 100 and 1000.
     */
    public static float[] fromMetresYUp(float[] xyz, UpAxis upAxis, LengthUnit unit) {
        if (upAxis == UpAxis.Y_UP && unit == LengthUnit.METRE) {
            return xyz;
        }
        float scale = LengthUnits.perMetre(unit);
        float[] out = new float[xyz.length];
        for (int i = 0; i < xyz.length; i += 3) {
            out[i] = xyz[i] * scale;
            out[i + 1] = (upAxis == UpAxis.Z_UP ? -xyz[i + 2] : xyz[i + 1]) * scale;
            out[i + 2] = (upAxis == UpAxis.Z_UP ? xyz[i + 1] : xyz[i + 2]) * scale;
        }
        return out;
    }

    /** Every stream's first frame is captured when the producer starts. */
    @Override
    public long streamStartUs(int i) {
        return startUs;
    }

    /** Frames acknowledged by the broker. */
    public long framesSent() {
        return sent.get();
    }

    @Override
    public long sent() {
        return sent.get();
    }

    /** Frames the broker refused. */
    public long framesFailed() {
        return failed.get();
    }

    @Override
    public long behindMicros() {
        return behindMicros;
    }

    @Override
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
        private String schemaRelease = SchemaReleases.latest();
        private UpAxis upAxis = UpAxis.Y_UP;
        private LengthUnit lengthUnit = LengthUnit.METRE;
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

        /** The schema release to write (default: the newest), e.g. {@code v1} while jobs of that release run. */
        public Builder optSchemaRelease(String release) {
            this.schemaRelease = release;
            return this;
        }

        /** The up axis of the vertices sent (default y; z needs schema release v2 or later). */
        public Builder optUpAxis(UpAxis upAxis) {
            this.upAxis = upAxis;
            return this;
        }

        /** The unit of the vertices sent (default metres; others need schema release v2 or later). */
        public Builder optLengthUnit(LengthUnit unit) {
            this.lengthUnit = unit;
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
            if (!SchemaReleases.versions().contains(schemaRelease)) {
                throw new IllegalArgumentException("unknown schema release '" + schemaRelease + "'; released: "
                        + SchemaReleases.versions());
            }
            if (upAxis == null || lengthUnit == null) {
                throw new IllegalArgumentException("up axis and length unit must not be null");
            }
            // refuses a frame of reference the release cannot carry, before any thread starts
            AvroCodec.forClass(MocapFrame.class).encodeAs(schemaRelease, MocapFrame.newBuilder()
                    .setStreamId("check").setSeq(0).setCaptureTimeUs(0).setTopology("check").setVertexCount(0)
                    .setLayout(VertexLayout.XYZ_F32LE).setVertices(ByteBuffer.allocate(0)).setUpAxis(upAxis).setLengthUnit(lengthUnit).build());
            return new MocapKafkaProducer(this);
        }
    }
}
