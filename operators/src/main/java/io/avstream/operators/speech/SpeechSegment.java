package io.avstream.operators.speech;

/**
 * A stretch of one stream's speech, as voice activity and endpointing found it: the padded span with its 16 kHz
 * samples (what recognisers get), the speech inside it, and the times of the chunk that completed it. A Flink POJO.
 */
public class SpeechSegment {
    public String streamId;
    /** Start of the padded span, event time, epoch microseconds. */
    public long startUs;
    /** End of the padded span (exclusive), event time, epoch microseconds. */
    public long endUs;
    /** Where speech was detected to start, epoch microseconds. */
    public long speechStartUs;
    /** Where speech was detected to end, epoch microseconds. */
    public long speechEndUs;
    /** Index of the first sample in the stream's 16 kHz samples since it (re)started. */
    public long firstSample;
    /** The padded span's samples, 16 kHz mono. */
    public float[] samples;
    /** Whether the segment reached the maximum length and was cut at its deepest pause. */
    public boolean cutAtMaxLength;
    /**
     * Whether this is the open speech so far (an interim segment: its end is where the audio seen ends, and the final
     * segment of the same speech follows).
     */
    public boolean interim;
    /** Capture time of the newest chunk taken when the segment was completed, microseconds. */
    public long lastCaptureUs;
    /** Kafka timestamp of that chunk, microseconds. */
    public long lastKafkaUs;
    /** When the segment was completed, epoch microseconds. */
    public long closedAtUs;

    public SpeechSegment() {}

    @Override
    public String toString() {
        return "SpeechSegment{" + streamId + " [" + startUs + "," + endUs + ") speech [" + speechStartUs + ","
                + speechEndUs + ")" + (cutAtMaxLength ? " cut" : "")
                + (interim ? " interim" : "") + "}";
    }
}
