package io.avstream.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.avstream.deploy.JobOptions;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.operators.inference.ModelRef;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.Label;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.SampleEncoding;
import io.avstream.tools.testutils.InProcessKafka;
import io.avstream.tools.testutils.KafkaTestClients;
import io.avstream.tools.testutils.OfflineAudioEvents;
import io.avstream.tools.testutils.TestAudio;
import io.avstream.tools.testutils.TestAudio.Recording;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audio-events pipeline on a real broker and a Flink MiniCluster: two audio streams (44.1 kHz stereo int16,
 * 16 kHz mono float) in 100 ms chunks, some out of order, some twice, and bad chunks in between; the job's window
 * predictions and event records, read back {@code read_committed}, equal those computed offline from each whole
 * recording at once (the same conversion over all its samples, the same model through ONNX Runtime, the same
 * event tracker). The model is a random tiny package of the audio-event models' signature: this checks the path,
 * not the tags.
 */
class AudioEventsPipelineITCase {

    private static final Path TINY = InProcessKafka.TINY_AUDIO_EVENTS;
    private static final double SECONDS = 12.3;
    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();


    private static Recording recording(String stream, int rate, int channels, SampleEncoding encoding, long seed) {
        return TestAudio.tones(stream, rate, channels, encoding, SECONDS, seed);
    }

    @Test
    void windowsAndEventsThroughKafkaAndFlinkEqualTheOfflineOnes() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String in = "audio-" + run;
        String out = "audio-events-" + run;
        String dlq = "deadletter-" + run;
        KAFKA.get().createTopic(in, 2);
        KAFKA.get().createTopic(out, 2);
        KAFKA.get().createTopic(dlq, 1);

        List<Recording> recordings = List.of(recording("cam-a", 44100, 2, SampleEncoding.PCM_S16LE, 1),
                recording("mic-b", 16000, 1, SampleEncoding.PCM_F32LE, 2));
        long t0 = (System.currentTimeMillis() / 1000 - 60) * 1_000_000L;
        AvroCodec<AudioChunk> codec = AvroCodec.forClass(AudioChunk.class);
        int bad = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(KAFKA.get(), Map.of())) {
            for (Recording rec : recordings) {
                byte[] key = rec.stream().getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> held = null;
                for (AudioChunk c : rec.chunks(t0, rec.rate() / 10)) {
                    long seq = c.getSeq();
                    ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(in, key, codec.encode(c));
                    if (seq % 17 == 5) {
                        held = pr; // sent after the next chunk: out of order by 100 ms
                    } else {
                        producer.send(pr);
                        if (held != null) {
                            producer.send(held);
                            held = null;
                        }
                    }
                    if (seq % 23 == 11) {
                        producer.send(pr); // twice
                    }
                    if (seq % 40 == 20) {
                        AudioChunk broken = AudioChunk.newBuilder(c).setSamples(ByteBuffer.wrap(new byte[] {1, 2, 3})).build();
                        producer.send(new ProducerRecord<>(in, key, codec.encode(broken)));
                        bad++;
                    }
                }
                if (held != null) {
                    producer.send(held);
                }
            }
            producer.flush();
        }

        Map<String, String> settings = new HashMap<>();
        settings.put(JobOptions.PIPELINES.key(), AudioEventsPipeline.NAME);
        settings.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.get().bootstrapServers());
        settings.put(AudioEventsOptions.TOPIC.key(), in);
        settings.put(AudioEventsOptions.PREDICTIONS_TOPIC.key(), out);
        settings.put(AudioEventsOptions.MODEL.key(), TINY.toString());
        settings.put(JobOptions.DEADLETTER_TOPIC.key(), dlq);
        settings.put(JobOptions.GROUP_ID.key(), "it-" + run);
        settings.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), "it-" + run);
        settings.put(JobOptions.DELIVERY.key(), "exactly-once");
        settings.put(JobOptions.CHECKPOINT_INTERVAL.key(), "500ms");
        settings.put(JobOptions.BOUNDED.key(), "true");
        settings.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        KafkaTestClients.runJob(settings, 2, "audio-events-it");

        Map<String, List<Prediction>> expected = new TreeMap<>();
        for (Recording rec : recordings) {
            expected.put(rec.stream(), offline(rec, t0));
        }
        int expectedCount = expected.values().stream().mapToInt(List::size).sum();
        List<Prediction> got = KafkaTestClients.readCommitted(KAFKA.get(), out, Prediction.class, expectedCount, Duration.ofSeconds(2));
        Map<String, Prediction> byId = new HashMap<>();
        for (Prediction p : got) {
            assertThat(byId.put(p.getPredictionId(), p)).as("duplicate " + p.getPredictionId()).isNull();
        }
        double worst = 0;
        int windows = 0;
        int events = 0;
        for (List<Prediction> list : expected.values()) {
            for (Prediction e : list) {
                Prediction a = byId.get(e.getPredictionId());
                assertThat(a).as("prediction " + e.getPredictionId()).isNotNull();
                assertThat(a.getWindowStartUs()).isEqualTo(e.getWindowStartUs());
                assertThat(a.getLabels()).extracting(Label::getIndex).containsExactlyElementsOf(
                        e.getLabels().stream().map(Label::getIndex).toList());
                for (int i = 0; i < e.getLabels().size(); i++) {
                    worst = Math.max(worst, Math.abs(a.getLabels().get(i).getScore() - e.getLabels().get(i).getScore()));
                }
                if (e.getEvent() != null) {
                    events++;
                    assertThat(a.getEvent().getOffsetUs()).isEqualTo(e.getEvent().getOffsetUs());
                } else {
                    windows++;
                    assertThat(a.getTags()).extracting(Label::getIndex).containsExactlyElementsOf(
                            e.getTags().stream().map(Label::getIndex).toList());
                }
            }
        }
        assertThat(byId).hasSize(expectedCount);
        System.out.printf("audio streaming vs offline: %d windows, %d events, max |score difference| %.2e%n", windows,
                events, worst);
        assertThat(windows).isGreaterThan(20);
        assertThat(worst).isLessThanOrEqualTo(1e-5);

        List<DeadLetter> dead = KafkaTestClients.readCommitted(KAFKA.get(), dlq, DeadLetter.class, bad, Duration.ofSeconds(1));
        assertThat(dead).hasSize(bad).allSatisfy(d -> assertThat(d.getReason()).isEqualTo("WRONG_SIZE"));
    }

    /** The stream's predictions computed from its whole recording at once, in the job's order. */
    private static List<Prediction> offline(Recording rec, long t0) throws Exception {
        return OfflineAudioEvents.predict(ModelRef.of(TINY.toString()).load(), rec.stream(), t0, rec.rate(), rec.channels(),
                rec.encoding(), rec.pcm());
    }
}
