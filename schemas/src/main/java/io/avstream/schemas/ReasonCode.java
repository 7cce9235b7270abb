package io.avstream.schemas;

/** Why an input record was dead-lettered; {@link DeadLetter#getReason()} holds the constant's name. */
public enum ReasonCode {
  UNDECODABLE("bytes are not a valid Avro single-object record (e.g. a string that is not valid UTF-8), or decoding failed on the record"),
  WRONG_SCHEMA("valid Avro single-object framing but another record type or an unknown schema fingerprint"),
  MISSING_KEY("the Kafka record has no key"),
  KEY_MISMATCH("the Kafka key differs from the payload's stream id or is not valid UTF-8"),
  NON_FINITE("NaN or infinity in a numeric payload"),
  WRONG_SIZE("payload length does not match the declared count or shape"),
  UNKNOWN_TOPOLOGY("the mesh topology id is not known"),
  OVERSIZED("payload over the configured size limit"),
  BAD_TIMESTAMP("timestamp negative, before the configured floor, or too far in the future"),
  BAD_SEQUENCE("sequence number negative"),
  UNSUPPORTED_FORMAT("sample rate, channel count or encoding the job cannot use"),
  CORRUPT_MEDIA("media payload cannot be decoded, e.g. a broken JPEG"),
  NOT_NORMALISED("a speaker enrolment's embedding is not L2-normalised"),
  MODEL_MISMATCH("a speaker enrolment's embedding comes from another speech model than the job's"),
  UNKNOWN_SPEAKER("a deletion (null value) of a speaker who is not enrolled"),
  NO_SPEECH("a speaker enrolment by voice whose clip holds no speech");

  private final String description;

  ReasonCode(String description) {
    this.description = description;
  }

  /** One-line description of the reason. */
  public String description() {
    return description;
  }
}
