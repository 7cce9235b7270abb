package io.avstream.operators.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class WindowSpecTest {

    private final WindowSpec spec = WindowSpec.builder().build();

    @Test
    void alignsWindowsToMultiplesOfTheHop() {
        // 2 s windows every 1 s: t = 5.3 s lies in [4,6) and [5,7)
        assertThat(spec.firstWindowStartContaining(5_300_000L)).isEqualTo(4_000_000L);
        assertThat(spec.lastWindowStartContaining(5_300_000L)).isEqualTo(5_000_000L);
        // on a boundary: t = 6 s lies in [5,7) and [6,8)
        assertThat(spec.firstWindowStartContaining(6_000_000L)).isEqualTo(5_000_000L);
        assertThat(spec.lastWindowStartContaining(6_000_000L)).isEqualTo(6_000_000L);
    }

    @Test
    void needsEightyPercentOfTheExpectedFramesByDefault() {
        assertThat(spec.minFrames()).isEqualTo(40);
    }

    @Test
    void refusesHopsLongerThanTheSpan() {
        assertThatThrownBy(() -> WindowSpec.builder().optSpan(Duration.ofSeconds(1)).optHop(Duration.ofSeconds(2)).build())
                .hasMessageContaining("is longer than the span");
    }

    @Test
    void refusesACoverageOutsideZeroToOne() {
        assertThatThrownBy(() -> WindowSpec.builder().optMinCoverage(1.5).build())
                .hasMessage("min coverage must be in (0, 1], got 1.5");
    }
}
