/**
 * Avro records of every avstream topic and the helpers to put them on the wire.
 *
 * <p>The record classes ({@link io.avstream.schemas.MocapFrame}, {@link io.avstream.schemas.AudioChunk},
 * {@link io.avstream.schemas.VideoFrame}, {@link io.avstream.schemas.Prediction},
 * {@link io.avstream.schemas.SpeakerEnrolment}, {@link io.avstream.schemas.DeadLetter} and their nested
 * types) are generated from the {@code .avsc} files in {@code src/main/avro}. Every Kafka value is one
 * record in Avro single-object encoding, written and read by {@link io.avstream.schemas.AvroCodec}:
 *
 * <pre>{@code
 * AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
 * byte[] value = codec.encode(frame);
 * MocapFrame back = codec.decode(value);   // IOException on any malformed input
 * }</pre>
 *
 * <p>Released schema versions are frozen under {@code avstream/schemas/<version>/} on the class path
 * ({@link io.avstream.schemas.SchemaReleases}); the codec reads data written with any of them.
 */
package io.avstream.schemas;
