package io.avstream.operators.audioevents;

import io.avstream.schemas.EpochMicros;
import io.avstream.operators.window.IdleTimer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
    private transient IdleTimer idle;
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
        idle = new IdleTimer(getRuntimeContext(), "idleTimerMs", stream.spec().idleTimeoutMs());
        MetricGroup g = getRuntimeContext().getMetricGroup();
        windows = g.counter("audioWindows");
        gapsFilled = g.counter("audioGapsFilled");
        restarts = g.counter("audioStreamRestarts");
        overlapSamples = g.counter("audioOverlapSamples");
    }

    @Override
    public void processElement(AudioSlice slice, Context ctx, Collector<AudioWindow> out) throws Exception {
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
        idle.arrived(ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AudioWindow> out) throws Exception {
        // the end of a bounded input (event time), or the stream fell idle
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME || idle.idle(ctx.timerService())) {
            stream.finish(ctx.getCurrentKey(), audio.value(), EpochMicros.now(), listener(out));
            audio.clear();
            idle.clear();
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
