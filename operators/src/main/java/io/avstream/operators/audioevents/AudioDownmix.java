package io.avstream.operators.audioevents;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.SampleEncoding;
import io.avstream.schemas.Stamped;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Turns each decoded audio chunk into mono floats before the chunks are shuffled by stream: int16 samples
 * scaled to [-1, 1) by 1/32768, float samples as they are, the channels of each sample frame averaged. The
 * chunk's sample rate is kept: conversion to the model's rate needs the stream's history and happens per
 * stream ({@link AudioFrontEnd}).
 */
public class AudioDownmix implements MapFunction<Stamped<AudioChunk>, PcmBlock> {
    private static final long serialVersionUID = 1L;

    @Override
    public PcmBlock map(Stamped<AudioChunk> in) {
        AudioChunk c = in.record;
        return new PcmBlock(c.getStreamId(), c.getSeq(), c.getCaptureTimeUs(), in.kafkaTimestampMs * 1000L,
                c.getSampleRate(), mono(c.getSamples(), c.getChannels(), c.getEncoding()), c.getAnnotation());
    }

    /** The mono samples of interleaved PCM: the mean of each frame's channels. */
    public static float[] mono(ByteBuffer samples, int channels, SampleEncoding encoding) {
        ByteBuffer b = samples.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        int width = encoding == SampleEncoding.PCM_S16LE ? 2 : 4;
        int frames = b.remaining() / (width * channels);
        float[] out = new float[frames];
        float scale = 1f / channels;
        for (int f = 0; f < frames; f++) {
            float sum = 0f;
            int at = base + f * width * channels;
            for (int ch = 0; ch < channels; ch++) {
                sum += encoding == SampleEncoding.PCM_S16LE ? b.getShort(at + 2 * ch) / 32768f : b.getFloat(at + 4 * ch);
            }
            out[f] = channels == 1 ? sum : sum * scale;
        }
        return out;
    }
}
