package io.avstream.operators.speech;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.avstream.models.BatcherStats;
import io.avstream.models.ModelHandle;
import io.avstream.models.ModelPackage;
import io.avstream.models.SharedModels;
import io.avstream.operators.audioevents.AudioSlice;
import io.avstream.operators.audioevents.PcmBlock;
import io.avstream.operators.inference.ModelRef;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The voice-activity operator over four streams of the speech recording (each from its own offset): their chunks are
 * scored in batches across streams, each stream's segments equal the offline ones of its audio, and a checkpoint taken
 * mid-utterance restores to the same segments, none lost or repeated.
 */
class VoiceActivityOperatorTest {

    private static final int STREAMS = 4;
    private static final int SLICE = 4_000; // 250 ms at 16 kHz

    static KeyedOneInputStreamOperatorTestHarness<String, AudioSlice, SpeechSegment> harness() throws Exception {
        VoiceActivityOperator op = new VoiceActivityOperator(ModelRef.of("classpath:silero-vad"), SileroVad.runtimeOptions(64),
                VadStreamTest.STREAM, 5, 60_000);
        return new KeyedOneInputStreamOperatorTestHarness<>(op, s -> s.streamId, Types.STRING);
    }

    /** Each stream's audio: the recording rotated by a few seconds per stream. */
    static Map<String, float[]> streams() throws Exception {
        float[] rec = VadStreamTest.recording();
        Map<String, float[]> m = new LinkedHashMap<>();
        for (int i = 0; i < STREAMS; i++) {
            int shift = i * 3 * 16_000 + i * 333;
            float[] a = new float[rec.length];
            System.arraycopy(rec, shift, a, 0, rec.length - shift);
            System.arraycopy(rec, 0, a, rec.length - shift, shift);
            m.put("mic-" + i, a);
        }
        return m;
    }

    /** Slice {@code k} of every stream that still has audio, in stream order (one burst). */
    static List<AudioSlice> burst(Map<String, float[]> streams, int k) {
        List<AudioSlice> out = new ArrayList<>();
        for (var e : streams.entrySet()) {
            float[] a = e.getValue();
            int from = k * SLICE;
            if (from >= a.length) {
                continue;
            }
            long t = VadStreamTest.T0 + from * 1_000_000L / 16_000;
            AudioSlice s = new AudioSlice();
            s.streamId = e.getKey();
            s.startUs = t;
            s.endUs = t + 250_000;
            s.blocks = new PcmBlock[] {new PcmBlock(e.getKey(), k, t, t, 16_000,
                    Arrays.copyOfRange(a, from, Math.min(a.length, from + SLICE)), null)};
            out.add(s);
        }
        return out;
    }

    /** Bursts {@code from} (inclusive) to {@code to} (exclusive) of every stream, into the harness. */
    static void feed(KeyedOneInputStreamOperatorTestHarness<String, AudioSlice, SpeechSegment> h, Map<String, float[]> streams,
            int from, int to) throws Exception {
        for (int k = from; k < to; k++) {
            for (AudioSlice s : burst(streams, k)) {
                h.processElement(new StreamRecord<>(s));
            }
        }
    }

    static Map<String, List<SpeechSegment>> byStream(List<SpeechSegment> segs) {
        Map<String, List<SpeechSegment>> m = new LinkedHashMap<>();
        for (SpeechSegment s : segs) {
            m.computeIfAbsent(s.streamId, k -> new ArrayList<>()).add(s);
        }
        return m;
    }

    static List<SpeechSegment> output(KeyedOneInputStreamOperatorTestHarness<String, AudioSlice, SpeechSegment> h) {
        List<SpeechSegment> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((SpeechSegment) r.getValue());
            }
        }
        h.getOutput().clear();
        return out;
    }

    @Test
    void streamsAreScoredTogetherAndEachEqualsItsOfflineSegments() throws Exception {
        Map<String, float[]> streams = streams();
        int bursts = streams.values().iterator().next().length / SLICE + 1;
        try (ModelHandle probe = SharedModels.acquire(ModelPackage.fromClasspath("silero-vad"), SileroVad.runtimeOptions(64))) {
            BatcherStats before = probe.stats();
            List<SpeechSegment> out = new ArrayList<>();
            try (var h = harness()) {
                h.open();
                feed(h, streams, 0, bursts);
                h.processWatermark(Long.MAX_VALUE);
                out.addAll(output(h));
            }
            BatcherStats after = probe.stats();
            long batches = after.batches() - before.batches();
            long chunks = after.batchedSamples() - before.batchedSamples();
            System.out.printf("%d chunks of %d streams in %d batches (mean %.2f)%n", chunks, STREAMS, batches,
                    (double) chunks / batches);
            assertThat((double) chunks / batches).as("mean batch").isGreaterThan(2.0);
            Map<String, List<SpeechSegment>> got = byStream(out);
            for (var e : streams.entrySet()) {
                List<SpeechSegment> offline = VadStreamTest.STREAM.offline(e.getKey(), VadStreamTest.T0, 16_000,
                        e.getValue(), VadStreamTest.vad(), s -> {});
                assertThat(offline).hasSizeGreaterThanOrEqualTo(10);
                assertThat(got.get(e.getKey())).as(e.getKey())
                        .usingRecursiveFieldByFieldElementComparator(VadStreamTest.TIMES_AND_SAMPLES)
                        .containsExactlyElementsOf(offline);
            }
        }
    }

    @Test
    void aCheckpointMidUtteranceRestoresToTheSameSegments() throws Exception {
        Map<String, float[]> streams = streams();
        int bursts = streams.values().iterator().next().length / SLICE + 1;
        List<SpeechSegment> whole = new ArrayList<>();
        try (var h = harness()) {
            h.open();
            feed(h, streams, 0, bursts);
            h.processWatermark(Long.MAX_VALUE);
            whole.addAll(output(h));
        }
        // 1.5 s into the first phrase of mic-0 (0.8-2.35 s): mid-utterance
        int cut = 6;
        List<SpeechSegment> parts = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            feed(h, streams, 0, cut);
            h.prepareSnapshotPreBarrier(1); // as the task does before every barrier
            snapshot = h.snapshot(1, 1);
            parts.addAll(output(h));
            // what follows the checkpoint here is lost with the failure
            feed(h, streams, cut, cut + 1);
        }
        assertThat(parts).as("no segment complete before the checkpoint").isEmpty();
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            feed(h, streams, cut, bursts);
            h.processWatermark(Long.MAX_VALUE);
            parts.addAll(output(h));
        }
        assertThat(byStream(parts)).hasSameSizeAs(byStream(whole));
        for (var e : byStream(whole).entrySet()) {
            assertThat(byStream(parts).get(e.getKey())).as(e.getKey())
                    .usingRecursiveFieldByFieldElementComparator(VadStreamTest.TIMES_AND_SAMPLES)
                    .containsExactlyElementsOf(e.getValue());
        }
    }
}
