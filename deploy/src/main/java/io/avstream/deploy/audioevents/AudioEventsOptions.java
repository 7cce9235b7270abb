package io.avstream.deploy.audioevents;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;

import io.avstream.schemas.Topics;
import org.apache.flink.configuration.ConfigOption;

/** The audio-events pipeline's settings, under {@code avstream.audio-events.*}. */
public final class AudioEventsOptions {
    private AudioEventsOptions() {}

    public static final ConfigOption<String> TOPIC = key("avstream.audio-events.topic")
            .stringType().defaultValue(Topics.AUDIO)
            .withDescription("Input topic of audio chunks.");

    public static final ConfigOption<String> PREDICTIONS_TOPIC = key("avstream.audio-events.predictions-topic")
            .stringType().defaultValue(Topics.PREDICTIONS_AUDIO_EVENTS)
            .withDescription("Output topic of window tags and audio events.");

    public static final ConfigOption<String> MODEL = key("avstream.audio-events.model")
            .stringType().defaultValue("classpath:mavil-audio-small")
            .withDescription("Audio-event model package: classpath:<name> or a directory on every TaskManager.");

    public static final ConfigOption<Integer> WINDOW_FRAMES = key("avstream.audio-events.window.frames")
            .intType().defaultValue(1024)
            .withDescription("Filterbank frames (10 ms each) of a full window; at most the model's input (1024 = 10.24 s).");

    public static final ConfigOption<Integer> HOP_FRAMES = key("avstream.audio-events.window.hop-frames")
            .intType().defaultValue(100)
            .withDescription("Frames from one window to the next (100 = 1 s).");

    public static final ConfigOption<Integer> MIN_FRAMES = key("avstream.audio-events.window.min-frames")
            .intType().defaultValue(100)
            .withDescription("Frames a stream has before its first window (shorter windows are padded as in training).");

    public static final ConfigOption<Duration> SLICE = key("avstream.audio-events.slice")
            .durationType().defaultValue(Duration.ofMillis(250))
            .withDescription("Length of the slices in which the windowing core hands a stream's chunks on, in order. A "
                    + "window is cut when the slice with its newest chunk closes (the out-of-orderness after the slice's "
                    + "end), so the slice adds up to its length to the latency: 250 ms instead of 1 s took 0.3 s off the "
                    + "median end-to-end latency in the load test.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = key("avstream.audio-events.out-of-orderness")
            .durationType().defaultValue(Duration.ofMillis(300))
            .withDescription("How far behind its stream's newest chunk a chunk may arrive and still be used.");

    public static final ConfigOption<Duration> MAX_GAP_FILL = key("avstream.audio-events.max-gap-fill")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("Gaps in a stream's audio up to this long are filled with silence; longer ones restart the stream.");

    public static final ConfigOption<Duration> JITTER = key("avstream.audio-events.jitter")
            .durationType().defaultValue(Duration.ofMillis(20))
            .withDescription("How far a chunk's timestamp may sit from where the stream's samples put it.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT = key("avstream.audio-events.idle-timeout")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("A stream silent this long (processing time) has its last window cut, its open events "
                    + "ended and its state dropped.");

    public static final ConfigOption<Integer> ASYNC_CAPACITY = key("avstream.audio-events.async-capacity")
            .intType().defaultValue(16).withFallbackKeys("avstream.inference.async-capacity")
            .withDescription("Audio windows in flight per inference subtask (falls back to avstream.inference.async-capacity "
                    + "when that is set). Lower than MoCap's 128: an audio window is 0.5 MB, and every window in flight "
                    + "is copied into each checkpoint. In a fresh JVM with 24 streams on 2 cores, 128 let a start-up "
                    + "backlog into the operator, checkpoints took a third of a core and the engine half of it: 16 "
                    + "windows/s predicted, the rest shed; with 16 in flight the engine had three quarters of it and "
                    + "all 24 windows/s were predicted.");

    public static final ConfigOption<Integer> MIN_SAMPLE_RATE = key("avstream.audio-events.min-sample-rate")
            .intType().defaultValue(8000).withDescription("Lowest accepted sample rate, Hz.");

    public static final ConfigOption<Integer> MAX_SAMPLE_RATE = key("avstream.audio-events.max-sample-rate")
            .intType().defaultValue(48000).withDescription("Highest accepted sample rate, Hz.");

    public static final ConfigOption<Integer> MAX_CHANNELS = key("avstream.audio-events.max-channels")
            .intType().defaultValue(8).withDescription("Most interleaved channels in a chunk.");

    public static final ConfigOption<Duration> MAX_CHUNK = key("avstream.audio-events.max-chunk")
            .durationType().defaultValue(Duration.ofSeconds(10)).withDescription("Longest chunk of audio accepted.");
}
