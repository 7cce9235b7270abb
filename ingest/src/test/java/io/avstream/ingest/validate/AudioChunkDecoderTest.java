package io.avstream.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.avstream.ingest.kafka.RawRecord;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.SampleEncoding;
import org.junit.jupiter.api.Test;

class AudioChunkDecoderTest {

    private static final AvroCodec<AudioChunk> CODEC = AvroCodec.forClass(AudioChunk.class);
    private static final AudioChunkDecoder DECODER = new AudioChunkDecoder(
            new AudioChunkDecoder.Limits(8000, 48000, 8, 10_000, rate -> rate != 44056), InputLimits.defaults());

    private static long now() {
        return System.currentTimeMillis() * 1000L;
    }

    private static ByteBuffer s16(int samples) {
        ByteBuffer b = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (i * 37));
        }
        return b.flip();
    }

    private static ByteBuffer f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b;
    }

    private static AudioChunk.Builder good() {
        return AudioChunk.newBuilder().setStreamId("mic-1").setSeq(3).setCaptureTimeUs(now() - 1_000_000L)
                .setSampleRate(44100).setChannels(2).setEncoding(SampleEncoding.PCM_S16LE).setSamples(s16(4410 * 2));
    }

    private static Decoded<AudioChunk> decode(AudioChunk c) {
        byte[] value = CODEC.encode(c);
        RawRecord raw = new RawRecord("avstream.audio", 0, 1, System.currentTimeMillis(),
                c.getStreamId().getBytes(StandardCharsets.UTF_8), value);
        try {
            return Decoded.ok(new io.avstream.schemas.Stamped<>(DECODER.decode(raw), raw.timestampMs));
        } catch (Rejection r) {
            return Decoded.bad(DECODER.deadLetter(raw, r));
        }
    }

    @Test
    void acceptsCommonFormats() {
        assertThat(decode(good().build()).record).isNotNull();
        assertThat(decode(good().setSampleRate(8000).setChannels(1).setSamples(s16(800)).build()).record).isNotNull();
        assertThat(decode(good().setSampleRate(48000).setChannels(8).setSamples(s16(480 * 8)).build()).record).isNotNull();
        assertThat(decode(good().setEncoding(SampleEncoding.PCM_F32LE).setChannels(1).setSamples(f32(0.5f, -1f, 1f)).build())
                .record).isNotNull();
    }

    @Test
    void deadLettersWhatTheJobCannotUseWithItsReason() {
        Map<String, AudioChunk> bad = new LinkedHashMap<>();
        Map<String, ReasonCode> reason = new LinkedHashMap<>();
        bad.put("rate too low", good().setSampleRate(4000).build());
        reason.put("rate too low", ReasonCode.UNSUPPORTED_FORMAT);
        bad.put("rate too high", good().setSampleRate(96000).build());
        reason.put("rate too high", ReasonCode.UNSUPPORTED_FORMAT);
        bad.put("rate the job cannot convert", good().setSampleRate(44056).build());
        reason.put("rate the job cannot convert", ReasonCode.UNSUPPORTED_FORMAT);
        bad.put("no channels", good().setChannels(0).build());
        reason.put("no channels", ReasonCode.UNSUPPORTED_FORMAT);
        bad.put("too many channels", good().setChannels(9).setSamples(s16(9 * 100)).build());
        reason.put("too many channels", ReasonCode.UNSUPPORTED_FORMAT);
        bad.put("truncated sample frame", good().setSamples(s16(4410 * 2 - 1)).build());
        reason.put("truncated sample frame", ReasonCode.WRONG_SIZE);
        bad.put("odd byte", good().setChannels(1).setSamples(ByteBuffer.wrap(new byte[] {1, 2, 3})).build());
        reason.put("odd byte", ReasonCode.WRONG_SIZE);
        bad.put("empty", good().setSamples(ByteBuffer.allocate(0)).build());
        reason.put("empty", ReasonCode.WRONG_SIZE);
        bad.put("absurdly long chunk", good().setSampleRate(8000).setChannels(1).setSamples(s16(8000 * 11)).build());
        reason.put("absurdly long chunk", ReasonCode.WRONG_SIZE);
        bad.put("NaN", good().setEncoding(SampleEncoding.PCM_F32LE).setChannels(1).setSamples(f32(0.1f, Float.NaN)).build());
        reason.put("NaN", ReasonCode.NON_FINITE);
        bad.put("Inf", good().setEncoding(SampleEncoding.PCM_F32LE).setChannels(1)
                .setSamples(f32(Float.NEGATIVE_INFINITY)).build());
        reason.put("Inf", ReasonCode.NON_FINITE);
        bad.put("integer-scaled floats", good().setEncoding(SampleEncoding.PCM_F32LE).setChannels(1)
                .setSamples(f32(0.1f, 12000f)).build());
        reason.put("integer-scaled floats", ReasonCode.UNSUPPORTED_FORMAT);
        for (Map.Entry<String, AudioChunk> e : bad.entrySet()) {
            Decoded<AudioChunk> d = decode(e.getValue());
            assertThat(d.record).as(e.getKey()).isNull();
            assertThat(d.deadLetter.getReason()).as(e.getKey()).isEqualTo(reason.get(e.getKey()).name());
            assertThat(d.deadLetter.getDetail()).as(e.getKey()).isNotBlank();
        }
    }
}
