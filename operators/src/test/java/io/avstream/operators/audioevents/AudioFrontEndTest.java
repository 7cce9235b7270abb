package io.avstream.operators.audioevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.avstream.operators.window.WindowSpec;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The slicer (windowing core) and the front end as keyed operators, with a restore mid-stream. */
class AudioFrontEndTest {

    static final WindowSpec SLICES = WindowSpec.builder().optSpan(Duration.ofSeconds(1)).optHop(Duration.ofSeconds(1))
            .optOutOfOrderness(Duration.ofMillis(300)).build();

    static KeyedOneInputStreamOperatorTestHarness<String, PcmBlock, AudioSlice> slicer() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new AudioSlicer(SLICES)),
                (PcmBlock b) -> b.streamId, Types.STRING);
        h.open();
        return h;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, AudioSlice, AudioWindow> frontEnd() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new AudioFrontEnd(AudioStreamTest.STREAM)),
                (AudioSlice s) -> s.streamId, Types.STRING);
    }

    static PcmBlock copy(PcmBlock b, String stream) {
        return new PcmBlock(stream, b.seq, b.captureUs, b.kafkaUs, b.sampleRate, b.samples.clone(), b.annotation);
    }

    @Test
    void chunksOutOfOrderWithinTheBoundAndDuplicatesGiveTheOfflineWindowsAcrossARestore() throws Exception {
        int rate = 44100;
        float[] x = AudioStreamTest.signal(rate, 9.0, 11);
        List<PcmBlock> blocks = AudioStreamTest.blocks(x, rate, 21);
        // swap neighbours (out of order well within 300 ms) and send some chunks twice
        List<PcmBlock> arrival = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            if (i + 1 < blocks.size() && i % 5 == 1) {
                arrival.add(copy(blocks.get(i + 1), "a"));
                arrival.add(copy(blocks.get(i), "a"));
                i++;
                continue;
            }
            arrival.add(copy(blocks.get(i), "a"));
            if (i % 7 == 3) {
                arrival.add(copy(blocks.get(i), "a"));
            }
        }
        List<AudioSlice> slices = new ArrayList<>();
        try (var h = slicer()) {
            for (PcmBlock b : arrival) {
                h.processElement(new StreamRecord<>(b, Math.floorDiv(b.captureUs, 1000L)));
            }
            h.processWatermark(Long.MAX_VALUE);
            slices.addAll(h.extractOutputValues());
        }
        long chunks = slices.stream().mapToLong(s -> s.blocks.length).sum();
        assertThat(chunks).as("every chunk once").isEqualTo(blocks.size());
        for (AudioSlice s : slices) {
            for (int i = 1; i < s.blocks.length; i++) {
                assertThat(s.blocks[i].captureUs).isGreaterThan(s.blocks[i - 1].captureUs);
            }
        }

        List<AudioWindow> windows = new ArrayList<>();
        var h = frontEnd();
        h.open();
        int half = slices.size() / 2;
        for (int i = 0; i < half; i++) {
            h.processElement(new StreamRecord<>(slices.get(i), 0L));
        }
        windows.addAll(h.extractOutputValues());
        var snapshot = h.snapshot(1L, 1L);
        h.close();
        h = frontEnd();
        h.setup();
        h.initializeState(snapshot);
        h.open();
        for (int i = half; i < slices.size(); i++) {
            h.processElement(new StreamRecord<>(slices.get(i), 0L));
        }
        h.processWatermark(Long.MAX_VALUE);
        windows.addAll(h.extractOutputValues());
        assertThat(h.numKeyedStateEntries()).as("state cleared at the end of input").isZero();
        h.close();

        AudioStreamTest.assertSameWindows(windows, AudioStreamTest.STREAM.offline("a", AudioStreamTest.T0, rate, x));
        assertThat(windows).allSatisfy(w -> assertThat(w.streamId).isEqualTo("a"));
    }

    @Test
    void anIdleStreamIsCutAndForgotten() throws Exception {
        float[] x = AudioStreamTest.signal(16000, 2.5, 3);
        AudioSlice slice = new AudioSlice();
        slice.streamId = "b";
        slice.startUs = AudioStreamTest.T0;
        slice.endUs = AudioStreamTest.T0 + 3_000_000L;
        slice.blocks = new PcmBlock[] {new PcmBlock("b", 0, AudioStreamTest.T0, 0, 16000, x, "dog")};
        try (var h = frontEnd()) {
            h.open();
            h.setProcessingTime(1_000);
            h.processElement(new StreamRecord<>(slice, 0L));
            int before = h.extractOutputValues().size();
            h.setProcessingTime(1_000 + Duration.ofMinutes(2).toMillis());
            assertThat(h.extractOutputValues()).hasSize(before + 1);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
