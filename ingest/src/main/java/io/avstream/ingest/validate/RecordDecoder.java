package io.avstream.ingest.validate;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.avstream.ingest.kafka.RawRecord;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.SchemaMismatchException;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Decodes the Avro records of one input topic and validates them: the checks every record type
 * shares (size, key, stream id, sequence number, timestamp) here, the payload checks of the record
 * type in {@link #validate}. A record that cannot be used raises a {@link Rejection} with its reason.
 *
 * @param <T> the record type of the topic
 */
public abstract class RecordDecoder<T extends SpecificRecordBase> implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int MAX_HEX_BYTES = 64;
    private static final int MAX_DETAIL_CHARS = 500;

    private final Class<T> type;
    private final AvroCodec<T> codec;
    protected final InputLimits limits;

    protected RecordDecoder(Class<T> type, InputLimits limits) {
        this.type = type;
        this.codec = AvroCodec.forClass(type);
        this.limits = limits;
    }

    /** The record type. */
    public Class<T> type() {
        return type;
    }

    public InputLimits limits() {
        return limits;
    }

    /**
     * Decodes and validates one record; throws {@link Rejection} with the reason it cannot be used. Any
     * other failure on the record (a runtime exception or a stack overflow in the decoder or in
     * {@link #validate}) is a rejection too, with {@link #failureReason()} and the exception named in
     * the detail, so that one record can never fail the source and fail it again after every restart.
     * Other errors (out of memory, a class that cannot be loaded) are the JVM's or the deployment's, not
     * the record's: they pass.
     */
    public final T decode(RawRecord raw) throws Rejection {
        try {
            return decodeAndValidate(raw);
        } catch (RuntimeException | StackOverflowError e) {
            throw new Rejection(failureReason(), "decoding failed: " + describe(e));
        }
    }

    /**
     * The reason of a record on which decoding failed with an exception: {@link ReasonCode#UNDECODABLE};
     * decoders of media payloads return {@link ReasonCode#CORRUPT_MEDIA}.
     */
    protected ReasonCode failureReason() {
        return ReasonCode.UNDECODABLE;
    }

    private T decodeAndValidate(RawRecord raw) throws Rejection {
        byte[] value = raw.value;
        if (value == null || value.length == 0) {
            throw new Rejection(ReasonCode.UNDECODABLE, "empty value");
        }
        if (value.length > limits.maxPayloadBytes()) {
            throw new Rejection(ReasonCode.OVERSIZED,
                    "record of " + value.length + " bytes exceeds the limit of " + limits.maxPayloadBytes());
        }
        T record;
        try {
            record = codec.decode(value);
        } catch (SchemaMismatchException e) {
            throw new Rejection(ReasonCode.WRONG_SCHEMA, e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new Rejection(ReasonCode.UNDECODABLE, "not an Avro record: " + e.getMessage());
        }
        String streamId = streamId(record);
        if (raw.key == null) {
            throw new Rejection(ReasonCode.MISSING_KEY, "record has no key; the key must be the stream id");
        }
        String key = utf8(raw.key);
        if (key == null) {
            throw new Rejection(ReasonCode.KEY_MISMATCH, "key (hex " + hex(raw.key)
                    + ") is not valid UTF-8, so it cannot be the stream id '" + streamId + "'");
        }
        if (!streamId.equals(key)) {
            throw new Rejection(ReasonCode.KEY_MISMATCH, "key '" + key
                    + "' differs from the payload's stream id '" + streamId + "'");
        }
        if (streamId.isEmpty() || streamId.length() > limits.maxStreamIdLength()) {
            throw new Rejection(ReasonCode.WRONG_SIZE, "stream id length " + streamId.length()
                    + " outside 1.." + limits.maxStreamIdLength());
        }
        long seq = seq(record);
        if (seq < 0) {
            throw new Rejection(ReasonCode.BAD_SEQUENCE, "negative sequence number " + seq);
        }
        long ts = captureTimeUs(record);
        long now = EpochMicros.now();
        if (ts < limits.minTimestampUs()) {
            throw new Rejection(ReasonCode.BAD_TIMESTAMP, "capture time " + ts + " us is before the floor " + limits.minTimestampUs());
        }
        if (ts > now + limits.maxFutureSkewUs()) {
            throw new Rejection(ReasonCode.BAD_TIMESTAMP, "capture time " + ts + " us is " + (ts - now) / 1000
                    + " ms in the future (limit " + limits.maxFutureSkewUs() / 1000 + " ms)");
        }
        validate(record);
        return record;
    }

    /** Payload checks of the record type. */
    protected abstract void validate(T record) throws Rejection;

    /** The record's stream id. */
    public abstract String streamId(T record);

    /** The record's per-stream sequence number. */
    public abstract long seq(T record);

    /** The record's capture time, epoch microseconds: its event time. */
    public abstract long captureTimeUs(T record);

    /** Builds the dead letter of a refused record. */
    public DeadLetter deadLetter(RawRecord raw, Rejection r) {
        byte[] value = raw.value == null ? new byte[0] : raw.value;
        int keep = Math.min(value.length, limits.deadLetterPayloadLimit());
        return DeadLetter.newBuilder()
                .setReason(r.reason().name())
                .setDetail(r.detail())
                .setSourceTopic(raw.topic == null ? "" : raw.topic)
                .setSourcePartition(raw.partition)
                .setSourceOffset(raw.offset)
                .setSourceTimestampUs(raw.timestampMs * 1000L)
                .setKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
                .setPayload(ByteBuffer.wrap(value, 0, keep).slice())
                .setPayloadSize(value.length)
                .setStreamId(raw.key == null ? null : utf8(raw.key))
                .setDeadLetteredAtUs(EpochMicros.now())
                .build();
    }

    /** The bytes as UTF-8, or null when they are not valid UTF-8 (never with replacement characters). */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, MAX_HEX_BYTES); i++) {
            sb.append(String.format("%02x", bytes[i] & 0xff));
        }
        return bytes.length > MAX_HEX_BYTES ? sb + "... (" + bytes.length + " bytes)" : sb.toString();
    }

    /** The exception's class and message, and where it was thrown. */
    private static String describe(Throwable e) {
        String text = e.toString();
        if (text.length() > MAX_DETAIL_CHARS) {
            text = text.substring(0, MAX_DETAIL_CHARS) + "...";
        }
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length == 0 ? text : text + " at " + trace[0];
    }

    /** Index of the first NaN or infinite float of a little-endian float32 payload, or -1. */
    protected static int firstNonFinite(ByteBuffer le) {
        ByteBuffer b = le.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.remaining() / 4;
        int base = b.position();
        // two floats per step: a float is NaN or infinite when its exponent bits are all ones, i.e. when its
        // lane of (v & EXP) ^ EXP is zero; only a pair with such a lane is looked at float by float
        final long exp = 0x7f80_0000_7f80_0000L;
        int pairs = n / 2;
        int i = 0;
        for (int p = 0; p < pairs; p++) {
            long t = (b.getLong(base + 8 * p) & exp) ^ exp;
            if ((t & 0xffff_ffffL) == 0 || (t >>> 32) == 0) {
                i = 2 * p;
                break;
            }
            i = 2 * p + 2;
        }
        for (; i < n; i++) {
            // exponent all ones: infinity or NaN
            if ((b.getInt(base + 4 * i) & 0x7f80_0000) == 0x7f80_0000) {
                return i;
            }
        }
        return -1;
    }
}
