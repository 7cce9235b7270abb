package io.avstream.tools.badinput;

import io.avstream.deploy.action.ActionOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.avstream.tools.loadtest.JobCounters;
import io.avstream.tools.badinput.BadInputRun.Bad;
import io.avstream.tools.testutils.InProcessKafka;
import io.avstream.tools.testutils.KafkaTestClients;
import io.avstream.ingest.produce.SyntheticFrames;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Prediction;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A corpus of bad MoCap input pushed through the job between the frames of good streams: every
 * refused record lands in the dead-letter topic with its reason code, frames that are duplicate,
 * late or from a stream that goes silent are counted and dropped, the job never fails (no restart
 * strategy: any failure fails the run), and the good streams' predictions equal those of a clean run.
 */
class BadInputITCase {

    private static final int GOOD_STREAMS = 3;
    private static final int SECONDS = 8;
    private static final int FPS = 25;
    private static final int PARTITIONS = 2;
    private static final int MAX_PAYLOAD = 64 * 1024;

    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();
    private static final AvroCodec<MocapFrame> CODEC = AvroCodec.forClass(MocapFrame.class);


    @Test
    void refusesEveryKindOfBadInputAndKeepsTheGoodStreamsIdentical() throws Exception {
        long baseUs = (System.currentTimeMillis() / 1000 - 120) * 1_000_000L;
        List<MocapFrame> good = goodFrames(baseUs);

        // the clean run: only the good streams
        Topics clean = new Topics("clean");
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (MocapFrame f : good) {
                send(p, clean.in, f);
            }
            p.flush();
        }
        runJob(clean);
        List<Prediction> cleanPredictions = read(clean.out, Prediction.class, GOOD_STREAMS * (SECONDS - 1));

        // the dirty run: the same good frames, with the corpus in between
        Topics dirty = new Topics("dirty");
        List<Bad> corpus = corpus(baseUs);
        Map<Long, Bad> badAtOffset = new HashMap<>();
        int duplicates = 0;
        int late = 0;
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            int next = 0;
            for (int i = 0; i < good.size(); i++) {
                MocapFrame f = good.get(i);
                send(p, dirty.in, f);
                if (i % 37 == 5) {
                    send(p, dirty.in, f); // an exact duplicate, right behind the original
                    duplicates++;
                }
                if (i % 23 == 11 && next < corpus.size()) {
                    Bad b = corpus.get(next++);
                    RecordMetadata m = p.send(new ProducerRecord<>(dirty.in, 0, b.key(), b.value())).get(30, TimeUnit.SECONDS);
                    badAtOffset.put(m.offset(), b);
                }
            }
            while (next < corpus.size()) {
                Bad b = corpus.get(next++);
                RecordMetadata m = p.send(new ProducerRecord<>(dirty.in, 0, b.key(), b.value())).get(30, TimeUnit.SECONDS);
                badAtOffset.put(m.offset(), b);
            }
            // a stream whose frames come after a frame of its first window: late by construction
            for (int i = 0; i < 3 * FPS; i++) {
                send(p, dirty.in, frame("late-stream", 4 * FPS + i, baseUs + (4L * FPS + i) * 1_000_000L / FPS, 900, i));
            }
            send(p, dirty.in, frame("late-stream", 1, baseUs + 1_000_000L, 900, 0));
            late++;
            // a stream that goes silent 1.5 s into its first window: no window holds enough frames
            for (int i = 0; i < FPS * 3 / 2; i++) {
                send(p, dirty.in, frame("silent-stream", i, baseUs + (long) i * 1_000_000L / FPS, 901, i));
            }
            // sequence numbers going backwards, capture times forwards: frames are keyed by capture time
            for (int i = 0; i < 3 * FPS; i++) {
                send(p, dirty.in, frame("seq-backwards", 1000 - i, baseUs + (long) i * 1_000_000L / FPS, 902, i));
            }
            p.flush();
        }
        runJob(dirty);

        // every refused record is in the dead-letter topic once, with its reason
        List<DeadLetter> deadLetters = read(dirty.dlq, DeadLetter.class, corpus.size());
        Map<String, String> reasonByKind = dirty.run.assertEachDeadLetteredOnce(deadLetters, badAtOffset);
        System.out.println("bad-input corpus, " + corpus.size() + " dead-lettered kinds: " + reasonByKind);

        // counted, not dead-lettered
        assertThat(JobCounters.count(dirty.job, "deadLetters")).isEqualTo(corpus.size());
        assertThat(JobCounters.count(dirty.job, "duplicateFrames")).isEqualTo(duplicates);
        assertThat(JobCounters.count(dirty.job, "lateFrames")).isEqualTo(late);
        assertThat(JobCounters.count(dirty.job, "sparseWindows"))
                .isGreaterThan(JobCounters.count(clean.job, "sparseWindows"));
        assertThat(JobCounters.count(clean.job, "deadLetters")).isZero();
        assertThat(JobCounters.count(clean.job, "duplicateFrames")).isZero();

        // the good streams' predictions are those of the clean run
        List<Prediction> dirtyPredictions = read(dirty.out, Prediction.class, GOOD_STREAMS * (SECONDS - 1) + 3);
        Map<String, Prediction> cleanById = byId(cleanPredictions);
        Map<String, Prediction> dirtyGood = byId(dirtyPredictions.stream().filter(p -> p.getStreamId().startsWith("good-")).toList());
        assertThat(cleanById).hasSize(GOOD_STREAMS * (SECONDS - 1));
        assertThat(dirtyGood.keySet()).isEqualTo(cleanById.keySet());
        for (Map.Entry<String, Prediction> e : cleanById.entrySet()) {
            Prediction c = e.getValue();
            Prediction d = dirtyGood.get(e.getKey());
            assertThat(d.getWindowStartUs()).isEqualTo(c.getWindowStartUs());
            assertThat(d.getAnnotation()).isEqualTo(c.getAnnotation());
            assertThat(d.getLatency().getCaptureTimeUs()).isEqualTo(c.getLatency().getCaptureTimeUs());
            assertThat(d.getLabels()).hasSameSizeAs(c.getLabels());
            for (int i = 0; i < c.getLabels().size(); i++) {
                assertThat(d.getLabels().get(i).getName()).isEqualTo(c.getLabels().get(i).getName());
                assertThat(d.getLabels().get(i).getScore()).isCloseTo(c.getLabels().get(i).getScore(), within(1e-4f));
            }
        }
        // the silent stream predicted nothing; the one with backward sequence numbers is used as it is
        assertThat(dirtyPredictions).noneMatch(p -> p.getStreamId().equals("silent-stream"));
        assertThat(dirtyPredictions).anyMatch(p -> p.getStreamId().equals("seq-backwards"));
    }

    /** The bad records, one per kind; all go to partition 0 between good frames. */
    private static List<Bad> corpus(long baseUs) {
        long t = baseUs + 3_000_000L;
        byte[] valid = CODEC.encode(frame("bad", 5, t, 903, 5));
        List<Bad> c = new ArrayList<>();
        c.add(new Bad("garbage bytes", "UNDECODABLE", key("bad"), "not a MoCap frame at all".getBytes(StandardCharsets.UTF_8)));
        c.add(new Bad("truncated Avro", "UNDECODABLE", key("bad"), Arrays.copyOf(valid, valid.length / 2)));
        c.add(new Bad("header only", "UNDECODABLE", key("bad"), Arrays.copyOf(valid, AvroCodec.HEADER_LENGTH)));
        byte[] trailing = Arrays.copyOf(valid, valid.length + 3);
        c.add(new Bad("trailing bytes", "UNDECODABLE", key("bad"), trailing));
        byte[] marker = valid.clone();
        marker[1] = 0x02;
        c.add(new Bad("wrong single-object marker", "UNDECODABLE", key("bad"), marker));
        c.add(new Bad("empty value", "UNDECODABLE", key("bad"), new byte[0]));
        c.add(new Bad("null value (tombstone)", "UNDECODABLE", key("bad"), null));
        DeadLetter other = DeadLetter.newBuilder().setReason("X").setDetail("d").setSourceTopic("t").setSourcePartition(0)
                .setSourceOffset(0).setSourceTimestampUs(0).setPayload(ByteBuffer.allocate(0)).setPayloadSize(0)
                .setDeadLetteredAtUs(0).build();
        c.add(new Bad("another record type (DeadLetter)", "WRONG_SCHEMA", key("bad"), AvroCodec.forClass(DeadLetter.class).encode(other)));
        byte[] unknownFingerprint = valid.clone();
        for (int i = 2; i < AvroCodec.HEADER_LENGTH; i++) {
            unknownFingerprint[i] = (byte) (unknownFingerprint[i] ^ 0x5A);
        }
        c.add(new Bad("unknown schema fingerprint", "WRONG_SCHEMA", key("bad"), unknownFingerprint));
        c.add(new Bad("NaN coordinate", "NON_FINITE", key("bad"), CODEC.encode(withVertex(frame("bad", 6, t, 903, 6), 17, Float.NaN))));
        c.add(new Bad("infinite coordinate", "NON_FINITE", key("bad"),
                CODEC.encode(withVertex(frame("bad", 7, t, 903, 7), 100, Float.NEGATIVE_INFINITY))));
        MocapFrame fewer = frame("bad", 8, t, 903, 8);
        fewer.setVertexCount(100);
        fewer.setVertices(ByteBuffer.wrap(Arrays.copyOf(fewer.getVertices().array(), 100 * 12)));
        c.add(new Bad("wrong vertex count", "WRONG_SIZE", key("bad"), CODEC.encode(fewer)));
        MocapFrame shortBytes = frame("bad", 9, t, 903, 9);
        shortBytes.setVertices(ByteBuffer.wrap(Arrays.copyOf(shortBytes.getVertices().array(), 128 * 12 - 5)));
        c.add(new Bad("wrong byte length", "WRONG_SIZE", key("bad"), CODEC.encode(shortBytes)));
        MocapFrame huge = frame("bad", 10, t, 903, 10);
        huge.setVertices(ByteBuffer.allocate(MAX_PAYLOAD * 2));
        c.add(new Bad("oversized payload", "OVERSIZED", key("bad"), CODEC.encode(huge)));
        c.add(new Bad("far past capture time (1990)", "BAD_TIMESTAMP", key("bad"), CODEC.encode(frame("bad", 11, 631_152_000_000_000L, 903, 11))));
        c.add(new Bad("far future capture time (+1 day)", "BAD_TIMESTAMP", key("bad"),
                CODEC.encode(frame("bad", 12, System.currentTimeMillis() * 1000L + 86_400_000_000L, 903, 12))));
        c.add(new Bad("negative capture time", "BAD_TIMESTAMP", key("bad"), CODEC.encode(frame("bad", 13, -1_000_000L, 903, 13))));
        c.add(new Bad("negative sequence number", "BAD_SEQUENCE", key("bad"), CODEC.encode(frame("bad", -1, t, 903, 14))));
        c.add(new Bad("missing key", "MISSING_KEY", null, CODEC.encode(frame("bad", 15, t, 903, 15))));
        c.add(new Bad("key differs from the stream id", "KEY_MISMATCH", key("good-0"), CODEC.encode(frame("bad", 16, t, 903, 16))));
        MocapFrame topology = frame("bad", 17, t, 903, 17);
        topology.setTopology("smpl-6890");
        c.add(new Bad("unknown topology", "UNKNOWN_TOPOLOGY", key("bad"), CODEC.encode(topology)));
        c.add(new Bad("empty stream id", "WRONG_SIZE", key(""), CODEC.encode(frame("", 18, t, 903, 18))));
        String longId = "x".repeat(300);
        c.add(new Bad("overlong stream id", "WRONG_SIZE", key(longId), CODEC.encode(frame(longId, 19, t, 903, 19))));
        return c;
    }

    private static MocapFrame withVertex(MocapFrame f, int vertex, float value) {
        ByteBuffer b = ByteBuffer.wrap(f.getVertices().array().clone()).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(vertex * 12 + 4, value);
        f.setVertices(ByteBuffer.wrap(b.array()));
        return f;
    }

    private static List<MocapFrame> goodFrames(long baseUs) {
        List<SyntheticActor> actors = new ArrayList<>();
        for (int s = 0; s < GOOD_STREAMS; s++) {
            actors.add(SyntheticActor.builder().setStreamId("good-" + s).setSeed(300 + s).build());
        }
        List<MocapFrame> frames = new ArrayList<>();
        for (int i = 0; i < SECONDS * FPS; i++) {
            for (SyntheticActor a : actors) {
                SyntheticActor.Frame f = a.next();
                frames.add(SyntheticFrames.of(a, f, baseUs + f.index() * 1_000_000L / FPS));
            }
        }
        return frames;
    }

    private static final Map<Long, SyntheticActor> ACTORS = new HashMap<>();

    /** A valid frame of a synthetic actor (seed), its {@code index}-th pose, with the given stream id, seq and time. */
    private static MocapFrame frame(String streamId, long seq, long captureUs, long seed, int index) {
        SyntheticActor a = ACTORS.computeIfAbsent(seed, s -> SyntheticActor.builder().setStreamId("actor-" + s).setSeed(s).build());
        SyntheticActor.Frame f;
        synchronized (a) {
            f = a.next();
        }
        return MocapFrame.newBuilder(SyntheticFrames.of(a, f, captureUs)).setStreamId(streamId).setSeq(seq)
                .setAnnotation(null).build();
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, MocapFrame f) {
        int partition = Math.floorMod(f.getStreamId().hashCode(), PARTITIONS);
        p.send(new ProducerRecord<>(topic, partition, key(f.getStreamId()), CODEC.encode(f)));
    }

    private static Map<String, Prediction> byId(List<Prediction> ps) {
        Map<String, Prediction> m = new TreeMap<>();
        for (Prediction p : ps) {
            assertThat(m.put(p.getPredictionId(), p)).as("duplicate prediction " + p.getPredictionId()).isNull();
        }
        return m;
    }

    private static final class Topics {
        final BadInputRun run;
        final String job;
        final String in;
        final String out;
        final String dlq;

        Topics(String name) {
            this.run = new BadInputRun(KAFKA.get(), "mocap", name, PARTITIONS);
            this.job = run.job;
            this.in = run.in;
            this.out = run.out;
            this.dlq = run.dlq;
        }
    }

    private static void runJob(Topics t) throws Exception {
        t.run.execute(KAFKA.get(), Map.of(ActionOptions.TOPIC.key(), t.in, ActionOptions.PREDICTIONS_TOPIC.key(), t.out),
                MAX_PAYLOAD);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return KafkaTestClients.producer(KAFKA.get(), Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * MAX_PAYLOAD)));
    }

    private static <T extends SpecificRecordBase> List<T> read(String topic, Class<T> type, int atLeast) {
        return KafkaTestClients.readCommitted(KAFKA.get(), topic, type, atLeast, Duration.ofSeconds(2));
    }
}
