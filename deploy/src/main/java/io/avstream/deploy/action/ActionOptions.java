package io.avstream.deploy.action;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;

import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.Topics;
import org.apache.flink.configuration.ConfigOption;

/**
 * The action pipeline's settings, under {@code avstream.action.*}. Each also answers to the key it had
 * before pipelines existed (e.g. {@code avstream.window.span}), so existing deployments keep working.
 */
public final class ActionOptions {
    private ActionOptions() {}

    public static final ConfigOption<String> TOPIC = key("avstream.action.topic")
            .stringType().defaultValue(Topics.MOCAP).withFallbackKeys("avstream.topic.mocap")
            .withDescription("Input topic of MoCap frames.");

    public static final ConfigOption<String> PREDICTIONS_TOPIC = key("avstream.action.predictions-topic")
            .stringType().defaultValue(Topics.PREDICTIONS_ACTION).withFallbackKeys("avstream.topic.predictions.action")
            .withDescription("Output topic of action predictions.");

    public static final ConfigOption<String> MODEL = key("avstream.action.model")
            .stringType().defaultValue("classpath:stmt-small").withFallbackKeys("avstream.model.action")
            .withDescription("Action model package: classpath:<name> or a directory on every TaskManager.");

    public static final ConfigOption<Duration> WINDOW_SPAN = key("avstream.action.window.span")
            .durationType().defaultValue(Duration.ofSeconds(2)).withFallbackKeys("avstream.window.span")
            .withDescription("Window length (event time).");

    public static final ConfigOption<Duration> WINDOW_HOP = key("avstream.action.window.hop")
            .durationType().defaultValue(Duration.ofSeconds(1)).withFallbackKeys("avstream.window.hop")
            .withDescription("Window hop (event time).");

    public static final ConfigOption<WindowSpec.Stagger> WINDOW_STAGGER = key("avstream.action.window.stagger")
            .enumType(WindowSpec.Stagger.class).defaultValue(WindowSpec.Stagger.ALIGNED).withFallbackKeys("avstream.window.stagger")
            .withDescription("ALIGNED: every stream's windows start at multiples of the hop, so all streams close a window "
                    + "at the same instants and inference comes in one burst per hop. PER_STREAM: each stream's windows "
                    + "are shifted by a fixed offset in [0, hop) from its id (FNV-1a of the id modulo the hop, whole ms), "
                    + "which spreads inference over the hop and lowers tail latency with many streams. Changing it on a "
                    + "running job moves the boundaries of the streams that start (or resume after going idle) "
                    + "afterwards; restored streams keep theirs.");

    public static final ConfigOption<Double> WINDOW_MIN_COVERAGE = key("avstream.action.window.min-coverage")
            .doubleType().defaultValue(0.8).withFallbackKeys("avstream.window.min-coverage")
            .withDescription("Share of the expected frames (span x fps) a window must hold to be predicted.");

    public static final ConfigOption<Double> FPS = key("avstream.action.fps")
            .doubleType().defaultValue(25.0).withFallbackKeys("avstream.mocap.fps")
            .withDescription("Nominal MoCap frame rate.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = key("avstream.action.out-of-orderness")
            .durationType().defaultValue(Duration.ofMillis(200)).withFallbackKeys("avstream.watermark.out-of-orderness")
            .withDescription("How far behind its stream's newest frame a frame may arrive and still be used; "
                    + "a window closes when its stream has a frame this far past the window's end.");

    public static final ConfigOption<Duration> STREAM_IDLE_TIMEOUT = key("avstream.action.idle-timeout")
            .durationType().defaultValue(Duration.ofSeconds(10)).withFallbackKeys("avstream.window.idle-timeout")
            .withDescription("A stream silent this long (processing time) has its open windows closed with what they hold, "
                    + "and its state dropped.");
}
