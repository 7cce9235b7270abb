package io.avstream.tools.loadtest;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import org.apache.flink.configuration.Configuration;

/**
 * The settings of one load test, as its builder took them, and the job's timings that the
 * measurement depends on (out-of-orderness, window span and hop, max-delay, checkpoint interval,
 * latency budget), read from the job configuration the test runs with.
 */
final class LoadSettings {
    final Modality modality;
    final int streams;
    final double rate;
    final Duration duration;
    final Duration warmup;
    final String delivery;
    final String bootstrapServers;
    final int parallelism;
    final int partitions;
    final Duration targetP99;
    final long seed;
    final boolean progress;
    final PrintStream out;
    final String commandLine;
    final Map<String, String> jobSettings;
    final Map<String, String> flinkSettings;
    final Properties producerProperties;
    final Properties consumerProperties;
    final Duration settleTimeout;
    final Duration settleWindow;
    final double settleTolerance;

    /** A name for this test's topics, groups and jobs, unique enough between runs. */
    final String runId = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);
    final JobConfig baseConfig;
    final LoadProfile profile;
    final long maxDelayUs;
    final Duration checkpointInterval;
    final Duration latencyBudget;

    LoadSettings(LoadTest.Builder b) {
        this.modality = b.modality;
        this.streams = b.streams;
        this.rate = b.rate;
        this.duration = b.duration;
        this.warmup = b.warmup;
        this.delivery = b.delivery;
        this.bootstrapServers = b.bootstrapServers;
        this.parallelism = b.parallelism;
        this.partitions = b.partitions;
        this.targetP99 = b.targetP99;
        this.seed = b.seed;
        this.progress = b.progress;
        this.out = b.out;
        this.commandLine = b.commandLine;
        this.jobSettings = new LinkedHashMap<>(b.jobSettings);
        this.flinkSettings = new LinkedHashMap<>(b.flinkSettings);
        this.producerProperties = new Properties();
        this.producerProperties.putAll(b.producerProperties);
        this.consumerProperties = new Properties();
        this.consumerProperties.putAll(b.consumerProperties);
        this.settleTimeout = b.settleTimeout;
        this.settleWindow = b.settleWindow;
        this.settleTolerance = b.settleTolerance;

        this.baseConfig = JobConfig.fromMap(jobPairs("127.0.0.1:1", "probe"));
        Configuration c = baseConfig.flink();
        this.profile = LoadProfile.of(modality, rate, c);
        this.maxDelayUs = c.get(JobOptions.MAX_DELAY).toNanos() / 1000;
        this.checkpointInterval = c.get(JobOptions.CHECKPOINT_INTERVAL);
        this.latencyBudget = c.get(JobOptions.LATENCY_BUDGET);
    }

    /**
     * The settle detector of a trial whose warm-up runs {@code streams} streams: the queue's floor is a
     * hop's windows of all streams (at least {@link SettleDetector#DEFAULT_QUEUE_FLOOR}), as aligned windows
     * reach the batcher together; with exactly-once delivery predictions arrive once a checkpoint.
     */
    SettleDetector settleDetector(int streams) {
        int arrivalPeriod = "exactly-once".equals(delivery)
                ? (int) Math.max(1, (checkpointInterval.toMillis() + 999) / 1000) : 1;
        return SettleDetector.builder().optWindowSeconds((int) settleWindow.toSeconds()).optTolerance(settleTolerance)
                .optQueueFloor(Math.max(SettleDetector.DEFAULT_QUEUE_FLOOR, streams))
                .optArrivalPeriodSeconds(arrivalPeriod).build();
    }

    /** Whether the job runs in this JVM (in-process broker and MiniCluster). */
    boolean inProcess() {
        return bootstrapServers == null;
    }

    /** The job settings of one trial: the test's own, then the user's, then (in process) the trial's topics and ids. */
    Map<String, String> jobPairs(String bootstrap, String trial) {
        Map<String, String> pairs = new TreeMap<>();
        pairs.put(JobOptions.DELIVERY.key(), delivery);
        pairs.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        LoadProfile.pipelinePairs(modality, rate, pairs);
        pairs.putAll(jobSettings);
        pairs.put(JobOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
        if (inProcess()) {
            pairs.put(LoadProfile.inputTopic(modality).key(), "avstream.loadtest." + trial + "." + modality.cliName());
            pairs.put(LoadProfile.predictionsTopic(modality).key(), "avstream.loadtest." + trial + ".predictions");
            pairs.put(JobOptions.DEADLETTER_TOPIC.key(), "avstream.loadtest." + trial + ".deadletter");
            for (var topic : LoadProfile.otherTopics(modality)) {
                pairs.put(topic.key(), "avstream.loadtest." + trial + "." + topic.key());
            }
            pairs.put(JobOptions.GROUP_ID.key(), "avstream-loadtest-" + runId + "-" + trial);
            pairs.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), "avstream-loadtest-" + runId + "-" + trial);
        }
        return pairs;
    }
}
