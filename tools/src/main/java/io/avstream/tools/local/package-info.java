/**
 * The local stack for demo, tests and the local Flink cluster: a single-node Kafka broker, in-process
 * ({@link io.avstream.tools.local.EmbeddedKafka}) or as a process of its own
 * ({@link io.avstream.tools.local.KafkaBrokerMain}).
 */
package io.avstream.tools.local;
