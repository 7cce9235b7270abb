package io.avstream.tools.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.avstream.deploy.JobOptions;
import io.avstream.tools.loadtest.LoadResult.Summary;
import org.junit.jupiter.api.Test;

/**
 * {@code loadtest --modality audio-video} end to end, short: live cameras into the in-process broker (sound and 2 fps
 * JPEG on two topics), the audio-visual job on a MiniCluster, every window the cameras make predicted once, and by the
 * audio-visual model once a stream's video covers its windows. Nothing here depends on the machine's speed: no window
 * is shed (a latency budget of minutes), the video's wait is bounded by the stream's own frames, and the job's
 * watermark idleness is long (a source held back under load is not taken for idle).
 */
class AudioVisualLoadTestITCase {

    private static final Pattern BY_MODEL = Pattern.compile("measured windows by model: (.*)");

    @Test
    void everyCameraWindowIsPredictedOnceWithItsVideo() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LoadResult result;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            result = LoadTest.builder().setStreams(2).optModality(Modality.AUDIO_VIDEO)
                    .optWarmup(Duration.ofSeconds(10)).optSettleTimeout(Duration.ZERO).optDuration(Duration.ofSeconds(8))
                    .optTargetP99(LoadTest.defaultTargetP99(Modality.AUDIO_VIDEO))
                    .optJobSettings(Map.of(JobOptions.LATENCY_BUDGET.key(), "10min",
                            JobOptions.SOURCE_IDLENESS.key(), "10min"))
                    .optProgress(false).optOut(out).build().run();
        }
        String printed = log.toString(StandardCharsets.UTF_8);
        Summary s = result.trials().get(0).summary();
        assertThat(result.title()).as(printed).contains("audio-video, 2 streams");
        // 2 streams, a window a second each, over the measured seconds (window ends in the interval)
        assertThat(s.expectedWindows()).as(printed).isBetween(2L * 6, 2L * 10);
        assertThat(s.predictions()).as(printed).isEqualTo(s.expectedWindows());
        assertThat(s.shedWindows()).as(printed).isZero();
        assertThat(s.windowsPerSecond()).as(printed).isCloseTo(2.0, within(1.0));
        // 10 chunks of 3.2 KB and 2 JPEG frames of the recording (~10 KB at 320 x 240) a second per camera
        assertThat(s.inputMBPerSecond()).as(printed).isBetween(0.07, 0.15);
        // measured windows start after the warm-up, when each stream's video covers the middle 4 s of its windows:
        // every one goes to the audio-visual model
        Matcher m = BY_MODEL.matcher(printed);
        assertThat(m.find()).as(printed).isTrue();
        assertThat(m.group(1)).as(printed).isEqualTo("mavil-av-small " + s.predictions());
        // the video adds no event-time wait: the audio's slicing (250 ms) and out-of-orderness (300 ms)
        var wait = s.latency().get(LoadRecorder.EVENT_TIME_WAIT);
        assertThat(wait.max()).as(printed).isLessThanOrEqualTo(750.0);
    }
}
