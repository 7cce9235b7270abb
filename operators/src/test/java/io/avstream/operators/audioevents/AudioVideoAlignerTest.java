package io.avstream.operators.audioevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.ImageEncoding;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.VideoFrame;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The aligner on windows and frames of one stream given in different orders: windows pair with the frames nearest
 * their 8 slots (2 fps over the 4 s centred in them) whatever the arrival order, go without video when the video
 * lags past the wait or has a gap, pair the same way after a restore from a snapshot, and keep the stream's state small.
 */
class AudioVideoAlignerTest {

    static final long T0 = 1_700_000_000_000_000L;
    static final long S = 1_000_000L;

    static KeyedTwoInputStreamOperatorTestHarness<String, AudioWindow, Stamped<VideoFrame>, AudioVisualWindow> harness()
            throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new AudioVideoAligner(8, 500_000L, 500_000L, 2 * S, 3 * S, 64, "avstream.video", 30_000L)),
                w -> w.streamId, f -> f.record.getStreamId(), org.apache.flink.api.common.typeinfo.Types.STRING);
        h.open();
        return h;
    }

    /** A full window (10.24 s) ending at {@code endUs}. */
    static AudioWindow window(long endUs) {
        AudioWindow w = new AudioWindow();
        w.streamId = "cam";
        w.endUs = endUs;
        w.startUs = endUs - 10_240_000L;
        w.frames = 1024;
        w.bins = 128;
        w.frameShiftUs = 10_000;
        w.fbank = new float[1024 * 128];
        return w;
    }

    /** A 2 fps frame at {@code t}, its bytes naming its time. */
    static Stamped<VideoFrame> frame(long t) {
        byte[] data = Long.toString(t).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return new Stamped<>(VideoFrame.newBuilder().setStreamId("cam").setSeq(t / 500_000L).setCaptureTimeUs(t)
                .setWidth(16).setHeight(16).setEncoding(ImageEncoding.JPEG).setData(ByteBuffer.wrap(data)).build(), t / 1000);
    }

    static List<AudioVisualWindow> out(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, AudioVisualWindow> h) {
        List<AudioVisualWindow> got = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                got.add((AudioVisualWindow) r.getValue());
            }
        }
        return got;
    }

    static long[] frameTimes(AudioVisualWindow w) {
        long[] t = new long[w.video.length];
        for (int k = 0; k < t.length; k++) {
            t[k] = w.video[k].timeUs;
        }
        return t;
    }

    @Test
    void aWindowTakesTheEightFramesNearestItsSlotsWhicheverArrivesFirst() throws Exception {
        long end = T0 + 20 * S;
        long centre = end - 5_120_000L;
        long[] expected = new long[8];
        for (int k = 0; k < 8; k++) {
            // frames at 2 fps from T0 + 10 ms: each slot's nearest is 130 ms after it (the centre is T0 + 14.88 s)
            expected[k] = centre - 2 * S + k * 500_000L + 130_000L;
        }
        for (boolean videoFirst : new boolean[] {true, false}) {
            var h = harness();
            if (!videoFirst) {
                h.processElement1(new StreamRecord<>(window(end), end / 1000));
                assertThat(out(h)).as("waits for its video").isEmpty();
            }
            for (long t = T0 + 10_000L; t < end; t += 500_000L) {
                h.processElement2(new StreamRecord<>(frame(t), t / 1000));
            }
            if (videoFirst) {
                h.processElement1(new StreamRecord<>(window(end), end / 1000));
            }
            List<AudioVisualWindow> got = out(h);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).hasVideo()).isTrue();
            assertThat(frameTimes(got.get(0))).containsExactly(expected);
            h.close();
        }
    }

    @Test
    void withoutVideoOrWithAGapAWindowGoesAudioOnlyAfterTheWait() throws Exception {
        var h = harness();
        long end = T0 + 20 * S;
        // video up to 1 s before the span's end, then nothing
        for (long t = T0; t < end - 5_120_000L + S; t += 500_000L) {
            h.processElement2(new StreamRecord<>(frame(t), t / 1000));
        }
        h.processElement1(new StreamRecord<>(window(end), end / 1000));
        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark((end + S) / 1000));
        h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark((end + S) / 1000));
        assertThat(out(h)).as("still within the wait").isEmpty();
        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark((end + 2 * S) / 1000));
        h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark((end + 2 * S) / 1000));
        assertThat(out(h)).hasSize(1);
        assertThat(out(h).get(0).hasVideo()).isFalse();
        // a gap of 2 s in the middle of the next window's span: decided at once, without video
        long end2 = end + S;
        long c2 = end2 - 5_120_000L;
        for (long t = end - 5_120_000L + S; t < end2 + S; t += 500_000L) {
            if (t < c2 - S || t > c2 + S) {
                h.processElement2(new StreamRecord<>(frame(t), t / 1000));
            }
        }
        h.processElement1(new StreamRecord<>(window(end2), end2 / 1000));
        assertThat(out(h)).hasSize(2);
        assertThat(out(h).get(1).hasVideo()).isFalse();
        h.close();
    }

    @Test
    void whenAStreamStallsItsWaitingWindowIsDecidedAndItsFramesDropped() throws Exception {
        var h = harness();
        h.setProcessingTime(5_000L);
        for (long t = T0; t < T0 + 10 * S; t += 500_000L) {
            h.processElement2(new StreamRecord<>(frame(t), t / 1000));
        }
        // its span ends after the last frame: it waits; nothing of the stream comes after it
        AudioWindow last = window(T0 + 20 * S);
        h.processElement1(new StreamRecord<>(last, last.endUs / 1000));
        assertThat(out(h)).isEmpty();
        h.setProcessingTime(34_000L);
        assertThat(out(h)).isEmpty();
        h.setProcessingTime(36_000L);
        assertThat(out(h)).hasSize(1);
        assertThat(out(h).get(0).hasVideo()).isFalse();
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void aStreamsStateStaysUnderFourMegabytesWithVideoOnTimeAndLagging() throws Exception {
        for (long lagUs : new long[] {0, 3 * S}) {
            AudioVideoAligner aligner = new AudioVideoAligner(8, 500_000L, 500_000L, 2 * S, 3 * S, 64, "avstream.video",
                    30_000L);
            var h = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(aligner),
                    (AudioWindow w) -> w.streamId, (Stamped<VideoFrame> f) -> f.record.getStreamId(),
                    org.apache.flink.api.common.typeinfo.Types.STRING);
            h.open();
            long nextFrame = T0;
            // 2 minutes: a 10.24 s window every second, 320 x 240 JPEG-sized frames at 2 fps arriving lagUs late
            for (long end = T0 + 10_240_000L; end < T0 + 120 * S; end += S) {
                while (nextFrame <= end - lagUs) {
                    h.processElement2(new StreamRecord<>(frameOfSize(nextFrame, 6_000), nextFrame / 1000));
                    nextFrame += 500_000L;
                }
                h.processElement1(new StreamRecord<>(window(end), end / 1000));
                h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark((end - 300_000L) / 1000));
                h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark((nextFrame - 2 * S) / 1000));
            }
            List<AudioVisualWindow> got = out(h);
            long withVideo = got.stream().filter(AudioVisualWindow::hasVideo).count();
            System.out.printf("video %d s late: %d windows (%d with video), largest stream state %.2f MB%n", lagUs / S,
                    got.size(), withVideo, aligner.maxStateBytes() / 1e6);
            assertThat(aligner.maxStateBytes()).isLessThanOrEqualTo(4_000_000L);
            assertThat(withVideo).isGreaterThan(got.size() / 2);
            h.close();
        }
    }

    /** A frame of {@code bytes} bytes at {@code t} (a 320 x 240 JPEG of the project's pictures is 4-7 KB). */
    static Stamped<VideoFrame> frameOfSize(long t, int bytes) {
        return new Stamped<>(VideoFrame.newBuilder().setStreamId("cam").setSeq(t / 500_000L).setCaptureTimeUs(t)
                .setWidth(320).setHeight(240).setEncoding(ImageEncoding.JPEG).setData(ByteBuffer.wrap(new byte[bytes]))
                .build(), t / 1000);
    }

    @Test
    void aWindowCutAtTheEndOfInputIsDecidedAtOnce() throws Exception {
        var h = harness();
        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
        h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
        h.processElement1(new StreamRecord<>(window(T0 + 20 * S), (T0 + 20 * S) / 1000));
        assertThat(out(h)).hasSize(1);
        assertThat(out(h).get(0).hasVideo()).isFalse();
        h.close();
    }

    @Test
    void afterARestoreTheSameWindowsPairWithTheSameFrames() throws Exception {
        long end = T0 + 20 * S;
        List<long[]> straight = new ArrayList<>();
        List<long[]> restored = new ArrayList<>();
        for (boolean restart : new boolean[] {false, true}) {
            var h = harness();
            OperatorSubtaskState snap = null;
            for (long t = T0; t < end + 4 * S; t += 500_000L) {
                h.processElement2(new StreamRecord<>(frame(t), t / 1000));
                if (t == end - 3 * S) {
                    h.processElement1(new StreamRecord<>(window(end - S), (end - S) / 1000));
                    if (restart) {
                        snap = h.snapshot(1, 1);
                        List<AudioVisualWindow> before = out(h);
                        before.forEach(w -> restored.add(frameTimes(w)));
                        h.close();
                        h = harness0();
                        h.initializeState(snap);
                        h.open();
                    }
                }
                if (t == end) {
                    h.processElement1(new StreamRecord<>(window(end), end / 1000));
                }
            }
            for (AudioVisualWindow w : out(h)) {
                (restart ? restored : straight).add(frameTimes(w));
            }
            h.close();
        }
        assertThat(straight).hasSize(2);
        assertThat(restored).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(restored.get(i)).containsExactly(straight.get(i));
        }
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, AudioWindow, Stamped<VideoFrame>, AudioVisualWindow> harness0()
            throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new AudioVideoAligner(8, 500_000L, 500_000L, 2 * S, 3 * S, 64, "avstream.video", 30_000L)),
                w -> w.streamId, f -> f.record.getStreamId(), org.apache.flink.api.common.typeinfo.Types.STRING);
    }

    @Test
    void framesFarOutOfOrderAreDeadLetteredDuplicatesAndFastFramesDroppedAndStateStaysSmall() throws Exception {
        var h = harness();
        for (long t = T0; t < T0 + 60 * S; t += 100_000L) {    // 10 fps for a minute: thinned to 4 fps
            h.processElement2(new StreamRecord<>(frame(t), t / 1000));
            h.processElement2(new StreamRecord<>(frame(t), t / 1000));    // each twice
        }
        h.processElement2(new StreamRecord<>(frame(T0 + 50 * S + 1), (T0 + 50 * S) / 1000));    // 10 s behind
        var dead = h.getSideOutput(AudioVideoAligner.DEAD_LETTERS);
        assertThat(dead).hasSize(1);
        DeadLetter d = dead.peek().getValue();
        assertThat(d.getReason()).isEqualTo("BAD_TIMESTAMP");
        assertThat(d.getStreamId()).isEqualTo("cam");
        assertThat(d.getDetail()).contains("behind the stream's newest frame");
        for (long end = T0 + 11 * S; end <= T0 + 59 * S; end += S) {
            h.processElement1(new StreamRecord<>(window(end), end / 1000));
        }
        List<AudioVisualWindow> got = out(h);
        assertThat(got).hasSize(49);
        // with 64 frames kept at 4 fps (16 s), the windows whose spans are within the last 16 s pair with video
        assertThat(got.get(got.size() - 1).hasVideo()).isTrue();
        h.close();
    }
}
