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
 * {@code loadtest --modality audio} end to end, short: live audio streams into the in-process broker, the
 * audio-events job on a MiniCluster, every window the streams make predicted once, the audio pipeline's event
 * records not counted as windows, and the latency split into its parts. Nothing here depends on the machine's speed:
 * no window is shed (a latency budget of minutes) and the event-time wait is the slicing's, by design.
 */
class AudioLoadTestITCase {

    @Test
    void everyAudioWindowOfEveryStreamIsPredictedOnce() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LoadResult result;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            result = LoadTest.builder().setStreams(3).optModality(Modality.AUDIO)
                    .optWarmup(Duration.ofSeconds(4)).optSettleTimeout(Duration.ZERO).optDuration(Duration.ofSeconds(8))
                    .optTargetP99(LoadTest.defaultTargetP99(Modality.AUDIO))
                    .optJobSettings(Map.of(JobOptions.LATENCY_BUDGET.key(), "10min"))
                    .optProgress(false).optOut(out).build().run();
        }
        String printed = log.toString(StandardCharsets.UTF_8);
        Summary s = result.trials().get(0).summary();
        assertThat(result.title()).contains("audio, 3 streams");
        // 3 streams, a window a second each, over the measured seconds (window ends in the interval)
        assertThat(s.expectedWindows()).as(printed).isBetween(3L * 6, 3L * 10);
        assertThat(s.predictions()).as(printed).isEqualTo(s.expectedWindows());
        assertThat(s.shedWindows()).as(printed).isZero();
        // the job's own count of the windows its front end cut (audioWindows), over the measured wall-clock seconds:
        // a window a second per stream
        assertThat(s.windowsPerSecond()).as(printed).isCloseTo(3.0, within(1.0));
        // 100 ms chunks of 16 kHz s16le
        assertThat(s.inputMBPerSecond()).as(printed).isBetween(0.09, 0.11);
        // by design: the slice (250 ms) of the newest chunk, the out-of-orderness (300 ms), chunks on a 100 ms grid
        // sent once captured
        var wait = s.latency().get(LoadRecorder.EVENT_TIME_WAIT);
        assertThat(wait.p50()).as(printed).isBetween(400.0, 750.0);
        assertThat(wait.max()).as(printed).isLessThanOrEqualTo(750.0);
        assertThat(s.latency().get(LoadRecorder.END_TO_END).p50()).as(printed).isGreaterThan(wait.p50());
    }
}
