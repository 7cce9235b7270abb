package io.avstream.tools.loadtest;

import java.time.Duration;

import io.avstream.tools.loadtest.LoadResult.Settle;
import io.avstream.tools.loadtest.LoadResult.Summary;

/**
 * Whether a trial held its load: it settled before its measurement (a load the job cannot reach a
 * steady latency at within the settle timeout is not one it holds), and over the measured windows p99
 * within the target, (almost) every expected window predicted, nothing shed.
 */
final class Verdict {
    private Verdict() {}

    /** The share of expected windows that must be predicted. */
    static final double MIN_DELIVERED_SHARE = 0.98;

    /** Whether the trial held; {@code settle} null when it had no warm-up to settle in. */
    static boolean held(Summary s, Duration targetP99, Settle settle) {
        return (settle == null || settle.settled()) && held(s, targetP99);
    }

    /** Whether the measured windows held: p99 within the target, (almost) every expected window predicted, nothing shed. */
    static boolean held(Summary s, Duration targetP99) {
        boolean shedNone = s.shedWindows() == null || s.shedWindows() == 0;
        return s.predictions() > 0 && s.endToEnd().p99() <= targetP99.toMillis() && deliveredShare(s) >= MIN_DELIVERED_SHARE
                && shedNone;
    }

    /** Predictions over expected windows, at most 1. */
    static double deliveredShare(Summary s) {
        return s.expectedWindows() == 0 ? 0 : Math.min(1.0, (double) s.predictions() / s.expectedWindows());
    }
}
