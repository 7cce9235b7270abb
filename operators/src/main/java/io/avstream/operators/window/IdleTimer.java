package io.avstream.operators.window;

import java.io.IOException;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * When a keyed stream falls idle, in processing time: the time of its last record (state {@code lastArrivalMs}) and
 * the one processing-time timer armed for it (state named by the caller). A stream is idle when nothing came for the
 * timeout while this job ran: after a restore, the time before the job started again does not count, since replayed
 * records come first. Used by keyed functions, in {@code open} ({@link #IdleTimer}), {@code processElement}
 * ({@link #arrived}) and at processing-time timers ({@link #idle}).
 */
public final class IdleTimer {

    private final long timeoutMs;
    private final ValueState<Long> lastArrivalMs;
    private final ValueState<Long> timerMs;
    private long runningSinceMs = -1;

    /**
     * @param ctx            the keyed function's runtime context
     * @param timerStateName the state holding the armed timer's time
     * @param timeoutMs      how long without records makes a stream idle
     */
    public IdleTimer(RuntimeContext ctx, String timerStateName, long timeoutMs) {
        this.timeoutMs = timeoutMs;
        this.lastArrivalMs = ctx.getState(new ValueStateDescriptor<>("lastArrivalMs", Types.LONG));
        this.timerMs = ctx.getState(new ValueStateDescriptor<>(timerStateName, Types.LONG));
    }

    private long now(TimerService timers) {
        long now = timers.currentProcessingTime();
        if (runningSinceMs < 0) {
            runningSinceMs = now;
        }
        return now;
    }

    /** A record of the current key arrived: remembers when, and arms the key's timer if none is armed. */
    public void arrived(TimerService timers) throws IOException {
        long now = now(timers);
        lastArrivalMs.update(now);
        if (timerMs.value() == null) {
            arm(timers, now + timeoutMs);
        }
    }

    /** At a processing-time timer of the current key: whether it is idle now; if not, the timer is armed again. */
    public boolean idle(TimerService timers) throws IOException {
        long now = now(timers);
        Long last = lastArrivalMs.value();
        long activeSince = Math.max(last == null ? now : last, runningSinceMs);
        if (last == null || now - activeSince >= timeoutMs) {
            return true;
        }
        arm(timers, activeSince + timeoutMs);
        return false;
    }

    private void arm(TimerService timers, long at) throws IOException {
        timers.registerProcessingTimeTimer(at);
        timerMs.update(at);
    }

    /** Forgets the current key (its stream ended). */
    public void clear() {
        lastArrivalMs.clear();
        timerMs.clear();
    }
}
