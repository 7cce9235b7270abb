package io.avstream.deploy.audiovisual;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;

import io.avstream.schemas.Topics;
import org.apache.flink.configuration.ConfigOption;

/**
 * The audio-visual pipeline's settings, under {@code avstream.audio-visual.*}. Its audio side (chunk limits,
 * windows, slices, out-of-orderness, idle timeout) is the audio-events pipeline's ({@code avstream.audio-events.*}),
 * so that both models see the windows the audio-event models were made for.
 */
public final class AudioVisualOptions {
    private AudioVisualOptions() {}

    public static final ConfigOption<String> AUDIO_TOPIC = key("avstream.audio-visual.audio-topic")
            .stringType().defaultValue(Topics.AUDIO)
            .withDescription("Input topic of audio chunks.");

    public static final ConfigOption<String> VIDEO_TOPIC = key("avstream.audio-visual.video-topic")
            .stringType().defaultValue(Topics.VIDEO)
            .withDescription("Input topic of video frames (JPEG or RGB24) of the same streams.");

    public static final ConfigOption<String> PREDICTIONS_TOPIC = key("avstream.audio-visual.predictions-topic")
            .stringType().defaultValue(Topics.PREDICTIONS_AUDIO_VISUAL)
            .withDescription("Output topic of window tags and audio events, by the audio-visual or the audio-only model.");

    public static final ConfigOption<String> MODEL = key("avstream.audio-visual.model")
            .stringType().defaultValue("classpath:mavil-av-small")
            .withDescription("Audio-visual model package (task audio-visual-events): windows with their video.");

    public static final ConfigOption<String> AUDIO_MODEL = key("avstream.audio-visual.audio-model")
            .stringType().defaultValue("classpath:mavil-audio-small")
            .withDescription("Audio-only model package (task audio-events, the same classes): windows without video.");

    public static final ConfigOption<Duration> VIDEO_WAIT = key("avstream.audio-visual.video-wait")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("How long, in event time after a window's end, the window waits for its video before it "
                    + "goes to the audio-only model. Video lagging its audio by more goes unused.");

    public static final ConfigOption<Duration> MAX_FRAME_DISTANCE = key("avstream.audio-visual.max-frame-distance")
            .durationType().defaultValue(Duration.ofMillis(500))
            .withDescription("How far from one of a window's frame slots (2 fps over the 4 s centred in the window) a "
                    + "frame may be and still fill it; a window with an unfilled slot is audio-only.");

    public static final ConfigOption<Duration> VIDEO_OUT_OF_ORDERNESS = key("avstream.audio-visual.video-out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("How far behind its stream's newest frame a frame may arrive and still be used; frames "
                    + "further behind are dead-lettered (BAD_TIMESTAMP).");

    public static final ConfigOption<Integer> MAX_FRAMES = key("avstream.audio-visual.max-frames")
            .intType().defaultValue(256)
            .withDescription("Frames a stream keeps at most (compressed, at most 4 per frame slot interval), the oldest "
                    + "dropped first: bounds its state when its video runs ahead of its audio. 256 frames at 2 fps hold "
                    + "2 minutes (about 1.5 MB of 320 x 240 JPEG): when the job catches up on a backlog, one source may "
                    + "be read that far ahead of the other; windows whose frames were dropped go audio-only.");

    public static final ConfigOption<Integer> MIN_FRAME_SIDE = key("avstream.audio-visual.min-frame-side")
            .intType().defaultValue(16).withDescription("Smallest accepted frame side, pixels.");

    public static final ConfigOption<Integer> MAX_FRAME_SIDE = key("avstream.audio-visual.max-frame-side")
            .intType().defaultValue(8192).withDescription("Largest accepted frame side, pixels.");

    public static final ConfigOption<Integer> ASYNC_CAPACITY = key("avstream.audio-visual.async-capacity")
            .intType().defaultValue(16).withFallbackKeys("avstream.inference.async-capacity")
            .withDescription("Windows in flight per inference subtask (falls back to avstream.inference.async-capacity "
                    + "when that is set); as the audio-events pipeline's, for the same reason.");
}
