/**
 * JMH micro-benchmarks of the per-record costs around inference: mesh preprocessing, Avro
 * decoding and encoding, the windower's cost per frame, the dynamic batcher's overhead per request,
 * JPEG decoding and the audio filterbank. Run with {@code java -jar benchmarks/target/benchmarks.jar};
 * results and commands are in {@code docs/performance.md}.
 */
package io.avstream.benchmarks;
