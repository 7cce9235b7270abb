package io.avstream.ingest.validate;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.SampleEncoding;

/**
 * Decodes {@link AudioChunk}s and checks their payload against what the job can use: a sample rate and
 * channel count in range (and a rate the job can convert), a known encoding, whole sample frames, a chunk
 * neither empty nor absurdly long, finite float samples within a sane amplitude.
 */
public final class AudioChunkDecoder extends RecordDecoder<AudioChunk> {
    private static final long serialVersionUID = 1L;

    /** Float samples beyond this magnitude are not [-1, 1] PCM (e.g. integer-scaled values sent as float). */
    public static final float MAX_FLOAT_AMPLITUDE = 64f;

    /** Whether the job can convert a sample rate (to its model's rate). */
    @FunctionalInterface
    public interface RateCheck extends Serializable {
        boolean supports(int sampleRate);
    }

    private final Limits audio;

    /**
     * The audio formats a job accepts.
     *
     * @param minSampleRate  lowest sample rate, Hz
     * @param maxSampleRate  highest sample rate, Hz
     * @param maxChannels    most interleaved channels
     * @param maxChunkMillis longest chunk, in milliseconds of audio
     * @param convertible    the rates (within the range) the job can convert
     */
    public record Limits(int minSampleRate, int maxSampleRate, int maxChannels, int maxChunkMillis, RateCheck convertible)
            implements Serializable {
        public Limits {
            if (minSampleRate < 1 || maxSampleRate < minSampleRate || maxChannels < 1 || maxChunkMillis < 1
                    || convertible == null) {
                throw new IllegalArgumentException("audio limits out of range: rates " + minSampleRate + ".." + maxSampleRate
                        + " Hz, channels 1.." + maxChannels + ", chunks up to " + maxChunkMillis + " ms");
            }
        }
    }

    /**
     * @param audio  the formats the job accepts
     * @param limits size and time limits of every record
     */
    public AudioChunkDecoder(Limits audio, InputLimits limits) {
        super(AudioChunk.class, limits);
        this.audio = audio;
    }

    /** Bytes of one sample of an encoding. */
    public static int bytesPerSample(SampleEncoding e) {
        return switch (e) {
            case PCM_S16LE -> 2;
            case PCM_F32LE -> 4;
        };
    }

    @Override
    protected void validate(AudioChunk c) throws Rejection {
        int rate = c.getSampleRate();
        if (rate < audio.minSampleRate() || rate > audio.maxSampleRate()) {
            throw new Rejection(ReasonCode.UNSUPPORTED_FORMAT, "sample rate " + rate + " Hz is outside "
                    + audio.minSampleRate() + ".." + audio.maxSampleRate() + " Hz");
        }
        if (!audio.convertible().supports(rate)) {
            throw new Rejection(ReasonCode.UNSUPPORTED_FORMAT, "sample rate " + rate + " Hz cannot be converted by the job");
        }
        int channels = c.getChannels();
        if (channels < 1 || channels > audio.maxChannels()) {
            throw new Rejection(ReasonCode.UNSUPPORTED_FORMAT, channels + " channels; 1.." + audio.maxChannels()
                    + " are supported");
        }
        int frameBytes = bytesPerSample(c.getEncoding()) * channels;
        int bytes = c.getSamples().remaining();
        if (bytes == 0) {
            throw new Rejection(ReasonCode.WRONG_SIZE, "no samples");
        }
        if (bytes % frameBytes != 0) {
            throw new Rejection(ReasonCode.WRONG_SIZE, bytes + " bytes of samples are not whole frames of " + channels
                    + " x " + c.getEncoding() + " (" + frameBytes + " bytes each): truncated?");
        }
        long frames = bytes / frameBytes;
        if (frames * 1000L > (long) audio.maxChunkMillis() * rate) {
            throw new Rejection(ReasonCode.WRONG_SIZE, frames + " sample frames at " + rate + " Hz are "
                    + frames * 1000L / rate + " ms of audio; a chunk holds at most " + audio.maxChunkMillis() + " ms");
        }
        if (c.getEncoding() == SampleEncoding.PCM_F32LE) {
            int bad = firstNonFinite(c.getSamples());
            if (bad >= 0) {
                throw new Rejection(ReasonCode.NON_FINITE, "sample " + bad + " is NaN or infinite");
            }
            int loud = firstBeyond(c.getSamples(), MAX_FLOAT_AMPLITUDE);
            if (loud >= 0) {
                throw new Rejection(ReasonCode.UNSUPPORTED_FORMAT, "float sample " + loud + " has magnitude above "
                        + MAX_FLOAT_AMPLITUDE + ": not PCM_F32LE in [-1, 1]");
            }
        }
    }

    private static int firstBeyond(ByteBuffer le, float limit) {
        ByteBuffer b = le.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        int n = b.remaining() / 4;
        for (int i = 0; i < n; i++) {
            if (Math.abs(b.getFloat(base + 4 * i)) > limit) {
                return i;
            }
        }
        return -1;
    }

    @Override
    protected ReasonCode failureReason() {
        return ReasonCode.CORRUPT_MEDIA;
    }

    @Override
    public String streamId(AudioChunk c) {
        return c.getStreamId();
    }

    @Override
    public long seq(AudioChunk c) {
        return c.getSeq();
    }

    @Override
    public long captureTimeUs(AudioChunk c) {
        return c.getCaptureTimeUs();
    }
}
