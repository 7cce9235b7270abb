package io.avstream.operators.audioevents;

import java.util.List;

import io.avstream.models.ModelPackage;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.post.PredictionIds;
import io.avstream.operators.post.Scores;
import io.avstream.schemas.AudioEvent;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import io.avstream.operators.window.IdleTimer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per audio stream, after inference (the results of a stream in window order): passes each window's prediction
 * on and feeds its per-column probabilities to the stream's {@link EventTracker} (state {@code events}), which
 * judges each moment of the stream once; every event found becomes one more prediction: an event record
 * ({@link Prediction#getEvent()}: label with its peak score, onset, offset; window start and end are the onset
 * and offset; id {@code stream/audio-events/offset/model@version/event/class}), with the latency record of
 * the window that ended it. At the end of a bounded input, and when a stream sends nothing for the idle timeout,
 * the events still open end there.
 *
 * <p>Metrics: {@code audioEvents}.
 */
public class AudioEventTracking extends KeyedProcessFunction<String, AudioResult, Prediction> {
    private static final long serialVersionUID = 1L;

    private final ModelRef modelRef;
    private final long idleTimeoutMs;

    private transient EventTracker tracker;
    private transient List<String> labels;
    private transient List<String> ids;
    private transient String modelName;
    private transient String modelVersion;
    private transient ValueState<EventTracker.State> events;
    private transient ValueState<LatencyRecord> lastLatency;
    private transient IdleTimer idle;
    private transient Counter found;

    /**
     * @param modelRef      the audio-event model package (its thresholds, labels and ids)
     * @param idleTimeoutMs a stream without results for this long (processing time) has its open events ended
     */
    public AudioEventTracking(ModelRef modelRef, long idleTimeoutMs) {
        this.modelRef = modelRef;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    @Override
    public void open(OpenContext ctx) {
        ModelPackage pkg = modelRef.load();
        tracker = AudioEventsModel.of(pkg).tracker();
        labels = pkg.labels();
        ids = pkg.labelIds();
        modelName = pkg.manifest().name();
        modelVersion = pkg.manifest().version();
        events = getRuntimeContext().getState(new ValueStateDescriptor<>("events", TypeInformation.of(EventTracker.State.class)));
        lastLatency = getRuntimeContext().getState(new ValueStateDescriptor<>("lastLatency", TypeInformation.of(LatencyRecord.class)));
        idle = new IdleTimer(getRuntimeContext(), "idleTimerMs", idleTimeoutMs);
        found = getRuntimeContext().getMetricGroup().counter("audioEvents");
    }

    @Override
    public void processElement(AudioResult r, Context ctx, Collector<Prediction> out) throws Exception {
        out.collect(r.prediction);
        EventTracker.State s = events.value();
        if (s == null) {
            s = tracker.newState();
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        }
        String stream = ctx.getCurrentKey();
        LatencyRecord latency = r.prediction.getLatency();
        EventTracker.Listener emit = (c, on, off, peak) -> out.collect(event(stream, c, on, off, peak, latency));
        tracker.accept(s, r, emit);
        events.update(s);
        lastLatency.update(latency);
        idle.arrived(ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Prediction> out) throws Exception {
        // the end of a bounded input (event time), or the stream fell idle
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME && !idle.idle(ctx.timerService())) {
            return;
        }
        EventTracker.State s = events.value();
        LatencyRecord latency = lastLatency.value();
        if (s != null && latency != null) {
            String stream = ctx.getCurrentKey();
            tracker.end(s, (c, on, off, peak) -> out.collect(event(stream, c, on, off, peak, latency)));
        }
        events.clear();
        lastLatency.clear();
        idle.clear();
    }

    private Prediction event(String stream, int cls, long onsetUs, long offsetUs, float peak, LatencyRecord latency) {
        found.inc();
        return eventRecord(stream, cls, onsetUs, offsetUs, peak, labels, ids, modelName, modelVersion, latency);
    }

    /**
     * The event record of one event: its class with the peak score as label and event, onset and offset as window
     * start and end, a copy of {@code latency}.
     */
    public static Prediction eventRecord(String stream, int cls, long onsetUs, long offsetUs, float peak, List<String> labels,
            List<String> ids, String modelName, String modelVersion, LatencyRecord latency) {
        var label = Scores.label(cls, peak, labels, ids);
        return Prediction.newBuilder()
                .setPredictionId(PredictionIds.ofEvent(stream, AudioEventsTranslator.TASK, offsetUs, modelName, modelVersion, cls))
                .setStreamId(stream)
                .setTask(AudioEventsTranslator.TASK)
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setWindowStartUs(onsetUs)
                .setWindowEndUs(offsetUs)
                .setLabels(List.of(label))
                .setEvent(AudioEvent.newBuilder().setLabel(label).setOnsetUs(onsetUs).setOffsetUs(offsetUs).build())
                .setLatency(LatencyRecord.newBuilder(latency).build())
                .build();
    }
}
