package io.avstream.tools.loadtest;

import java.util.List;

/**
 * Which windows a trial's streams make and the job closes: every window end on a stream's grid
 * ({@code k * hop + offset}, the offset from its id when windows are staggered) whose whole span the
 * stream covered, up to the last window a stopping stream still closes with a frame of its own.
 */
final class ExpectedWindows {
    private final LoadSettings s;

    ExpectedWindows(LoadSettings s) {
        this.s = s;
    }

    /** The latest window end that a stream stopping at {@code stopUs} still closes with a frame of its own. */
    long lastClosingWindowEnd(long stopUs) {
        return stopUs - s.outOfOrdernessUs - 2 * s.framePeriodUs();
    }

    /** Windows ending after the last frame minus the out-of-orderness never close (until idle expiry): not expected. */
    long measuredTo(long stopUs) {
        return stopUs == 0 ? Long.MAX_VALUE : lastClosingWindowEnd(stopUs) + 1;
    }

    /** Window ends in {@code [fromUs, toUs)} of each source's streams that it covered whole. */
    long count(List<StreamSources.Source> sources, long fromUs, long toUs) {
        long n = 0;
        for (StreamSources.Source source : sources) {
            long lo = Math.max(fromUs, source.startUs + s.spanUs);
            long hi = Math.min(toUs, source.running() ? toUs : lastClosingWindowEnd(source.stopUs) + 1);
            if (hi > lo) {
                for (int i = 0; i < source.streams; i++) {
                    // this stream's window ends fall on k * hop + c
                    long c = Math.floorMod(s.windowSpec.offsetUs(source.streamId(i)) + s.spanUs, s.hopUs);
                    long first = Math.floorDiv(lo - c + s.hopUs - 1, s.hopUs);
                    long last = Math.floorDiv(hi - 1 - c, s.hopUs);
                    n += Math.max(0, last - first + 1);
                }
            }
        }
        return n;
    }
}
