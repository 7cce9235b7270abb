package io.avstream.tools.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.ingest.produce.PacedProducer;
import io.avstream.schemas.AudioEvent;
import io.avstream.schemas.Label;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class AudioLoadProfileTest {

    private static LoadProfile audio(Map<String, String> settings) {
        Configuration c = JobConfig.fromMap(Map.of(JobOptions.BOOTSTRAP_SERVERS.key(), "127.0.0.1:1")).flink();
        settings.forEach(c::setString);
        return LoadProfile.of(Modality.AUDIO, 1.0, c);
    }

    @Test
    void aWindowWaitsForTheChunkThatClosesTheSliceOfItsNewestChunk() {
        // default: 250 ms slices, 300 ms out-of-orderness, 100 ms chunks
        LoadRecorder.CloseWait wait = audio(Map.of()).closeWait();
        // newest chunk at 10.030 s: slice [10.0, 10.25) closes with the first chunk at >= 10.55 s on the stream's
        // 100 ms grid (10.630 s), which is sent once captured, at 10.730 s
        assertThat(wait.waitUs(10_045_000, 10_030_000)).isEqualTo(700_000);
        // a chunk exactly the out-of-orderness past the slice's end closes it: newest chunk at 10.150 s, slice
        // [10.0, 10.25), closed by the chunk at 10.55 s, sent at 10.65 s
        assertThat(wait.waitUs(10_165_000, 10_150_000)).isEqualTo(500_000);
        // one-second slices wait up to a second longer
        LoadRecorder.CloseWait oneSecond = audio(Map.of(AudioEventsOptions.SLICE.key(), "1s")).closeWait();
        assertThat(oneSecond.waitUs(10_045_000, 10_030_000)).isEqualTo(1_400_000);
    }

    @Test
    void windowsFollowEachStreamsOwnStartAMinFramesWindowThenOneAHop() {
        LoadProfile p = audio(Map.of());
        StreamSources.Source source = new StreamSources.Source(new FixedStart(5_000_000), 1, "lt-a-");
        // frame 99 ends 99 x 10 ms + 25 ms after the start: the first window ends at 6.015 s, then 7.015, 8.015 ...
        assertThat(p.windows(source, 0, 0, 6_015_000)).isZero();
        assertThat(p.windows(source, 0, 0, 6_015_001)).isEqualTo(1);
        assertThat(p.windows(source, 0, 6_015_001, 16_015_001)).isEqualTo(10);
        assertThat(p.windows(source, 0, 7_000_000, 8_000_000)).isEqualTo(1);
    }

    @Test
    void aStoppedStreamIsExpectedToCloseOnlyWindowsWellBeforeItsLastChunk() {
        // two chunks, the out-of-orderness and a slice before the stop
        assertThat(audio(Map.of()).lastClosingWindowEnd(20_000_000)).isEqualTo(20_000_000 - 200_000 - 300_000 - 250_000);
    }

    @Test
    void theRecorderCountsWindowsNotEventRecords() {
        LoadRecorder r = new LoadRecorder("lt-", audio(Map.of()).closeWait(), 10_000);
        LatencyRecord l = LatencyRecord.newBuilder().setCaptureTimeUs(10_000_000).setKafkaAppendTimeUs(10_101_000)
                .setWindowCloseUs(10_700_000).setInferenceStartUs(10_710_000).setInferenceEndUs(10_800_000).setBatchSize(1)
                .setQueueTimeUs(10_000).setEmitTimeUs(10_810_000).build();
        Prediction window = Prediction.newBuilder().setPredictionId("lt-a-0000/audio-events/10015000").setStreamId("lt-a-0000")
                .setTask("audio-events").setModelName("m").setModelVersion("1").setWindowStartUs(0).setWindowEndUs(10_015_000)
                .setLabels(List.of()).setLatency(l).build();
        Label label = Label.newBuilder().setIndex(0).setName("Speech").setScore(0.9f).build();
        Prediction event = Prediction.newBuilder(window).setPredictionId("lt-a-0000/audio-events/event/1")
                .setEvent(AudioEvent.newBuilder().setLabel(label).setOnsetUs(8_000_000).setOffsetUs(10_000_000).build())
                .build();
        assertThat(r.record(window, 10_820_000)).isTrue();
        assertThat(r.record(event, 10_830_000)).isFalse();
        assertThat(r.total()).isEqualTo(1);
        assertThat(r.latency(0, Long.MAX_VALUE).get(LoadRecorder.EVENT_TIME_WAIT).p50())
                .isCloseTo(700.0, within(0.5)); // HdrHistogram keeps 3 significant digits
    }

    @Test
    void camerasSendTheRecordingsFramesNextToTheirAudioAndMakeTheAudiosWindows() {
        Configuration c = JobConfig.fromMap(Map.of(JobOptions.BOOTSTRAP_SERVERS.key(), "127.0.0.1:1")).flink();
        LoadProfile av = LoadProfile.of(Modality.AUDIO_VIDEO, 1.0, c);
        // 10 chunks and 2 frames a second
        assertThat(av.recordsPerSecond()).isCloseTo(12.0, within(0.1));
        assertThat(av.rateText()).isEqualTo("100 ms chunks of 16000 Hz mono s16le + 2 fps 320 x 240 JPEG");
        // a mean record between an audio chunk (3.2 KB of samples) and a JPEG frame (a few KB)
        assertThat(av.recordBytes("lt-")).isBetween(3_000.0, 6_000.0);
        // the audio's windows and waits
        StreamSources.Source source = new StreamSources.Source(new FixedStart(5_000_000), 1, "lt-a-");
        assertThat(av.windows(source, 0, 6_015_001, 16_015_001)).isEqualTo(audio(Map.of()).windows(source, 0, 6_015_001, 16_015_001));
        assertThat(av.closeWait().waitUs(10_045_000, 10_030_000)).isEqualTo(700_000);
        assertThat(LoadProfile.otherTopics(Modality.AUDIO_VIDEO)).allMatch(LoadProfile::partitionedAsInput);
    }

    /** The start of a producer's streams, all at one time, without Kafka: all that the window count reads. */
    private record FixedStart(long startUs) implements PacedProducer {
        @Override
        public long streamStartUs(int i) {
            return startUs;
        }

        @Override
        public void start() {}

        @Override
        public long sent() {
            return 0;
        }

        @Override
        public long behindMicros() {
            return 0;
        }

        @Override
        public void stop() {}

        @Override
        public void close() {}
    }
}
