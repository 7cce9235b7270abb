/** Kafka sinks for predictions and dead letters, delivery modes, latency metrics. */
package io.avstream.sinks;
