package io.avstream.schemas;

import java.io.IOException;

/**
 * Thrown when bytes carry valid single-object framing but a writer-schema fingerprint the codec does not
 * know: a record of another type, or of a schema version that was never released.
 */
public final class SchemaMismatchException extends IOException {

  private static final long serialVersionUID = 1L;

  private final long fingerprint;

  /** Creates the exception for the given expected record type and the fingerprint found in the header. */
  public SchemaMismatchException(String expectedRecord, long fingerprint) {
    super(String.format(
        "writer schema fingerprint %s is not a known version of %s (another record type, or an unreleased schema)",
        hex(fingerprint), expectedRecord));
    this.fingerprint = fingerprint;
  }

  /** The CRC-64-AVRO fingerprint found in the header. */
  public long fingerprint() {
    return fingerprint;
  }

  /** The reason code for dead letters: always {@link ReasonCode#WRONG_SCHEMA}. */
  public ReasonCode reason() {
    return ReasonCode.WRONG_SCHEMA;
  }

  /** Formats a fingerprint as it appears on the wire: 8 bytes, little-endian, as hex. */
  static String hex(long fingerprint) {
    StringBuilder sb = new StringBuilder(16);
    for (int i = 0; i < 8; i++) {
      sb.append(String.format("%02x", (fingerprint >>> (8 * i)) & 0xff));
    }
    return sb.toString();
  }
}
