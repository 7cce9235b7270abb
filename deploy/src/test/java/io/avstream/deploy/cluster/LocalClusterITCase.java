package io.avstream.deploy.cluster;

import io.avstream.deploy.action.ActionOptions;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.avstream.deploy.JobOptions;
import io.avstream.ingest.produce.SyntheticFrames;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.UpAxis;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job on a real Flink cluster ({@code deploy/cluster}: one JobManager and two TaskManager JVMs,
 * a Kafka broker process) while MoCap frames flow in real time: metrics exported to Prometheus, a
 * TaskManager killed with SIGKILL, the broker killed with SIGKILL and restarted (then stopped and
 * restarted cleanly), the previous version's job upgraded to this one from its savepoint while
 * producers move to the next schema release. After each, the {@code read_committed} prediction topic
 * holds exactly one prediction per expected window.
 *
 * <p>Runs with {@code -Pcluster} only (minutes); needs the job jar ({@code mvn install -DskipTests}).
 * Timings go to {@code deploy/target/cluster-it/timings.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterITCase {
    private static final Logger LOG = LoggerFactory.getLogger(LocalClusterITCase.class);

    private static final int STREAMS = 4;
    private static final int FPS = 25;
    private static final int INPUT_PARTITIONS = 2;
    private static final String SECRET = "never-in-a-log-" + UUID.randomUUID();

    private static ClusterHarness cluster;
    private static final List<String> timings = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        Path repo = DeploymentAssetsTest.repoRoot();
        assertThat(repo.resolve("deploy/target/avstream-job.jar")).as("the job jar (mvn install -DskipTests)").exists();
        cluster = new ClusterHarness(repo, repo.resolve("deploy/target/cluster-it"), 29_000);
        cluster.script("stop.sh", "--purge");
        long t0 = System.nanoTime();
        cluster.script("start.sh");
        timing("cluster start (broker, JobManager, 2 TaskManagers registered)", t0);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.script("stop.sh");
            Files.write(cluster.work.resolve("timings.txt"), timings);
        }
    }

    private static void timing(String what, long startNs) {
        String line = String.format("%-70s %6.1f s", what, (System.nanoTime() - startNs) / 1e9);
        LOG.info(line);
        timings.add(line);
        System.out.println(line);
    }

    @Test
    @Order(1)
    void exportsLatencyHistogramsAndCountersToPrometheus() throws Exception {
        Run run = new Run("metrics", 12);
        // a credential-like client setting (unused with PLAINTEXT) that must not show in any log
        // every pipeline, so that every metric of the dashboard is registered (the audio pipelines on the cluster's
        // default audio and speakers topics, which see no traffic here: their counters exist from the start)
        String job = run.submit("--kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"avstream\" password=\"" + SECRET + "\";", "--avstream.pipelines",
                "action,audio-events,speech,audio-visual");
        try {
            try (Writer writer = run.writer()) {
                writer.badRecords = 5;
                writer.start();
                ClusterHarness.await("predictions in the metrics", Duration.ofSeconds(90),
                        () -> cluster.scrapeAll().lines().anyMatch(l ->
                                l.startsWith("flink_taskmanager_job_task_operator_avstream_endToEndLatencyMs_count") && !l.endsWith(" 0.0")));
                writer.join();
            }
            ClusterHarness.await("dead letters counted", Duration.ofSeconds(30), () -> sum(cluster.scrapeAll(),
                    "flink_taskmanager_job_task_operator_deadLetters_UNDECODABLE", job) >= 5);
            // an operator's metrics appear once its task has opened it: the audio pipelines' (two MAViL models to load)
            // may open after the MoCap predictions flow
            ClusterHarness.await("every dashboard metric exported", Duration.ofSeconds(120),
                    () -> absentDashboardMetrics(cluster.scrapeAll()).isEmpty());
            String metrics = cluster.scrapeAll();
            for (String histogram : List.of("endToEndLatencyMs", "pipelineLatencyMs", "queueTimeMs", "inferenceTimeMs", "batchSize")) {
                assertThat(metrics).contains("flink_taskmanager_job_task_operator_avstream_" + histogram + "{")
                        .contains("flink_taskmanager_job_task_operator_avstream_" + histogram + "_count{");
                assertThat(metrics.lines().filter(l -> l.startsWith("flink_taskmanager_job_task_operator_avstream_" + histogram + "{")
                        && l.contains("quantile=\"0.99\"") && l.contains(job))).isNotEmpty();
            }
            for (String counter : List.of("deadLetters", "validRecords", "lateFrames", "duplicateFrames", "shedWindows",
                    "windowsClosed", "avstream_predictions")) {
                assertThat(metrics).contains("flink_taskmanager_job_task_operator_" + counter + "{");
            }
            assertThat(sum(metrics, "flink_taskmanager_job_task_operator_deadLetters", job)).isEqualTo(5);
            assertThat(sum(metrics, "flink_taskmanager_job_task_operator_avstream_predictions", job)).isPositive();
            assertThat(metrics).contains("flink_jobmanager_job_lastCheckpointDuration{");
            assertThat(absentDashboardMetrics(metrics)).as("metrics the dashboard queries that the running job does not export")
                    .isEmpty();
        } finally {
            // a failure here must not leave the job holding the cluster's slots for the tests after it
            cluster.cancel(job);
        }
        try (Stream<Path> logs = Files.list(cluster.work.resolve("log"))) {
            for (Path log : logs.toList()) {
                assertThat(Files.readString(log)).as(log.toString()).doesNotContain(SECRET);
            }
        }
    }

    /** The metrics the Grafana dashboard queries (by name, or by a name prefix in a regex) that are not in the scrape. */
    private static List<String> absentDashboardMetrics(String metrics) {
        String dashboard;
        try {
            dashboard = Files.readString(cluster.repo.resolve("deploy/grafana/avstream.json"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(flink_[A-Za-z0-9_]+)(\\.\\+)?").matcher(dashboard);
        Set<String> queried = new TreeSet<>();
        while (m.find()) {
            queried.add(m.group(1) + (m.group(2) != null ? "*" : ""));
        }
        assertThat(queried).hasSizeGreaterThan(15);
        List<String> absent = new ArrayList<>();
        for (String q : queried) {
            boolean prefix = q.endsWith("*");
            String name = prefix ? q.substring(0, q.length() - 1) : q;
            boolean present = metrics.lines().anyMatch(l -> prefix ? l.startsWith(name)
                    : l.startsWith(name + "{") || l.startsWith(name + " "));
            if (!present) {
                absent.add(q);
            }
        }
        return absent;
    }

    /** Sum of a metric's samples of one job across all JVMs. */
    private static double sum(String metrics, String name, String jobId) {
        return metrics.lines().filter(l -> l.startsWith(name + "{") && l.contains("job_id=\"" + jobId + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    @Order(2)
    void survivesATaskManagerKilledWithSigkill() throws Exception {
        Run run = new Run("tm-kill", 40);
        String job = run.submit();
        try (Writer writer = run.writer()) {
            writer.start();
            awaitFirstCheckpointsAndFlow(run, writer, job);
            String victim = cluster.taskManagerRunning(job);
            long t0 = System.nanoTime();
            cluster.script("stop.sh", "--kill", "taskmanager", victim);
            ClusterHarness.await("job restarted", Duration.ofSeconds(120), () -> cluster.numRestarts(job) >= 1);
            timing("TaskManager kill -9 -> restart detected", t0);
            ClusterHarness.await("job running again", Duration.ofSeconds(120), () -> cluster.allTasksRunning(job));
            timing("TaskManager kill -9 -> all tasks running on the other TaskManager", t0);
            long predictionsAtKill = run.countCommitted();
            ClusterHarness.await("new predictions after the kill", Duration.ofSeconds(120), () -> run.countCommitted() > predictionsAtKill);
            timing("TaskManager kill -9 -> next committed prediction", t0);
            cluster.script("start.sh", "taskmanager", victim);
            writer.join();
        }
        run.assertExactlyOncePerWindow();
        assertThat(cluster.numRestarts(job)).isGreaterThanOrEqualTo(1);
        cluster.cancel(job);
    }

    @Test
    @Order(3)
    void survivesAKafkaBrokerKilledWithSigkillAndRestarted() throws Exception {
        Run run = new Run("broker-restart", 48);
        String job = run.submit();
        try (Writer writer = run.writer()) {
            writer.start();
            awaitFirstCheckpointsAndFlow(run, writer, job);
            for (boolean crash : new boolean[] {true, false}) {
                String how = crash ? "kill -9" : "SIGTERM";
                long t0 = System.nanoTime();
                if (crash) {
                    cluster.script("stop.sh", "--kill", "kafka");
                } else {
                    cluster.script("stop.sh", "kafka");
                }
                cluster.script("start.sh", "kafka");
                timing("Kafka broker " + how + " + start", t0);
                long predictionsAtRestart = run.countCommitted();
                ClusterHarness.await("new predictions after the broker " + how, Duration.ofSeconds(120),
                        () -> run.countCommitted() > predictionsAtRestart);
                timing("Kafka broker " + how + " -> next committed prediction", t0);
            }
            writer.join();
        }
        run.assertExactlyOncePerWindow();
        cluster.cancel(job);
    }

    /**
     * The job of the previous version (built from git history, schema release v1 only) runs while
     * producers write v1; it stops with a savepoint; this version restores it with a changed option (top-k
     * 3 -> 5, to tell the two apart); then three of four producers move to release v2, two of them to
     * another frame of reference (z up in millimetres, centimetres). No window is lost or doubled, nothing
     * is dead-lettered, and the windows that mix v1 and v2 frames predict what v1 alone predicts.
     */
    @Test
    @Order(4)
    void upgradesThePreviousVersionFromItsSavepointWhileProducersMoveToSchemaV2() throws Exception {
        String commit = cluster.baselineCommit();
        Assumptions.assumeTrue(cluster.hasCommit(commit), "the previous version " + commit
                + " is not in this clone's history (shallow clone): git fetch --unshallow to run the upgrade test");
        long tb = System.nanoTime();
        Path previous = cluster.buildBaseline(commit);
        timing("job jar of the previous version " + commit.substring(0, 12) + " built", tb);

        Run run = new Run("upgrade", 40);
        String job = cluster.submitJar(previous, run.jobArgs());
        String upgraded;
        try (Writer writer = run.writer()) {
            writer.schemaV2AfterFrame = Integer.MAX_VALUE;
            writer.untilSwitched = true;
            writer.start();
            awaitFirstCheckpointsAndFlow(run, writer, job);
            long t0 = System.nanoTime();
            String savepoint = cluster.stopWithSavepoint(job);
            timing("stop-with-savepoint (previous version)", t0);
            assertThat(cluster.jobState(job)).isEqualTo("FINISHED");
            upgraded = run.submit("--savepoint", savepoint, "--" + JobOptions.TOP_K.key(), "5");
            ClusterHarness.await("upgraded job running", Duration.ofSeconds(120), () -> cluster.allTasksRunning(upgraded));
            timing("stop-with-savepoint -> this version running", t0);
            writer.schemaV2AfterFrame = writer.framesPerStream;
            writer.join();
            assertThat(writer.schemaV2AfterFrame).as("producers switched before the end").isLessThan(run.seconds * FPS - 2 * FPS);
        }
        List<Prediction> predictions = run.assertExactlyOncePerWindow();
        assertThat(predictions).extracting(p -> p.getLabels().size()).containsOnly(3, 5).contains(3, 5);
        // no window predicted by the old job comes after one of the new job in a stream
        Map<String, Long> firstUpgraded = new HashMap<>();
        for (Prediction p : predictions) {
            if (p.getLabels().size() == 5) {
                firstUpgraded.merge(p.getStreamId(), p.getWindowStartUs(), Math::min);
            }
        }
        for (Prediction p : predictions) {
            if (p.getLabels().size() == 3 && firstUpgraded.containsKey(p.getStreamId())) {
                assertThat(p.getWindowStartUs()).isLessThan(firstUpgraded.get(p.getStreamId()));
            }
        }
        assertThat(run.countDeadLetters()).as("dead letters").isZero();
        cluster.cancel(upgraded);
    }

    /** Waits until 12 s of frames are written, predictions are committed and checkpoints completed: then the fault. */
    private static void awaitFirstCheckpointsAndFlow(Run run, Writer writer, String job) {
        ClusterHarness.await("job running", Duration.ofSeconds(120), () -> cluster.allTasksRunning(job));
        ClusterHarness.await("12 s of frames written", Duration.ofSeconds(60), () -> writer.secondsWritten() >= 12);
        ClusterHarness.await("first committed predictions", Duration.ofSeconds(60), () -> run.countCommitted() >= STREAMS);
        ClusterHarness.await("two completed checkpoints", Duration.ofSeconds(60), () -> cluster.completedCheckpoints(job) >= 2);
    }

    /** One scenario: fresh topics, a job on them, a writer of {@code seconds} of frames per stream. */
    private static final class Run {
        final String id;
        /** Seconds of frames per stream; the upgrade scenario's writer extends it until its producers have switched. */
        volatile int seconds;
        final String in;
        final String out;
        final String dlq;
        final long baseUs;

        Run(String name, int seconds) throws Exception {
            this.id = name + "-" + UUID.randomUUID().toString().substring(0, 6);
            this.seconds = seconds;
            this.in = "mocap-" + id;
            this.out = "predictions-" + id;
            this.dlq = "deadletter-" + id;
            // capture times from a whole second a little ahead, paced in real time by the writer
            this.baseUs = (System.currentTimeMillis() / 1000 + 8) * 1_000_000L;
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            try (Admin admin = Admin.create(p)) {
                admin.createTopics(List.of(new NewTopic(in, INPUT_PARTITIONS, (short) 1), new NewTopic(out, 2, (short) 1),
                        new NewTopic(dlq, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }

        private static String legacyKey(org.apache.flink.configuration.ConfigOption<?> option) {
            return option.fallbackKeys().iterator().next().getKey();
        }

        String submit(String... extra) throws Exception {
            long t0 = System.nanoTime();
            String job = cluster.submit(jobArgs(extra));
            timing("submit (" + id + ")", t0);
            return job;
        }

        /**
         * The arguments of submit.sh: the run's topics and settings, then {@code extra} (later options win).
         * The action pipeline's settings go by the keys they had before pipelines had their own prefix:
         * the previous release's job of the upgrade test knows only those, and this release still
         * accepts them.
         */
        String[] jobArgs(String... extra) {
            List<String> args = new ArrayList<>(List.of(
                    "--" + legacyKey(ActionOptions.TOPIC), in,
                    "--" + legacyKey(ActionOptions.PREDICTIONS_TOPIC), out,
                    "--" + JobOptions.DEADLETTER_TOPIC.key(), dlq,
                    "--" + JobOptions.GROUP_ID.key(), id,
                    "--" + JobOptions.TRANSACTIONAL_ID_PREFIX.key(), id,
                    "--" + JobOptions.DELIVERY.key(), "exactly-once",
                    "--" + JobOptions.CHECKPOINT_INTERVAL.key(), "1s",
                    "--" + JobOptions.STARTING_OFFSETS.key(), "earliest",
                    // outages here last seconds: neither a partition nor a stream counts as idle meanwhile
                    "--" + JobOptions.SOURCE_IDLENESS.key(), "60s",
                    "--" + legacyKey(ActionOptions.STREAM_IDLE_TIMEOUT), "60s",
                    // the backlog of an outage is predicted, not shed: this checks delivery, not the overload policy
                    "--" + JobOptions.LATENCY_BUDGET.key(), "300s"));
            // later options win: the upgrade passes --savepoint and changed job options
            List<String> flinkArgs = new ArrayList<>();
            for (int i = 0; i < extra.length; i += 2) {
                if (extra[i].equals("--savepoint")) {
                    flinkArgs.add(extra[i]);
                    flinkArgs.add(extra[i + 1]);
                } else {
                    int at = args.indexOf(extra[i]);
                    if (at >= 0) {
                        args.remove(at + 1);
                        args.remove(at);
                    }
                    args.add(extra[i]);
                    args.add(extra[i + 1]);
                }
            }
            flinkArgs.addAll(args);
            return flinkArgs.toArray(String[]::new);
        }

        /** A consumer of every partition of a topic from its start, and the end offsets as of now. */
        private static KafkaConsumer<byte[], byte[]> fromStart(String topic, String isolationLevel,
                Map<TopicPartition, Long> endOut) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            endOut.putAll(c.endOffsets(partitions, Duration.ofSeconds(30)));
            return c;
        }

        private static boolean atEnd(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
            return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
        }

        /** Records in the dead-letter topic, committed or not. */
        long countDeadLetters() {
            long n = 0;
            Map<TopicPartition, Long> end = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> c = fromStart(dlq, "read_uncommitted", end)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline && !atEnd(c, end)) {
                    n += c.poll(Duration.ofMillis(200)).count();
                }
            }
            return n;
        }

        Writer writer() {
            return new Writer(this);
        }

        /** Full windows [k, k+2) s, k = 0 .. seconds-3, must be predicted exactly once; the last full one may wait for its stream to go idle. */
        Set<String> expectedWindows() {
            Set<String> expected = new TreeSet<>();
            for (int s = 0; s < STREAMS; s++) {
                for (int k = 0; k <= seconds - 3; k++) {
                    expected.add(window(streamId(s), k));
                }
            }
            return expected;
        }

        String streamId(int s) {
            return id + "-s" + s;
        }

        static String window(String stream, long k) {
            return stream + "@" + String.format("%03d", k);
        }

        /** Committed predictions now: reads up to the last stable offsets as of this call. */
        long countCommitted() {
            return readCommitted(false).size();
        }

        /** Every committed prediction up to the last stable offsets; with {@code settle}, also what arrives in the next 3 s. */
        List<Prediction> readCommitted(boolean settle) {
            AvroCodec<Prediction> codec = AvroCodec.forClass(Prediction.class);
            List<Prediction> all = new ArrayList<>();
            Map<TopicPartition, Long> end = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> c = fromStart(out, "read_committed", end)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                long settleUntil = -1;
                while (System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        all.add(codec.decode(r.value()));
                    }
                    boolean atEnd = atEnd(c, end);
                    if (atEnd && !settle) {
                        break;
                    }
                    if (atEnd && settleUntil < 0) {
                        settleUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    }
                    if (settleUntil > 0 && System.nanoTime() > settleUntil) {
                        break;
                    }
                }
            } catch (java.io.IOException e) {
                throw new AssertionError("undecodable prediction", e);
            }
            return all;
        }

        /** Waits for every expected window, then checks: none missing, none twice, none unexpected. */
        List<Prediction> assertExactlyOncePerWindow() {
            Set<String> expected = expectedWindows();
            AtomicReference<List<Prediction>> last = new AtomicReference<>(List.of());
            long t0 = System.nanoTime();
            try {
                ClusterHarness.await("every expected window predicted", Duration.ofSeconds(120), () -> {
                    List<Prediction> ps = readCommitted(false);
                    last.set(ps);
                    return windows(ps).containsAll(expected);
                });
            } catch (AssertionError e) {
                // fall through: the assertions below say what is missing
            }
            List<Prediction> predictions = readCommitted(true);
            List<String> windows = new ArrayList<>();
            for (Prediction p : predictions) {
                windows.add(window(p.getStreamId(), (p.getWindowStartUs() - baseUs) / 1_000_000L));
            }
            Set<String> lastFull = new TreeSet<>();
            for (int s = 0; s < STREAMS; s++) {
                lastFull.add(window(streamId(s), seconds - 2));
            }
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(windows);
            Set<String> unexpected = new TreeSet<>(windows);
            unexpected.removeAll(expected);
            unexpected.removeAll(lastFull);
            List<String> duplicated = windows.stream().filter(w -> windows.indexOf(w) != windows.lastIndexOf(w)).distinct().toList();
            String line = String.format("%s: %d predictions for %d expected windows: %d lost, %d duplicated, %d unexpected",
                    id, predictions.size(), expected.size(), missing.size(), duplicated.size(), unexpected.size());
            LOG.info(line);
            timings.add(line);
            System.out.println(line);
            assertThat(missing).as("lost windows").isEmpty();
            assertThat(duplicated).as("duplicated windows").isEmpty();
            assertThat(unexpected).as("unexpected windows").isEmpty();
            assertThat(predictions.stream().map(Prediction::getPredictionId).distinct().count()).isEqualTo(predictions.size());
            timing("  all expected windows read back (" + id + ")", t0);
            return predictions;
        }

        private Set<String> windows(List<Prediction> ps) {
            Set<String> w = new TreeSet<>();
            for (Prediction p : ps) {
                w.add(window(p.getStreamId(), (p.getWindowStartUs() - baseUs) / 1_000_000L));
            }
            return w;
        }
    }

    /**
     * Writes {@code STREAMS} synthetic actors for the run's seconds at 25 fps, paced in real time (capture
     * time = base + frame / fps), each stream pinned to one input partition; survives broker restarts.
     */
    private static final class Writer extends Thread implements AutoCloseable {
        private final Run run;
        private final KafkaProducer<byte[], byte[]> producer;
        volatile int badRecords;
        /** Frames per stream after which producers write schema release v2 (before it: v1); stream 0 always writes v1. */
        volatile int schemaV2AfterFrame;
        /**
         * Keep writing v1 for as long as the switch to v2 has not come, and then at least
         * {@link #V2_SECONDS} of v2: the scenario's length follows its events, not the machine's speed.
         */
        volatile boolean untilSwitched;
        static final int V2_SECONDS = 8;
        private volatile Throwable failure;
        volatile int framesPerStream;

        double secondsWritten() {
            return framesPerStream / (double) FPS;
        }

        Writer(Run run) {
            super("mocap-writer-" + run.id);
            this.run = run;
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "180000");
            this.producer = new KafkaProducer<>(p);
        }

        @Override
        public void run() {
            try {
                AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
                List<SyntheticActor> actors = new ArrayList<>();
                for (int s = 0; s < STREAMS; s++) {
                    actors.add(SyntheticActor.builder().setStreamId(run.streamId(s)).setSeed(500 + s).build());
                }
                for (int i = 0; i < run.seconds * FPS; i++) {
                    long captureUs = run.baseUs + i * 1_000_000L / FPS;
                    long waitMs = captureUs / 1000 - System.currentTimeMillis();
                    if (waitMs > 0) {
                        Thread.sleep(waitMs);
                    }
                    boolean v2 = i >= schemaV2AfterFrame;
                    for (int s = 0; s < STREAMS; s++) {
                        SyntheticActor a = actors.get(s);
                        SyntheticActor.Frame f = a.next();
                        // stream 0's producer stays on v1; the others move to v2, two of them to another frame of reference
                        UpAxis up = v2 && s == 1 ? UpAxis.Z_UP : UpAxis.Y_UP;
                        LengthUnit unit = v2 && s == 1 ? LengthUnit.MILLIMETRE : v2 && s == 2 ? LengthUnit.CENTIMETRE : LengthUnit.METRE;
                        MocapFrame frame = SyntheticFrames.of(a, f, captureUs, up, unit);
                        byte[] value = v2 && s > 0 ? codec.encode(frame) : codec.encodeAs("v1", frame);
                        producer.send(new ProducerRecord<>(run.in, s % INPUT_PARTITIONS, key(a.streamId()), value));
                    }
                    framesPerStream = i + 1;
                    if (untilSwitched) {
                        int end = schemaV2AfterFrame == Integer.MAX_VALUE ? i + 1 + 3 * FPS : schemaV2AfterFrame + V2_SECONDS * FPS;
                        if (run.seconds * FPS < end) {
                            run.seconds = (end + FPS - 1) / FPS;
                        }
                    }
                    if (badRecords > 0 && i % FPS == 10 && i / FPS < badRecords) {
                        producer.send(new ProducerRecord<>(run.in, 0, key(run.streamId(0)), "not avro".getBytes(StandardCharsets.UTF_8)));
                    }
                }
                producer.flush();
            } catch (Throwable t) {
                failure = t;
            }
        }

        private static byte[] key(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            join(TimeUnit.MINUTES.toMillis(3));
            producer.close(Duration.ofSeconds(30));
            if (failure != null) {
                throw new AssertionError("writing frames failed", failure);
            }
        }
    }
}
