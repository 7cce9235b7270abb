package io.avstream.operators.window;

import io.avstream.operators.action.FrameReducer;
import io.avstream.operators.action.MocapWindower;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.VertexLayout;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MocapWindowerTest {

    /** A whole second in microseconds since the epoch, so that windows align with it. */
    private static final long T0 = 1_700_000_000_000_000L;
    private static final long FRAME_US = 40_000L; // 25 fps
    private static final int VERTICES = 6;
    private static final int[] SUBSET = {0, 2, 5};

    private MocapWindower windower;
    private KeyedOneInputStreamOperatorTestHarness<String, ReducedFrame, MocapWindow> harness;

    @BeforeEach
    void setUp() throws Exception {
        WindowSpec spec = WindowSpec.builder()
                .optSpan(Duration.ofSeconds(2)).optHop(Duration.ofSeconds(1))
                .optFrames(24).optNominalFps(25).optMinCoverage(0.8)
                .optIdleTimeout(Duration.ofSeconds(30)).build();
        windower = new MocapWindower(spec);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(windower),
                f -> f.streamId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static final FrameReducer REDUCER = new FrameReducer(SUBSET, VERTICES);

    /** Frame {@code i} of a stream, reduced: capture time T0 + i*40 ms, vertex v at (i, v, -i). */
    private static ReducedFrame frame(String stream, int i) {
        ByteBuffer b = ByteBuffer.allocate(VERTICES * 12).order(ByteOrder.LITTLE_ENDIAN);
        for (int v = 0; v < VERTICES; v++) {
            b.putFloat(i).putFloat(v).putFloat(-i);
        }
        b.flip();
        MocapFrame f = MocapFrame.newBuilder()
                .setStreamId(stream).setSeq(i).setCaptureTimeUs(T0 + i * FRAME_US)
                .setTopology("test").setVertexCount(VERTICES).setLayout(VertexLayout.XYZ_F32LE)
                .setVertices(b).setAnnotation(i < 60 ? "walk" : "run").build();
        return REDUCER.map(new Stamped<>(f, (T0 + i * FRAME_US) / 1000 + 3));
    }

    private void feed(ReducedFrame f) throws Exception {
        harness.processElement(new StreamRecord<>(f, Math.floorDiv(f.captureUs, 1000L)));
    }

    /** The end of a bounded input: Flink's final watermark. */
    private void endOfInput() throws Exception {
        harness.processWatermark(Long.MAX_VALUE);
    }

    private List<MocapWindow> windows() {
        return new ArrayList<>(harness.extractOutputValues());
    }

    @Test
    void emitsOneWindowPerHop() throws Exception {
        for (int i = 0; i < 125; i++) { // 5 s
            feed(frame("a", i));
        }
        endOfInput();
        List<MocapWindow> out = windows();
        // [-1,1) and [4,6) hold half a window each: skipped as sparse
        assertThat(out).extracting(w -> (w.startUs - T0) / 1_000_000).containsExactly(0L, 1L, 2L, 3L);
        assertThat(out).allSatisfy(w -> {
            assertThat(w.endUs - w.startUs).isEqualTo(2_000_000L);
            assertThat(w.frameCount).isEqualTo(50);
            assertThat(w.frames).isEqualTo(24);
            assertThat(w.points).hasSize(24 * SUBSET.length * 3);
            assertThat(w.lastCaptureUs).isEqualTo(w.endUs - FRAME_US);
        });
        assertThat(windower.sparseWindowCount()).isEqualTo(2);
    }

    @Test
    void staggeredStreamsCloseTheirWindowsAtDifferentInstants() throws Exception {
        WindowSpec spec = WindowSpec.builder().optStagger(WindowSpec.Stagger.PER_STREAM)
                .optIdleTimeout(Duration.ofSeconds(30)).build();
        try (KeyedOneInputStreamOperatorTestHarness<String, ReducedFrame, MocapWindow> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new MocapWindower(spec)),
                        f -> f.streamId, Types.STRING)) {
            h.open();
            for (int i = 0; i < 150; i++) { // 6 s of two streams
                for (String s : List.of("actor-0000", "actor-0001")) {
                    ReducedFrame f = frame(s, i);
                    h.processElement(new StreamRecord<>(f, Math.floorDiv(f.captureUs, 1000L)));
                }
            }
            h.processWatermark(Long.MAX_VALUE);
            List<MocapWindow> out = new ArrayList<>(h.extractOutputValues());
            for (String s : List.of("actor-0000", "actor-0001")) {
                long offset = spec.offsetUs(s);
                List<MocapWindow> mine = out.stream().filter(w -> w.streamId.equals(s)).toList();
                // every window on the stream's own grid k s + offset; the full ones inside the 6 s of frames all there
                assertThat(mine).allSatisfy(w -> assertThat(Math.floorMod(w.startUs - T0 - offset, 1_000_000L)).isZero());
                assertThat(mine).extracting(w -> w.startUs - T0)
                        .contains(offset, 1_000_000L + offset, 2_000_000L + offset, 3_000_000L + offset);
                assertThat(mine).filteredOn(w -> w.startUs >= T0 && w.endUs <= T0 + 6_000_000L)
                        .hasSize(4).allSatisfy(w -> assertThat(w.frameCount).isEqualTo(50));
            }
            assertThat(spec.offsetUs("actor-0000")).isNotEqualTo(spec.offsetUs("actor-0001"));
        }
    }

    @Test
    void keepsOnlyTheModelsVerticesAndPicksBinMidpoints() throws Exception {
        for (int i = 0; i < 75; i++) {
            feed(frame("a", i));
        }
        MocapWindow w = windows().get(0);
        assertThat(w.startUs).isEqualTo(T0);
        // bin j of 24 over 2 s has its midpoint at (j + 0.5) * 83.33 ms; the nearest 40 ms frame
        for (int j = 0; j < 24; j++) {
            double mid = (j + 0.5) * 2_000_000.0 / 24;
            int expectedFrame = (int) Math.round(mid / FRAME_US);
            int base = j * SUBSET.length * 3;
            assertThat(w.points[base]).as("x of bin %d", j).isEqualTo((float) expectedFrame);
            for (int k = 0; k < SUBSET.length; k++) {
                assertThat(w.points[base + 3 * k + 1]).isEqualTo((float) SUBSET[k]);
            }
        }
    }

    @Test
    void reordersOutOfOrderFramesWithinTheBound() throws Exception {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            order.add(i);
        }
        // shuffle within blocks of 5 frames (200 ms)
        Random rnd = new Random(7);
        for (int b = 0; b < 100; b += 5) {
            Collections.shuffle(order.subList(b, b + 5), rnd);
        }
        for (int i : order) {
            feed(frame("a", i));
        }
        endOfInput();
        List<MocapWindow> shuffled = windows();

        tearDown();
        setUp();
        for (int i = 0; i < 100; i++) {
            feed(frame("a", i));
        }
        endOfInput();
        List<MocapWindow> ordered = windows();

        assertThat(shuffled).hasSameSizeAs(ordered).isNotEmpty();
        for (int k = 0; k < ordered.size(); k++) {
            assertThat(shuffled.get(k).startUs).isEqualTo(ordered.get(k).startUs);
            assertThat(shuffled.get(k).points).containsExactly(ordered.get(k).points);
        }
        assertThat(windower.lateFrameCount()).isZero();
    }

    @Test
    void dropsDuplicateFrames() throws Exception {
        for (int i = 0; i < 75; i++) {
            feed(frame("a", i));
            if (i % 10 == 0) {
                feed(frame("a", i));
            }
        }
        endOfInput();
        assertThat(windower.duplicateFrameCount()).isEqualTo(8);
        // 3 s of frames: [0,2) and [1,3) are full
        assertThat(windows()).extracting(w -> w.frameCount).containsExactly(50, 50);
    }

    @Test
    void dropsFramesWhoseWindowsHaveClosed() throws Exception {
        for (int i = 0; i < 100; i++) { // up to 3.96 s: [0,2) and [1,3) close (their end + 200 ms has been seen)
            feed(frame("a", i));
        }
        assertThat(windows()).hasSize(2);
        feed(frame("a", 10)); // t = 0.4 s: only in windows that closed
        feed(frame("a", 30)); // t = 1.2 s: both of its windows, [0,2) and [1,3), have closed
        feed(frame("a", 90)); // t = 3.6 s: within the stream's clock, so those two were late, not a clock reset
        feed(frame("a", 85)); // t = 3.4 s: its windows [2,4) and [3,5) are open
        assertThat(windower.lateFrameCount()).isEqualTo(2);
        assertThat(windower.duplicateFrameCount()).isEqualTo(2);
    }

    @Test
    void oneFrameFarAheadOfItsStreamIsCountedAndTheStreamCarriesOn() throws Exception {
        for (int i = 0; i < 100; i++) {
            feed(frame("a", i));
        }
        feed(frame("a", 1475)); // t = 59 s: just inside the source's future-skew limit, far ahead of this stream
        for (int i = 100; i < 200; i++) {
            feed(frame("a", i));
        }
        feed(frame("a", 1480)); // another lone one, which nothing follows before the input ends
        endOfInput();
        // as if the bad frames never came: windows [0,2) .. [6,8) (8 s of frames), none dropped as late
        assertThat(windows()).extracting(w -> (w.startUs - T0) / 1_000_000).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(windows()).allSatisfy(w -> assertThat(w.frameCount).isEqualTo(50));
        assertThat(windower.badTimestampFrameCount()).isEqualTo(2);
        assertThat(windower.lateFrameCount()).isZero();
        assertThat(windower.clockJumpCount()).isZero();
    }

    @Test
    void followsAStreamWhoseClockReallyJumped() throws Exception {
        for (int i = 0; i < 100; i++) { // 0 .. 3.96 s
            feed(frame("a", i));
        }
        for (int i = 2500; i < 2600; i++) { // the producer resumes at 100 s
            feed(frame("a", i));
        }
        // the open windows closed with what they held ([3,5) had half a window: sparse), then the new clock's
        assertThat(windows()).extracting(w -> (w.startUs - T0) / 1_000_000).containsExactly(0L, 1L, 2L, 100L, 101L);
        assertThat(windows()).allSatisfy(w -> assertThat(w.frameCount).isEqualTo(50));
        assertThat(windower.clockJumpCount()).isEqualTo(1);
        assertThat(windower.badTimestampFrameCount()).isZero();
        assertThat(windower.lateFrameCount()).isZero();
    }

    @Test
    void followsAClockThatStepsBackAndCountsOneFrameFarBehindAsLate() throws Exception {
        for (int i = 2500; i < 2600; i++) { // 100 .. 103.96 s
            feed(frame("a", i));
        }
        feed(frame("a", 5)); // one frame 100 s behind: late
        for (int i = 2600; i < 2650; i++) {
            feed(frame("a", i));
        }
        assertThat(windower.lateFrameCount()).isEqualTo(1);
        int before = windows().size();
        for (int i = 0; i < 100; i++) { // the clock was reset to 0 s
            feed(frame("a", i));
        }
        assertThat(windower.clockJumpCount()).isEqualTo(1);
        List<MocapWindow> after = windows().subList(before, windows().size());
        // the open window of the old clock ([104,106), 1.96 s of frames), then [0,2) and [1,3) of the new one
        assertThat(after).extracting(w -> (w.startUs - T0) / 1_000_000).containsExactly(104L, 0L, 1L);
    }

    @Test
    void keepsStreamsApart() throws Exception {
        for (int i = 0; i < 75; i++) {
            feed(frame("a", i));
            feed(frame("b", i));
        }
        endOfInput();
        assertThat(windows()).extracting(w -> w.streamId).containsExactlyInAnyOrder("a", "a", "b", "b");
    }

    @Test
    void carriesTheMajorityAnnotation() throws Exception {
        for (int i = 0; i < 125; i++) {
            feed(frame("a", i)); // walk before frame 60 (2.4 s), run after
        }
        endOfInput();
        assertThat(windows()).extracting(w -> w.annotation).containsExactly("walk", "walk", "run", "run");
    }

    @Test
    void flushesAndExpiresAStreamThatFallsSilent() throws Exception {
        harness.setProcessingTime(1_000);
        for (int i = 0; i < 53; i++) { // up to 2.08 s: [0,2) is full but waits for a frame at 2.2 s
            feed(frame("a", i));
        }
        assertThat(windows()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);
        harness.setProcessingTime(1_000 + 29_000);
        assertThat(windower.expiredStreamCount()).isZero();
        harness.setProcessingTime(1_000 + 31_000);
        assertThat(windower.expiredStreamCount()).isEqualTo(1);
        // the full window is flushed, the half window [1,3) is skipped
        assertThat(windows()).extracting(w -> (w.startUs - T0) / 1_000_000, w -> w.frameCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 50));
        assertThat(harness.numKeyedStateEntries()).isZero();
        endOfInput();
        assertThat(windows()).hasSize(1);
    }

    @Test
    void doesNotExpireStreamsWhileTheJobWasDown() throws Exception {
        harness.setProcessingTime(1_000);
        for (int i = 0; i < 53; i++) {
            feed(frame("a", i));
        }
        var snapshot = harness.snapshot(1L, 1_000L);
        harness.close();

        // restored 5 minutes later: the stream's idle timer is long overdue
        windower = new MocapWindower(WindowSpec.builder().optIdleTimeout(Duration.ofSeconds(30)).build());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(windower),
                f -> f.streamId, Types.STRING);
        harness.setup();
        harness.initializeState(snapshot);
        harness.setProcessingTime(301_000);
        harness.open();
        harness.setProcessingTime(302_000);
        assertThat(windower.expiredStreamCount()).isZero();
        // the replayed frames continue the stream's windows
        for (int i = 53; i < 100; i++) {
            feed(frame("a", i));
        }
        endOfInput();
        assertThat(windows()).extracting(w -> w.frameCount).containsExactly(50, 50, 50);
        harness.setProcessingTime(302_000 + 31_000);
        assertThat(windower.expiredStreamCount()).isEqualTo(1);
    }

    @Test
    void eachStreamClosesItsWindowsOnItsOwnClock() throws Exception {
        // stream b's clock is 30 s behind a's, and its frames arrive after all of a's
        for (int i = 0; i < 100; i++) {
            feed(frame("a", i + 750));
        }
        for (int i = 0; i < 100; i++) {
            feed(frame("b", i));
        }
        endOfInput();
        assertThat(windows()).filteredOn(w -> w.streamId.equals("b")).extracting(w -> w.frameCount)
                .containsExactly(50, 50, 50);
        assertThat(windower.lateFrameCount()).isZero();
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        for (int i = 0; i < 55; i++) { // up to 2.16 s: no window has closed yet
            feed(frame("a", i));
        }
        assertThat(windows()).isEmpty();
        var snapshot = harness.snapshot(1L, 1L);
        harness.close();

        windower = new MocapWindower(WindowSpec.builder().optIdleTimeout(Duration.ofSeconds(30)).build());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(windower),
                f -> f.streamId, Types.STRING);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        for (int i = 55; i < 100; i++) {
            feed(frame("a", i));
        }
        endOfInput();
        assertThat(windows()).extracting(w -> (w.startUs - T0) / 1_000_000, w -> w.frameCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 50), org.assertj.core.groups.Tuple.tuple(1L, 50),
                        org.assertj.core.groups.Tuple.tuple(2L, 50));
    }
}
