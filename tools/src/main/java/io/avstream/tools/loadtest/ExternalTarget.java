package io.avstream.tools.loadtest;

import io.avstream.deploy.JobOptions;
import org.apache.flink.configuration.Configuration;

/** A Kafka where the job already runs: only produce and consume. */
final class ExternalTarget implements JobTarget {
    private final LoadSettings s;

    ExternalTarget(LoadSettings s) {
        this.s = s;
    }

    @Override
    public boolean inProcess() {
        return false;
    }

    @Override
    public Deployment deploy(int trial) {
        Configuration c = s.baseConfig.flink();
        return new Deployment(s.bootstrapServers, c.get(LoadProfile.inputTopic(s.modality)), c.get(LoadProfile.predictionsTopic(s.modality)), c,
                null, null);
    }

    @Override
    public boolean jobAlive(Deployment d) {
        return true;
    }

    @Override
    public void finish(Deployment d) {}

    @Override
    public void close() {}
}
