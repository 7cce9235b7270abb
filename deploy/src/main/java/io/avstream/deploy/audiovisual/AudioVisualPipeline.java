package io.avstream.deploy.audiovisual;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.avstream.deploy.AvstreamJob;
import io.avstream.deploy.JobOptions;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.deploy.pipeline.KafkaIo;
import io.avstream.deploy.pipeline.Pipeline;
import io.avstream.deploy.pipeline.PipelineIo;
import io.avstream.ingest.InputWatermarks;
import io.avstream.ingest.kafka.DecodingDeserializer;
import io.avstream.ingest.validate.DeadLetterRouter;
import io.avstream.ingest.validate.Decoded;
import io.avstream.ingest.validate.InputLimits;
import io.avstream.ingest.validate.VideoFrameDecoder;
import io.avstream.models.ModelPackage;
import io.avstream.operators.audioevents.AudioEventTracking;
import io.avstream.operators.audioevents.AudioResult;
import io.avstream.operators.audioevents.AudioVideoAligner;
import io.avstream.operators.audioevents.AudioVisualWindow;
import io.avstream.operators.audioevents.AudioWindow;
import io.avstream.operators.inference.BatchedInference;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.video.VideoInput;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.VideoFrame;
import io.avstream.sinks.LatencyMetrics;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The audio-visual pipeline: the audio-events pipeline's audio windows, each paired by event time with the frames of
 * the same stream's video (its own topic, its own lag) that MAViL takes for it ({@link AudioVideoAligner}); windows
 * with their video go to the audio-visual model, the others (a camera without video, video lagging past the wait, a
 * gap) to the audio-only model of the same classes, in one ordered inference operator, so that each stream's events
 * are tracked in window order whichever model made them. Predictions (the model name says which) and events go to
 * {@link AudioVisualOptions#PREDICTIONS_TOPIC}. Video frames are checked at the source (sizes, JPEG structure, a whole
 * decode) and far out-of-order ones by the aligner, all dead-lettered. Operator uids start with {@code audio-visual-}.
 */
public final class AudioVisualPipeline implements Pipeline {
    /** The name in {@code avstream.pipelines}. */
    public static final String NAME = "audio-visual";

    /** The pipeline's sources and sink. */
    public record Io(Source<Decoded<AudioChunk>, ?, ?> audioSource, Source<Decoded<VideoFrame>, ?, ?> videoSource,
            Sink<Prediction> predictionSink) implements PipelineIo {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<?> optionsClass() {
        return AudioVisualOptions.class;
    }

    @Override
    public PipelineIo kafkaIo(Configuration conf, KafkaIo kafka) {
        return new Io(kafka.source(AudioEventsPipeline.audioDeserializer(conf), conf.get(AudioVisualOptions.AUDIO_TOPIC)),
                kafka.source(videoDeserializer(conf), conf.get(AudioVisualOptions.VIDEO_TOPIC)),
                kafka.predictionSink(conf.get(AudioVisualOptions.PREDICTIONS_TOPIC), "audio-visual"));
    }

    /** The deserializer of the video topic: decodes frames and refuses what the job cannot use. */
    public static DecodingDeserializer<VideoFrame> videoDeserializer(Configuration conf) {
        InputLimits limits = InputLimits.builder()
                .optMaxPayloadBytes(conf.get(JobOptions.MAX_PAYLOAD_BYTES))
                .optMaxFutureSkew(conf.get(JobOptions.MAX_FUTURE_SKEW))
                .build();
        return new DecodingDeserializer<>(new VideoFrameDecoder(new VideoFrameDecoder.Limits(
                conf.get(AudioVisualOptions.MIN_FRAME_SIDE), conf.get(AudioVisualOptions.MAX_FRAME_SIDE)), limits));
    }

    /**
     * The aligner of the configuration and the audio-visual model's video input. A window whose inputs stall waits at
     * most the audio idle timeout (processing time), after which a silent stream's last window is cut anyway.
     */
    public static AudioVideoAligner aligner(Configuration conf, VideoInput video) {
        return new AudioVideoAligner(video.frames(), video.frameUs(),
                conf.get(AudioVisualOptions.MAX_FRAME_DISTANCE).toNanos() / 1000,
                conf.get(AudioVisualOptions.VIDEO_WAIT).toNanos() / 1000,
                conf.get(AudioVisualOptions.VIDEO_OUT_OF_ORDERNESS).toNanos() / 1000,
                conf.get(AudioVisualOptions.MAX_FRAMES), conf.get(AudioVisualOptions.VIDEO_TOPIC),
                conf.get(AudioEventsOptions.IDLE_TIMEOUT).toMillis());
    }

    @Override
    public Outputs build(StreamExecutionEnvironment env, Configuration conf, PipelineIo pipelineIo) {
        Io io = (Io) pipelineIo;
        ModelRef modelRef = ModelRef.of(conf.get(AudioVisualOptions.MODEL));
        ModelRef audioRef = ModelRef.of(conf.get(AudioVisualOptions.AUDIO_MODEL));
        ModelPackage pkg = modelRef.load();
        VideoInput video = VideoInput.of(pkg);
        Duration budget = conf.get(JobOptions.LATENCY_BUDGET);
        Duration idleness = conf.get(JobOptions.SOURCE_IDLENESS);

        DecodingDeserializer<AudioChunk> audioDeserializer = AudioEventsPipeline.audioDeserializer(conf);
        SingleOutputStreamOperator<Stamped<AudioChunk>> chunks = env
                .fromSource(io.audioSource(), InputWatermarks.strategy(audioDeserializer,
                        conf.get(AudioEventsOptions.OUT_OF_ORDERNESS), idleness), uid("audio-source"))
                .uid(uid("audio-source"))
                .process(new DeadLetterRouter<>(audioDeserializer.recordType()))
                .name(uid("route-audio-dead-letters")).uid(uid("route-audio-dead-letters"));
        DecodingDeserializer<VideoFrame> videoDeserializer = videoDeserializer(conf);
        SingleOutputStreamOperator<Stamped<VideoFrame>> frames = env
                .fromSource(io.videoSource(), InputWatermarks.strategy(videoDeserializer,
                        conf.get(AudioVisualOptions.VIDEO_OUT_OF_ORDERNESS), idleness), uid("video-source"))
                .uid(uid("video-source"))
                .process(new DeadLetterRouter<>(videoDeserializer.recordType()))
                .name(uid("route-video-dead-letters")).uid(uid("route-video-dead-letters"));

        DataStream<AudioWindow> windows = AudioEventsPipeline.audioWindows(chunks, conf, this);
        SingleOutputStreamOperator<AudioVisualWindow> paired = windows
                .connect(frames)
                .keyBy(w -> w.streamId, f -> f.record.getStreamId())
                .process(aligner(conf, video)).name(uid("align")).uid(uid("align"));
        // one ordered operator for both models: a stream's windows stay in order for its event tracking
        DataStream<AudioResult> results = AsyncDataStream.orderedWait(
                        paired,
                        new BatchedInference<>(modelRef, AvstreamJob.runtimeOptions(conf), AudioVisualWindow.class,
                                AudioResult.class, budget.toMillis(), new TranslatorSettings(conf.get(JobOptions.TOP_K)))
                                .withFallback(audioRef, w -> !w.hasVideo()),
                        Math.max(60_000L, 4 * budget.toMillis()), TimeUnit.MILLISECONDS,
                        conf.get(AudioVisualOptions.ASYNC_CAPACITY))
                .name(uid("inference")).uid(uid("inference"));
        // a silent stream's last window comes up to two idle timeouts after its last chunk (cut after one, then waiting
        // at most one for video): its open events are ended by that window, not by the tracker's own idle timeout
        long trackingIdleMs = 3 * conf.get(AudioEventsOptions.IDLE_TIMEOUT).toMillis();
        DataStream<Prediction> predictions = DataStreamUtils.reinterpretAsKeyedStream(results, r -> r.prediction.getStreamId())
                .process(new AudioEventTracking(modelRef, trackingIdleMs))
                .name(uid("events")).uid(uid("events"))
                .map(new LatencyMetrics()).name(uid("latency-metrics")).uid(uid("latency-metrics"));
        DataStream<io.avstream.schemas.DeadLetter> deadLetters = chunks.getSideOutput(DeadLetterRouter.DEAD_LETTERS)
                .union(frames.getSideOutput(DeadLetterRouter.DEAD_LETTERS),
                        paired.getSideOutput(AudioVideoAligner.DEAD_LETTERS));
        return new Outputs(predictions, deadLetters);
    }
}
