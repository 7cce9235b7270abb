package io.avstream.operators.speech;

import io.avstream.schemas.Prediction;

/**
 * A segment's speech prediction before speakers are matched: the prediction (transcript, words, emotions, times,
 * latency) and the segment's speaker embedding, which {@link SpeakerTracking} scores against the enrolled speakers
 * and the stream's anonymous ones. A Flink POJO.
 */
public class SpeechResult {
    public Prediction prediction;
    /** The L2-normalised speaker embedding. */
    public float[] embedding;

    public SpeechResult() {}
}
