package io.avstream.operators.window;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.schemas.EpochMicros;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Cuts each MoCap stream (keyed by stream id) into event-time windows of {@link WindowSpec#spanUs()}
 * every {@link WindowSpec#hopUs()} (starting at multiples of the hop plus the stream's
 * {@link WindowSpec#offsetUs offset}, 0 unless staggered), kept in keyed state so that they survive
 * failover. A stream's next window start is state: a restored stream keeps its window grid until it
 * falls silent and opens windows anew.
 *
 * <p>Each stream advances on its own clock: a window closes when a frame of the same stream at least
 * {@link WindowSpec#outOfOrdernessUs()} past the window's end arrives. Streams with skewed clocks or
 * lagging producers therefore never close each other's windows, and a stream's windows depend only
 * on its own frames in their Kafka order, whatever the parallelism or the interleaving of streams.
 * At the end of a bounded input, and when a stream falls silent for the idle timeout, the windows
 * still open are closed with what they hold.
 *
 * <ul>
 *   <li>Frames arrive reduced to the model's vertex subset ({@link FrameReducer}); only that is stored.</li>
 *   <li>Frames out of order within the bound are re-ordered; when a window closes, the model's
 *       frames are picked at the bin midpoints of the window.</li>
 *   <li>A frame whose capture time is already buffered is a duplicate; a frame whose windows have all
 *       closed is late. Both are counted ({@code duplicateFrames}, {@code lateFrames}) and dropped.</li>
 *   <li>A window holding fewer than {@link WindowSpec#minFrames()} frames is skipped and counted
 *       ({@code sparseWindows}).</li>
 *   <li>A stream that sends nothing for the idle timeout (processing time) is flushed and expires:
 *       its state is cleared ({@code expiredStreams}).</li>
 * </ul>
 */
public class MocapWindower extends KeyedProcessFunction<String, ReducedFrame, MocapWindow> {
    private static final long serialVersionUID = 1L;

    private final WindowSpec spec;

    private transient MapState<Long, ReducedFrame> frames;
    private transient ValueState<Long> nextWindowStart;
    private transient ValueState<Long> maxCaptureUs;
    private transient ValueState<Long> lastArrivalMs;
    private transient ValueState<Long> expiryTimerMs;

    /** Processing time this instance first ran (after a start or a restore); idleness counts from there. */
    private transient long runningSinceMs;

    private transient Counter lateFrames;
    private transient Counter duplicateFrames;
    private transient Counter sparseWindows;
    private transient Counter expiredStreams;
    private transient Counter windowsClosed;

    /** @param spec window span, hop, out-of-order bound and frame count */
    public MocapWindower(WindowSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext ctx) {
        frames = getRuntimeContext().getMapState(new MapStateDescriptor<>("frames", Types.LONG,
                TypeInformation.of(ReducedFrame.class)));
        nextWindowStart = getRuntimeContext().getState(new ValueStateDescriptor<>("nextWindowStart", Types.LONG));
        maxCaptureUs = getRuntimeContext().getState(new ValueStateDescriptor<>("maxCaptureUs", Types.LONG));
        lastArrivalMs = getRuntimeContext().getState(new ValueStateDescriptor<>("lastArrivalMs", Types.LONG));
        expiryTimerMs = getRuntimeContext().getState(new ValueStateDescriptor<>("expiryTimerMs", Types.LONG));
        MetricGroup g = getRuntimeContext().getMetricGroup();
        lateFrames = g.counter("lateFrames");
        duplicateFrames = g.counter("duplicateFrames");
        sparseWindows = g.counter("sparseWindows");
        expiredStreams = g.counter("expiredStreams");
        windowsClosed = g.counter("windowsClosed");
        g.meter("windowsPerSecond", new MeterView(windowsClosed));
        runningSinceMs = -1;
    }

    @Override
    public void processElement(ReducedFrame frame, Context ctx, Collector<MocapWindow> out) throws Exception {
        if (runningSinceMs < 0) {
            runningSinceMs = ctx.timerService().currentProcessingTime();
        }
        long t = frame.captureUs;
        Long next = nextWindowStart.value();
        Long max = maxCaptureUs.value();
        if (next == null) {
            next = spec.firstWindowStartContaining(t, spec.offsetUs(ctx.getCurrentKey()));
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
        frame.streamId = null; // the key says it; not stored once per frame
        frames.put(t, frame);
        if (max == null || t > max) {
            max = t;
            maxCaptureUs.update(t);
        }
        long closeUpTo = max - spec.outOfOrdernessUs();
        if (next + spec.spanUs() <= closeUpTo) {
            closeWindows(ctx.getCurrentKey(), next, closeUpTo, out);
        }

        long now = ctx.timerService().currentProcessingTime();
        lastArrivalMs.update(now);
        if (expiryTimerMs.value() == null) {
            long at = now + spec.idleTimeoutMs();
            ctx.timerService().registerProcessingTimeTimer(at);
            expiryTimerMs.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MocapWindow> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            onIdleCheck(ctx, out);
            return;
        }
        // end of input: close every window that is still open
        Long next = nextWindowStart.value();
        if (next != null) {
            closeWindows(ctx.getCurrentKey(), next, Long.MAX_VALUE, out);
        }
    }

    /** Closes, in order, every window from {@code next} whose end is at most {@code upToUs}; prunes the frames no open window needs. */
    private void closeWindows(String streamId, long next, long upToUs, Collector<MocapWindow> out) throws Exception {
        List<ReducedFrame> buffered = new ArrayList<>();
        for (ReducedFrame f : frames.values()) {
            buffered.add(f);
        }
        buffered.sort(Comparator.comparingLong(f -> f.captureUs));
        long offset = spec.offsetUs(streamId);
        int from = 0;
        while (next <= upToUs - spec.spanUs()) {
            while (from < buffered.size() && buffered.get(from).captureUs < next) {
                from++;
            }
            if (from == buffered.size()) {
                // no frame left for this or any later window; later frames open windows anew
                next = upToUs == Long.MAX_VALUE ? next + spec.hopUs() : Math.max(next, spec.firstWindowStartContaining(upToUs, offset));
                break;
            }
            long earliest = buffered.get(from).captureUs;
            if (earliest >= next + spec.spanUs()) {
                // skip a gap without frames in one step
                next = Math.max(next + spec.hopUs(), spec.firstWindowStartContaining(earliest, offset));
                continue;
            }
            closeWindow(streamId, next, buffered, from, out);
            next += spec.hopUs();
        }
        nextWindowStart.update(next);
        for (ReducedFrame f : buffered) {
            if (f.captureUs < next) {
                frames.remove(f.captureUs);
            }
        }
    }

    private void closeWindow(String streamId, long start, List<ReducedFrame> sorted, int from, Collector<MocapWindow> out) {
        long end = start + spec.spanUs();
        int to = from;
        while (to < sorted.size() && sorted.get(to).captureUs < end) {
            to++;
        }
        int n = to - from;
        if (n < spec.minFrames()) {
            sparseWindows.inc();
            return;
        }
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            times[i] = sorted.get(from + i).captureUs;
        }
        int[] picks = StmtPreprocessor.selectFrames(times, start, end, spec.frames());
        int stride = sorted.get(from).xyz.length;
        float[] points = new float[picks.length * stride];
        for (int i = 0; i < picks.length; i++) {
            System.arraycopy(sorted.get(from + picks[i]).xyz, 0, points, i * stride, stride);
        }
        ReducedFrame last = sorted.get(to - 1);
        MocapWindow w = new MocapWindow();
        w.streamId = streamId;
        w.startUs = start;
        w.endUs = end;
        w.frameCount = n;
        w.points = points;
        w.frames = picks.length;
        w.lastCaptureUs = last.captureUs;
        w.lastKafkaUs = last.kafkaUs;
        w.closedAtUs = EpochMicros.now();
        w.annotation = majority(sorted, from, to);
        windowsClosed.inc();
        out.collect(w);
    }

    private static String majority(List<ReducedFrame> sorted, int from, int to) {
        Map<String, Integer> counts = new HashMap<>();
        String best = null;
        int bestCount = 0;
        for (int i = from; i < to; i++) {
            String a = sorted.get(i).annotation;
            if (a == null) {
                continue;
            }
            int c = counts.merge(a, 1, Integer::sum);
            if (c > bestCount) {
                best = a;
                bestCount = c;
            }
        }
        return best;
    }

    private void onIdleCheck(OnTimerContext ctx, Collector<MocapWindow> out) throws Exception {
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

    long lateFrameCount() {
        return lateFrames.getCount();
    }

    long duplicateFrameCount() {
        return duplicateFrames.getCount();
    }

    long sparseWindowCount() {
        return sparseWindows.getCount();
    }

    long expiredStreamCount() {
        return expiredStreams.getCount();
    }
}
