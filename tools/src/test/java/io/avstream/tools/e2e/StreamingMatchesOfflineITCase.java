package io.avstream.tools.e2e;

import io.avstream.deploy.action.ActionOptions;
import io.avstream.deploy.JobOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.avstream.tools.dataset.MocapDatasetExporter;
import io.avstream.tools.local.EmbeddedKafka;
import io.avstream.tools.testutils.KafkaTestClients;
import io.avstream.ingest.produce.SyntheticFrames;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.models.EngineSession;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.action.StmtPreprocessing;
import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.operators.post.Scores;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.Label;
import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.UpAxis;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Held-out synthetic actors streamed through Kafka and the Flink job predict what the same windows
 * predict offline (the same frames cut, preprocessed and run through the engine directly, no
 * Kafka, no Flink), whatever the parallelism and batching; and the bundled model recognises the
 * actions. Each stream's producer switches from schema release v1 to v2 half-way, three of them to
 * another frame of reference (z up and/or centimetres or millimetres): the job must read all of it as
 * the same metres, y up.
 */
class StreamingMatchesOfflineITCase {

    private static final int ACTORS = 4;
    private static final int SECONDS = 30;
    private static final int FPS = 25;
    private static final long SPAN_US = 2_000_000L;
    private static final long HOP_US = 1_000_000L;
    /** The frame of reference each actor's producer uses after its switch to release v2. */
    private static final UpAxis[] UP = {UpAxis.Y_UP, UpAxis.Z_UP, UpAxis.Y_UP, UpAxis.Z_UP};
    private static final LengthUnit[] UNIT = {LengthUnit.METRE, LengthUnit.MILLIMETRE, LengthUnit.CENTIMETRE, LengthUnit.METRE};

    private static EmbeddedKafka kafka;
    private static String input;
    private static long baseUs;
    /** Offline result per window key (stream@start). */
    private static final Map<String, Offline> offline = new TreeMap<>();
    private static final Map<String, Map<String, Prediction>> runs = new HashMap<>();

    /** One window computed offline: softmax scores, and its true action if all its frames show one action. */
    record Offline(float[] scores, String pureLabel) {}

    @BeforeAll
    static void writeFramesAndComputeOffline() throws Exception {
        kafka = EmbeddedKafka.start();
        input = "mocap-heldout-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(input, 2);
        baseUs = (System.currentTimeMillis() / 1000 - 600) * 1_000_000L;

        ModelPackage pkg = ModelPackage.fromClasspath("stmt-small");
        StmtPreprocessor pre = StmtPreprocessing.of(pkg).preprocessor();
        AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
        Map<String, float[]> windowPoints = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(kafka, Map.of(
                ProducerConfig.LINGER_MS_CONFIG, "10", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 << 20)))) {
            int a = 0;
            for (MocapDatasetExporter.ActorSpec spec : MocapDatasetExporter.heldOutActors(MocapDatasetExporter.Settings.DEFAULT_SEED, ACTORS)) {
                SyntheticActor actor = spec.newActor();
                UpAxis up = UP[a];
                LengthUnit unit = UNIT[a++];
                int n = SECONDS * FPS;
                long[] times = new long[n];
                float[][] reduced = new float[n][];
                String[] labels = new String[n];
                boolean[] transition = new boolean[n];
                for (int i = 0; i < n; i++) {
                    SyntheticActor.Frame f = actor.next();
                    times[i] = baseUs + f.timeUs();
                    reduced[i] = pre.reduce(f.vertices());
                    labels[i] = f.label();
                    transition[i] = f.timeUs() - f.segment().startUs() < SyntheticActor.TRANSITION_S * 1e6;
                    boolean v2 = i >= n / 2;
                    MocapFrame frame = v2 ? SyntheticFrames.of(actor, f, times[i], up, unit) : SyntheticFrames.of(actor, f, times[i]);
                    byte[] value = v2 ? codec.encode(frame) : codec.encodeAs("v1", frame);
                    producer.send(new ProducerRecord<>(input, spec.streamId().getBytes(StandardCharsets.UTF_8), value));
                }
                // full windows [k, k+2) s, cut exactly as the job does but without it
                for (long start = baseUs; start + SPAN_US <= baseUs + (long) n * 1_000_000L / FPS; start += HOP_US) {
                    List<Integer> in = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        if (times[i] >= start && times[i] < start + SPAN_US) {
                            in.add(i);
                        }
                    }
                    long[] t = new long[in.size()];
                    for (int j = 0; j < t.length; j++) {
                        t[j] = times[in.get(j)];
                    }
                    int[] picks = StmtPreprocessor.selectFrames(t, start, start + SPAN_US, pre.frames());
                    float[][] chosen = new float[picks.length][];
                    for (int j = 0; j < picks.length; j++) {
                        chosen[j] = reduced[in.get(picks[j])];
                    }
                    String pure = labels[in.get(0)];
                    for (int i : in) {
                        if (!labels[i].equals(pure) || transition[i]) {
                            pure = null;
                            break;
                        }
                    }
                    String key = key(spec.streamId(), start);
                    windowPoints.put(key, pre.points(chosen));
                    offline.put(key, new Offline(null, pure));
                }
            }
            producer.flush();
        }
        // the engine directly, in batches of 8 (the geodesic input is shared by a batch)
        try (EngineSession session = EngineSession.open(pkg, RuntimeOptions.defaults())) {
            String pointsName = "points";
            String geodistName = "geodist";
            String outName = "logits";
            List<String> keys = new ArrayList<>(windowPoints.keySet());
            int classes = (int) pkg.manifest().outputs().get(0).shape()[1];
            for (int from = 0; from < keys.size(); from += 8) {
                int b = Math.min(8, keys.size() - from);
                float[] points = new float[b * pre.frames() * pre.points() * 3];
                float[] geodist = pre.geodist();
                for (int j = 0; j < b; j++) {
                    float[] p = windowPoints.get(keys.get(from + j));
                    System.arraycopy(p, 0, points, j * p.length, p.length);
                }
                float[] logits = session.runBatch(Map.of(pointsName, points, geodistName, geodist), b).get(outName);
                for (int j = 0; j < b; j++) {
                    float[] l = java.util.Arrays.copyOfRange(logits, j * classes, (j + 1) * classes);
                    String k = keys.get(from + j);
                    offline.put(k, new Offline(Scores.softmax(l), offline.get(k).pureLabel()));
                }
            }
        }
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String key(String stream, long startUs) {
        return stream + "@" + (startUs - baseUs) / 1_000_000L;
    }

    /** Runs the job once over the held-out frames; returns its predictions by window. */
    private static synchronized Map<String, Prediction> run(int parallelism, int maxBatch) throws Exception {
        String name = parallelism + "x" + maxBatch;
        if (runs.containsKey(name)) {
            return runs.get(name);
        }
        String out = "predictions-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(out, 2);
        Map<String, String> settings = new HashMap<>();
        settings.put(JobOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        settings.put(ActionOptions.TOPIC.key(), input);
        settings.put(ActionOptions.PREDICTIONS_TOPIC.key(), out);
        settings.put(JobOptions.DEADLETTER_TOPIC.key(), out + "-dead");
        settings.put(JobOptions.GROUP_ID.key(), out);
        settings.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), out);
        settings.put(JobOptions.DELIVERY.key(), "exactly-once");
        settings.put(JobOptions.CHECKPOINT_INTERVAL.key(), "1s");
        settings.put(JobOptions.BOUNDED.key(), "true");
        settings.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        settings.put(JobOptions.MAX_BATCH.key(), Integer.toString(maxBatch));
        settings.put(JobOptions.QUEUE_CAPACITY.key(), "1024");
        settings.put(JobOptions.LATENCY_BUDGET.key(), "10min");
        KafkaTestClients.runJob(settings, parallelism, "heldout-" + name);

        Map<String, Prediction> byWindow = new TreeMap<>();
        for (Prediction p : KafkaTestClients.readCommitted(kafka, out, Prediction.class, offline.size(), Duration.ofSeconds(1))) {
            Prediction before = byWindow.put(key(p.getStreamId(), p.getWindowStartUs()), p);
            assertThat(before).as("one prediction per window in run %s", name).isNull();
        }
        runs.put(name, byWindow);
        return byWindow;
    }

    @Test
    void streamingPredictionsEqualOfflinePredictions() throws Exception {
        Map<String, Prediction> streamed = run(2, 16);
        assertThat(streamed.keySet()).isEqualTo(offline.keySet());
        double maxDiff = 0;
        for (Map.Entry<String, Offline> e : offline.entrySet()) {
            Prediction p = streamed.get(e.getKey());
            float[] scores = e.getValue().scores();
            int[] top = Scores.topK(scores, 3);
            assertThat(p.getLabels()).extracting(Label::getIndex).as(e.getKey()).containsExactly(top[0], top[1], top[2]);
            for (Label l : p.getLabels()) {
                assertThat(l.getScore()).as(e.getKey() + " " + l.getName()).isCloseTo(scores[l.getIndex()], within(1e-4f));
                maxDiff = Math.max(maxDiff, Math.abs(l.getScore() - scores[l.getIndex()]));
            }
        }
        System.out.printf("streaming vs offline: %d windows, max |score difference| %.2e%n", offline.size(), maxDiff);
    }

    @Test
    void parallelismAndBatchingDoNotChangePredictions() throws Exception {
        Map<String, Prediction> reference = run(2, 16);
        for (int[] cfg : new int[][] {{1, 16}, {2, 1}}) {
            Map<String, Prediction> other = run(cfg[0], cfg[1]);
            assertThat(other.keySet()).isEqualTo(reference.keySet());
            for (String k : reference.keySet()) {
                List<Label> a = reference.get(k).getLabels();
                List<Label> b = other.get(k).getLabels();
                assertThat(b).extracting(Label::getIndex).as(k).containsExactlyElementsOf(a.stream().map(Label::getIndex).toList());
                for (int i = 0; i < a.size(); i++) {
                    assertThat(b.get(i).getScore()).isCloseTo(a.get(i).getScore(), within(1e-5f));
                }
            }
        }
        // batching on really batched
        assertThat(reference.values().stream().mapToInt(p -> p.getLatency().getBatchSize()).max().orElse(0)).isGreaterThan(1);
        assertThat(run(2, 1).values()).allSatisfy(p -> assertThat(p.getLatency().getBatchSize()).isEqualTo(1));
    }

    @Test
    void recognisesTheActionsOfHeldOutActors() throws Exception {
        Map<String, Prediction> streamed = run(2, 16);
        int pure = 0;
        int correct = 0;
        int[][] confusion = new int[8][8];
        List<String> labels = ModelPackage.fromClasspath("stmt-small").labels();
        for (Map.Entry<String, Offline> e : offline.entrySet()) {
            String truth = e.getValue().pureLabel();
            if (truth == null) {
                continue;
            }
            pure++;
            String predicted = streamed.get(e.getKey()).getLabels().get(0).getName();
            confusion[labels.indexOf(truth)][labels.indexOf(predicted)]++;
            if (truth.equals(predicted)) {
                correct++;
            }
        }
        double accuracy = (double) correct / pure;
        System.out.printf("streaming top-1 accuracy on %d windows inside one action: %.3f%n", pure, accuracy);
        for (int i = 0; i < 8; i++) {
            System.out.printf("  %-6s %s%n", labels.get(i), java.util.Arrays.toString(confusion[i]));
        }
        assertThat(pure).isGreaterThan(40);
        assertThat(accuracy).isGreaterThanOrEqualTo(0.90);
    }
}
