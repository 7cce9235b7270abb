/** Kafka sources of the input topics: records decoded and validated inside the source, so watermarks are per partition. */
package io.avstream.ingest.kafka;
