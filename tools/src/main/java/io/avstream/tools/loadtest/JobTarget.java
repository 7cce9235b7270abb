package io.avstream.tools.loadtest;

/** Where the job of a load test runs: in this JVM ({@link InProcessTarget}) or elsewhere ({@link ExternalTarget}). */
interface JobTarget extends AutoCloseable {

    /** The target for these settings: in process unless an external Kafka is given. */
    static JobTarget of(LoadSettings s) {
        return s.inProcess() ? new InProcessTarget(s) : new ExternalTarget(s);
    }

    boolean inProcess();

    /** Prepares trial number {@code trial}: topics and a running job where this target starts them. */
    Deployment deploy(int trial) throws Exception;

    /** Whether the trial's job still runs (always true where the job runs elsewhere). */
    boolean jobAlive(Deployment d);

    /** Ends the trial's job where this target started it. */
    void finish(Deployment d);

    @Override
    void close();
}
