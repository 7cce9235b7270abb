/** Producers that write input streams to Kafka (synthetic MoCap actors in real time). */
package io.avstream.ingest.produce;
