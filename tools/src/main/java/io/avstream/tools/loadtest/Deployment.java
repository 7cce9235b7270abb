package io.avstream.tools.loadtest;

import org.apache.flink.core.execution.JobClient;

/**
 * Where one trial runs: the Kafka and topics it produces to and consumes from and, in process, the
 * job's name (for its counters) and client; {@code job} and {@code client} are null for an external job.
 */
record Deployment(String bootstrap, String inputTopic, String predictionTopic, String job, JobClient client) {}
