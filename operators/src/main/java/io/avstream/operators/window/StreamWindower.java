package io.avstream.operators.window;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.avstream.schemas.EpochMicros;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The windowing core of every pipeline: cuts each stream (keyed by stream id) into event-time windows
 * of {@link WindowSpec#spanUs()} every {@link WindowSpec#hopUs()} (starting at multiples of the hop
 * plus the stream's {@link WindowSpec#offsetUs offset}, 0 unless staggered), kept in keyed state so
 * that they survive failover; a {@link WindowAssembler} says which frames make a window. A stream's
 * next window start is state: a restored stream keeps its window grid until it falls silent and opens
 * windows anew.
 *
 * <p>Each stream advances on its own clock: a window closes when a frame of the same stream at least
 * {@link WindowSpec#outOfOrdernessUs()} past the window's end arrives. Streams with skewed clocks or
 * lagging producers therefore never close each other's windows, and a stream's windows depend only
 * on its own frames in their Kafka order, whatever the parallelism or the interleaving of streams.
 * At the end of a bounded input, and when a stream falls silent for the idle timeout, the windows
 * still open are closed with what they hold.
 *
 * <ul>
 *   <li>Frames out of order within the bound are re-ordered.</li>
 *   <li>A frame whose time is already buffered is a duplicate; a frame whose windows have all
 *       closed is late. Both are counted ({@code duplicateFrames}, {@code lateFrames}) and dropped.</li>
 *   <li><b>Clock jumps.</b> A frame more than a window span ahead of its stream's newest frame, or
 *       more than a span (plus the out-of-order bound) behind it, does not move the stream's clock at
 *       once: it is held aside. If {@value #JUMP_CONFIRMATIONS} frames in a row agree with it (each
 *       within a span of the first), the stream's clock really moved (a producer resumed after a pause,
 *       or its clock was reset): the open windows close with what they hold, the stream starts anew at
 *       the new time with the held frames ({@code clockJumps}). If a frame on the old clock comes first,
 *       the held frames were not its clock: counted ({@code badTimestampFrames} ahead of the stream,
 *       {@code lateFrames} behind it) and dropped, and the stream carries on as if they never came.</li>
 *   <li>A window the assembler finds too sparse is skipped and counted ({@code sparseWindows}).</li>
 *   <li>A stream that sends nothing for the idle timeout (processing time) is flushed and expires:
 *       its state is cleared ({@code expiredStreams}).</li>
 * </ul>
 *
 * <p>State names ({@code frames}, {@code nextWindowStart}, {@code maxCaptureUs}, {@code lastArrivalMs},
 * {@code expiryTimerMs}, {@code jumpFrames}) are part of savepoints: keep them.
 *
 * @param <F> a frame as kept in state
 * @param <W> a closed window
 */
public class StreamWindower<F, W> extends KeyedProcessFunction<String, F, W> {
    private static final long serialVersionUID = 1L;

    /** Frames in a row that must agree with a jumped clock before the stream follows it. */
    public static final int JUMP_CONFIRMATIONS = 3;

    private final WindowSpec spec;
    private final WindowAssembler<F, W> assembler;

    private transient MapState<Long, F> frames;
    private transient ValueState<Long> nextWindowStart;
    private transient ValueState<Long> maxCaptureUs;
    private transient ValueState<Long> lastArrivalMs;
    private transient ValueState<Long> expiryTimerMs;
    private transient ListState<F> jumpFrames;

    /** Processing time this instance first ran (after a start or a restore); idleness counts from there. */
    private transient long runningSinceMs;

    private transient Counter lateFrames;
    private transient Counter duplicateFrames;
    private transient Counter badTimestampFrames;
    private transient Counter clockJumps;
    private transient Counter sparseWindows;
    private transient Counter expiredStreams;
    private transient Counter windowsClosed;

    /**
     * @param spec      window span, hop, out-of-order bound, idle timeout, stagger
     * @param assembler the modality's frames and windows
     */
    public StreamWindower(WindowSpec spec, WindowAssembler<F, W> assembler) {
        this.spec = spec;
        this.assembler = assembler;
    }

    @Override
    public void open(OpenContext ctx) {
        frames = getRuntimeContext().getMapState(new MapStateDescriptor<>("frames", Types.LONG, assembler.frameType()));
        nextWindowStart = getRuntimeContext().getState(new ValueStateDescriptor<>("nextWindowStart", Types.LONG));
        maxCaptureUs = getRuntimeContext().getState(new ValueStateDescriptor<>("maxCaptureUs", Types.LONG));
        lastArrivalMs = getRuntimeContext().getState(new ValueStateDescriptor<>("lastArrivalMs", Types.LONG));
        expiryTimerMs = getRuntimeContext().getState(new ValueStateDescriptor<>("expiryTimerMs", Types.LONG));
        jumpFrames = getRuntimeContext().getListState(new ListStateDescriptor<>("jumpFrames", assembler.frameType()));
        MetricGroup g = getRuntimeContext().getMetricGroup();
        lateFrames = g.counter("lateFrames");
        duplicateFrames = g.counter("duplicateFrames");
        badTimestampFrames = g.counter("badTimestampFrames");
        clockJumps = g.counter("clockJumps");
        sparseWindows = g.counter("sparseWindows");
        expiredStreams = g.counter("expiredStreams");
        windowsClosed = g.counter("windowsClosed");
        g.meter("windowsPerSecond", new MeterView(windowsClosed));
        runningSinceMs = -1;
    }

    @Override
    public void processElement(F frame, Context ctx, Collector<W> out) throws Exception {
        if (runningSinceMs < 0) {
            runningSinceMs = ctx.timerService().currentProcessingTime();
        }
        String key = ctx.getCurrentKey();
        long t = assembler.timeUs(frame);
        Long max = maxCaptureUs.value();
        if (max != null && isJump(t, max)) {
            if (!holdJump(frame, t)) {
                touch(ctx);
                return;
            }
            // the clock really moved: close what is open, start anew with the held frames
            restart(key, ctx, out);
            clockJumps.inc();
            List<F> held = new ArrayList<>();
            for (F f : jumpFrames.get()) {
                held.add(f);
            }
            jumpFrames.clear();
            for (F f : held) {
                accept(f, assembler.timeUs(f), key, ctx, out);
            }
            touch(ctx);
            return;
        }
        discardHeldJump();
        accept(frame, t, key, ctx, out);
        touch(ctx);
    }

    /** Whether {@code t} lies further from the stream's newest frame than its windows can span. */
    private boolean isJump(long t, long max) {
        return t - max > spec.spanUs() || max - t > spec.spanUs() + spec.outOfOrdernessUs();
    }

    /** Holds a frame of a jumped clock; true when it is the last of {@value #JUMP_CONFIRMATIONS} that agree. */
    private boolean holdJump(F frame, long t) throws Exception {
        List<F> held = new ArrayList<>();
        for (F f : jumpFrames.get()) {
            held.add(f);
        }
        if (!held.isEmpty() && Math.abs(t - assembler.timeUs(held.get(0))) > spec.spanUs()) {
            // disagrees with the frames held so far: those were not the stream's clock; this one starts anew
            discardHeldJump();
            held.clear();
        }
        assembler.beforeStore(frame);
        held.add(frame);
        jumpFrames.update(held);
        return held.size() >= JUMP_CONFIRMATIONS;
    }

    /**
     * A frame on the stream's clock came: the frames held for a jump were not the stream's clock. Those
     * behind it are counted as late, those ahead as bad timestamps.
     */
    private void discardHeldJump() throws Exception {
        Iterable<F> held = jumpFrames.get();
        if (held == null) {
            return;
        }
        Long max = maxCaptureUs.value();
        int n = 0;
        for (F f : held) {
            n++;
            if (max != null && assembler.timeUs(f) < max) {
                lateFrames.inc();
            } else {
                badTimestampFrames.inc();
            }
        }
        if (n > 0) {
            jumpFrames.clear();
        }
    }

    private void accept(F frame, long t, String key, Context ctx, Collector<W> out) throws Exception {
        Long next = nextWindowStart.value();
        Long max = maxCaptureUs.value();
        if (next == null) {
            next = spec.firstWindowStartContaining(t, spec.offsetUs(key));
            nextWindowStart.update(next);
            // closes what is left at the end of a bounded input
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        } else if (t < next) {
            lateFrames.inc();
            return;
        }
        if (frames.contains(t)) {
            duplicateFrames.inc();
            return;
        }
        assembler.beforeStore(frame);
        frames.put(t, frame);
        if (max == null || t > max) {
            max = t;
            maxCaptureUs.update(t);
        }
        long closeUpTo = max - spec.outOfOrdernessUs();
        if (next + spec.spanUs() <= closeUpTo) {
            closeWindows(key, next, closeUpTo, out);
        }
    }

    private void touch(Context ctx) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        lastArrivalMs.update(now);
        if (expiryTimerMs.value() == null) {
            long at = now + spec.idleTimeoutMs();
            ctx.timerService().registerProcessingTimeTimer(at);
            expiryTimerMs.update(at);
        }
    }

    /** Closes every open window with what it holds and forgets the stream's clock (its timers stay). */
    private void restart(String key, Context ctx, Collector<W> out) throws Exception {
        Long next = nextWindowStart.value();
        if (next != null) {
            closeWindows(key, next, Long.MAX_VALUE, out);
        }
        frames.clear();
        nextWindowStart.clear();
        maxCaptureUs.clear();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<W> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            onIdleCheck(ctx, out);
            return;
        }
        // end of input: frames held for a jump that nothing confirmed were not the stream's clock; close
        // every window that is still open
        discardHeldJump();
        Long next = nextWindowStart.value();
        if (next != null) {
            closeWindows(ctx.getCurrentKey(), next, Long.MAX_VALUE, out);
        }
    }

    /** Closes, in order, every window from {@code next} whose end is at most {@code upToUs}; prunes the frames no open window needs. */
    private void closeWindows(String streamId, long next, long upToUs, Collector<W> out) throws Exception {
        List<Long> times = new ArrayList<>();
        List<F> buffered = new ArrayList<>();
        for (F f : frames.values()) {
            buffered.add(f);
        }
        buffered.sort(Comparator.comparingLong(assembler::timeUs));
        for (F f : buffered) {
            times.add(assembler.timeUs(f));
        }
        long offset = spec.offsetUs(streamId);
        int from = 0;
        while (next <= upToUs - spec.spanUs()) {
            while (from < buffered.size() && times.get(from) < next) {
                from++;
            }
            if (from == buffered.size()) {
                // no frame left for this or any later window; later frames open windows anew
                next = upToUs == Long.MAX_VALUE ? next + spec.hopUs() : Math.max(next, spec.firstWindowStartContaining(upToUs, offset));
                break;
            }
            long earliest = times.get(from);
            if (earliest >= next + spec.spanUs()) {
                // skip a gap without frames in one step
                next = Math.max(next + spec.hopUs(), spec.firstWindowStartContaining(earliest, offset));
                continue;
            }
            long end = next + spec.spanUs();
            int to = from;
            while (to < buffered.size() && times.get(to) < end) {
                to++;
            }
            W w = assembler.assemble(streamId, next, end, buffered.subList(from, to), EpochMicros.now());
            if (w == null) {
                sparseWindows.inc();
            } else {
                windowsClosed.inc();
                out.collect(w);
            }
            next += spec.hopUs();
        }
        nextWindowStart.update(next);
        for (int i = 0; i < buffered.size(); i++) {
            if (times.get(i) < next) {
                frames.remove(times.get(i));
            }
        }
    }

    private void onIdleCheck(OnTimerContext ctx, Collector<W> out) throws Exception {
        Long last = lastArrivalMs.value();
        if (last == null) {
            expiryTimerMs.clear();
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        if (runningSinceMs < 0) {
            runningSinceMs = now;
        }
        // a stream is idle only if it sent nothing for the timeout while this job was running: after
        // a restore, the frames replayed from Kafka come before any stream expires
        long activeSince = Math.max(last, runningSinceMs);
        if (now - activeSince >= spec.idleTimeoutMs()) {
            Long next = nextWindowStart.value();
            if (next != null) {
                closeWindows(ctx.getCurrentKey(), next, Long.MAX_VALUE, out);
            }
            discardHeldJump();
            expiredStreams.inc();
            frames.clear();
            nextWindowStart.clear();
            maxCaptureUs.clear();
            lastArrivalMs.clear();
            expiryTimerMs.clear();
            ctx.timerService().deleteEventTimeTimer(Long.MAX_VALUE);
        } else {
            long at = activeSince + spec.idleTimeoutMs();
            ctx.timerService().registerProcessingTimeTimer(at);
            expiryTimerMs.update(at);
        }
    }

    /** The window settings. */
    public WindowSpec spec() {
        return spec;
    }

    /** The counter of this instance (tests, tools). */
    public long lateFrameCount() {
        return lateFrames.getCount();
    }

    /** The counter of this instance (tests, tools). */
    public long duplicateFrameCount() {
        return duplicateFrames.getCount();
    }

    /** The counter of this instance (tests, tools). */
    public long badTimestampFrameCount() {
        return badTimestampFrames.getCount();
    }

    /** The counter of this instance (tests, tools). */
    public long clockJumpCount() {
        return clockJumps.getCount();
    }

    /** The counter of this instance (tests, tools). */
    public long sparseWindowCount() {
        return sparseWindows.getCount();
    }

    /** The counter of this instance (tests, tools). */
    public long expiredStreamCount() {
        return expiredStreams.getCount();
    }
}
