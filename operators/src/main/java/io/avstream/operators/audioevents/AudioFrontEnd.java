package io.avstream.operators.audioevents;

import io.avstream.schemas.EpochMicros;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per audio stream (keyed by stream id, after {@link AudioSlicer}): converts the stream's audio to the
 * model's rate and filterbank frames as it arrives and cuts the model's windows ({@link AudioStream}),
 * everything the stream needs kept in keyed state ({@code audio}) so that a restart resumes mid-stream
 * with the same samples, frames and windows. At the end of a bounded input, and when a stream sends
 * nothing for the idle timeout, its last window is cut and its state cleared.
 *
 * <p>Metrics: {@code audioWindows}, {@code audioGapsFilled}, {@code audioStreamRestarts},
 * {@code audioOverlapSamples}.
 */
public class AudioFrontEnd extends KeyedProcessFunction<String, AudioSlice, AudioWindow> {
    private static final long serialVersionUID = 1L;

    private final AudioStream stream;

    private transient ValueState<AudioStreamState> audio;
    private transient ValueState<Long> lastArrivalMs;
    private transient ValueState<Long> idleTimerMs;
    private transient long runningSinceMs;
    private transient Counter windows;
    private transient Counter gapsFilled;
    private transient Counter restarts;
    private transient Counter overlapSamples;

    public AudioFrontEnd(AudioStream stream) {
        this.stream = stream;
    }

    @Override
    public void open(OpenContext ctx) {
        audio = getRuntimeContext().getState(new ValueStateDescriptor<>("audio", TypeInformation.of(AudioStreamState.class)));
        lastArrivalMs = getRuntimeContext().getState(new ValueStateDescriptor<>("lastArrivalMs", Types.LONG));
        idleTimerMs = getRuntimeContext().getState(new ValueStateDescriptor<>("idleTimerMs", Types.LONG));
        MetricGroup g = getRuntimeContext().getMetricGroup();
        windows = g.counter("audioWindows");
        gapsFilled = g.counter("audioGapsFilled");
        restarts = g.counter("audioStreamRestarts");
        overlapSamples = g.counter("audioOverlapSamples");
        runningSinceMs = -1;
    }

    @Override
    public void processElement(AudioSlice slice, Context ctx, Collector<AudioWindow> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (runningSinceMs < 0) {
            runningSinceMs = now;
        }
        String key = ctx.getCurrentKey();
        AudioStreamState s = audio.value();
        if (s == null) {
            // cuts the last window at the end of a bounded input
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        }
        AudioStream.Listener listener = listener(out);
        for (PcmBlock b : slice.blocks) {
            s = stream.accept(key, s, b, EpochMicros.now(), listener);
        }
        audio.update(s);
        lastArrivalMs.update(now);
        if (idleTimerMs.value() == null) {
            long at = now + stream.spec().idleTimeoutMs();
            ctx.timerService().registerProcessingTimeTimer(at);
            idleTimerMs.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AudioWindow> out) throws Exception {
        String key = ctx.getCurrentKey();
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            stream.finish(key, audio.value(), EpochMicros.now(), listener(out));
            audio.clear();
            lastArrivalMs.clear();
            idleTimerMs.clear();
            return;
        }
        Long last = lastArrivalMs.value();
        long now = ctx.timerService().currentProcessingTime();
        if (runningSinceMs < 0) {
            runningSinceMs = now;
        }
        // idle only if nothing came for the timeout while this job ran (after a restore, replayed chunks come first)
        long activeSince = Math.max(last == null ? now : last, runningSinceMs);
        if (last == null || now - activeSince >= stream.spec().idleTimeoutMs()) {
            stream.finish(key, audio.value(), EpochMicros.now(), listener(out));
            audio.clear();
            lastArrivalMs.clear();
            idleTimerMs.clear();
        } else {
            long at = activeSince + stream.spec().idleTimeoutMs();
            ctx.timerService().registerProcessingTimeTimer(at);
            idleTimerMs.update(at);
        }
    }

    private AudioStream.Listener listener(Collector<AudioWindow> out) {
        return new AudioStream.Listener() {
            @Override
            public void window(AudioWindow w) {
                windows.inc();
                out.collect(w);
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
            public void overlapDropped(int samples) {
                overlapSamples.inc(samples);
            }
        };
    }
}
