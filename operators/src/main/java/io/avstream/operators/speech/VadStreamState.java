package io.avstream.operators.speech;

import io.avstream.operators.audio.Resampler;

/**
 * What the voice-activity operator keeps per audio stream in keyed state: the stream's clock, the conversion to 16 kHz,
 * the 16 kHz samples a segment may still need (with those not yet scored at their end), the model's recurrent state
 * and the endpointing memory. A Flink POJO; its class name, fields and state name ({@code vad}) are part of
 * savepoints.
 */
public class VadStreamState {
    /** The stream's sample rate since it (re)started, Hz. */
    public int sampleRate;
    /** Capture time of the stream's first sample since it (re)started, epoch microseconds. */
    public long t0Us;
    /** Input samples taken since then (silence filled into gaps included). */
    public long samplesIn;
    /** The conversion to 16 kHz. */
    public Resampler.State resampler;
    /** 16 kHz samples from {@link #audioStart} on: the newest, those a segment may still need, and those not scored. */
    public float[] audio;
    /** The 16 kHz sample index of {@code audio[0]}. */
    public long audioStart;
    /** Chunks scored since the stream (re)started. */
    public long chunks;
    /** The model's recurrent state after the last chunk, {@code [2, 128]}. */
    public float[] rnn;
    /** The endpointing memory. */
    public Endpointer.State endpoint;
    /** Capture time of the newest chunk taken, microseconds. */
    public long lastCaptureUs;
    /** Kafka timestamp of that chunk, microseconds. */
    public long lastKafkaUs;

    public VadStreamState() {}

    /** 16 kHz samples received since the stream (re)started. */
    public long samples() {
        return audioStart + audio.length;
    }
}
