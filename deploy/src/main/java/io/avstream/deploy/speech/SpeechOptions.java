package io.avstream.deploy.speech;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;

import io.avstream.schemas.Topics;
import org.apache.flink.configuration.ConfigOption;

/** The speech pipeline's settings, under {@code avstream.speech.*}. */
public final class SpeechOptions {
    private SpeechOptions() {}

    public static final ConfigOption<String> TOPIC = key("avstream.speech.topic")
            .stringType().defaultValue(Topics.AUDIO)
            .withDescription("Input topic of audio chunks.");

    public static final ConfigOption<String> PREDICTIONS_TOPIC = key("avstream.speech.predictions-topic")
            .stringType().defaultValue(Topics.PREDICTIONS_SPEECH)
            .withDescription("Output topic of speech predictions, one per speech segment.");

    public static final ConfigOption<String> SPEAKERS_TOPIC = key("avstream.speech.speakers-topic")
            .stringType().defaultValue(Topics.SPEAKERS)
            .withDescription("Compacted topic of enrolled speakers (key = speaker id; null value = deletion), read "
                    + "from its beginning at a start without checkpoint.");

    public static final ConfigOption<String> MODEL = key("avstream.speech.model")
            .stringType().defaultValue("classpath:speech-small")
            .withDescription("Speech model package (recognition, speaker embedding, emotion): classpath:<name> or a "
                    + "directory on every TaskManager.");

    public static final ConfigOption<String> VAD_MODEL = key("avstream.speech.vad.model")
            .stringType().defaultValue("classpath:silero-vad")
            .withDescription("Voice-activity model package (Silero VAD).");

    public static final ConfigOption<Double> VAD_ENTER = key("avstream.speech.vad.enter")
            .doubleType().defaultValue(0.5)
            .withDescription("Speech starts at a chunk with this probability (Silero's threshold).");

    public static final ConfigOption<Double> VAD_EXIT = key("avstream.speech.vad.exit")
            .doubleType().noDefaultValue()
            .withDescription("Speech may end under this probability (default: enter - 0.15, at least 0.01, as Silero's).");

    public static final ConfigOption<Duration> VAD_MIN_SPEECH = key("avstream.speech.vad.min-speech")
            .durationType().defaultValue(Duration.ofMillis(250)).withDescription("Shorter speech is dropped.");

    public static final ConfigOption<Duration> VAD_MIN_SILENCE = key("avstream.speech.vad.min-silence")
            .durationType().defaultValue(Duration.ofMillis(100))
            .withDescription("Silence (under the exit threshold) this long ends a segment.");

    public static final ConfigOption<Duration> VAD_SPEECH_PAD = key("avstream.speech.vad.speech-pad")
            .durationType().defaultValue(Duration.ofMillis(30))
            .withDescription("Audio added before and after each segment's speech.");

    public static final ConfigOption<Duration> VAD_MAX_SEGMENT = key("avstream.speech.vad.max-segment")
            .durationType().defaultValue(Duration.ofSeconds(20))
            .withDescription("A segment this long is cut at its deepest pause.");

    public static final ConfigOption<String> VAD_END_RULE = key("avstream.speech.vad.end-rule")
            .stringType().defaultValue("left-speech")
            .withDescription("Where a confirmed segment ends: left-speech (the first chunk of the silence under the enter "
                    + "threshold) or silero (the first under the exit threshold, as Silero's get_speech_timestamps).");

    public static final ConfigOption<String> CTC_DECODING = key("avstream.speech.ctc-decoding")
            .stringType().defaultValue("vocabulary")
            .withDescription("How transcripts are decoded from the model's CTC scores: vocabulary (the most likely "
                    + "sequence of the words the model was trained on, when its package names them; greedy otherwise) "
                    + "or greedy (the most likely symbol per frame, words as they come out).");

    public static final ConfigOption<Duration> INTERIM_INTERVAL = key("avstream.speech.interim-interval")
            .durationType().defaultValue(Duration.ZERO)
            .withDescription("While speech goes on, an interim prediction of the speech so far (final false) every "
                    + "this much of it, before the segment's final one; 0 (the default) for final predictions only. "
                    + "Each interim runs the speech model over the whole segment so far.");

    public static final ConfigOption<Integer> VAD_MAX_BATCH = key("avstream.speech.vad.max-batch")
            .intType().defaultValue(64).withDescription("Most streams' chunks in one voice-activity batch.");

    public static final ConfigOption<Duration> VAD_MAX_DELAY = key("avstream.speech.vad.max-delay")
            .durationType().defaultValue(Duration.ofMillis(5))
            .withDescription("The longest a ready chunk waits for other streams' chunks before it is scored.");

    public static final ConfigOption<Duration> SLICE = key("avstream.speech.slice")
            .durationType().defaultValue(Duration.ofMillis(250))
            .withDescription("Length of the slices in which the windowing core hands a stream's chunks on, in order.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = key("avstream.speech.out-of-orderness")
            .durationType().defaultValue(Duration.ofMillis(300))
            .withDescription("How far behind its stream's newest chunk a chunk may arrive and still be used.");

    public static final ConfigOption<Duration> MAX_GAP_FILL = key("avstream.speech.max-gap-fill")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("Gaps up to this long are filled with silence; longer ones restart the stream.");

    public static final ConfigOption<Duration> JITTER = key("avstream.speech.jitter")
            .durationType().defaultValue(Duration.ofMillis(20))
            .withDescription("How far a chunk's timestamp may sit from where the stream's samples put it.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT = key("avstream.speech.idle-timeout")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("A stream silent this long (processing time) has its open segment ended and its state dropped.");

    public static final ConfigOption<Integer> ASYNC_CAPACITY = key("avstream.speech.async-capacity")
            .intType().defaultValue(16).withFallbackKeys("avstream.inference.async-capacity")
            .withDescription("Speech segments in flight per inference subtask.");

    public static final ConfigOption<Integer> MAX_ANONYMOUS_SPEAKERS = key("avstream.speech.max-anonymous-speakers")
            .intType().defaultValue(8)
            .withDescription("Most anonymous voices (speaker-1, speaker-2, ...) told apart per stream.");

    public static final ConfigOption<Duration> MAX_ENROLMENT_CLIP = key("avstream.speech.max-enrolment-clip")
            .durationType().defaultValue(Duration.ofSeconds(30)).withDescription("Longest enrolment clip accepted.");

    public static final ConfigOption<Integer> MIN_SAMPLE_RATE = key("avstream.speech.min-sample-rate")
            .intType().defaultValue(8000).withDescription("Lowest accepted sample rate, Hz.");

    public static final ConfigOption<Integer> MAX_SAMPLE_RATE = key("avstream.speech.max-sample-rate")
            .intType().defaultValue(48000).withDescription("Highest accepted sample rate, Hz.");

    public static final ConfigOption<Integer> MAX_CHANNELS = key("avstream.speech.max-channels")
            .intType().defaultValue(8).withDescription("Most interleaved channels in a chunk.");

    public static final ConfigOption<Duration> MAX_CHUNK = key("avstream.speech.max-chunk")
            .durationType().defaultValue(Duration.ofSeconds(10)).withDescription("Longest chunk of audio accepted.");
}
