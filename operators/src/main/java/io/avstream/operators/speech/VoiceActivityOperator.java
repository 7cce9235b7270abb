package io.avstream.operators.speech;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.avstream.models.ModelHandle;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.SharedModels;
import io.avstream.operators.audioevents.AudioSlice;
import io.avstream.operators.audioevents.PcmBlock;
import io.avstream.operators.inference.ModelRef;
import io.avstream.schemas.EpochMicros;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Voice activity on many audio streams at once (keyed by stream id, after {@link io.avstream.operators.audioevents.AudioSlicer}):
 * each stream's audio is taken in time order and cut into 512-sample chunks at 16 kHz ({@link VadStream}, its memory
 * in keyed state {@code vad}), and the chunks waiting in all streams of this subtask are scored together, one chunk of
 * each stream per batch, by the shared Silero VAD model; the endpointer turns each stream's probabilities into
 * {@link SpeechSegment}s.
 *
 * <p>When chunks are scored: when a stream that already has chunks waiting sends more (so each burst of slices that a
 * watermark releases becomes one round of batches), at the latest {@code maxDelayMs} after a chunk became ready, and
 * before every checkpoint barrier, so that no chunk waits outside keyed state in a checkpoint and a restore resumes
 * each stream mid-utterance with its recurrent state, context and endpointing memory. At the end of a bounded input,
 * and when a stream sends nothing for the idle timeout (time before a restart not counted), its open segment ends.
 *
 * <p>Metrics: {@code vadChunks}, {@code vadBatches}, {@code vadBatchSize} (histogram), {@code speechSegments},
 * {@code speechSegmentsCut}, {@code speechInterimSegments}, {@code speechTooShort}, {@code audioGapsFilled}, {@code audioStreamRestarts},
 * {@code audioOverlapSamples}.
 */
public class VoiceActivityOperator extends AbstractStreamOperator<SpeechSegment>
        implements OneInputStreamOperator<AudioSlice, SpeechSegment>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    private final ModelRef modelRef;
    private final RuntimeOptions runtimeOptions;
    private final VadStream stream;
    private final long maxDelayMs;
    private final long idleTimeoutMs;

    private transient ValueState<VadStreamState> vad;
    private transient ValueState<Long> lastArrivalMs;
    private transient ValueState<Long> idleTimerMs;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient ModelHandle model;
    private transient SileroVad silero;
    private transient Set<String> ready;
    private transient boolean flushArmed;
    private transient long runningSinceMs;
    private transient Counter chunks;
    private transient Counter batches;
    private transient Histogram batchSize;
    private transient Counter segments;
    private transient Counter segmentsCut;
    private transient Counter interims;
    private transient Counter tooShort;
    private transient Counter gapsFilled;
    private transient Counter restarts;
    private transient Counter overlapSamples;

    /**
     * @param modelRef       the Silero VAD package
     * @param runtimeOptions how the shared model batches (one chunk per stream in a batch)
     * @param stream         how a stream is followed and endpointed
     * @param maxDelayMs     the longest a ready chunk waits for more streams' chunks
     * @param idleTimeoutMs  how long a stream may send nothing before its open segment ends
     */
    public VoiceActivityOperator(ModelRef modelRef, RuntimeOptions runtimeOptions, VadStream stream, long maxDelayMs,
            long idleTimeoutMs) {
        this.modelRef = modelRef;
        this.runtimeOptions = runtimeOptions;
        this.stream = stream;
        this.maxDelayMs = maxDelayMs;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    @Override
    public void open() throws Exception {
        super.open();
        vad = getRuntimeContext().getState(new ValueStateDescriptor<>("vad", TypeInformation.of(VadStreamState.class)));
        lastArrivalMs = getRuntimeContext().getState(new ValueStateDescriptor<>("lastArrivalMs", Types.LONG));
        idleTimerMs = getRuntimeContext().getState(new ValueStateDescriptor<>("idleTimerMs", Types.LONG));
        timers = getInternalTimerService("vad-timers", VoidNamespaceSerializer.INSTANCE, this);
        model = SharedModels.acquire(modelRef.load(), runtimeOptions);
        silero = new SileroVad(model);
        ready = new LinkedHashSet<>();
        runningSinceMs = -1;
        MetricGroup g = getRuntimeContext().getMetricGroup();
        chunks = g.counter("vadChunks");
        batches = g.counter("vadBatches");
        batchSize = g.histogram("vadBatchSize", new DescriptiveStatisticsHistogram(1000));
        segments = g.counter("speechSegments");
        segmentsCut = g.counter("speechSegmentsCut");
        interims = g.counter("speechInterimSegments");
        tooShort = g.counter("speechTooShort");
        gapsFilled = g.counter("audioGapsFilled");
        restarts = g.counter("audioStreamRestarts");
        overlapSamples = g.counter("audioOverlapSamples");
    }

    @Override
    public void processElement(StreamRecord<AudioSlice> element) throws Exception {
        String key = (String) getCurrentKey();
        VadStreamState s = vad.value();
        if (s != null && stream.ready(s) > 0) {
            // this stream's waiting chunks first, with every other stream's
            ready.add(key);
            scoreReady();
            s = vad.value();
        }
        if (s == null) {
            // ends the open segment at the end of a bounded input
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, Long.MAX_VALUE);
        }
        long now = EpochMicros.now();
        VadStream.Listener listener = listener();
        for (PcmBlock b : element.getValue().blocks) {
            if (s != null && stream.ready(s) > 0 && stream.restarts(s, b)) {
                // the stream ends where its scored chunks end: its waiting chunks first
                vad.update(s);
                ready.add(key);
                scoreReady();
                s = vad.value();
            }
            s = stream.accept(key, s, b, now, listener);
        }
        vad.update(s);
        if (stream.ready(s) > 0) {
            ready.add(key);
            armFlush();
        }
        arrived();
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        endStream(); // the end of a bounded input
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        Long last = lastArrivalMs.value();
        if (last == null) {
            return;
        }
        long since = Math.max(last, runningSince(now));
        if (now - since >= idleTimeoutMs) {
            endStream();
        } else {
            idleTimerMs.update(since + idleTimeoutMs);
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, since + idleTimeoutMs);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        scoreReady();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            scoreReady(); // every chunk of a bounded input is scored before the streams end
        }
        super.processWatermark(mark);
    }

    @Override
    public void finish() throws Exception {
        scoreReady();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }

    /** The current key's stream ends: its waiting chunks are scored, its open segment ends, its state goes. */
    private void endStream() throws Exception {
        String key = (String) getCurrentKey();
        VadStreamState s = vad.value();
        if (s != null && stream.ready(s) > 0) {
            ready.add(key);
            scoreReady();
        }
        stream.finish(key, vad.value(), EpochMicros.now(), listener());
        vad.clear();
        lastArrivalMs.clear();
        Long idle = idleTimerMs.value();
        if (idle != null) {
            timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, idle);
            idleTimerMs.clear();
        }
    }

    /** Scores every waiting chunk of every stream: rounds of one chunk per stream, each round one batch. */
    private void scoreReady() throws Exception {
        if (ready.isEmpty()) {
            return;
        }
        Object current = getCurrentKey();
        try {
            List<String> keys = new ArrayList<>(ready);
            List<VadStreamState> states = new ArrayList<>(keys.size());
            for (String k : keys) {
                setCurrentKey(k);
                states.add(vad.value());
            }
            VadStream.Listener listener = listener();
            while (!keys.isEmpty()) {
                List<float[]> inputs = new ArrayList<>(keys.size());
                List<float[]> rnn = new ArrayList<>(keys.size());
                for (VadStreamState s : states) {
                    inputs.add(stream.input(s));
                    rnn.add(s.rnn);
                }
                float[] p = silero.score(inputs, rnn);
                batches.inc();
                batchSize.update(keys.size());
                chunks.inc(keys.size());
                long now = EpochMicros.now();
                List<String> moreKeys = new ArrayList<>(keys.size());
                List<VadStreamState> moreStates = new ArrayList<>(keys.size());
                for (int i = 0; i < keys.size(); i++) {
                    String k = keys.get(i);
                    VadStreamState s = states.get(i);
                    setCurrentKey(k);
                    stream.scored(k, s, p[i], rnn.get(i), now, listener);
                    if (stream.ready(s) > 0) {
                        moreKeys.add(k);
                        moreStates.add(s);
                    } else {
                        stream.trim(s);
                        vad.update(s);
                    }
                }
                keys = moreKeys;
                states = moreStates;
            }
            ready.clear();
        } finally {
            if (current != null) {
                setCurrentKey(current);
            }
        }
    }

    private void armFlush() {
        if (!flushArmed) {
            flushArmed = true;
            long at = getProcessingTimeService().getCurrentProcessingTime() + maxDelayMs;
            getProcessingTimeService().registerTimer(at, t -> {
                flushArmed = false;
                scoreReady();
            });
        }
    }

    private void arrived() throws Exception {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        runningSince(now);
        lastArrivalMs.update(now);
        if (idleTimerMs.value() == null) {
            idleTimerMs.update(now + idleTimeoutMs);
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, now + idleTimeoutMs);
        }
    }

    private long runningSince(long now) {
        if (runningSinceMs < 0) {
            runningSinceMs = now;
        }
        return runningSinceMs;
    }

    private VadStream.Listener listener() {
        return new VadStream.Listener() {
            @Override
            public void segment(SpeechSegment segment) {
                segments.inc();
                if (segment.cutAtMaxLength) {
                    segmentsCut.inc();
                }
                output.collect(new StreamRecord<>(segment));
            }

            @Override
            public void interim(SpeechSegment segment) {
                interims.inc();
                output.collect(new StreamRecord<>(segment));
            }

            @Override
            public void gapFilled(long gapUs) {
                gapsFilled.inc();
            }

            @Override
            public void restarted(String why) {
                restarts.inc();
            }

            @Override
            public void overlapDropped(long samples) {
                overlapSamples.inc(samples);
            }

            @Override
            public void tooShort() {
                tooShort.inc();
            }
        };
    }
}
