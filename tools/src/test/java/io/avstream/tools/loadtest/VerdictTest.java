package io.avstream.tools.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.avstream.tools.loadtest.LoadResult.Percentiles;
import io.avstream.tools.loadtest.LoadResult.Settle;
import io.avstream.tools.loadtest.LoadResult.Summary;
import org.junit.jupiter.api.Test;

class VerdictTest {
    private static final Duration TARGET = Duration.ofSeconds(1);

    private static Summary measured(double p99, long predictions, long expected, Long shed) {
        return new Summary("measured", 6, 30, predictions, expected, expected, shed, 6, 6, 3.7, 4500,
                Map.of(LoadRecorder.END_TO_END, new Percentiles(predictions, 500, 700, 800, p99, p99, 520)), 4, 300, 2);
    }

    @Test
    void holdsWithinTheTargetWithEveryWindowAndNothingShed() {
        assertThat(Verdict.held(measured(900, 180, 180, 0L), TARGET, new Settle(true, 14, "flat"))).isTrue();
        assertThat(Verdict.held(measured(1100, 180, 180, 0L), TARGET, new Settle(true, 14, "flat"))).isFalse();
        assertThat(Verdict.held(measured(900, 170, 180, 0L), TARGET, new Settle(true, 14, "flat"))).isFalse();
        assertThat(Verdict.held(measured(900, 180, 180, 3L), TARGET, new Settle(true, 14, "flat"))).isFalse();
        // the job ran elsewhere: no shed counter
        assertThat(Verdict.held(measured(900, 180, 180, null), TARGET, null)).isTrue();
    }

    @Test
    void aTrialThatNeverSettledDidNotHold() {
        Settle never = new Settle(false, 70, "over the last 10 s e2e p50 falling 900 ms across the window");
        assertThat(Verdict.held(measured(900, 180, 180, 0L), TARGET, never)).isFalse();
    }
}
