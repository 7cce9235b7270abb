package io.avstream.tools.loadtest;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

/**
 * Where one trial runs: the Kafka and topics it produces to and consumes from, the job's settings (its other topics)
 * and, in process, the job's name (for its counters) and client; {@code job} and {@code client} are null for an
 * external job.
 */
record Deployment(String bootstrap, String inputTopic, String predictionTopic, Configuration config, String job,
        JobClient client) {}
