package io.avstream.ingest.produce;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.LengthUnits;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.SchemaReleases;
import io.avstream.schemas.UpAxis;
import io.avstream.schemas.VertexLayout;

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
public final class MocapKafkaProducer extends PacedKafkaProducer {
    private final String topic;
    private final List<SyntheticActor> actors;
    private final List<byte[]> keys;
    private final AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
    private final String schemaRelease;
    private final UpAxis upAxis;
    private final LengthUnit lengthUnit;

    private MocapKafkaProducer(Builder b) {
        super(b.bootstrapServers, b.properties, Math.round(1_000_000.0 / b.fps), "mocap-producer", "a frame");
        this.topic = b.topic;
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
    }

    /** The id of the i-th stream of a producer with this stream prefix: the prefix and i in four digits. */
    public static String streamId(String prefix, int i) {
        return PacedProducer.streamId(prefix, i);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every actor's next frame, captured at this tick. */
    @Override
    void tick(long k) {
        long captureUs = startUs() + k * periodUs();
        for (int i = 0; i < actors.size() && running(); i++) {
            SyntheticActor.Frame f = actors.get(i).next();
            MocapFrame frame = SyntheticFrames.of(actors.get(i), f, captureUs, upAxis, lengthUnit);
            send(topic, keys.get(i), codec.encodeAs(schemaRelease, frame));
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
        return startUs();
    }

    /** Frames acknowledged by the broker. */
    public long framesSent() {
        return sent();
    }

    /** Frames the broker refused. */
    public long framesFailed() {
        return failed();
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
            requireTarget(bootstrapServers, topic, streams);
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
