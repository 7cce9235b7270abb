package io.avstream.deploy.audioevents;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.avstream.deploy.AvstreamJob;
import io.avstream.deploy.JobOptions;
import io.avstream.deploy.pipeline.KafkaIo;
import io.avstream.deploy.pipeline.Pipeline;
import io.avstream.deploy.pipeline.PipelineIo;
import io.avstream.ingest.InputWatermarks;
import io.avstream.ingest.kafka.DecodingDeserializer;
import io.avstream.ingest.validate.AudioChunkDecoder;
import io.avstream.ingest.validate.DeadLetterRouter;
import io.avstream.ingest.validate.Decoded;
import io.avstream.ingest.validate.InputLimits;
import io.avstream.operators.audio.FbankStream;
import io.avstream.operators.audio.KaldiFbank;
import io.avstream.operators.audioevents.AudioDownmix;
import io.avstream.operators.audioevents.AudioEventTracking;
import io.avstream.operators.audioevents.AudioFrontEnd;
import io.avstream.operators.audioevents.AudioResult;
import io.avstream.operators.audioevents.AudioSlice;
import io.avstream.operators.audioevents.AudioSlicer;
import io.avstream.operators.audioevents.AudioStream;
import io.avstream.operators.audioevents.AudioWindow;
import io.avstream.operators.audioevents.AudioWindowSpec;
import io.avstream.operators.inference.BatchedInference;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.Stamped;
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
 * The audio-events pipeline: audio chunks from Kafka, decoded and validated in the source, mixed down to mono
 * floats, cut into one-hop slices by the windowing core, converted per stream to 16 kHz filterbank frames once
 * as they arrive with the model's windows cut every hop, run through the audio-event model in batches (in
 * window order, so that each stream's events are tracked in time order), and turned into window predictions
 * (tags, top-k labels) and event records on {@link AudioEventsOptions#PREDICTIONS_TOPIC}. Operator uids start
 * with {@code audio-events-}.
 */
public final class AudioEventsPipeline implements Pipeline {
    /** The name in {@code avstream.pipelines}. */
    public static final String NAME = "audio-events";

    /** The pipeline's sources and sink: the audio source emits decoded chunks or dead letters. */
    public record Io(Source<Decoded<AudioChunk>, ?, ?> audioSource, Sink<Prediction> predictionSink) implements PipelineIo {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<?> optionsClass() {
        return AudioEventsOptions.class;
    }

    @Override
    public PipelineIo kafkaIo(Configuration conf, KafkaIo kafka) {
        return new Io(kafka.source(audioDeserializer(conf), conf.get(AudioEventsOptions.TOPIC)),
                kafka.predictionSink(conf.get(AudioEventsOptions.PREDICTIONS_TOPIC), "audio-events"));
    }

    /** The deserializer of the audio topic: decodes chunks and refuses what the job cannot use. */
    public static DecodingDeserializer<AudioChunk> audioDeserializer(Configuration conf) {
        InputLimits limits = InputLimits.builder()
                .optMaxPayloadBytes(conf.get(JobOptions.MAX_PAYLOAD_BYTES))
                .optMaxFutureSkew(conf.get(JobOptions.MAX_FUTURE_SKEW))
                .build();
        FbankStream fbank = fbank();
        AudioChunkDecoder.Limits audio = new AudioChunkDecoder.Limits(conf.get(AudioEventsOptions.MIN_SAMPLE_RATE),
                conf.get(AudioEventsOptions.MAX_SAMPLE_RATE), conf.get(AudioEventsOptions.MAX_CHANNELS),
                (int) conf.get(AudioEventsOptions.MAX_CHUNK).toMillis(), fbank::supports);
        return new DecodingDeserializer<>(new AudioChunkDecoder(audio, limits));
    }

    private static FbankStream fbank() {
        return new FbankStream(KaldiFbank.mavil());
    }

    /** How the pipeline follows a stream and cuts its windows. */
    public static AudioStream audioStream(Configuration conf) {
        AudioWindowSpec spec = AudioWindowSpec.builder()
                .optWindowFrames(conf.get(AudioEventsOptions.WINDOW_FRAMES))
                .optHopFrames(conf.get(AudioEventsOptions.HOP_FRAMES))
                .optMinFrames(conf.get(AudioEventsOptions.MIN_FRAMES))
                .optMaxGapFill(conf.get(AudioEventsOptions.MAX_GAP_FILL))
                .optJitter(conf.get(AudioEventsOptions.JITTER))
                .optIdleTimeout(conf.get(AudioEventsOptions.IDLE_TIMEOUT))
                .build();
        return new AudioStream(spec, fbank());
    }

    /**
     * A stream's audio chunks made into the model's windows, keyed by stream id: mixed down, cut into one-hop slices
     * by the windowing core and converted per stream to filterbank frames ({@link AudioFrontEnd}); operator uids
     * {@code downmix}, {@code slices} and {@code front-end} of {@code pipeline}.
     */
    public static DataStream<AudioWindow> audioWindows(DataStream<Stamped<AudioChunk>> chunks, Configuration conf,
            Pipeline pipeline) {
        WindowSpec slices = WindowSpec.builder()
                .optSpan(conf.get(AudioEventsOptions.SLICE))
                .optHop(conf.get(AudioEventsOptions.SLICE))
                .optOutOfOrderness(conf.get(AudioEventsOptions.OUT_OF_ORDERNESS))
                .optIdleTimeout(conf.get(AudioEventsOptions.IDLE_TIMEOUT))
                .build();
        DataStream<AudioSlice> sliced = chunks
                .map(new AudioDownmix()).name(pipeline.uid("downmix")).uid(pipeline.uid("downmix"))
                .keyBy(b -> b.streamId)
                .process(new AudioSlicer(slices)).name(pipeline.uid("slices")).uid(pipeline.uid("slices"));
        return DataStreamUtils.reinterpretAsKeyedStream(sliced, s -> s.streamId)
                .process(new AudioFrontEnd(audioStream(conf))).name(pipeline.uid("front-end")).uid(pipeline.uid("front-end"));
    }

    @Override
    public Outputs build(StreamExecutionEnvironment env, Configuration conf, PipelineIo pipelineIo) {
        Io io = (Io) pipelineIo;
        ModelRef modelRef = ModelRef.of(conf.get(AudioEventsOptions.MODEL));
        Duration budget = conf.get(JobOptions.LATENCY_BUDGET);
        DecodingDeserializer<AudioChunk> deserializer = audioDeserializer(conf);
        SingleOutputStreamOperator<Stamped<AudioChunk>> chunks = env
                .fromSource(io.audioSource(), InputWatermarks.strategy(deserializer,
                        conf.get(AudioEventsOptions.OUT_OF_ORDERNESS), conf.get(JobOptions.SOURCE_IDLENESS)), uid("source"))
                .uid(uid("source"))
                .process(new DeadLetterRouter<>(deserializer.recordType()))
                .name(uid("route-dead-letters")).uid(uid("route-dead-letters"));
        DataStream<AudioWindow> windows = audioWindows(chunks, conf, this);
        // in window order: a stream's events are tracked in time order downstream
        DataStream<AudioResult> results = AsyncDataStream.orderedWait(
                        windows,
                        new BatchedInference<>(modelRef, AvstreamJob.runtimeOptions(conf), AudioWindow.class, AudioResult.class,
                                budget.toMillis(), new TranslatorSettings(conf.get(JobOptions.TOP_K))),
                        Math.max(60_000L, 4 * budget.toMillis()), TimeUnit.MILLISECONDS,
                        conf.get(AudioEventsOptions.ASYNC_CAPACITY))
                .name(uid("inference")).uid(uid("inference"));
        DataStream<Prediction> predictions = DataStreamUtils.reinterpretAsKeyedStream(results, r -> r.prediction.getStreamId())
                .process(new AudioEventTracking(modelRef, conf.get(AudioEventsOptions.IDLE_TIMEOUT).toMillis()))
                .name(uid("events")).uid(uid("events"))
                .map(new LatencyMetrics()).name(uid("latency-metrics")).uid(uid("latency-metrics"));
        return new Outputs(predictions, chunks.getSideOutput(DeadLetterRouter.DEAD_LETTERS));
    }
}
