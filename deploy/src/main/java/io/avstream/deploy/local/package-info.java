/**
 * The local stack for demo, tests and the local Flink cluster: a single-node Kafka broker, in-process
 * ({@link io.avstream.deploy.local.EmbeddedKafka}) or as a process of its own
 * ({@link io.avstream.deploy.local.KafkaBrokerMain}).
 */
package io.avstream.deploy.local;
