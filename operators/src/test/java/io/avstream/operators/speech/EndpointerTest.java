package io.avstream.operators.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Silero's endpointing rules on probability sequences, chunk by chunk (512 samples = 32 ms at 16 kHz). */
class EndpointerTest {

    private static final int C = 512;
    private static final long PAD = 480;

    /** Runs {@code runs} (pairs of chunk count and probability) and returns the segments and the chunks they came at. */
    private static List<Endpointer.Segment> run(Endpointer e, List<Long> emittedAt, int[] counts, float[] probs) {
        List<Endpointer.Segment> out = new ArrayList<>();
        Endpointer.State s = new Endpointer.State();
        long i = 0;
        for (int r = 0; r < counts.length; r++) {
            for (int k = 0; k < counts[r]; k++, i++) {
                long chunk = i;
                e.accept(s, chunk, probs[r], seg -> {
                    out.add(seg);
                    emittedAt.add(chunk);
                });
            }
        }
        long end = i * C;
        e.finish(s, end, seg -> {
            out.add(seg);
            emittedAt.add(-1L);
        });
        return out;
    }

    private static List<Endpointer.Segment> run(Endpointer e, int[] counts, float[] probs) {
        return run(e, new ArrayList<>(), counts, probs);
    }

    @Test
    void speechBetweenSilencesIsOneSegmentPaddedAndConfirmedAfterTheMinimumSilence() {
        List<Long> at = new ArrayList<>();
        var segs = run(Endpointer.builder().build(), at, new int[] {10, 20, 10}, new float[] {0.02f, 0.95f, 0.02f});
        assertThat(segs).containsExactly(new Endpointer.Segment(10 * C, 30 * C, 10 * C - PAD, 30 * C + PAD, false));
        // silence from chunk 30; 100 ms (1,600 samples) later is chunk 34 (34 * 512 - 30 * 512 = 2,048 >= 1,600)
        assertThat(at).containsExactly(34L);
    }

    @Test
    void dipsBetweenTheThresholdsKeepSpeechOpenAndTheEndIsWhereSpeechWasLeft() {
        int[] counts = {5, 20, 6, 20, 3, 10};
        float[] probs = {0.0f, 0.9f, 0.4f, 0.9f, 0.45f, 0.1f};
        // 0.4 for 192 ms does not end speech (not under the exit threshold 0.35)
        var left = run(Endpointer.builder().build(), counts, probs);
        assertThat(left).hasSize(1);
        assertThat(left.get(0).speechStart()).isEqualTo(5 * C);
        assertThat(left.get(0).speechEnd()).as("first chunk under 0.5").isEqualTo(51 * C);
        var silero = run(Endpointer.builder().optEndRule(Endpointer.EndRule.SILERO).build(), counts, probs);
        assertThat(silero.get(0).speechEnd()).as("first chunk under 0.35").isEqualTo(54 * C);
    }

    @Test
    void aPauseShorterThanTheMinimumSilenceDoesNotSplit() {
        // 3 chunks (96 ms) under the exit threshold, then speech again
        var segs = run(Endpointer.builder().build(), new int[] {2, 15, 3, 15, 10}, new float[] {0, 1, 0.1f, 1, 0});
        assertThat(segs).hasSize(1);
        assertThat(segs.get(0).speechEnd()).isEqualTo(35 * C);
        // 4 chunks (128 ms; confirmed at the 5th) split it
        var split = run(Endpointer.builder().build(), new int[] {2, 15, 5, 15, 10}, new float[] {0, 1, 0.1f, 1, 0});
        assertThat(split).hasSize(2);
        assertThat(split.get(0).end()).isEqualTo(17 * C + PAD);
        assertThat(split.get(1).start()).isEqualTo(22 * C - PAD);
    }

    @Test
    void speechShorterThanTheMinimumIsDropped() {
        List<String> dropped = new ArrayList<>();
        Endpointer e = Endpointer.builder().build();
        Endpointer.State s = new Endpointer.State();
        float[] probs = {0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}; // 7 chunks = 224 ms < 250 ms
        for (int i = 0; i < probs.length; i++) {
            e.accept(s, i, probs[i], new Endpointer.Listener() {
                @Override
                public void segment(Endpointer.Segment segment) {
                    throw new AssertionError("no segment expected, got " + segment);
                }

                @Override
                public void tooShort(long start, long end) {
                    dropped.add(start / C + "-" + end / C);
                }
            });
        }
        assertThat(dropped).containsExactly("1-8");
    }

    @Test
    void padsNeverReachIntoThePreviousSegment() {
        Endpointer e = Endpointer.builder().optMinSilence(Duration.ofMillis(20)).optSpeechPad(Duration.ofMillis(100)).build();
        var segs = run(e, new int[] {2, 10, 2, 10, 5}, new float[] {0, 1, 0, 1, 0});
        assertThat(segs).hasSize(2);
        assertThat(segs.get(1).start()).isEqualTo(segs.get(0).end());
        // speech ends at chunk 12 and is confirmed at chunk 13: the end pad stops at the audio seen by then
        assertThat(segs.get(0).end()).isEqualTo(14 * C);
    }

    @Test
    void aSegmentReachingTheMaximumIsCutAtItsDeepestPause() {
        Endpointer e = Endpointer.builder().optMaxSegment(Duration.ofSeconds(2)).build(); // 62.5 chunks
        // speech from chunk 2 to 80 with a dip to 0.6 at chunk 42 (still speech) and 0.7 at 50
        int[] counts = {2, 40, 1, 7, 1, 30, 10};
        float[] probs = {0, 0.99f, 0.6f, 0.99f, 0.7f, 0.99f, 0};
        var segs = run(e, counts, probs);
        assertThat(segs).hasSize(2);
        assertThat(segs.get(0).cutAtMaxLength()).isTrue();
        assertThat(segs.get(0).speechStart()).isEqualTo(2 * C);
        assertThat(segs.get(0).speechEnd()).as("cut at the deepest pause").isEqualTo(42 * C);
        assertThat(segs.get(0).end()).as("no pad into the next part").isEqualTo(42 * C);
        assertThat(segs.get(1).speechStart()).isEqualTo(43 * C);
        assertThat(segs.get(1).start()).isEqualTo(43 * C - PAD);
        assertThat(segs.get(1).speechEnd()).isEqualTo(81 * C);
        assertThat(segs.get(1).cutAtMaxLength()).isFalse();
        // without a dip the cut falls on the newest chunk, and speech goes on in the next segment
        var flat = run(e, new int[] {2, 100, 10}, new float[] {0, 0.99f, 0});
        assertThat(flat).hasSize(2);
        assertThat(flat.get(0).speechEnd() - flat.get(0).speechStart()).isLessThanOrEqualTo(32_000);
        assertThat(flat.get(1).speechEnd()).isEqualTo(102 * C);
    }

    @Test
    void speechOpenAtTheEndOfTheStreamEndsThere() {
        List<Long> at = new ArrayList<>();
        var segs = run(Endpointer.builder().build(), at, new int[] {3, 20}, new float[] {0, 1});
        assertThat(segs).containsExactly(new Endpointer.Segment(3 * C, 23 * C, 3 * C - PAD, 23 * C, false));
        assertThat(at).containsExactly(-1L);
    }

    /** Feeds one probability per chunk, collecting the final and the interim segments. */
    private static void withInterims(Endpointer e, float[] probs, List<Endpointer.Segment> finals,
            List<Endpointer.Segment> interims) {
        Endpointer.State s = new Endpointer.State();
        Endpointer.Listener listener = new Endpointer.Listener() {
            @Override
            public void segment(Endpointer.Segment segment) {
                finals.add(segment);
            }

            @Override
            public void interim(Endpointer.Segment segment) {
                interims.add(segment);
            }
        };
        for (int i = 0; i < probs.length; i++) {
            e.accept(s, i, probs[i], listener);
        }
    }

    @Test
    void interimSegmentsReportTheOpenSpeechEveryIntervalAndLeaveTheFinalSegmentsAsTheyAre() {
        Endpointer e = Endpointer.builder().optInterimInterval(Duration.ofMillis(500)).build(); // 8,000 samples
        int[] counts = {10, 50, 10, 40, 10};
        float[] probs = {0, 0.95f, 0, 0.95f, 0};
        float[] each = new float[120];
        for (int r = 0, i = 0; r < counts.length; r++) {
            for (int k = 0; k < counts[r]; k++) {
                each[i++] = probs[r];
            }
        }
        List<Endpointer.Segment> interims = new ArrayList<>();
        List<Endpointer.Segment> finals = new ArrayList<>();
        withInterims(e, each, finals, interims);
        // speech from chunk 10: due at 10 * 512 + 8,000 = 13,120, first reached when chunk 25 is seen (26 * 512), then
        // 8,000 samples after each; the second speech (from chunk 70) starts its own count
        assertThat(interims).containsExactly(
                new Endpointer.Segment(10 * C, 26 * C, 10 * C - PAD, 26 * C, false),
                new Endpointer.Segment(10 * C, 42 * C, 10 * C - PAD, 42 * C, false),
                new Endpointer.Segment(10 * C, 58 * C, 10 * C - PAD, 58 * C, false),
                new Endpointer.Segment(70 * C, 86 * C, 70 * C - PAD, 86 * C, false),
                new Endpointer.Segment(70 * C, 102 * C, 70 * C - PAD, 102 * C, false));
        assertThat(finals).isEqualTo(run(Endpointer.builder().build(), counts, probs));
        assertThat(run(Endpointer.builder().build(), counts, probs)).hasSize(2);
        assertThatThrownBy(() -> Endpointer.builder().optInterimInterval(Duration.ofMillis(10)).build())
                .hasMessageContaining("interim interval");
    }

    @Test
    void noInterimSegmentForSpeechThatEndsUpTooShort() {
        // 192 ms over the enter threshold, then 2 s between the thresholds (still open, but not speech by the enter
        // threshold), then silence: dropped as too short, so no interim may have announced it
        Endpointer e = Endpointer.builder().optInterimInterval(Duration.ofMillis(100)).build();
        float[] each = new float[100];
        java.util.Arrays.fill(each, 2, 8, 0.9f);
        java.util.Arrays.fill(each, 8, 70, 0.4f);
        List<Endpointer.Segment> interims = new ArrayList<>();
        List<Endpointer.Segment> finals = new ArrayList<>();
        withInterims(e, each, finals, interims);
        assertThat(finals).isEmpty();
        assertThat(interims).isEmpty();
        // with the hovering part over the enter threshold it is speech: interims (speech known up to the dip), then
        // the final segment
        java.util.Arrays.fill(each, 8, 70, 0.6f);
        withInterims(e, each, finals, interims);
        assertThat(finals).hasSize(1);
        assertThat(interims).isNotEmpty().allSatisfy(g -> assertThat(g.speechEnd()).isLessThanOrEqualTo(finals.get(0).speechEnd()));
    }

    @Test
    void interimSegmentsWaitForTheMinimumSpeechAndRestartAfterACut() {
        Endpointer e = Endpointer.builder().optInterimInterval(Duration.ofMillis(64)).optMaxSegment(Duration.ofSeconds(1))
                .build();
        float[] each = new float[60];
        java.util.Arrays.fill(each, 2, 60, 0.99f);
        List<Endpointer.Segment> interims = new ArrayList<>();
        List<Endpointer.Segment> finals = new ArrayList<>();
        withInterims(e, each, finals, interims);
        // 250 ms = 4,000 samples: the first interim comes with 8 chunks (4,096) of speech, then every 2 chunks
        assertThat(interims.get(0)).isEqualTo(new Endpointer.Segment(2 * C, 10 * C, 2 * C - PAD, 10 * C, false));
        assertThat(interims.get(1).end()).isEqualTo(12 * C);
        // cut at 1 s (31.25 chunks, reached with chunk 33): speech goes on after the cut, counted anew
        assertThat(finals).hasSize(1);
        long after = finals.get(0).speechEnd() + C;
        assertThat(interims).filteredOn(g -> g.speechStart() == after).first()
                .isEqualTo(new Endpointer.Segment(after, after + 8 * C, after - PAD, after + 8 * C, false));
        assertThat(interims).allSatisfy(g -> assertThat(g.end() - g.speechStart()).isGreaterThanOrEqualTo(4_000));
    }

    @Test
    void defaultsAreSilerosAndBadRulesAreRefused() {
        Endpointer e = Endpointer.builder().build();
        assertThat(e.padSamples()).isEqualTo(480);
        assertThat(e.maxSegmentSamples()).isEqualTo(320_000);
        assertThatThrownBy(() -> Endpointer.builder().optEnter(1.2f).build()).hasMessageContaining("enter threshold");
        assertThatThrownBy(() -> Endpointer.builder().optExit(0.7f).build()).hasMessageContaining("exit threshold");
        assertThatThrownBy(() -> Endpointer.builder().optMaxSegment(Duration.ofMillis(200)).build())
                .hasMessageContaining("maximum segment");
        assertThatThrownBy(() -> Endpointer.builder().optMinSilence(Duration.ofMillis(-1)).build())
                .hasMessageContaining("negative");
    }
}
