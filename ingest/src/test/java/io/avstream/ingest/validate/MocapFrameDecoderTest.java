package io.avstream.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import io.avstream.ingest.kafka.DecodingDeserializer;
import io.avstream.ingest.kafka.RawRecord;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.VertexLayout;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class MocapFrameDecoderTest {

    private static final String TOPOLOGY = "test-mesh";
    private static final int VERTICES = 4;
    private static final AvroCodec<MocapFrame> CODEC = AvroCodec.forClass(MocapFrame.class);

    private static long now() {
        return System.currentTimeMillis() * 1000L;
    }

    private static MocapFrame.Builder good(String stream, long seq) {
        float[] xyz = new float[VERTICES * 3];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = i * 0.1f;
        }
        return MocapFrame.newBuilder().setStreamId(stream).setSeq(seq).setCaptureTimeUs(now() - 1_000_000L + seq * 40_000L)
                .setTopology(TOPOLOGY).setVertexCount(VERTICES).setLayout(VertexLayout.XYZ_F32LE).setVertices(floats(xyz));
    }

    private static ByteBuffer floats(float... xyz) {
        ByteBuffer b = ByteBuffer.allocate(xyz.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(xyz);
        return b;
    }

    private static RawRecord raw(String key, byte[] value, long offset) {
        return new RawRecord("avstream.mocap", 0, offset, System.currentTimeMillis(),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static RawRecord raw(MocapFrame f, long offset) {
        return raw(f.getStreamId(), CODEC.encode(f), offset);
    }

    private static OneInputStreamOperatorTestHarness<Decoded<MocapFrame>, Stamped<MocapFrame>> router(
            DecodingDeserializer<MocapFrame> deserializer) throws Exception {
        OneInputStreamOperatorTestHarness<Decoded<MocapFrame>, Stamped<MocapFrame>> h =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DeadLetterRouter<>(deserializer.recordType())));
        h.open();
        return h;
    }

    @Test
    void givesValidFramesTheirCaptureTimeAsEventTimeAndDeadLettersNone() {
        DecodingDeserializer<MocapFrame> deserializer = new DecodingDeserializer<>(
                new MocapFrameDecoder(Map.of(TOPOLOGY, VERTICES), InputLimits.defaults()));
        MocapFrame f = good("s1", 3).build();
        assertThat(deserializer.eventTimeMs(deserializer.decode(raw(f, 1)))).isEqualTo(f.getCaptureTimeUs() / 1000);
        assertThat(deserializer.eventTimeMs(deserializer.decode(raw("s1", new byte[] {1, 2}, 2)))).isEqualTo(Long.MIN_VALUE);
        assertThat(deserializer.decode(raw(f, 1)).record.kafkaTimestampMs).isPositive();
    }

    private record Case(String name, RawRecord record, ReasonCode reason) {}

    @Test
    void routesEachKindOfBadInputToTheDeadLetterOutputAndKeepsTheGoodOnes() throws Exception {
        MocapFrameDecoder decoder = new MocapFrameDecoder(Map.of(TOPOLOGY, VERTICES),
                InputLimits.builder().optMaxPayloadBytes(4096).optMaxFutureSkew(Duration.ofSeconds(10)).build());
        byte[] valid = CODEC.encode(good("s1", 5).build());
        byte[] truncated = Arrays.copyOf(valid, valid.length - 7);
        byte[] otherSchema = AvroCodec.forClass(Prediction.class).encode(Prediction.newBuilder()
                .setPredictionId("x").setStreamId("s1").setTask("action").setModelName("m").setModelVersion("1")
                .setWindowStartUs(0).setWindowEndUs(1)
                .setLatency(LatencyRecord.newBuilder().setCaptureTimeUs(0).setKafkaAppendTimeUs(0).setWindowCloseUs(0)
                        .setInferenceStartUs(0).setInferenceEndUs(0).setBatchSize(1).setQueueTimeUs(0).setEmitTimeUs(0).build())
                .build());
        byte[] unknownFingerprint = valid.clone();
        unknownFingerprint[5] ^= 0x5a;
        float[] nan = new float[VERTICES * 3];
        nan[7] = Float.NaN;
        float[] inf = new float[VERTICES * 3];
        inf[0] = Float.POSITIVE_INFINITY;

        List<Case> bad = List.of(
                new Case("garbage", raw("s1", "not avro at all".getBytes(StandardCharsets.UTF_8), 100), ReasonCode.UNDECODABLE),
                new Case("empty", raw("s1", new byte[0], 101), ReasonCode.UNDECODABLE),
                new Case("truncated", raw("s1", truncated, 102), ReasonCode.UNDECODABLE),
                new Case("other record type", raw("s1", otherSchema, 103), ReasonCode.WRONG_SCHEMA),
                new Case("unknown fingerprint", raw("s1", unknownFingerprint, 104), ReasonCode.WRONG_SCHEMA),
                new Case("no key", raw(null, valid, 105), ReasonCode.MISSING_KEY),
                new Case("key mismatch", raw("s2", valid, 106), ReasonCode.KEY_MISMATCH),
                new Case("NaN", raw(good("s1", 1).setVertices(floats(nan)).build(), 107), ReasonCode.NON_FINITE),
                new Case("Inf", raw(good("s1", 1).setVertices(floats(inf)).build(), 108), ReasonCode.NON_FINITE),
                new Case("wrong vertex count", raw(good("s1", 1).setVertexCount(5).build(), 109), ReasonCode.WRONG_SIZE),
                new Case("short payload", raw(good("s1", 1).setVertices(floats(1, 2, 3)).build(), 110), ReasonCode.WRONG_SIZE),
                new Case("unknown topology", raw(good("s1", 1).setTopology("other").build(), 111), ReasonCode.UNKNOWN_TOPOLOGY),
                new Case("oversized", raw(good("s1", 1).setVertices(ByteBuffer.allocate(8000)).build(), 112), ReasonCode.OVERSIZED),
                new Case("negative time", raw(good("s1", 1).setCaptureTimeUs(-5).build(), 113), ReasonCode.BAD_TIMESTAMP),
                new Case("far past", raw(good("s1", 1).setCaptureTimeUs(86_400_000_000L).build(), 114), ReasonCode.BAD_TIMESTAMP),
                new Case("far future", raw(good("s1", 1).setCaptureTimeUs(now() + 3_600_000_000L).build(), 115), ReasonCode.BAD_TIMESTAMP),
                new Case("negative seq", raw(good("s1", -1).build(), 116), ReasonCode.BAD_SEQUENCE));

        DecodingDeserializer<MocapFrame> deserializer = new DecodingDeserializer<>(decoder);
        try (OneInputStreamOperatorTestHarness<Decoded<MocapFrame>, Stamped<MocapFrame>> h = router(deserializer)) {
            long offset = 0;
            for (int i = 0; i < 3; i++) {
                h.processElement(new StreamRecord<>(deserializer.decode(raw(good("s1", i).build(), offset++))));
            }
            for (Case c : bad) {
                h.processElement(new StreamRecord<>(deserializer.decode(c.record())));
                h.processElement(new StreamRecord<>(deserializer.decode(
                        raw(good("s1", 3 + c.record().offset).build(), 1000 + c.record().offset))));
            }

            List<Stamped<MocapFrame>> out = h.extractOutputValues();
            assertThat(out).hasSize(3 + bad.size());
            assertThat(out).extracting(s -> s.record.getStreamId()).containsOnly("s1");
            assertThat(out.get(0).record).isEqualTo(good("s1", 0).setCaptureTimeUs(out.get(0).record.getCaptureTimeUs()).build());

            ConcurrentLinkedQueue<StreamRecord<DeadLetter>> dlq = h.getSideOutput(DeadLetterRouter.DEAD_LETTERS);
            Map<Long, DeadLetter> byOffset = dlq.stream().map(StreamRecord::getValue)
                    .collect(Collectors.toMap(DeadLetter::getSourceOffset, d -> d));
            assertThat(byOffset).hasSize(bad.size());
            for (Case c : bad) {
                DeadLetter d = byOffset.get(c.record().offset);
                assertThat(d).as(c.name()).isNotNull();
                assertThat(d.getReason()).as(c.name() + ": " + d.getDetail()).isEqualTo(c.reason().name());
                assertThat(d.getDetail()).as(c.name()).isNotBlank();
                assertThat(d.getSourceTopic()).isEqualTo("avstream.mocap");
                assertThat(d.getPayloadSize()).isEqualTo(c.record().value.length);
            }
        }
    }

    @Test
    void deadLetterKeepsAtMostTheConfiguredPayload() throws Exception {
        MocapFrameDecoder decoder = new MocapFrameDecoder(Map.of(TOPOLOGY, VERTICES),
                InputLimits.builder().optMaxPayloadBytes(1000).optDeadLetterPayloadLimit(64).build());
        DecodingDeserializer<MocapFrame> deserializer = new DecodingDeserializer<>(decoder);
        try (OneInputStreamOperatorTestHarness<Decoded<MocapFrame>, Stamped<MocapFrame>> h = router(deserializer)) {
            h.processElement(new StreamRecord<>(deserializer.decode(raw("s1", new byte[5000], 1))));
            DeadLetter d = h.getSideOutput(DeadLetterRouter.DEAD_LETTERS).poll().getValue();
            assertThat(d.getReason()).isEqualTo("OVERSIZED");
            assertThat(d.getPayload().remaining()).isEqualTo(64);
            assertThat(d.getPayloadSize()).isEqualTo(5000);
        }
    }

    @Test
    void refusesToBeBuiltWithoutATopology() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MocapFrameDecoder(Map.of(), InputLimits.defaults()))
                .hasMessageContaining("at least one accepted mesh topology");
    }
}
