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
    void staggersEachStreamByAFixedOffsetFromItsId() {
        WindowSpec staggered = WindowSpec.builder().optStagger(WindowSpec.Stagger.PER_STREAM).build();

        assertThat(spec.offsetUs("actor-0000")).isZero();
        // FNV-1a 64 of the UTF-8 id, modulo the hop in whole milliseconds (values from an independent implementation)
        assertThat(staggered.offsetUs("actor-0000")).isEqualTo(181_000L);
        assertThat(staggered.offsetUs("actor-0001")).isEqualTo(970_000L);
        assertThat(staggered.offsetUs("mocap-1")).isEqualTo(361_000L);
        // windows at k s + 0.361 s: t = 5.3 s lies in [3.361, 5.361) and [4.361, 6.361); t = 5.361 s first in [4.361, 6.361)
        assertThat(staggered.firstWindowStartContaining(5_300_000L, 361_000L)).isEqualTo(3_361_000L);
        assertThat(staggered.firstWindowStartContaining(5_361_000L, 361_000L)).isEqualTo(4_361_000L);
    }

    @Test
    void staggeredOffsetsSpreadEvenlyOverTheHop() {
        WindowSpec staggered = WindowSpec.builder().optStagger(WindowSpec.Stagger.PER_STREAM).build();
        int[] tenths = new int[10];
        for (int i = 0; i < 1000; i++) {
            long off = staggered.offsetUs(String.format("actor-%04d", i));
            assertThat(off).isBetween(0L, 999_000L);
            assertThat(off % 1000).isZero();
            tenths[(int) (off / 100_000)]++;
        }
        for (int n : tenths) {
            assertThat(n).as("ids per tenth of the hop").isBetween(70, 130);
        }
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
