package io.avstream.tools.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.tools.cli.LocalJob;
import io.avstream.tools.cli.LocalStack;
import io.avstream.tools.loadtest.JobCounters;
import io.avstream.schemas.DeadLetter;
import io.avstream.tools.local.EmbeddedKafka;
import org.apache.flink.configuration.Configuration;

/**
 * One run of the job over a bad-input corpus: its own input, prediction and dead-letter topics on the test's broker,
 * exactly-once, bounded, with the job's counters readable afterwards and no restart strategy, so that any record that
 * fails the job fails the test.
 */
final class BadInputRun {

    final String job;
    final String in;
    final String out;
    final String dlq;

    BadInputRun(EmbeddedKafka kafka, String modality, String name, int inputPartitions) {
        String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.job = "bad-input-" + run;
        this.in = modality + "-" + run;
        this.out = "predictions-" + run;
        this.dlq = "deadletter-" + run;
        kafka.createTopic(in, inputPartitions);
        kafka.createTopic(out, 2);
        kafka.createTopic(dlq, 1);
    }

    /** Runs the job until its bounded input ends; {@code pipeline} holds the pipeline's own settings (topics, model). */
    void execute(EmbeddedKafka kafka, Map<String, String> pipeline, int maxPayloadBytes) throws Exception {
        Map<String, String> settings = new HashMap<>(pipeline);
        settings.put(JobOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        settings.put(JobOptions.DEADLETTER_TOPIC.key(), dlq);
        settings.put(JobOptions.GROUP_ID.key(), job);
        settings.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), job);
        settings.put(JobOptions.DELIVERY.key(), "exactly-once");
        settings.put(JobOptions.CHECKPOINT_INTERVAL.key(), "500ms");
        settings.put(JobOptions.BOUNDED.key(), "true");
        settings.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        settings.put(JobOptions.MAX_PAYLOAD_BYTES.key(), Integer.toString(maxPayloadBytes));
        JobConfig config = JobConfig.fromMap(settings);

        Configuration flink = LocalStack.flinkConfiguration(2);
        JobCounters.enable(flink);
        // no restarts: a record that fails the job fails the test
        flink.setString("restart-strategy.type", "none");
        LocalJob.builder().setConfig(config).optParallelism(2).optFlinkConfiguration(flink).build().execute(job);
    }

    /** A bad record, and the reason code it must be dead-lettered with. */
    record Bad(String kind, String reason, byte[] key, byte[] value) {}

    /**
     * Checks that each record of the corpus (by the offset it was written at, all in partition 0 of the input) is in
     * {@code deadLetters} once, with its reason, source and payload size; returns the reason of each kind.
     */
    Map<String, String> assertEachDeadLetteredOnce(List<DeadLetter> deadLetters, Map<Long, Bad> badAtOffset) {
        assertThat(deadLetters).hasSize(badAtOffset.size());
        Map<String, String> reasonByKind = new TreeMap<>();
        for (DeadLetter d : deadLetters) {
            Bad b = badAtOffset.get(d.getSourceOffset());
            assertThat(b).as("dead letter at offset " + d.getSourceOffset() + " (" + d.getReason() + ": " + d.getDetail() + ")")
                    .isNotNull();
            assertThat(d.getReason()).as(b.kind() + ": " + d.getDetail()).isEqualTo(b.reason());
            assertThat(d.getSourceTopic()).isEqualTo(in);
            assertThat(d.getSourcePartition()).isZero();
            assertThat(d.getPayloadSize()).isEqualTo(b.value() == null ? 0 : b.value().length);
            assertThat(d.getDetail()).isNotBlank();
            reasonByKind.put(b.kind(), d.getReason());
        }
        assertThat(reasonByKind).hasSize(badAtOffset.size());
        return reasonByKind;
    }

    /** A job counter's total over all subtasks. */
    long count(String counter) {
        return JobCounters.count(job, counter);
    }
}
