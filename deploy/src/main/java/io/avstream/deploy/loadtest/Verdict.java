package io.avstream.deploy.loadtest;

import java.time.Duration;

import io.avstream.deploy.loadtest.LoadResult.Summary;

/** Whether a measured interval held the load: p99 within the target, (almost) every expected window predicted, nothing shed. */
final class Verdict {
    private Verdict() {}

    /** The share of expected windows that must be predicted. */
    static final double MIN_DELIVERED_SHARE = 0.98;

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
