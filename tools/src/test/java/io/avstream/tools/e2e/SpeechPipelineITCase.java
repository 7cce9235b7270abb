package io.avstream.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.deploy.speech.SpeechOptions;
import io.avstream.deploy.speech.SpeechPipeline;
import io.avstream.operators.audio.Resampler;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.Label;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.SampleEncoding;
import io.avstream.schemas.SpeakerEnrolment;
import io.avstream.schemas.Word;
import io.avstream.tools.cli.LocalJob;
import io.avstream.tools.cli.LocalStack;
import io.avstream.tools.testutils.InProcessKafka;
import io.avstream.tools.testutils.KafkaTestClients;
import io.avstream.tools.testutils.OfflineSpeech;
import io.avstream.tools.testutils.TestAudio.Recording;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The speech pipeline on a real broker and a Flink MiniCluster, with the bundled models: two speakers enrolled through
 * the speakers topic (one by embedding, one by a voice clip the job embeds itself), bad enrolments dead-lettered, then
 * a recording of twelve spoken phrases with pauses sent as two streams (16 kHz mono, and 44.1 kHz stereo with chunks
 * out of order and repeated); every speech prediction, read back {@code read_committed}, equals the offline pipeline's
 * on the same samples: the same segments, transcripts, word times, emotions (scores within 1e-5), enrolled speaker
 * matches and anonymous labels. Half-way, in the middle of an utterance, a TaskManager is killed: the job resumes from
 * its last checkpoint and no segment is lost or repeated (exactly-once, {@code read_committed}).
 */
class SpeechPipelineITCase {

    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();

    /** The recording's phrases (start, end in seconds) of the voices enrolled below: slt (phrase 1) and rms (phrase 2). */
    private static final double[] ALICE = {0.8, 2.35};
    private static final double[] BOB = {3.34, 4.59};
    /** Where the audio is split around the TaskManager's failure: inside the phrase at 12.47-13.55 s. */
    private static final double SPLIT_S = 13.3;

    @Test
    void predictionsThroughKafkaAndFlinkEqualTheOfflineOnes() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String in = "audio-" + run;
        String speakers = "speakers-" + run;
        String out = "speech-" + run;
        String dlq = "deadletter-" + run;
        KAFKA.get().createTopic(in, 2);
        // not compacted here: a compacted topic refuses the keyless record below (the broker's own check), which the
        // job must dead-letter where a topic takes it (KafkaBrokerMainTest checks the compacted topic the scripts make)
        KAFKA.get().createTopic(speakers, 1);
        KAFKA.get().createTopic(out, 2);
        KAFKA.get().createTopic(dlq, 1);

        float[] speech = recording();
        List<Recording> recordings = List.of(s16("mic-a", 16_000, 1, speech), s16("mic-b", 44_100, 2,
                Resampler.of(16_000, 44_100).process(Resampler.of(16_000, 44_100).newState(), speech)));
        Map<String, String> settings = new HashMap<>();
        settings.put(JobOptions.PIPELINES.key(), SpeechPipeline.NAME);
        settings.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.get().bootstrapServers());
        settings.put(SpeechOptions.TOPIC.key(), in);
        settings.put(SpeechOptions.SPEAKERS_TOPIC.key(), speakers);
        settings.put(SpeechOptions.PREDICTIONS_TOPIC.key(), out);
        settings.put(JobOptions.DEADLETTER_TOPIC.key(), dlq);
        settings.put(JobOptions.GROUP_ID.key(), "it-" + run);
        settings.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), "it-" + run);
        settings.put(JobOptions.DELIVERY.key(), "exactly-once");
        settings.put(JobOptions.CHECKPOINT_INTERVAL.key(), "500ms");
        settings.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        // interim transcripts of the speech so far every 700 ms of it, then each segment's final one
        settings.put(SpeechOptions.INTERIM_INTERVAL.key(), "700 ms");
        Configuration conf = JobConfig.fromMap(settings).flink();
        // the enrolments' embeddings come from whole phrases only
        Configuration finalsOnly = new Configuration(conf);
        finalsOnly.set(SpeechOptions.INTERIM_INTERVAL, Duration.ZERO);

        // alice enrolled by the embedding of her phrase, bob by a clip of his
        Prediction alicePhrase = OfflineSpeech.predict(finalsOnly, "enrol", 0, 16_000, 1, SampleEncoding.PCM_S16LE,
                pcm(slice(speech, ALICE)), Map.of()).get(0);
        byte[] aliceEmbedding = bytes(alicePhrase.getEmbedding());
        AvroCodec<SpeakerEnrolment> enrolments = AvroCodec.forClass(SpeakerEnrolment.class);
        String model = alicePhrase.getModelName();
        String version = alicePhrase.getModelVersion();
        SpeakerEnrolment alice = SpeakerEnrolment.newBuilder().setSpeakerId("alice").setModelName(model)
                .setModelVersion(version).setEmbedding(ByteBuffer.wrap(aliceEmbedding)).setEnrolledAtUs(EpochMicros.now())
                .build();
        SpeakerEnrolment bob = SpeakerEnrolment.newBuilder(alice).setSpeakerId("bob").setEmbedding(ByteBuffer.allocate(0))
                .setAudio(ByteBuffer.wrap(pcm(slice(speech, BOB)))).setAudioSampleRate(16_000).build();
        ByteBuffer scaled = ByteBuffer.wrap(aliceEmbedding.clone()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < scaled.capacity(); i += 4) {
            scaled.putFloat(i, scaled.getFloat(i) * 2);
        }
        SpeakerEnrolment notNormalised = SpeakerEnrolment.newBuilder(alice).setSpeakerId("dave").setEmbedding(scaled).build();
        SpeakerEnrolment silent = SpeakerEnrolment.newBuilder(bob).setSpeakerId("erin")
                .setAudio(ByteBuffer.wrap(new byte[2 * 16_000])).build();
        // the bad enrolments, one of each kind, with the reason each must be dead-lettered with
        Map<SpeakerEnrolment, String> bad = new java.util.LinkedHashMap<>();
        bad.put(notNormalised, "NOT_NORMALISED");
        bad.put(silent, "NO_SPEECH");
        bad.put(SpeakerEnrolment.newBuilder(alice).setSpeakerId("frank")
                .setEmbedding(ByteBuffer.wrap(java.util.Arrays.copyOf(aliceEmbedding, 128))).build(), "WRONG_SIZE");
        ByteBuffer nan = ByteBuffer.wrap(aliceEmbedding.clone()).order(ByteOrder.LITTLE_ENDIAN);
        nan.putFloat(8, Float.NaN);
        bad.put(SpeakerEnrolment.newBuilder(alice).setSpeakerId("gina").setEmbedding(nan).build(), "NON_FINITE");
        bad.put(SpeakerEnrolment.newBuilder(alice).setSpeakerId("hugo").setModelVersion("0.0.0-other").build(),
                "MODEL_MISMATCH");
        bad.put(SpeakerEnrolment.newBuilder(bob).setSpeakerId("iris").setAudioSampleRate(44_101).build(),
                "UNSUPPORTED_FORMAT");
        bad.put(SpeakerEnrolment.newBuilder(bob).setSpeakerId("jack").setEmbedding(ByteBuffer.wrap(aliceEmbedding)).build(),
                "WRONG_SIZE");
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(KAFKA.get(), Map.of())) {
            List<SpeakerEnrolment> all = new ArrayList<>(List.of(alice, bob));
            all.addAll(bad.keySet());
            for (SpeakerEnrolment e : all) {
                producer.send(new ProducerRecord<>(speakers, e.getSpeakerId().getBytes(StandardCharsets.UTF_8),
                        enrolments.encode(e)));
            }
            // a deletion without a key
            producer.send(new ProducerRecord<>(speakers, null, null));
            // last: the deletion of a speaker nobody enrolled; its dead letter says the enrolments before it are taken
            producer.send(new ProducerRecord<>(speakers, "carol".getBytes(StandardCharsets.UTF_8), null));
            producer.flush();
        }

        // two TaskManagers of one slot each: one is killed mid-utterance, a fresh one takes its place
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(LocalStack.flinkConfiguration(1)).setNumTaskManagers(2).setNumSlotsPerTaskManager(1).build());
        cluster.start();
        StreamGraph graph = LocalJob.builder().setConfig(JobConfig.fromMap(settings)).optParallelism(2).build().env()
                .getStreamGraph();
        graph.setJobName("speech-it");
        JobGraph jobGraph = graph.getJobGraph();
        cluster.submitJob(jobGraph).get();
        try {
            List<String> reasons = new ArrayList<>(bad.values());
            reasons.add("MISSING_KEY");
            reasons.add("UNKNOWN_SPEAKER");
            List<DeadLetter> dead = KafkaTestClients.readCommitted(KAFKA.get(), dlq, DeadLetter.class, reasons.size(),
                    Duration.ofSeconds(1));
            assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrderElementsOf(reasons);
            System.out.println("bad enrolments dead-lettered: " + dead.stream().map(d -> d.getReason() + " ("
                    + d.getStreamId() + ")").toList());

            long t0 = (System.currentTimeMillis() / 1000 - 60) * 1_000_000L;
            Map<String, float[]> enrolled = new TreeMap<>();
            enrolled.put("alice", floats(aliceEmbedding));
            enrolled.put("bob", voiceEmbedding(OfflineSpeech.predict(finalsOnly, "enrol", 0, 16_000, 1, SampleEncoding.PCM_S16LE,
                    pcm(slice(speech, BOB)), Map.of())));
            Map<String, List<Prediction>> expected = new TreeMap<>();
            for (Recording rec : recordings) {
                expected.put(rec.stream(), OfflineSpeech.predict(conf, rec.stream(), t0, rec.rate(), rec.channels(),
                        rec.encoding(), rec.pcm(), enrolled));
            }
            int count = expected.values().stream().mapToInt(List::size).sum();

            // the audio up to 13.3 s, in the middle of the phrase at 12.47-13.55 s; once the segments that ended before
            // 12 s are committed and two more checkpoints have passed, a TaskManager is killed, a new one started, and
            // the rest of the audio sent: the job resumes from its last checkpoint, inside the utterance
            sendAudio(in, recordings, t0, 0, SPLIT_S);
            long before = expected.values().stream().flatMap(List::stream)
                    .filter(p -> p.getWindowEndUs() < t0 + 12_000_000L).count();
            List<Prediction> early = KafkaTestClients.readCommitted(KAFKA.get(), out, Prediction.class, (int) before,
                    Duration.ofSeconds(1));
            assertThat(early).hasSizeGreaterThanOrEqualTo((int) before);
            Thread.sleep(2_000);
            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();
            System.out.printf("TaskManager killed with %d of %d predictions committed%n", early.size(), count);
            sendAudio(in, recordings, t0, SPLIT_S, Double.MAX_VALUE);

            List<Prediction> got = KafkaTestClients.readCommitted(KAFKA.get(), out, Prediction.class, count, Duration.ofSeconds(2));
            Map<String, Prediction> byId = new HashMap<>();
            for (Prediction p : got) {
                assertThat(byId.put(p.getPredictionId(), p)).as("duplicate " + p.getPredictionId()).isNull();
            }
            assertThat(byId).hasSize(count);
            double worst = 0;
            for (Map.Entry<String, List<Prediction>> e : expected.entrySet()) {
                long finals = e.getValue().stream().filter(x -> x.getSpeech().getFinal$()).count();
                assertThat(finals).as(e.getKey() + " segments").isGreaterThanOrEqualTo(10);
                assertThat(e.getValue().size() - finals).as(e.getKey() + " interim predictions").isGreaterThanOrEqualTo(5);
                for (Prediction x : e.getValue()) {
                    Prediction a = byId.get(x.getPredictionId());
                    assertThat(a).as("prediction " + x.getPredictionId()).isNotNull();
                    assertThat(a.getWindowStartUs()).isEqualTo(x.getWindowStartUs());
                    assertThat(a.getSpeech().getFinal$()).isEqualTo(x.getSpeech().getFinal$());
                    assertThat(a.getText()).isEqualTo(x.getText());
                    assertThat(a.getSpeech().getWords()).extracting(Word::getText, Word::getStartUs, Word::getEndUs)
                            .containsExactlyElementsOf(x.getSpeech().getWords().stream()
                                    .map(w -> org.assertj.core.groups.Tuple.tuple(w.getText(), w.getStartUs(), w.getEndUs()))
                                    .toList());
                    assertThat(a.getLabels()).extracting(Label::getName)
                            .containsExactlyElementsOf(x.getLabels().stream().map(Label::getName).toList());
                    for (int i = 0; i < x.getLabels().size(); i++) {
                        worst = Math.max(worst, Math.abs(a.getLabels().get(i).getScore() - x.getLabels().get(i).getScore()));
                    }
                    assertThat(a.getSpeaker().getSpeakerId()).isEqualTo(x.getSpeaker().getSpeakerId());
                    assertThat(a.getSpeaker().getAccepted()).isEqualTo(x.getSpeaker().getAccepted());
                    worst = Math.max(worst, Math.abs(a.getSpeaker().getScore() - x.getSpeaker().getScore()));
                    assertThat(a.getSpeech().getSpeakerLabel()).isEqualTo(x.getSpeech().getSpeakerLabel());
                }
                System.out.printf("%s: %d segments, %d interim predictions%n", e.getKey(), finals,
                        e.getValue().size() - finals);
                for (Prediction x : e.getValue()) {
                    System.out.printf("  %6.2f-%6.2f s %s %-32s %-8s %s %.2f %s%n", (x.getWindowStartUs() - t0) / 1e6,
                            (x.getWindowEndUs() - t0) / 1e6, x.getSpeech().getFinal$() ? " " : "~", "\"" + x.getText() + "\"",
                            x.getLabels().get(0).getName(),
                            x.getSpeaker().getSpeakerId(), x.getSpeaker().getScore(),
                            x.getSpeaker().getAccepted() ? "accepted" : x.getSpeech().getSpeakerLabel());
                }
            }
            System.out.printf("speech streaming vs offline: %d predictions, max |score difference| %.2e%n", count, worst);
            assertThat(worst).isLessThanOrEqualTo(1e-5);
        } finally {
            cluster.cancelJob(jobGraph.getJobID()).get();
            cluster.close();
        }
    }

    /**
     * Sends the chunks of every recording whose capture time lies in {@code [fromS, toS)} seconds after {@code t0}; the
     * stereo stream with some chunks out of order by 100 ms and some twice.
     */
    static void sendAudio(String topic, List<Recording> recordings, long t0, double fromS, double toS) {
        AvroCodec<AudioChunk> codec = AvroCodec.forClass(AudioChunk.class);
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(KAFKA.get(), Map.of())) {
            for (Recording rec : recordings) {
                byte[] key = rec.stream().getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> held = null;
                for (AudioChunk c : rec.chunks(t0, rec.rate() / 10)) {
                    double at = (c.getCaptureTimeUs() - t0) / 1e6;
                    if (at < fromS || at >= toS) {
                        continue;
                    }
                    ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(topic, key, codec.encode(c));
                    boolean shuffled = rec.channels() == 2;
                    if (shuffled && c.getSeq() % 17 == 5) {
                        held = pr; // sent after the next chunk: out of order by 100 ms
                        continue;
                    }
                    producer.send(pr);
                    if (held != null) {
                        producer.send(held);
                        held = null;
                    }
                    if (shuffled && c.getSeq() % 23 == 11) {
                        producer.send(pr); // twice
                    }
                }
                if (held != null) {
                    producer.send(held);
                }
            }
            producer.flush();
        }
    }

    /** A voice enrolment's embedding as the job makes it: its segments' embeddings averaged by length, normalised. */
    private static float[] voiceEmbedding(List<Prediction> segments) {
        float[] sum = null;
        for (Prediction p : segments) {
            float[] v = floats(bytes(p.getEmbedding()));
            long samples = (p.getWindowEndUs() - p.getWindowStartUs()) * 16 / 1000;
            if (sum == null) {
                sum = new float[v.length];
            }
            for (int i = 0; i < v.length; i++) {
                sum[i] += v[i] * samples;
            }
        }
        double n = 0;
        for (float v : sum) {
            n += (double) v * v;
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= (float) Math.sqrt(n);
        }
        return sum;
    }

    private static float[] slice(float[] x, double[] seconds) {
        return java.util.Arrays.copyOfRange(x, (int) (seconds[0] * 16_000) - 1600, (int) (seconds[1] * 16_000) + 1600);
    }

    private static byte[] pcm(float[] x) {
        ByteBuffer b = ByteBuffer.allocate(2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            b.putShort((short) Math.round(Math.max(-1, Math.min(1, v)) * 32767));
        }
        return b.array();
    }

    /** A mono signal as s16le with {@code channels} channels (the others at 0.7 of the first). */
    private static Recording s16(String stream, int rate, int channels, float[] x) {
        ByteBuffer b = ByteBuffer.allocate(2 * channels * x.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            for (int ch = 0; ch < channels; ch++) {
                b.putShort((short) Math.round(Math.max(-1, Math.min(1, v * (ch == 0 ? 1 : 0.7f))) * 32767));
            }
        }
        return new Recording(stream, rate, channels, SampleEncoding.PCM_S16LE, b.array());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static float[] floats(byte[] le) {
        ByteBuffer b = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[le.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat(4 * i);
        }
        return v;
    }

    /** The committed speech recording (models' test resources), s16 / 32768. */
    static float[] recording() throws IOException {
        byte[] wav;
        try (InputStream in = SpeechPipelineITCase.class.getResourceAsStream("/speech/speech-pauses.wav")) {
            assertThat(in).isNotNull();
            wav = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        float[] x = new float[(wav.length - 44) / 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = b.getShort(44 + 2 * i) / 32768f;
        }
        return x;
    }
}
