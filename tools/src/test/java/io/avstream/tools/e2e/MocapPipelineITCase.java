package io.avstream.tools.e2e;

import io.avstream.deploy.action.ActionOptions;
import io.avstream.deploy.JobOptions;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.avstream.tools.testutils.InProcessKafka;
import io.avstream.tools.testutils.KafkaTestClients;
import io.avstream.ingest.produce.SyntheticFrames;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.Label;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Prediction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path on a real broker and a Flink MiniCluster: MoCap frames written to Kafka, the job
 * run with exactly-once delivery, predictions read back {@code read_committed}.
 */
class MocapPipelineITCase {

    private static final int STREAMS = 3;
    private static final int SECONDS = 10;
    private static final int FPS = 25;
    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();


    @Test
    void writesExactlyOneCommittedPredictionPerWindow() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String in = "mocap-" + run;
        String out = "predictions-" + run;
        String dlq = "deadletter-" + run;
        KAFKA.get().createTopic(in, 3);
        KAFKA.get().createTopic(out, 2);
        KAFKA.get().createTopic(dlq, 1);

        // 3 streams x 10 s at 25 fps from a whole second; some frames swapped (out of order by one
        // frame), some sent twice, and three bad records in between
        long baseUs = (System.currentTimeMillis() / 1000 - 120) * 1_000_000L;
        int badRecords = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(KAFKA.get(), Map.of())) {
            AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
            List<SyntheticActor> actors = new ArrayList<>();
            for (int s = 0; s < STREAMS; s++) {
                actors.add(SyntheticActor.builder().setStreamId("it-" + s).setSeed(100 + s).build());
            }
            ProducerRecord<byte[], byte[]> held = null;
            for (int i = 0; i < SECONDS * FPS; i++) {
                List<ProducerRecord<byte[], byte[]>> tick = new ArrayList<>();
                for (SyntheticActor a : actors) {
                    SyntheticActor.Frame f = a.next();
                    MocapFrame frame = SyntheticFrames.of(a, f, baseUs + f.index() * 1_000_000L / FPS);
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(in, key(a.streamId()), codec.encode(frame));
                    if (a == actors.get(0) && i % 25 == 3) {
                        held = r; // sent after the stream's next frame
                        continue;
                    }
                    tick.add(r);
                    if (a == actors.get(0) && held != null) {
                        tick.add(held);
                        held = null;
                    }
                    if (i % 50 == 7) {
                        tick.add(r); // duplicate
                    }
                }
                for (ProducerRecord<byte[], byte[]> r : tick) {
                    producer.send(r);
                }
                if (i % 80 == 40) {
                    producer.send(new ProducerRecord<>(in, key("it-0"), "garbage".getBytes(StandardCharsets.UTF_8)));
                    badRecords++;
                }
            }
            producer.flush();
        }

        Map<String, String> settings = new HashMap<>();
        settings.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.get().bootstrapServers());
        settings.put(ActionOptions.TOPIC.key(), in);
        settings.put(ActionOptions.PREDICTIONS_TOPIC.key(), out);
        settings.put(JobOptions.DEADLETTER_TOPIC.key(), dlq);
        settings.put(JobOptions.GROUP_ID.key(), "it-" + run);
        settings.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), "it-" + run);
        settings.put(JobOptions.DELIVERY.key(), "exactly-once");
        settings.put(JobOptions.CHECKPOINT_INTERVAL.key(), "500ms");
        settings.put(JobOptions.BOUNDED.key(), "true");
        settings.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        KafkaTestClients.runJob(settings, 2, "mocap-it");

        // windows [k, k+2) s for k = 0..8 are full; [-1, 1) and [9, 11) hold half the frames and are skipped
        Set<String> expected = new TreeSet<>();
        for (int s = 0; s < STREAMS; s++) {
            for (int k = 0; k <= SECONDS - 2; k++) {
                expected.add("it-" + s + "@" + k);
            }
        }
        List<Prediction> predictions = KafkaTestClients.readCommitted(KAFKA.get(), out, Prediction.class, expected.size(), Duration.ofSeconds(2));
        List<String> windows = new ArrayList<>();
        for (Prediction p : predictions) {
            windows.add(p.getStreamId() + "@" + (p.getWindowStartUs() - baseUs) / 1_000_000L);
        }
        assertThat(windows).as("no duplicates").doesNotHaveDuplicates();
        assertThat(new TreeSet<>(windows)).as("no gaps").isEqualTo(expected);
        assertThat(new HashSet<>(predictions.stream().map(Prediction::getPredictionId).toList())).hasSize(expected.size());

        for (Prediction p : predictions) {
            assertThat(p.getTask()).isEqualTo("action");
            assertThat(p.getModelName()).isEqualTo("stmt-small");
            assertThat(p.getInputs()).containsExactly("mocap");
            assertThat(p.getWindowEndUs() - p.getWindowStartUs()).isEqualTo(2_000_000L);
            assertThat(p.getLabels()).hasSize(3);
            List<Float> scores = p.getLabels().stream().map(Label::getScore).toList();
            assertThat(scores).isSortedAccordingTo((a, b) -> Float.compare(b, a));
            assertThat(p.getAnnotation()).isNotNull();
            var l = p.getLatency();
            assertThat(l.getCaptureTimeUs()).isEqualTo(p.getWindowEndUs() - 1_000_000L / FPS);
            assertThat(l.getKafkaAppendTimeUs()).isPositive();
            assertThat(l.getWindowCloseUs()).isGreaterThanOrEqualTo(l.getKafkaAppendTimeUs());
            assertThat(l.getInferenceStartUs()).isGreaterThanOrEqualTo(l.getWindowCloseUs() - 1000);
            assertThat(l.getInferenceEndUs()).isGreaterThanOrEqualTo(l.getInferenceStartUs());
            assertThat(l.getEmitTimeUs()).isGreaterThanOrEqualTo(l.getInferenceEndUs());
            assertThat(l.getBatchSize()).isBetween(1, 16);
        }

        List<DeadLetter> dead = KafkaTestClients.readCommitted(KAFKA.get(), dlq, DeadLetter.class, badRecords, Duration.ofSeconds(2));
        assertThat(dead).hasSize(badRecords).allSatisfy(d -> assertThat(d.getReason()).isEqualTo("UNDECODABLE"));
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
