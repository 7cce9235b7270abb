package io.avstream.tools.loadtest;

import java.util.concurrent.TimeUnit;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.tools.cli.LocalJob;
import io.avstream.tools.cli.LocalStack;
import io.avstream.tools.local.EmbeddedKafka;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

/** An in-process broker for the whole test; a fresh job on fresh topics per trial. */
final class InProcessTarget implements JobTarget {
    private final LoadSettings s;
    private final EmbeddedKafka kafka;

    InProcessTarget(LoadSettings s) {
        this.s = s;
        long t0 = System.nanoTime();
        kafka = EmbeddedKafka.start();
        s.out.printf("kafka broker up on %s (%.1f s)%n", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public boolean inProcess() {
        return true;
    }

    @Override
    public Deployment deploy(int trial) throws Exception {
        String name = "t" + trial;
        JobConfig config = JobConfig.fromMap(s.jobPairs(kafka.bootstrapServers(), name));
        Configuration c = config.flink();
        kafka.createTopic(c.get(LoadProfile.inputTopic(s.modality)), s.partitions);
        kafka.createTopic(c.get(LoadProfile.predictionsTopic(s.modality)), s.partitions);
        kafka.createTopic(c.get(JobOptions.DEADLETTER_TOPIC), 1);
        for (var topic : LoadProfile.otherTopics(s.modality)) {
            kafka.createTopic(c.get(topic), LoadProfile.partitionedAsInput(topic) ? s.partitions : 1);
        }
        String job = "avstream-loadtest-" + s.runId + "-" + name;
        Configuration flink = JobCounters.enable(LocalStack.flinkConfiguration(s.parallelism));
        s.flinkSettings.forEach(flink::setString);
        LocalJob local = LocalJob.builder().setConfig(config).optParallelism(s.parallelism).optFlinkConfiguration(flink).build();
        long t0 = System.nanoTime();
        JobClient client = local.executeAsync(job);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JobStatus status = client.getJobStatus().get(30, TimeUnit.SECONDS);
        while (status != JobStatus.RUNNING && !status.isGloballyTerminalState() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = client.getJobStatus().get(30, TimeUnit.SECONDS);
        }
        if (status != JobStatus.RUNNING) {
            throw new IllegalStateException("the job did not start (status " + status + "): see the log");
        }
        s.out.printf("flink job %s running (%.1f s)%n", job, (System.nanoTime() - t0) / 1e9);
        return new Deployment(kafka.bootstrapServers(), c.get(LoadProfile.inputTopic(s.modality)), c.get(LoadProfile.predictionsTopic(s.modality)),
                c, job, client);
    }

    @Override
    public boolean jobAlive(Deployment d) {
        try {
            JobStatus status = d.client().getJobStatus().get(10, TimeUnit.SECONDS);
            return !status.isGloballyTerminalState();
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void finish(Deployment d) {
        if (d.client() == null) {
            return;
        }
        try {
            if (!d.client().getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                d.client().cancel().get(30, TimeUnit.SECONDS);
            }
            // the per-job MiniCluster shuts down with the job
            for (int i = 0; i < 100 && !d.client().getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState(); i++) {
                Thread.sleep(100);
            }
        } catch (Exception e) {
            // the job is gone already
        }
    }

    @Override
    public void close() {
        kafka.close();
    }
}
