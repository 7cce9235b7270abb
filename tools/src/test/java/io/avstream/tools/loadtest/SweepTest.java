package io.avstream.tools.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

class SweepTest {

    /** The counts a sweep tries against a system where {@code holds} says which counts hold. */
    private static List<Integer> tried(Sweep sweep, IntPredicate holds) {
        List<Integer> tried = new ArrayList<>();
        for (OptionalInt n = sweep.next(); n.isPresent(); n = sweep.next()) {
            tried.add(n.getAsInt());
            sweep.report(n.getAsInt(), holds.test(n.getAsInt()));
        }
        return tried;
    }

    @Test
    void doublesThenBisectsToTheLargestCountThatHolds() {
        Sweep sweep = new Sweep(4, 512, 0, 20);
        assertThat(tried(sweep, n -> n <= 21)).containsExactly(4, 8, 16, 32, 24, 20, 22, 21);
        assertThat(sweep.largestHeld()).isEqualTo(21);
        assertThat(sweep.smallestFailed()).isEqualTo(22);
    }

    @Test
    void stopsWithinThePrecision() {
        Sweep sweep = new Sweep(8, 512, 0.25, 20);
        assertThat(tried(sweep, n -> n <= 100)).containsExactly(8, 16, 32, 64, 128, 96, 112);
        assertThat(sweep.largestHeld()).isEqualTo(96);
        assertThat(sweep.smallestFailed()).isEqualTo(112);
    }

    @Test
    void bisectsBelowTheStartWhenTheStartFails() {
        Sweep sweep = new Sweep(8, 512, 0.1, 20);
        assertThat(tried(sweep, n -> n <= 2)).containsExactly(8, 4, 2, 3);
        assertThat(sweep.largestHeld()).isEqualTo(2);
    }

    @Test
    void endsAtTheMaximumOrTheStepLimit() {
        Sweep capped = new Sweep(100, 300, 0.1, 20);
        assertThat(tried(capped, n -> true)).containsExactly(100, 200, 300);
        assertThat(capped.smallestFailed()).isNull();
        Sweep limited = new Sweep(4, 512, 0.1, 3);
        assertThat(tried(limited, n -> true)).containsExactly(4, 8, 16);
    }

    @Test
    void refusesImpossibleRanges() {
        assertThatThrownBy(() -> new Sweep(0, 10, 0.1, 5)).hasMessageContaining("1 <= start <= maxStreams");
    }
}
