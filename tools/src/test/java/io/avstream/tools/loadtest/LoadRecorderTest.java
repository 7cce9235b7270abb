package io.avstream.tools.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import io.avstream.tools.loadtest.LoadResult.Bucket;
import io.avstream.tools.loadtest.LoadResult.Percentiles;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import org.junit.jupiter.api.Test;

class LoadRecorderTest {
    private static final long OUT_OF_ORDERNESS_US = 200_000;
    private static final long MAX_DELAY_US = 10_000;
    private static final long WINDOW_END = 1_000_000_000L;
    private static final long FRAME_PERIOD_US = 40_000;

    /** A prediction of the window ending at {@code windowEnd} whose newest frame was captured 40 ms before it. */
    private static Prediction prediction(String stream, long windowEnd, long queueUs, long inferenceUs) {
        long capture = windowEnd - 40_000;
        long close = windowEnd + OUT_OF_ORDERNESS_US + 30_000;      // 30 ms source and windower
        long start = close + 5_000 + queueUs;                       // 5 ms hand-over
        long end = start + inferenceUs;
        LatencyRecord l = LatencyRecord.newBuilder()
                .setCaptureTimeUs(capture).setKafkaAppendTimeUs(capture + 3_000).setWindowCloseUs(close)
                .setInferenceStartUs(start).setInferenceEndUs(end).setBatchSize(4).setQueueTimeUs(queueUs)
                .setEmitTimeUs(end + 2_000).build();
        return Prediction.newBuilder().setPredictionId(stream + "/action/" + windowEnd + "/stmt@1").setStreamId(stream)
                .setTask("action").setModelName("stmt").setModelVersion("1").setWindowStartUs(windowEnd - 2_000_000)
                .setWindowEndUs(windowEnd).setLabels(List.of()).setLatency(l).build();
    }

    /** Arrival 8 ms after emit. */
    private static long arrival(Prediction p) {
        return p.getLatency().getEmitTimeUs() + 8_000;
    }

    @Test
    void splitsEndToEndIntoWaitQueueInferenceAndThePipelinesShare() {
        LoadRecorder r = new LoadRecorder("lt-", OUT_OF_ORDERNESS_US, MAX_DELAY_US, FRAME_PERIOD_US);
        Prediction p = prediction("lt-a-0000", WINDOW_END, 50_000, 100_000);
        assertThat(r.record(p, arrival(p))).isTrue();

        Map<String, Percentiles> l = r.latency(0, Long.MAX_VALUE);
        // HdrHistogram keeps 3 significant digits
        // capture -> arrival: 40 + 200 + 30 + 5 + 50 + 100 + 2 + 8 ms
        assertThat(l.get(LoadRecorder.END_TO_END).p50()).isCloseTo(435.0, within(0.5));
        // the closing frame is the first on the 40 ms grid at least 200 ms past the window's end
        assertThat(l.get(LoadRecorder.EVENT_TIME_WAIT).p50()).isCloseTo(240.0, within(0.5));
        assertThat(l.get(LoadRecorder.QUEUE).p50()).isCloseTo(50.0, within(0.5));
        assertThat(l.get(LoadRecorder.INFERENCE).p50()).isCloseTo(100.0, within(0.5));
        assertThat(l.get(LoadRecorder.EMIT_TO_CONSUMER).p50()).isCloseTo(8.0, within(0.5));
        // what is left: 30 (source, windower) + 5 (hand-over) + 2 + 8 (sink, Kafka, consumer)
        assertThat(l.get(LoadRecorder.PIPELINE).p50()).isCloseTo(45.0, within(0.5));
        // queueing beyond the 10 ms max-delay counts against the pipeline
        assertThat(l.get(LoadRecorder.PIPELINE_STRICT).p50()).isCloseTo(85.0, within(0.5));
    }

    @Test
    void countsOnlyItsOwnStreamsOnceAndNotWindowsCutShortByAStop() {
        LoadRecorder r = new LoadRecorder("lt-7-", OUT_OF_ORDERNESS_US, MAX_DELAY_US, FRAME_PERIOD_US);
        Prediction own = prediction("lt-7-a-0001", WINDOW_END, 0, 10_000);
        Prediction other = prediction("lt-6-a-0001", WINDOW_END, 0, 10_000);
        assertThat(r.record(own, arrival(own))).isTrue();
        assertThat(r.record(own, arrival(own) + 1_000_000)).isFalse();
        assertThat(r.record(other, arrival(other))).isFalse();
        assertThat(r.duplicates()).isEqualTo(1);

        r.stopStreams("lt-7-b-", WINDOW_END + 1_000_000);
        Prediction beforeStop = prediction("lt-7-b-0000", WINDOW_END + 1_000_000, 0, 10_000);
        Prediction cutShort = prediction("lt-7-b-0000", WINDOW_END + 2_000_000, 0, 10_000);
        assertThat(r.record(beforeStop, arrival(beforeStop))).isTrue();
        assertThat(r.record(cutShort, arrival(cutShort))).isFalse();
        assertThat(r.cutShort()).isEqualTo(1);
        assertThat(r.total()).isEqualTo(2);
        assertThat(r.count(WINDOW_END, WINDOW_END + 1)).isEqualTo(1);
    }

    @Test
    void intervalsHoldWhatArrivedSinceTheLastOne() {
        LoadRecorder r = new LoadRecorder("lt-", OUT_OF_ORDERNESS_US, MAX_DELAY_US, FRAME_PERIOD_US);
        for (int i = 0; i < 5; i++) {
            Prediction p = prediction("lt-a-000" + i, WINDOW_END, 0, 10_000);
            r.record(p, arrival(p));
        }
        assertThat(r.drainInterval().predictions()).isEqualTo(5);
        assertThat(r.drainInterval()).isEqualTo(new LoadRecorder.Interval(0, Percentiles.EMPTY));
    }

    @Test
    void histogramBucketsHaveRoundWidthsAndHoldEveryValue() {
        List<Bucket> b = LoadRecorder.buckets(List.of(312_000L, 355_000L, 480_000L, 1_020_000L), 40);
        assertThat(b.get(0).fromMs()).isEqualTo(300.0);
        assertThat(b.get(0).toMs() - b.get(0).fromMs()).isEqualTo(20.0);
        assertThat(b.stream().mapToLong(Bucket::count).sum()).isEqualTo(4);
        assertThat(b.get(b.size() - 1).toMs()).isGreaterThan(1020.0);
        assertThat(LoadRecorder.niceWidth(17.3)).isEqualTo(20.0);
        assertThat(LoadRecorder.niceWidth(0.2)).isEqualTo(1.0);
    }
}
