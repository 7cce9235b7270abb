package io.avstream.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import io.avstream.ingest.kafka.RawRecord;
import io.avstream.ingest.kafka.SpeakerEnrolmentDeserializer;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.SpeakerEnrolment;
import org.junit.jupiter.api.Test;

class SpeakerEnrolmentDecoderTest {

    private static final AvroCodec<SpeakerEnrolment> CODEC = AvroCodec.forClass(SpeakerEnrolment.class);
    private static final SpeakerEnrolmentDecoder.Limits SPEECH = new SpeakerEnrolmentDecoder.Limits("speech-small", "0.1.0",
            4, 30_000, rate -> rate == 16_000 || rate == 44_100);
    private static final SpeakerEnrolmentDeserializer DESERIALIZER = new SpeakerEnrolmentDeserializer(
            new SpeakerEnrolmentDecoder(SPEECH, InputLimits.builder().build()));

    private static ByteBuffer floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        b.flip();
        return b;
    }

    private static SpeakerEnrolment.Builder byEmbedding(String id, float... v) {
        return SpeakerEnrolment.newBuilder().setSpeakerId(id).setModelName("speech-small").setModelVersion("0.1.0")
                .setEmbedding(floats(v)).setEnrolledAtUs(EpochMicros.now());
    }

    private static Decoded<SpeakerEnrolment> decode(String key, SpeakerEnrolment e) {
        return DESERIALIZER.decode(new RawRecord("avstream.speakers", 0, 7, System.currentTimeMillis(),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), e == null ? null : CODEC.encode(e)));
    }

    private static String reason(Decoded<SpeakerEnrolment> d) {
        DeadLetter l = d.deadLetter;
        assertThat(l).as("dead letter").isNotNull();
        return l.getReason();
    }

    @Test
    void aNormalisedEmbeddingOfTheJobsModelIsAnEnrolment() {
        Decoded<SpeakerEnrolment> d = decode("alice", byEmbedding("alice", 0.6f, 0.8f, 0, 0).build());
        assertThat(d.isValid()).isTrue();
        assertThat(SpeakerEnrolmentDecoder.isDeletion(d.record.record)).isFalse();
    }

    @Test
    void embeddingsTheJobCannotCompareAreDeadLettered() {
        assertThat(reason(decode("a", byEmbedding("a", 0.6f, 0.8f, 0).build()))).isEqualTo(ReasonCode.WRONG_SIZE.name());
        assertThat(reason(decode("a", byEmbedding("a", 0.6f, Float.NaN, 0, 0).build()))).isEqualTo(ReasonCode.NON_FINITE.name());
        assertThat(reason(decode("a", byEmbedding("a", 3, 4, 0, 0).build()))).isEqualTo(ReasonCode.NOT_NORMALISED.name());
        assertThat(reason(decode("a", byEmbedding("a", 0.6f, 0.8f, 0, 0).setModelVersion("0.2.0").build())))
                .isEqualTo(ReasonCode.MODEL_MISMATCH.name());
        assertThat(reason(decode("b", byEmbedding("a", 0.6f, 0.8f, 0, 0).build()))).isEqualTo(ReasonCode.KEY_MISMATCH.name());
    }

    @Test
    void anEnrolmentByVoiceCarriesAClipTheJobCanConvertAndNoEmbedding() {
        SpeakerEnrolment.Builder voice = byEmbedding("bob").setAudio(ByteBuffer.wrap(new byte[3200])).setAudioSampleRate(16_000);
        assertThat(decode("bob", voice.build()).isValid()).isTrue();
        assertThat(reason(decode("bob", SpeakerEnrolment.newBuilder(voice.build()).setAudioSampleRate(22_050).build())))
                .isEqualTo(ReasonCode.UNSUPPORTED_FORMAT.name());
        assertThat(reason(decode("bob", SpeakerEnrolment.newBuilder(voice.build()).setAudio(ByteBuffer.wrap(new byte[3])).build())))
                .isEqualTo(ReasonCode.WRONG_SIZE.name());
        assertThat(reason(decode("bob", SpeakerEnrolment.newBuilder(voice.build()).setEmbedding(floats(1, 0, 0, 0)).build())))
                .isEqualTo(ReasonCode.WRONG_SIZE.name());
        assertThat(reason(decode("bob", SpeakerEnrolment.newBuilder(voice.build())
                .setAudio(ByteBuffer.wrap(new byte[2 * 16_000 * 31])).build()))).isEqualTo(ReasonCode.OVERSIZED.name());
    }

    @Test
    void aNullValueDeletesTheKeysSpeaker() {
        Decoded<SpeakerEnrolment> d = decode("alice", null);
        assertThat(d.isValid()).isTrue();
        assertThat(d.record.record.getSpeakerId()).isEqualTo("alice");
        assertThat(SpeakerEnrolmentDecoder.isDeletion(d.record.record)).isTrue();
        assertThat(reason(decode(null, null))).isEqualTo(ReasonCode.MISSING_KEY.name());
    }
}
