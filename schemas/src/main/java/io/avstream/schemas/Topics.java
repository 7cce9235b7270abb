package io.avstream.schemas;

/** Default Kafka topic names; every name can be overridden by configuration. */
public final class Topics {

  /** MoCap frames ({@link MocapFrame}), key = stream id. */
  public static final String MOCAP = "avstream.mocap";

  /** Audio chunks ({@link AudioChunk}), key = stream id. */
  public static final String AUDIO = "avstream.audio";

  /** Video frames ({@link VideoFrame}), key = stream id. */
  public static final String VIDEO = "avstream.video";

  /** Action-recognition predictions ({@link Prediction}), key = stream id. */
  public static final String PREDICTIONS_ACTION = "avstream.predictions.action";

  /** Audio-event predictions ({@link Prediction}), key = stream id. */
  public static final String PREDICTIONS_AUDIO_EVENTS = "avstream.predictions.audio-events";

  /** Audio-event predictions of the audio-visual pipeline ({@link Prediction}), key = stream id. */
  public static final String PREDICTIONS_AUDIO_VISUAL = "avstream.predictions.audio-visual";

  /** Speech predictions ({@link Prediction}), key = stream id. */
  public static final String PREDICTIONS_SPEECH = "avstream.predictions.speech";

  /** Speaker enrolments ({@link SpeakerEnrolment}), compacted, key = speaker id, null value = deletion. */
  public static final String SPEAKERS = "avstream.speakers";

  /** Rejected input records ({@link DeadLetter}). */
  public static final String DEADLETTER = "avstream.deadletter";

  private Topics() {}
}
