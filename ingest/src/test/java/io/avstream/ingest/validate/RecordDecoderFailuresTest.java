package io.avstream.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.avstream.ingest.kafka.DecodingDeserializer;
import io.avstream.ingest.kafka.RawRecord;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.VertexLayout;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Records that make a decoder fail, and stream ids that are not valid UTF-8: each becomes a dead letter
 * with its reason, and the records around it pass.
 */
class RecordDecoderFailuresTest {

    private static final String TOPOLOGY = "test-mesh";
    private static final int VERTICES = 4;
    private static final AvroCodec<MocapFrame> CODEC = AvroCodec.forClass(MocapFrame.class);

    /** A MoCap decoder with a bug: it fails on the frames of sequence numbers 7, 8 and 9. */
    private static final class FailingDecoder extends RecordDecoder<MocapFrame> {
        private static final long serialVersionUID = 1L;

        private final ReasonCode failureReason;

        FailingDecoder(ReasonCode failureReason) {
            super(MocapFrame.class, InputLimits.defaults());
            this.failureReason = failureReason;
        }

        @Override
        protected void validate(MocapFrame f) {
            if (f.getSeq() == 7) {
                int[] none = new int[0];
                none[(int) f.getSeq()] = 1;
            }
            if (f.getSeq() == 8) {
                throw new IllegalStateException("decoder state broken by frame 8");
            }
            if (f.getSeq() == 9) {
                recurse(0);
            }
        }

        private static int recurse(int depth) {
            return recurse(depth + 1) + 1;
        }

        @Override
        protected ReasonCode failureReason() {
            return failureReason;
        }

        @Override
        public String streamId(MocapFrame f) {
            return f.getStreamId();
        }

        @Override
        public long seq(MocapFrame f) {
            return f.getSeq();
        }

        @Override
        public long captureTimeUs(MocapFrame f) {
            return f.getCaptureTimeUs();
        }
    }

    private static MocapFrame frame(String stream, long seq) {
        ByteBuffer xyz = ByteBuffer.allocate(VERTICES * 12).order(ByteOrder.LITTLE_ENDIAN);
        return MocapFrame.newBuilder().setStreamId(stream).setSeq(seq)
                .setCaptureTimeUs(System.currentTimeMillis() * 1000L - 1_000_000L + seq * 40_000L)
                .setTopology(TOPOLOGY).setVertexCount(VERTICES).setLayout(VertexLayout.XYZ_F32LE).setVertices(xyz).build();
    }

    private static RawRecord raw(byte[] key, byte[] value, long offset) {
        return new RawRecord("avstream.mocap", 0, offset, System.currentTimeMillis(), key, value);
    }

    private static RawRecord raw(MocapFrame f, long offset) {
        return raw(f.getStreamId().getBytes(StandardCharsets.UTF_8), CODEC.encode(f), offset);
    }

    /** Runs records through the deserializer and the router; returns the valid ones and the dead letters by offset. */
    private static Routed route(RecordDecoder<MocapFrame> decoder, List<RawRecord> records) throws Exception {
        DecodingDeserializer<MocapFrame> deserializer = new DecodingDeserializer<>(decoder);
        DeadLetterRouter<MocapFrame> router = new DeadLetterRouter<>(deserializer.recordType());
        try (OneInputStreamOperatorTestHarness<Decoded<MocapFrame>, Stamped<MocapFrame>> h =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(router))) {
            h.open();
            for (RawRecord r : records) {
                h.processElement(new StreamRecord<>(deserializer.decode(r)));
            }
            var side = h.getSideOutput(DeadLetterRouter.DEAD_LETTERS);
            Map<Long, DeadLetter> dead = (side == null ? java.util.stream.Stream.<StreamRecord<DeadLetter>>empty() : side.stream())
                    .map(StreamRecord::getValue).collect(Collectors.toMap(DeadLetter::getSourceOffset, d -> d));
            List<MocapFrame> valid = h.extractOutputValues().stream().map(s -> s.record).toList();
            return new Routed(valid, dead, router.deadLetterCount(), router.deadLetterCount(ReasonCode.UNDECODABLE),
                    router.deadLetterCount(ReasonCode.CORRUPT_MEDIA), router.deadLetterCount(ReasonCode.KEY_MISMATCH));
        }
    }

    private record Routed(List<MocapFrame> valid, Map<Long, DeadLetter> dead, long deadLetters, long undecodable,
            long corruptMedia, long keyMismatch) {}

    @Test
    void aRecordThatMakesTheDecoderThrowIsDeadLetteredAsUndecodable() throws Exception {
        List<RawRecord> records = new java.util.ArrayList<>();
        for (int seq = 0; seq < 12; seq++) {
            records.add(raw(frame("s1", seq), seq));
        }

        Routed r = route(new FailingDecoder(ReasonCode.UNDECODABLE), records);

        assertThat(r.valid()).extracting(MocapFrame::getSeq).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 10L, 11L);
        assertThat(r.dead()).containsOnlyKeys(7L, 8L, 9L);
        assertThat(r.dead().values()).extracting(DeadLetter::getReason).containsOnly("UNDECODABLE");
        assertThat(r.dead().get(7L).getDetail()).contains("java.lang.ArrayIndexOutOfBoundsException");
        assertThat(r.dead().get(8L).getDetail())
                .contains("java.lang.IllegalStateException", "decoder state broken by frame 8");
        assertThat(r.dead().get(9L).getDetail()).contains("java.lang.StackOverflowError");
        assertThat(r.dead().get(8L).getStreamId()).isEqualTo("s1");
        assertThat(r.dead().get(8L).getPayloadSize()).isEqualTo(records.get(8).value.length);
        assertThat(r.deadLetters()).isEqualTo(3);
        assertThat(r.undecodable()).isEqualTo(3);
    }

    @Test
    void aMediaDecoderThatThrowsDeadLettersAsCorruptMedia() throws Exception {
        Routed r = route(new FailingDecoder(ReasonCode.CORRUPT_MEDIA), List.of(raw(frame("cam", 6), 1), raw(frame("cam", 8), 2)));

        assertThat(r.valid()).hasSize(1);
        assertThat(r.dead().get(2L).getReason()).isEqualTo("CORRUPT_MEDIA");
        assertThat(r.dead().get(2L).getDetail()).contains("java.lang.IllegalStateException");
        assertThat(r.corruptMedia()).isEqualTo(1);
    }

    @Test
    void keysThatAreNotUtf8AreRefusedInsteadOfMergedIntoOneStream() throws Exception {
        // 's' 0xFF and 's' 0xFE both read as "s\uFFFD" when malformed input is replaced
        byte[] keyFf = {'s', (byte) 0xFF};
        byte[] keyFe = {'s', (byte) 0xFE};
        assertThat(new String(keyFf, StandardCharsets.UTF_8)).isEqualTo(new String(keyFe, StandardCharsets.UTF_8));
        MocapFrame replaced = frame("s\uFFFD", 1);
        byte[] value = CODEC.encode(replaced);

        Routed r = route(new MocapFrameDecoder(Map.of(TOPOLOGY, VERTICES), InputLimits.defaults()), List.of(
                raw(keyFf, value, 1), raw(keyFe, value, 2), raw(replaced, 3)));

        // the stream whose id really is "s\uFFFD" (valid UTF-8: EF BF BD) still passes
        assertThat(r.valid()).extracting(MocapFrame::getStreamId).containsExactly("s\uFFFD");
        assertThat(r.dead()).containsOnlyKeys(1L, 2L);
        for (DeadLetter d : r.dead().values()) {
            assertThat(d.getReason()).isEqualTo("KEY_MISMATCH");
            assertThat(d.getDetail()).contains("not valid UTF-8");
            assertThat(d.getStreamId()).as("no stream id can be read from the key").isNull();
        }
        assertThat(r.dead().get(1L).getDetail()).contains("73ff");
        assertThat(r.dead().get(2L).getDetail()).contains("73fe");
        assertThat(r.keyMismatch()).isEqualTo(2);
    }

    @Test
    void payloadStreamIdsThatAreNotUtf8AreRefusedInsteadOfMergedIntoOneStream() throws Exception {
        byte[] value = CODEC.encode(frame("s#", 1));
        // header (10 bytes), then stream_id: length 2 as a zig-zag varint, 's', '#'
        assertThat(value[10]).isEqualTo((byte) 4);
        assertThat(value[12]).isEqualTo((byte) '#');
        byte[] idFf = value.clone();
        idFf[12] = (byte) 0xFF;
        byte[] idFe = value.clone();
        idFe[12] = (byte) 0xFE;
        byte[] key = "s\uFFFD".getBytes(StandardCharsets.UTF_8);

        Routed r = route(new MocapFrameDecoder(Map.of(TOPOLOGY, VERTICES), InputLimits.defaults()), List.of(
                raw(key, idFf, 1), raw(key, idFe, 2), raw(frame("s\uFFFD", 2), 3)));

        assertThat(r.valid()).extracting(MocapFrame::getSeq).containsExactly(2L);
        assertThat(r.dead()).containsOnlyKeys(1L, 2L);
        for (DeadLetter d : r.dead().values()) {
            assertThat(d.getReason()).isEqualTo("UNDECODABLE");
            assertThat(d.getDetail()).contains("UTF-8");
        }
    }
}
