package io.avstream.operators.window;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.Stamped;
import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.schemas.MocapFrame;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Cuts each MoCap stream (keyed by stream id) into event-time windows of {@link WindowSpec#spanUs()}
 * every {@link WindowSpec#hopUs()}, kept in keyed state so that they survive failover.
 *
 * <ul>
 *   <li>Each frame is reduced to the model's vertex subset as it arrives; only that is stored.</li>
 *   <li>Frames arriving out of order are buffered and re-ordered; a window closes when the watermark
 *       passes its end, then the model's frames are picked at the bin midpoints of the window.</li>
 *   <li>A frame whose capture time is already buffered is a duplicate; a frame whose windows have all
 *       closed is late. Both are counted ({@code duplicateFrames}, {@code lateFrames}) and dropped.</li>
 *   <li>A window holding fewer than {@link WindowSpec#minFrames()} frames is skipped and counted
 *       ({@code sparseWindows}).</li>
 *   <li>A stream that sends nothing for the idle timeout (processing time) expires: its state is
 *       cleared and counted ({@code expiredStreams}, {@code expiredFrames}).</li>
 * </ul>
 */
public class MocapWindower extends KeyedProcessFunction<String, Stamped<MocapFrame>, MocapWindow> {
    private static final long serialVersionUID = 1L;

    private final WindowSpec spec;
    private final int[] subset;
    private final int vertexCount;

    private transient MapState<Long, BufferedFrame> frames;
    private transient ValueState<Long> nextWindowStart;
    private transient ValueState<Long> lastArrivalMs;
    private transient ValueState<Long> expiryTimerMs;

    private transient Counter lateFrames;
    private transient Counter duplicateFrames;
    private transient Counter sparseWindows;
    private transient Counter expiredStreams;
    private transient Counter expiredFrames;
    private transient Counter windowsClosed;
    private transient Meter windowsPerSecond;

    /**
     * @param spec        window span, hop and frame count
     * @param subset      the vertex indices the model reads from each frame
     * @param vertexCount vertices per incoming frame (of the mesh topology)
     */
    public MocapWindower(WindowSpec spec, int[] subset, int vertexCount) {
        this.spec = spec;
        this.subset = subset.clone();
        this.vertexCount = vertexCount;
        for (int i : subset) {
            if (i < 0 || i >= vertexCount) {
                throw new IllegalArgumentException("subset vertex " + i + " outside 0.." + (vertexCount - 1));
            }
        }
    }

    @Override
    public void open(OpenContext ctx) {
        frames = getRuntimeContext().getMapState(new MapStateDescriptor<>("frames", Types.LONG,
                TypeInformation.of(BufferedFrame.class)));
        nextWindowStart = getRuntimeContext().getState(new ValueStateDescriptor<>("nextWindowStart", Types.LONG));
        lastArrivalMs = getRuntimeContext().getState(new ValueStateDescriptor<>("lastArrivalMs", Types.LONG));
        expiryTimerMs = getRuntimeContext().getState(new ValueStateDescriptor<>("expiryTimerMs", Types.LONG));
        MetricGroup g = getRuntimeContext().getMetricGroup();
        lateFrames = g.counter("lateFrames");
        duplicateFrames = g.counter("duplicateFrames");
        sparseWindows = g.counter("sparseWindows");
        expiredStreams = g.counter("expiredStreams");
        expiredFrames = g.counter("expiredFrames");
        windowsClosed = g.counter("windowsClosed");
        windowsPerSecond = g.meter("windowsPerSecond", new MeterView(windowsClosed));
    }

    @Override
    public void processElement(Stamped<MocapFrame> in, Context ctx, Collector<MocapWindow> out) throws Exception {
        MocapFrame frame = in.record;
        long t = frame.getCaptureTimeUs();
        Long next = nextWindowStart.value();
        if (next == null) {
            next = spec.firstWindowStartContaining(t);
            nextWindowStart.update(next);
        } else if (t < next) {
            lateFrames.inc();
            return;
        }
        if (frames.contains(t)) {
            duplicateFrames.inc();
            return;
        }
        long kafkaUs = in.kafkaTimestampMs * 1000L;
        frames.put(t, new BufferedFrame(frame.getSeq(), t, kafkaUs, reduce(frame.getVertices()), frame.getAnnotation()));

        // one timer per window end the frame contributes to (Flink keeps one timer per key and time)
        for (long s = Math.max(next, spec.firstWindowStartContaining(t)); s <= spec.lastWindowStartContaining(t); s += spec.hopUs()) {
            ctx.timerService().registerEventTimeTimer(closeTimerMs(s + spec.spanUs()));
        }
        long now = ctx.timerService().currentProcessingTime();
        lastArrivalMs.update(now);
        if (expiryTimerMs.value() == null) {
            long at = now + spec.idleTimeoutMs();
            ctx.timerService().registerProcessingTimeTimer(at);
            expiryTimerMs.update(at);
        }
    }

    /** Reads the subset vertices straight from the little-endian payload. */
    float[] reduce(ByteBuffer vertices) {
        ByteBuffer b = vertices.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        float[] xyz = new float[subset.length * 3];
        for (int i = 0; i < subset.length; i++) {
            int off = base + subset[i] * 12;
            xyz[3 * i] = b.getFloat(off);
            xyz[3 * i + 1] = b.getFloat(off + 4);
            xyz[3 * i + 2] = b.getFloat(off + 8);
        }
        return xyz;
    }

    /** The watermark (ms) at which all frames of a window ending at {@code endUs} (exclusive) have been seen. */
    static long closeTimerMs(long endUs) {
        return Math.floorDiv(endUs - 1, 1000L);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MocapWindow> out) throws Exception {
        if (ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.PROCESSING_TIME) {
            onIdleCheck(timestamp, ctx);
            return;
        }
        Long next = nextWindowStart.value();
        if (next == null) {
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        List<BufferedFrame> buffered = new ArrayList<>();
        for (BufferedFrame f : frames.values()) {
            buffered.add(f);
        }
        buffered.sort(Comparator.comparingLong(f -> f.captureUs));
        int from = 0;
        while (closeTimerMs(next + spec.spanUs()) <= watermark) {
            // skip over gaps without frames in one step
            while (from < buffered.size() && buffered.get(from).captureUs < next) {
                from++;
            }
            if (from == buffered.size()) {
                next = next + spec.hopUs();
                break;
            }
            long earliest = buffered.get(from).captureUs;
            if (earliest >= next + spec.spanUs()) {
                next = Math.max(next + spec.hopUs(), spec.firstWindowStartContaining(earliest));
                continue;
            }
            closeWindow(ctx.getCurrentKey(), next, buffered, from, out);
            next += spec.hopUs();
        }
        nextWindowStart.update(next);
        for (BufferedFrame f : buffered) {
            if (f.captureUs < next) {
                frames.remove(f.captureUs);
            }
        }
    }

    private void closeWindow(String streamId, long start, List<BufferedFrame> sorted, int from, Collector<MocapWindow> out) {
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
        int stride = subset.length * 3;
        float[] points = new float[picks.length * stride];
        for (int i = 0; i < picks.length; i++) {
            System.arraycopy(sorted.get(from + picks[i]).xyz, 0, points, i * stride, stride);
        }
        BufferedFrame last = sorted.get(to - 1);
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

    private static String majority(List<BufferedFrame> sorted, int from, int to) {
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

    private void onIdleCheck(long timestamp, OnTimerContext ctx) throws Exception {
        Long last = lastArrivalMs.value();
        if (last == null) {
            expiryTimerMs.clear();
            return;
        }
        if (timestamp - last >= spec.idleTimeoutMs()) {
            int held = 0;
            for (Long ignored : frames.keys()) {
                held++;
            }
            expiredFrames.inc(held);
            expiredStreams.inc();
            frames.clear();
            nextWindowStart.clear();
            lastArrivalMs.clear();
            expiryTimerMs.clear();
        } else {
            long at = last + spec.idleTimeoutMs();
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

    long expiredFrameCount() {
        return expiredFrames.getCount();
    }
}
