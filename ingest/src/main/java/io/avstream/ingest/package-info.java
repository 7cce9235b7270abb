/** Getting input into the job: Kafka sources, decoding and validation, watermarks, producers. */
package io.avstream.ingest;
