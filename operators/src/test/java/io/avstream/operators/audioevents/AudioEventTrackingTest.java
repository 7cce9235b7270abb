package io.avstream.operators.audioevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class AudioEventTrackingTest {

    static final long T0 = 1_700_000_000_000_000L;
    static final int CLASSES = 13;
    static final int SIREN = 8;

    /** A window's result whose columns have the siren at {@code p[k]} and every other class at 0. */
    static AudioResult result(long firstColumnUs, float... p) {
        AudioResult r = new AudioResult();
        r.prediction = Prediction.newBuilder().setPredictionId("w" + firstColumnUs).setStreamId("cam-1")
                .setTask("audio-events").setModelName("tiny-audio-events").setModelVersion("0.1.0")
                .setWindowStartUs(firstColumnUs).setWindowEndUs(firstColumnUs + p.length * 160_000L)
                .setLatency(LatencyRecord.newBuilder().setCaptureTimeUs(1).setKafkaAppendTimeUs(2).setWindowCloseUs(3)
                        .setInferenceStartUs(4).setInferenceEndUs(5).setBatchSize(1).setQueueTimeUs(0).setEmitTimeUs(0).build())
                .build();
        r.classes = CLASSES;
        r.columns = p.length;
        r.columnUs = 160_000L;
        r.firstColumnUs = firstColumnUs;
        r.columnProbs = new float[p.length * CLASSES];
        for (int k = 0; k < p.length; k++) {
            r.columnProbs[k * CLASSES + SIREN] = p[k];
        }
        return r;
    }

    @Test
    void passesWindowsOnAndReportsEachEventOnceAcrossOverlappingWindows() throws Exception {
        var fn = new AudioEventTracking(AudioEventsTranslatorTest.TINY, 60_000);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn),
                (AudioResult r) -> r.prediction.getStreamId(), Types.STRING)) {
            h.open();
            // two overlapping windows: the second repeats the first's last columns, which are judged once
            h.processElement(new StreamRecord<>(result(T0, 0.1f, 0.9f, 0.9f, 0.9f, 0.2f, 0.1f), 0L));
            h.processElement(new StreamRecord<>(result(T0 + 4 * 160_000L, 0.9f, 0.1f, 0.1f, 0.1f, 0.1f, 0.8f, 0.8f), 0L));
            h.processWatermark(Long.MAX_VALUE);
            List<Prediction> out = h.extractOutputValues();
            List<Prediction> events = out.stream().filter(p -> p.getEvent() != null).toList();
            assertThat(out).hasSize(2 + events.size());
            assertThat(events).hasSize(2);
            Prediction first = events.get(0);
            assertThat(first.getEvent().getOnsetUs()).isEqualTo(T0 + 160_000L);
            assertThat(first.getEvent().getOffsetUs()).isEqualTo(T0 + 4 * 160_000L);
            assertThat(first.getEvent().getLabel().getName()).isEqualTo("Siren");
            assertThat(first.getEvent().getLabel().getId()).isEqualTo("/m/03kmc9");
            assertThat(first.getEvent().getLabel().getScore()).isEqualTo(0.9f);
            assertThat(first.getWindowStartUs()).isEqualTo(first.getEvent().getOnsetUs());
            assertThat(first.getPredictionId()).isEqualTo("cam-1/audio-events/" + (T0 + 640_000L) + "/tiny-audio-events@0.1.0/event/8");
            // the one still open at the end of the input ends with the last column
            assertThat(events.get(1).getEvent().getOffsetUs()).isEqualTo(T0 + 11 * 160_000L);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void anOpenEventEndsWhenItsStreamFallsIdleAndTheStreamIsForgotten() throws Exception {
        var fn = new AudioEventTracking(AudioEventsTranslatorTest.TINY, 60_000);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn),
                (AudioResult r) -> r.prediction.getStreamId(), Types.STRING)) {
            h.open();
            h.setProcessingTime(1_000);
            h.processElement(new StreamRecord<>(result(T0, 0.1f, 0.9f, 0.9f), 0L));
            h.setProcessingTime(30_000);
            h.processElement(new StreamRecord<>(result(T0 + 3 * 160_000L, 0.9f, 0.9f), 0L));
            // 60 s after the first result, but not after the second: still running
            h.setProcessingTime(61_000);
            assertThat(h.extractOutputValues()).noneMatch(p -> p.getEvent() != null);
            h.setProcessingTime(90_000);
            List<Prediction> events = h.extractOutputValues().stream().filter(p -> p.getEvent() != null).toList();
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getEvent().getOffsetUs()).isEqualTo(T0 + 5 * 160_000L);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
