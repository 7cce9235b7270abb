package io.avstream.operators.audioevents;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import io.avstream.operators.video.StoredFrame;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.VideoFrame;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per stream (keyed by stream id): pairs each audio window with the video frames of the same stream that MAViL takes
 * for it, by event time, though audio and video arrive on two topics with their own lags. A window's frames are the
 * stream's frames nearest to its {@code frames} slots, {@code frameUs} apart over the span centred in the window
 * (8 at 2 fps over 4 s for MAViL), each at most {@code maxFrameDistanceUs} from its slot.
 *
 * <p>A window is decided, in window order, as soon as the stream's video has passed the end of its span (every frame
 * that could be nearest to a slot has come: frames of one stream arrive in time order), or else when the event time
 * (the watermark of both inputs) passes the window's end plus {@code videoWaitUs}, or when nothing of the stream
 * (window or frame) has come for {@code stallMs} of processing time (the stream's last window, cut when its audio
 * stopped, with no video after it; counted by this instance, so a restore does not count the downtime). It leaves
 * with its frames when
 * every slot has one, and without video otherwise (no video for the stream, video lagging past the wait, a gap in
 * it), which sends it to the audio-only model. The same inputs give the same pairs after a restart: frames and
 * waiting windows are keyed state, and the decision depends on event times only, except for video that lags by
 * more than the wait, which by then is late anyway.
 *
 * <p>Frames are kept as they came (JPEG or RGB24, already checked to decode at the source): a 320 x 240 JPEG frame is
 * a few kilobytes where its decoded 224 x 224 input would be 150 KB (docs/performance.md). A stream keeps at most
 * one frame per quarter of {@code frameUs} (faster cameras are thinned), none older than the next window can use,
 * and at most {@code maxFrames}; when the stream stalls, its frames are dropped. A frame more than {@code outOfOrderUs} behind the stream's newest goes to the
 * dead-letter output {@link #DEAD_LETTERS} ({@link ReasonCode#BAD_TIMESTAMP}); a second frame at a time already held
 * is dropped and counted.
 *
 * <p>Metrics: {@code windowsWithVideo}, {@code windowsAudioOnly}, {@code framesKept}, {@code framesThinned},
 * {@code framesDuplicate}, {@code framesOutOfOrder}, {@code framesEvicted}, and the histogram {@code streamStateBytes}
 * of a stream's keyed state (waiting windows and frames) after each change.
 */
public class AudioVideoAligner extends KeyedCoProcessFunction<String, AudioWindow, Stamped<VideoFrame>, AudioVisualWindow> {
    private static final long serialVersionUID = 1L;

    /** Frames refused here (far out of order). */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("video-dead-letters") {};

    private final int frames;
    private final long frameUs;
    private final long maxFrameDistanceUs;
    private final long videoWaitUs;
    private final long outOfOrderUs;
    private final int maxFrames;
    private final String videoTopic;
    private final long stallMs;

    private transient ListState<AudioWindow> waiting;
    private transient MapState<Long, StoredFrame> video;
    /** Per stream, when this instance last got one of its windows or frames (processing time; not checkpointed). */
    private transient Map<String, Long> lastInputMs;
    private transient AvroCodec<VideoFrame> codec;
    private transient Counter withVideo;
    private transient Counter audioOnly;
    private transient Counter kept;
    private transient Counter thinned;
    private transient Counter duplicates;
    private transient Counter outOfOrder;
    private transient Counter evicted;
    private transient Histogram stateBytes;
    private transient long maxStateBytes;

    /**
     * @param frames             frames per window (the model's video input)
     * @param frameUs            time between two slots, microseconds
     * @param maxFrameDistanceUs how far from its slot a frame may be and still fill it
     * @param videoWaitUs        how long, in event time after a window's end, its video is waited for
     * @param outOfOrderUs       how far behind the stream's newest frame a frame is still taken
     * @param maxFrames          frames a stream keeps at most
     * @param videoTopic         the video topic, named in dead letters
     * @param stallMs            how long (processing time) without anything of a stream its windows wait at most
     */
    public AudioVideoAligner(int frames, long frameUs, long maxFrameDistanceUs, long videoWaitUs, long outOfOrderUs,
            int maxFrames, String videoTopic, long stallMs) {
        if (frames < 1 || frameUs <= 0 || maxFrameDistanceUs < 0 || videoWaitUs < 0 || outOfOrderUs < 0 || maxFrames < frames) {
            throw new IllegalArgumentException("bad alignment settings: frames " + frames + ", frame " + frameUs
                    + " us, distance " + maxFrameDistanceUs + " us, wait " + videoWaitUs + " us, out of order "
                    + outOfOrderUs + " us, max frames " + maxFrames);
        }
        this.frames = frames;
        this.frameUs = frameUs;
        this.maxFrameDistanceUs = maxFrameDistanceUs;
        this.videoWaitUs = videoWaitUs;
        this.outOfOrderUs = outOfOrderUs;
        this.maxFrames = maxFrames;
        this.videoTopic = videoTopic;
        this.stallMs = stallMs;
    }

    @Override
    public void open(OpenContext ctx) {
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waitingWindows",
                TypeInformation.of(AudioWindow.class)));
        video = getRuntimeContext().getMapState(new MapStateDescriptor<>("videoFrames", Types.LONG,
                TypeInformation.of(StoredFrame.class)));
        lastInputMs = new HashMap<>();
        codec = AvroCodec.forClass(VideoFrame.class);
        MetricGroup g = getRuntimeContext().getMetricGroup();
        withVideo = g.counter("windowsWithVideo");
        audioOnly = g.counter("windowsAudioOnly");
        kept = g.counter("framesKept");
        thinned = g.counter("framesThinned");
        duplicates = g.counter("framesDuplicate");
        outOfOrder = g.counter("framesOutOfOrder");
        evicted = g.counter("framesEvicted");
        stateBytes = g.histogram("streamStateBytes", new DescriptiveStatisticsHistogram(1000));
    }

    /** The time of slot {@code k} of window {@code w}. */
    long slotUs(AudioWindow w, int k) {
        long centre = w.startUs + (w.endUs - w.startUs) / 2;
        return centre - frames * frameUs / 2 + k * frameUs;
    }

    @Override
    public void processElement1(AudioWindow w, Context ctx, Collector<AudioVisualWindow> out) throws Exception {
        waiting.add(w);
        ctx.timerService().registerEventTimeTimer(w.endUs / 1000 + videoWaitUs / 1000);
        arrived(ctx);
        release(ctx.timerService().currentWatermark(), false, null, out);
    }

    /** Notes an input of the current stream and makes sure a stall check follows within a second of the stall time. */
    private void arrived(Context ctx) {
        long now = ctx.timerService().currentProcessingTime();
        lastInputMs.put(ctx.getCurrentKey(), now);
        ctx.timerService().registerProcessingTimeTimer((now + stallMs) / 1000 * 1000 + 1000);
    }

    @Override
    public void processElement2(Stamped<VideoFrame> s, Context ctx, Collector<AudioVisualWindow> out) throws Exception {
        arrived(ctx);
        VideoFrame f = s.record;
        long t = f.getCaptureTimeUs();
        TreeMap<Long, StoredFrame> held = frames();
        if (!held.isEmpty()) {
            long newest = held.lastKey();
            if (t < newest - outOfOrderUs) {
                outOfOrder.inc();
                ctx.output(DEAD_LETTERS, deadLetter(s, "frame at " + t + " us is " + (newest - t) / 1000
                        + " ms behind the stream's newest frame (" + outOfOrderUs / 1000 + " ms allowed)"));
                return;
            }
            if (held.containsKey(t)) {
                duplicates.inc();
                return;
            }
            Map.Entry<Long, StoredFrame> before = held.floorEntry(t);
            Map.Entry<Long, StoredFrame> after = held.ceilingEntry(t);
            long spacing = frameUs / 4;
            if ((before != null && t - before.getKey() < spacing) || (after != null && after.getKey() - t < spacing)) {
                thinned.inc();
                return;
            }
        }
        StoredFrame frame = StoredFrame.of(f, t);
        video.put(t, frame);
        held.put(t, frame);
        kept.inc();
        while (held.size() > maxFrames) {
            video.remove(held.pollFirstEntry().getKey());
            evicted.inc();
        }
        release(ctx.timerService().currentWatermark(), false, held, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AudioVisualWindow> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            release(timestamp, false, null, out);
            return;
        }
        String key = ctx.getCurrentKey();
        Long last = lastInputMs.get(key);
        if (last == null) {
            // restored from a checkpoint: the stall time counts from now
            lastInputMs.put(key, timestamp);
            ctx.timerService().registerProcessingTimeTimer(timestamp + stallMs);
        } else if (last + stallMs <= timestamp) {
            // nothing of this stream for the stall time: its waiting windows are decided, its frames dropped
            release(ctx.timerService().currentWatermark(), true, null, out);
            video.clear();
            lastInputMs.remove(key);
        }
    }

    /**
     * Decides the waiting windows, oldest first, up to the first that may still get its video: complete, past the
     * watermark's wait, or all of them when the stream's inputs stalled. {@code known} is the stream's frames by time
     * when the caller has read them already (kept in step with the state here), or null.
     */
    private void release(long watermarkMs, boolean stalled, TreeMap<Long, StoredFrame> known,
            Collector<AudioVisualWindow> out) throws Exception {
        List<AudioWindow> pending = new ArrayList<>();
        for (AudioWindow w : waiting.get()) {
            pending.add(w);
        }
        TreeMap<Long, StoredFrame> held = known != null ? known : frames();
        if (pending.isEmpty()) {
            recordState(List.of(), held);
            return;
        }
        long newest = held.isEmpty() ? Long.MIN_VALUE : held.lastKey();
        int decided = 0;
        for (AudioWindow w : pending) {
            boolean complete = newest >= slotUs(w, frames - 1) + maxFrameDistanceUs;
            // in milliseconds: the end of input's watermark (Long.MAX_VALUE) must not overflow
            boolean expired = watermarkMs != Long.MIN_VALUE && watermarkMs >= (w.endUs + videoWaitUs) / 1000;
            if (!complete && !expired && !stalled) {
                break;
            }
            out.collect(decide(w, held));
            decided++;
            // later windows' spans start later: frames before this one's first slot can fill no later slot
            long keepFrom = slotUs(w, 0) - maxFrameDistanceUs;
            while (!held.isEmpty() && held.firstKey() < keepFrom && held.size() > 1) {
                video.remove(held.pollFirstEntry().getKey());
            }
        }
        if (decided > 0) {
            List<AudioWindow> rest = pending.subList(decided, pending.size());
            waiting.update(new ArrayList<>(rest));
            recordState(rest, held);
        } else {
            recordState(pending, held);
        }
    }

    private AudioVisualWindow decide(AudioWindow w, TreeMap<Long, StoredFrame> held) {
        AudioVisualWindow av = copy(w);
        av.video = framesFor(w, held);
        (av.video == null ? audioOnly : withVideo).inc();
        return av;
    }

    /**
     * The frames of a window among a stream's frames (by capture time): the nearest to each slot (the earlier on a
     * tie), or null when a slot has none within the maximum distance. What a window gets, streaming or offline.
     */
    public StoredFrame[] framesFor(AudioWindow w, NavigableMap<Long, StoredFrame> held) {
        StoredFrame[] clip = new StoredFrame[frames];
        for (int k = 0; k < frames; k++) {
            long slot = slotUs(w, k);
            Map.Entry<Long, StoredFrame> a = held.floorEntry(slot);
            Map.Entry<Long, StoredFrame> b = held.ceilingEntry(slot);
            Map.Entry<Long, StoredFrame> best = a == null ? b : b == null ? a : slot - a.getKey() <= b.getKey() - slot ? a : b;
            if (best == null || Math.abs(best.getKey() - slot) > maxFrameDistanceUs) {
                return null;
            }
            clip[k] = best.getValue();
        }
        return clip;
    }

    /** A window without video, to be decided: its fields, no frames yet. */
    public static AudioVisualWindow withoutVideo(AudioWindow w) {
        return copy(w);
    }

    private TreeMap<Long, StoredFrame> frames() throws Exception {
        TreeMap<Long, StoredFrame> held = new TreeMap<>();
        for (Map.Entry<Long, StoredFrame> e : video.entries()) {
            held.put(e.getKey(), e.getValue());
        }
        return held;
    }

    private void recordState(List<AudioWindow> pending, TreeMap<Long, StoredFrame> held) {
        long bytes = 0;
        for (AudioWindow w : pending) {
            bytes += 4L * (w.fbank == null ? 0 : w.fbank.length) + 128;
        }
        for (StoredFrame f : held.values()) {
            bytes += f.stateBytes();
        }
        stateBytes.update(bytes);
        maxStateBytes = Math.max(maxStateBytes, bytes);
    }

    /** The largest keyed state of a stream this instance has held, bytes (roughly: window data and frame data). */
    long maxStateBytes() {
        return maxStateBytes;
    }

    private DeadLetter deadLetter(Stamped<VideoFrame> s, String detail) {
        byte[] payload = codec.encode(s.record);
        return DeadLetter.newBuilder()
                .setReason(ReasonCode.BAD_TIMESTAMP.name())
                .setDetail(detail)
                .setSourceTopic(videoTopic)
                .setSourcePartition(-1)
                .setSourceOffset(-1L)
                .setSourceTimestampUs(s.kafkaTimestampMs * 1000L)
                .setKey(ByteBuffer.wrap(s.record.getStreamId().getBytes(StandardCharsets.UTF_8)))
                .setPayload(ByteBuffer.wrap(payload))
                .setPayloadSize(payload.length)
                .setStreamId(s.record.getStreamId())
                .setDeadLetteredAtUs(EpochMicros.now())
                .build();
    }

    private static AudioVisualWindow copy(AudioWindow w) {
        AudioVisualWindow av = new AudioVisualWindow();
        av.streamId = w.streamId;
        av.startUs = w.startUs;
        av.endUs = w.endUs;
        av.frames = w.frames;
        av.bins = w.bins;
        av.frameShiftUs = w.frameShiftUs;
        av.fbank = w.fbank;
        av.firstFrame = w.firstFrame;
        av.lastCaptureUs = w.lastCaptureUs;
        av.lastKafkaUs = w.lastKafkaUs;
        av.closedAtUs = w.closedAtUs;
        av.annotation = w.annotation;
        return av;
    }
}
