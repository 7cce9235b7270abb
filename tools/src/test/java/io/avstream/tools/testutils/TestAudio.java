package io.avstream.tools.testutils;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.SampleEncoding;

/** Test recordings for the audio pipelines: tones over noise in any rate, channel count and encoding, cut into chunks. */
public final class TestAudio {

    private TestAudio() {}

    /** A recording: interleaved samples of a stream and how they are sent. */
    public record Recording(String stream, int rate, int channels, SampleEncoding encoding, byte[] pcm) {
        public int frameBytes() {
            return channels * (encoding == SampleEncoding.PCM_S16LE ? 2 : 4);
        }

        public int frames() {
            return pcm.length / frameBytes();
        }

        /**
         * The recording in chunks of {@code chunkFrames} sample frames (the last one shorter), sequence numbers from 0,
         * the first sample captured at {@code t0Us}.
         */
        public List<AudioChunk> chunks(long t0Us, int chunkFrames) {
            List<AudioChunk> out = new ArrayList<>();
            long seq = 0;
            for (int f = 0; f < frames(); f += chunkFrames) {
                int n = Math.min(chunkFrames, frames() - f);
                out.add(AudioChunk.newBuilder().setStreamId(stream).setSeq(seq++)
                        .setCaptureTimeUs(t0Us + f * 1_000_000L / rate).setSampleRate(rate).setChannels(channels)
                        .setEncoding(encoding)
                        .setSamples(ByteBuffer.wrap(pcm, f * frameBytes(), n * frameBytes()).slice()).build());
            }
            return out;
        }
    }

    /**
     * {@code seconds} of an 880 Hz tone that is on for 2/3 s and off (a faint 220 Hz hum) for 2/3 s, over faint noise;
     * the second and later channels are the first one at 0.7 of its level.
     */
    public static Recording tones(String stream, int rate, int channels, SampleEncoding encoding, double seconds, long seed) {
        Random r = new Random(seed);
        int n = (int) Math.round(rate * seconds);
        int width = encoding == SampleEncoding.PCM_S16LE ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(n * channels * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double tone = (((int) (t * 1.5)) % 2 == 0) ? 0.4 * Math.sin(2 * Math.PI * 880 * t) : 0.05 * Math.sin(2 * Math.PI * 220 * t);
            for (int ch = 0; ch < channels; ch++) {
                double v = tone * (ch == 0 ? 1.0 : 0.7) + r.nextGaussian() * 0.01;
                if (encoding == SampleEncoding.PCM_S16LE) {
                    b.putShort((short) Math.round(Math.max(-1, Math.min(1, v)) * 32767));
                } else {
                    b.putFloat((float) v);
                }
            }
        }
        return new Recording(stream, rate, channels, encoding, b.array());
    }
}
