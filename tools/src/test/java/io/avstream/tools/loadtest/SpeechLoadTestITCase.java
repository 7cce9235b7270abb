package io.avstream.tools.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import io.avstream.deploy.JobOptions;
import io.avstream.tools.loadtest.LoadResult.Summary;
import org.junit.jupiter.api.Test;

/**
 * {@code loadtest --modality speech} end to end, short: speaking streams (the bundled recording of spoken phrases,
 * looped from each stream's own offset) into the in-process broker, the speech job on a MiniCluster, every segment the
 * streams' phrases make predicted once, latency measured from each segment's end. Nothing here depends on the machine's
 * speed: no segment is shed (a latency budget of minutes), and the event-time wait is the confirming silence and the
 * slicing's, by design.
 */
class SpeechLoadTestITCase {

    @Test
    void everySpeechSegmentOfEveryStreamIsPredictedOnce() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LoadResult result;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            result = LoadTest.builder().setStreams(3).optModality(Modality.SPEECH)
                    .optWarmup(Duration.ofSeconds(4)).optSettleTimeout(Duration.ZERO).optDuration(Duration.ofSeconds(12))
                    .optTargetP99(LoadTest.defaultTargetP99(Modality.SPEECH))
                    .optJobSettings(Map.of(JobOptions.LATENCY_BUDGET.key(), "10min"))
                    .optProgress(false).optOut(out).build().run();
        }
        String printed = log.toString(StandardCharsets.UTF_8);
        Summary s = result.trials().get(0).summary();
        assertThat(result.title()).contains("speech, 3 streams");
        // 12 phrases in 27 s: about one segment every 2.2 s per stream
        assertThat(s.expectedWindows()).as(printed).isBetween(3L * 3, 3L * 8);
        // the expected segments come from the recording's steady loop, whose 512-sample chunk grid is not the stream's:
        // a segment's end may move by a chunk (32 ms), so one whose end lies that close to the measured interval's start
        // or end can fall on the other side of it; at most one per stream either way
        assertThat(s.predictions()).as(printed).isBetween(s.expectedWindows() - 3, s.expectedWindows() + 3);
        assertThat(s.shedWindows()).as(printed).isZero();
        // 100 ms chunks of 16 kHz s16le
        assertThat(s.inputMBPerSecond()).as(printed).isBetween(0.09, 0.11);
        // by design: from the segment's end, the confirming silence (100 ms) to the newest chunk, then the slice (250 ms)
        // and the out-of-orderness (300 ms) on a 100 ms chunk grid
        var wait = s.latency().get(LoadRecorder.EVENT_TIME_WAIT);
        assertThat(wait.p50()).as(printed).isBetween(450.0, 1100.0);
        assertThat(s.latency().get(LoadRecorder.END_TO_END).p50()).as(printed).isGreaterThan(wait.p50());
    }
}
