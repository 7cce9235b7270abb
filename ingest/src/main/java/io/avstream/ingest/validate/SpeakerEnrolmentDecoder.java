package io.avstream.ingest.validate;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.SpeakerEnrolment;

/**
 * Decodes {@link SpeakerEnrolment}s of the compacted speakers topic (key = speaker id) and checks them against the
 * job's speech model: an enrolment by embedding carries exactly the model's embedding size, finite and L2-normalised,
 * computed by the same model (name and version); an enrolment by voice carries a non-empty clip of whole s16le
 * samples at a rate the job converts, no longer than the limit, and no embedding. A deletion (null value) is not
 * decoded here: {@link io.avstream.ingest.kafka.SpeakerEnrolmentDeserializer} turns it into {@link #deletion}.
 */
public final class SpeakerEnrolmentDecoder extends RecordDecoder<SpeakerEnrolment> {
    private static final long serialVersionUID = 1L;

    /** How far an embedding's L2 norm may be from 1. */
    public static final double NORM_TOLERANCE = 1e-3;

    /**
     * What the job's speech model accepts.
     *
     * @param modelName     the speech model's name
     * @param modelVersion  its version
     * @param embeddingSize floats per embedding
     * @param maxClipMillis longest enrolment clip
     * @param rates         the clip rates the job converts
     */
    public record Limits(String modelName, String modelVersion, int embeddingSize, int maxClipMillis,
            AudioChunkDecoder.RateCheck rates) implements java.io.Serializable {}

    private final Limits speech;

    public SpeakerEnrolmentDecoder(Limits speech, InputLimits limits) {
        super(SpeakerEnrolment.class, limits);
        this.speech = speech;
    }

    /** A deletion of {@code speakerId} as the job passes it on: no embedding, no clip. */
    public static SpeakerEnrolment deletion(String speakerId, long atUs) {
        return SpeakerEnrolment.newBuilder().setSpeakerId(speakerId).setModelName("").setModelVersion("")
                .setEmbedding(ByteBuffer.allocate(0)).setEnrolledAtUs(atUs).build();
    }

    /** A key as UTF-8 text, or null when it is not valid UTF-8. */
    public static String keyText(byte[] key) {
        return utf8(key);
    }

    /** Whether an enrolment the job passes on is a deletion. */
    public static boolean isDeletion(SpeakerEnrolment e) {
        return e.getAudio() == null && e.getEmbedding().remaining() == 0;
    }

    @Override
    protected void validate(SpeakerEnrolment e) throws Rejection {
        ByteBuffer embedding = e.getEmbedding();
        if (e.getAudio() != null) {
            if (embedding.remaining() != 0) {
                throw new Rejection(ReasonCode.WRONG_SIZE, "an enrolment by voice must not carry an embedding too ("
                        + embedding.remaining() + " bytes)");
            }
            Integer rate = e.getAudioSampleRate();
            if (rate == null || !speech.rates().supports(rate)) {
                throw new Rejection(ReasonCode.UNSUPPORTED_FORMAT, "enrolment clip sample rate " + rate
                        + " Hz cannot be converted to 16 kHz");
            }
            int bytes = e.getAudio().remaining();
            if (bytes == 0 || bytes % 2 != 0) {
                throw new Rejection(ReasonCode.WRONG_SIZE, "enrolment clip of " + bytes + " bytes is not whole s16le samples");
            }
            long millis = bytes / 2 * 1000L / rate;
            if (millis > speech.maxClipMillis()) {
                throw new Rejection(ReasonCode.OVERSIZED, "enrolment clip of " + millis + " ms exceeds the limit of "
                        + speech.maxClipMillis() + " ms");
            }
            return;
        }
        int expected = speech.embeddingSize() * 4;
        if (embedding.remaining() != expected) {
            throw new Rejection(ReasonCode.WRONG_SIZE, "embedding of " + embedding.remaining() + " bytes; the speech model's "
                    + "is " + speech.embeddingSize() + " float32 values (" + expected + " bytes)");
        }
        int bad = firstNonFinite(embedding);
        if (bad >= 0) {
            throw new Rejection(ReasonCode.NON_FINITE, "embedding value " + bad + " is not finite");
        }
        ByteBuffer b = embedding.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        double sum = 0;
        for (int i = 0; i < speech.embeddingSize(); i++) {
            double v = b.getFloat(b.position() + 4 * i);
            sum += v * v;
        }
        double norm = Math.sqrt(sum);
        if (Math.abs(norm - 1) > NORM_TOLERANCE) {
            throw new Rejection(ReasonCode.NOT_NORMALISED, String.format("embedding L2 norm %.4f; enrolment embeddings "
                    + "must be L2-normalised", norm));
        }
        if (!speech.modelName().equals(e.getModelName()) || !speech.modelVersion().equals(e.getModelVersion())) {
            throw new Rejection(ReasonCode.MODEL_MISMATCH, "embedding of " + e.getModelName() + "@" + e.getModelVersion()
                    + "; the job's speech model is " + speech.modelName() + "@" + speech.modelVersion());
        }
    }

    @Override
    public String streamId(SpeakerEnrolment e) {
        return e.getSpeakerId();
    }

    @Override
    public long seq(SpeakerEnrolment e) {
        return 0;
    }

    @Override
    public long captureTimeUs(SpeakerEnrolment e) {
        return e.getEnrolledAtUs();
    }
}
