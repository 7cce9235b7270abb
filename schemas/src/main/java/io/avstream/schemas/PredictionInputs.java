package io.avstream.schemas;

import java.util.List;

/** The values of {@code Prediction.inputs}: what a model saw for a prediction. */
public final class PredictionInputs {
  /** A MoCap window (meshes). */
  public static final String MOCAP = "mocap";
  /** An audio window or segment. */
  public static final String AUDIO = "audio";
  /** Video frames. */
  public static final String VIDEO = "video";

  /** A MoCap prediction's inputs. */
  public static final List<String> MOCAP_ONLY = List.of(MOCAP);
  /** An audio prediction's inputs (audio events, speech, an audio-visual window predicted without its video). */
  public static final List<String> AUDIO_ONLY = List.of(AUDIO);
  /** An audio-visual window predicted with its frames. */
  public static final List<String> AUDIO_AND_VIDEO = List.of(AUDIO, VIDEO);

  private PredictionInputs() {}
}
