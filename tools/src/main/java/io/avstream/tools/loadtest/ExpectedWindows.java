package io.avstream.tools.loadtest;

import java.util.List;

/**
 * Which windows a trial's streams make and the job closes: every window end on a stream's own grid (see
 * {@link LoadProfile#windows}) whose span the stream covered, up to the last window a stopping stream still
 * closes with input of its own.
 */
final class ExpectedWindows {
    private final LoadProfile profile;

    ExpectedWindows(LoadProfile profile) {
        this.profile = profile;
    }

    /** The latest window end that a stream stopping at {@code stopUs} still closes with input of its own. */
    long lastClosingWindowEnd(long stopUs) {
        return profile.lastClosingWindowEnd(stopUs);
    }

    /** Windows ending after the last closing one never close (until idle expiry): not expected. */
    long measuredTo(long stopUs) {
        return stopUs == 0 ? Long.MAX_VALUE : lastClosingWindowEnd(stopUs) + 1;
    }

    /** Window ends in {@code [fromUs, toUs)} of each source's streams that it covered whole. */
    long count(List<StreamSources.Source> sources, long fromUs, long toUs) {
        long n = 0;
        for (StreamSources.Source source : sources) {
            long hi = Math.min(toUs, source.running() ? toUs : lastClosingWindowEnd(source.stopUs) + 1);
            for (int i = 0; i < source.streams; i++) {
                n += profile.windows(source, i, fromUs, hi);
            }
        }
        return n;
    }
}
