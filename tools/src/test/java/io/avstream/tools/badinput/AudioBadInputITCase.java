package io.avstream.tools.badinput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.avstream.deploy.JobOptions;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.ingest.produce.SyntheticFrames;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.SampleEncoding;
import io.avstream.tools.badinput.BadInputRun.Bad;
import io.avstream.tools.testutils.InProcessKafka;
import io.avstream.tools.testutils.KafkaTestClients;
import io.avstream.tools.testutils.TestAudio;
import io.avstream.tools.testutils.TestAudio.Recording;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A corpus of bad audio input pushed through the audio-events pipeline between the chunks of good streams (44.1 kHz
 * stereo int16, 16 kHz mono float, 48 kHz mono int16): every refused chunk lands in the dead-letter topic with its
 * reason, duplicate and late chunks are counted and dropped, the job never fails (no restart strategy), and the good
 * streams' window predictions and event records equal those of a clean run.
 */
class AudioBadInputITCase {

    private static final Path TINY = InProcessKafka.TINY_AUDIO_EVENTS;
    private static final double SECONDS = 7.0;
    private static final int PARTITIONS = 2;
    private static final int MAX_PAYLOAD = 256 * 1024;
    private static final AvroCodec<AudioChunk> CODEC = AvroCodec.forClass(AudioChunk.class);

    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();


    @Test
    void refusesEveryKindOfBadAudioAndKeepsTheGoodStreamsIdentical() throws Exception {
        long t0 = (System.currentTimeMillis() / 1000 - 120) * 1_000_000L;
        List<Recording> good = List.of(
                TestAudio.tones("good-cam", 44100, 2, SampleEncoding.PCM_S16LE, SECONDS, 11),
                TestAudio.tones("good-mic", 16000, 1, SampleEncoding.PCM_F32LE, SECONDS, 12),
                TestAudio.tones("good-48k", 48000, 1, SampleEncoding.PCM_S16LE, SECONDS, 13));
        List<AudioChunk> goodChunks = new ArrayList<>();
        for (int i = 0; ; i++) {
            boolean any = false;
            for (Recording r : good) {
                List<AudioChunk> cs = r.chunks(t0, r.rate() / 10);
                if (i < cs.size()) {
                    goodChunks.add(cs.get(i));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }

        BadInputRun clean = new BadInputRun(KAFKA.get(), "audio", "clean", PARTITIONS);
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (AudioChunk c : goodChunks) {
                send(p, clean.in, c);
            }
            p.flush();
        }
        execute(clean);
        List<Prediction> cleanPredictions = read(clean.out, Prediction.class, good.size() * 5);

        BadInputRun dirty = new BadInputRun(KAFKA.get(), "audio", "dirty", PARTITIONS);
        List<Bad> corpus = corpus(t0);
        Map<Long, Bad> badAtOffset = new HashMap<>();
        int duplicates = 0;
        int late = 0;
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            int next = 0;
            for (int i = 0; i < goodChunks.size(); i++) {
                send(p, dirty.in, goodChunks.get(i));
                if (i % 37 == 5) {
                    send(p, dirty.in, goodChunks.get(i)); // an exact duplicate, right behind the original
                    duplicates++;
                }
                if (i % 7 == 3 && next < corpus.size()) {
                    badAtOffset.put(sendToZero(p, dirty.in, corpus.get(next)), corpus.get(next));
                    next++;
                }
            }
            while (next < corpus.size()) {
                badAtOffset.put(sendToZero(p, dirty.in, corpus.get(next)), corpus.get(next));
                next++;
            }
            // a stream whose chunk of second 1 arrives after those of seconds 3 to 6: late by construction
            Recording lateStream = TestAudio.tones("late-stream", 16000, 1, SampleEncoding.PCM_S16LE, 6, 14);
            List<AudioChunk> lateChunks = lateStream.chunks(t0, 1600);
            for (AudioChunk c : lateChunks.subList(30, 60)) {
                send(p, dirty.in, c);
            }
            send(p, dirty.in, lateChunks.get(10));
            late++;
            p.flush();
        }
        execute(dirty);

        // every refused chunk is in the dead-letter topic once, with its reason
        List<DeadLetter> deadLetters = read(dirty.dlq, DeadLetter.class, corpus.size());
        Map<String, String> reasonByKind = dirty.assertEachDeadLetteredOnce(deadLetters, badAtOffset);
        System.out.println("bad audio corpus, " + corpus.size() + " dead-lettered kinds: " + reasonByKind);

        // counted, not dead-lettered
        assertThat(dirty.count("deadLetters")).isEqualTo(corpus.size());
        assertThat(dirty.count("duplicateFrames")).isEqualTo(duplicates);
        assertThat(dirty.count("lateFrames")).isEqualTo(late);
        assertThat(clean.count("deadLetters")).isZero();
        assertThat(clean.count("duplicateFrames")).isZero();
        assertThat(clean.count("lateFrames")).isZero();

        // the good streams' windows and events are those of the clean run
        List<Prediction> dirtyPredictions = read(dirty.out, Prediction.class, cleanPredictions.size());
        Map<String, Prediction> cleanById = byId(cleanPredictions);
        Map<String, Prediction> dirtyGood = byId(dirtyPredictions.stream().filter(p -> p.getStreamId().startsWith("good-")).toList());
        assertThat(cleanById.keySet()).allMatch(id -> id.startsWith("good-"));
        assertThat(cleanById.size()).isGreaterThanOrEqualTo(good.size() * 5);
        assertThat(dirtyGood.keySet()).isEqualTo(cleanById.keySet());
        for (Map.Entry<String, Prediction> e : cleanById.entrySet()) {
            Prediction c = e.getValue();
            Prediction d = dirtyGood.get(e.getKey());
            assertThat(d.getWindowStartUs()).isEqualTo(c.getWindowStartUs());
            assertThat(d.getWindowEndUs()).isEqualTo(c.getWindowEndUs());
            assertThat(d.getLatency().getCaptureTimeUs()).isEqualTo(c.getLatency().getCaptureTimeUs());
            assertThat(d.getLabels()).hasSameSizeAs(c.getLabels());
            for (int i = 0; i < c.getLabels().size(); i++) {
                assertThat(d.getLabels().get(i).getIndex()).isEqualTo(c.getLabels().get(i).getIndex());
                assertThat(d.getLabels().get(i).getScore()).isCloseTo(c.getLabels().get(i).getScore(), within(1e-5f));
            }
        }
        assertThat(dirtyPredictions).anyMatch(p -> p.getStreamId().equals("late-stream"));
    }

    /** The bad records, one per kind, on a stream of their own; all go to partition 0 between good chunks. */
    private static List<Bad> corpus(long t0) {
        long t = t0 + 3_000_000L;
        AudioChunk valid = chunk("bad", 5, t, 16000, 1, SampleEncoding.PCM_S16LE, new byte[3200]);
        byte[] validBytes = CODEC.encode(valid);
        List<Bad> c = new ArrayList<>();
        c.add(new Bad("garbage bytes", "UNDECODABLE", key("bad"), "not an audio chunk at all".getBytes(StandardCharsets.UTF_8)));
        c.add(new Bad("truncated Avro", "UNDECODABLE", key("bad"), Arrays.copyOf(validBytes, validBytes.length / 2)));
        c.add(new Bad("null value (tombstone)", "UNDECODABLE", key("bad"), null));
        SyntheticActor actor = SyntheticActor.builder().setStreamId("bad").setSeed(5).build();
        MocapFrame mocap = SyntheticFrames.of(actor, actor.next(), t);
        c.add(new Bad("a MoCap frame on the audio topic", "WRONG_SCHEMA", key("bad"), AvroCodec.forClass(MocapFrame.class).encode(mocap)));
        c.add(new Bad("4 kHz, below the lowest rate", "UNSUPPORTED_FORMAT", key("bad"),
                encode(chunk("bad", 6, t, 4000, 1, SampleEncoding.PCM_S16LE, new byte[800]))));
        c.add(new Bad("96 kHz, above the highest rate", "UNSUPPORTED_FORMAT", key("bad"),
                encode(chunk("bad", 7, t, 96000, 1, SampleEncoding.PCM_S16LE, new byte[19200]))));
        c.add(new Bad("44,101 Hz, a rate the resampler cannot take", "UNSUPPORTED_FORMAT", key("bad"),
                encode(chunk("bad", 8, t, 44101, 1, SampleEncoding.PCM_S16LE, new byte[8820]))));
        c.add(new Bad("12 channels", "UNSUPPORTED_FORMAT", key("bad"),
                encode(chunk("bad", 9, t, 16000, 12, SampleEncoding.PCM_S16LE, new byte[1600 * 24]))));
        c.add(new Bad("0 channels", "UNSUPPORTED_FORMAT", key("bad"),
                encode(chunk("bad", 10, t, 16000, 0, SampleEncoding.PCM_S16LE, new byte[3200]))));
        c.add(new Bad("no samples", "WRONG_SIZE", key("bad"), encode(chunk("bad", 11, t, 16000, 1, SampleEncoding.PCM_S16LE, new byte[0]))));
        c.add(new Bad("truncated sample frame (stereo int16, 3199 bytes)", "WRONG_SIZE", key("bad"),
                encode(chunk("bad", 12, t, 16000, 2, SampleEncoding.PCM_S16LE, new byte[3199]))));
        c.add(new Bad("a 12 s chunk", "WRONG_SIZE", key("bad"),
                encode(chunk("bad", 13, t, 8000, 1, SampleEncoding.PCM_S16LE, new byte[8000 * 12 * 2]))));
        c.add(new Bad("NaN in float samples", "NON_FINITE", key("bad"),
                encode(chunk("bad", 14, t, 16000, 1, SampleEncoding.PCM_F32LE, floats(1600, 700, Float.NaN)))));
        c.add(new Bad("infinity in float samples", "NON_FINITE", key("bad"),
                encode(chunk("bad", 15, t, 16000, 1, SampleEncoding.PCM_F32LE, floats(1600, 3, Float.NEGATIVE_INFINITY)))));
        c.add(new Bad("float samples on the int16 scale", "UNSUPPORTED_FORMAT", key("bad"),
                encode(chunk("bad", 16, t, 16000, 1, SampleEncoding.PCM_F32LE, floats(1600, 100, 12000f)))));
        c.add(new Bad("payload over the size limit", "OVERSIZED", key("bad"),
                encode(chunk("bad", 17, t, 48000, 2, SampleEncoding.PCM_F32LE, new byte[48000 * 2 * 4]))));
        c.add(new Bad("far future capture time (+1 day)", "BAD_TIMESTAMP", key("bad"),
                encode(chunk("bad", 18, System.currentTimeMillis() * 1000L + 86_400_000_000L, 16000, 1, SampleEncoding.PCM_S16LE,
                        new byte[3200]))));
        c.add(new Bad("negative capture time", "BAD_TIMESTAMP", key("bad"),
                encode(chunk("bad", 19, -1_000_000L, 16000, 1, SampleEncoding.PCM_S16LE, new byte[3200]))));
        c.add(new Bad("negative sequence number", "BAD_SEQUENCE", key("bad"),
                encode(chunk("bad", -1, t, 16000, 1, SampleEncoding.PCM_S16LE, new byte[3200]))));
        c.add(new Bad("missing key", "MISSING_KEY", null, validBytes));
        c.add(new Bad("key of another stream", "KEY_MISMATCH", key("good-mic"), validBytes));
        c.add(new Bad("key not valid UTF-8", "KEY_MISMATCH", new byte[] {'b', 'a', (byte) 0xC3, 'd'}, validBytes));
        return c;
    }

    private static AudioChunk chunk(String stream, long seq, long captureUs, int rate, int channels, SampleEncoding encoding,
            byte[] samples) {
        return AudioChunk.newBuilder().setStreamId(stream).setSeq(seq).setCaptureTimeUs(captureUs).setSampleRate(rate)
                .setChannels(channels).setEncoding(encoding).setSamples(ByteBuffer.wrap(samples)).build();
    }

    /** {@code n} little-endian floats of a quiet sine with {@code value} at {@code at}. */
    private static byte[] floats(int n, int at, float value) {
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i == at ? value : (float) (0.1 * Math.sin(i * 0.3)));
        }
        return b.array();
    }

    private static byte[] encode(AudioChunk c) {
        return CODEC.encode(c);
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void execute(BadInputRun run) throws Exception {
        Map<String, String> pipeline = new HashMap<>();
        pipeline.put(JobOptions.PIPELINES.key(), AudioEventsPipeline.NAME);
        pipeline.put(AudioEventsOptions.TOPIC.key(), run.in);
        pipeline.put(AudioEventsOptions.PREDICTIONS_TOPIC.key(), run.out);
        pipeline.put(AudioEventsOptions.MODEL.key(), TINY.toString());
        run.execute(KAFKA.get(), pipeline, MAX_PAYLOAD);
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, AudioChunk c) {
        int partition = Math.floorMod(c.getStreamId().hashCode(), PARTITIONS);
        p.send(new ProducerRecord<>(topic, partition, key(c.getStreamId()), CODEC.encode(c)));
    }

    private static long sendToZero(KafkaProducer<byte[], byte[]> p, String topic, Bad b) throws Exception {
        RecordMetadata m = p.send(new ProducerRecord<>(topic, 0, b.key(), b.value())).get(30, TimeUnit.SECONDS);
        return m.offset();
    }

    private static Map<String, Prediction> byId(List<Prediction> ps) {
        Map<String, Prediction> m = new TreeMap<>();
        for (Prediction p : ps) {
            assertThat(m.put(p.getPredictionId(), p)).as("duplicate prediction " + p.getPredictionId()).isNull();
        }
        return m;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return KafkaTestClients.producer(KAFKA.get(), Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * MAX_PAYLOAD)));
    }

    private static <T extends org.apache.avro.specific.SpecificRecordBase> List<T> read(String topic, Class<T> type, int atLeast) {
        return KafkaTestClients.readCommitted(KAFKA.get(), topic, type, atLeast, Duration.ofSeconds(2));
    }
}
