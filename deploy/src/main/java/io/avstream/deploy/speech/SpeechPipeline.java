package io.avstream.deploy.speech;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.avstream.deploy.AvstreamJob;
import io.avstream.deploy.JobOptions;
import io.avstream.deploy.pipeline.KafkaIo;
import io.avstream.deploy.pipeline.Pipeline;
import io.avstream.deploy.pipeline.PipelineIo;
import io.avstream.ingest.InputWatermarks;
import io.avstream.ingest.kafka.DecodingDeserializer;
import io.avstream.ingest.kafka.SpeakerEnrolmentDeserializer;
import io.avstream.ingest.validate.AudioChunkDecoder;
import io.avstream.ingest.validate.DeadLetterRouter;
import io.avstream.ingest.validate.Decoded;
import io.avstream.ingest.validate.InputLimits;
import io.avstream.ingest.validate.SpeakerEnrolmentDecoder;
import io.avstream.operators.audio.AudioClock;
import io.avstream.operators.audioevents.AudioDownmix;
import io.avstream.operators.audioevents.AudioSlice;
import io.avstream.operators.audioevents.AudioSlicer;
import io.avstream.operators.inference.BatchedInference;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.speech.Endpointer;
import io.avstream.operators.speech.SileroVad;
import io.avstream.operators.speech.SpeakerTracking;
import io.avstream.operators.speech.SpeechModel;
import io.avstream.operators.speech.SpeechResult;
import io.avstream.operators.speech.SpeechSegment;
import io.avstream.operators.speech.SpeechTranslator;
import io.avstream.operators.speech.VadStream;
import io.avstream.operators.speech.VoiceActivityOperator;
import io.avstream.operators.speech.VoiceEnrolment;
import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.SpeakerEnrolment;
import io.avstream.schemas.Stamped;
import io.avstream.sinks.LatencyMetrics;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The speech pipeline: audio chunks from Kafka, decoded and validated in the source, mixed down to mono, cut into
 * slices by the windowing core (order, duplicates, late chunks), then per stream voice activity with Silero VAD on
 * 16 kHz chunks batched across streams and Silero's endpointing ({@link VoiceActivityOperator}); each speech segment
 * goes through the speech model in batches (padded to the longest, with lengths) for its transcript with word times,
 * speaker embedding and emotion, in segment order per stream; then its speaker: the best enrolled speaker from the
 * speakers topic (broadcast, kept in checkpoints; enrolments by voice embedded by the job's own models first) or the
 * stream's anonymous label. Predictions go to {@link SpeechOptions#PREDICTIONS_TOPIC}. Operator uids start with
 * {@code speech-}.
 */
public final class SpeechPipeline implements Pipeline {
    /** The name in {@code avstream.pipelines}. */
    public static final String NAME = "speech";

    /** The pipeline's sources and sink: audio chunks, and the speakers topic's enrolments and deletions. */
    public record Io(Source<Decoded<AudioChunk>, ?, ?> audioSource, Source<Decoded<SpeakerEnrolment>, ?, ?> speakersSource,
            Sink<Prediction> predictionSink) implements PipelineIo {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<?> optionsClass() {
        return SpeechOptions.class;
    }

    @Override
    public PipelineIo kafkaIo(Configuration conf, KafkaIo kafka) {
        return new Io(kafka.source(audioDeserializer(conf), conf.get(SpeechOptions.TOPIC)),
                kafka.directorySource(speakersDeserializer(conf), conf.get(SpeechOptions.SPEAKERS_TOPIC)),
                kafka.predictionSink(conf.get(SpeechOptions.PREDICTIONS_TOPIC), NAME));
    }

    private static InputLimits limits(Configuration conf) {
        return InputLimits.builder()
                .optMaxPayloadBytes(conf.get(JobOptions.MAX_PAYLOAD_BYTES))
                .optMaxFutureSkew(conf.get(JobOptions.MAX_FUTURE_SKEW))
                .build();
    }

    /** The deserializer of the audio topic: decodes chunks and refuses what the job cannot use. */
    public static DecodingDeserializer<AudioChunk> audioDeserializer(Configuration conf) {
        AudioChunkDecoder.Limits audio = new AudioChunkDecoder.Limits(conf.get(SpeechOptions.MIN_SAMPLE_RATE),
                conf.get(SpeechOptions.MAX_SAMPLE_RATE), conf.get(SpeechOptions.MAX_CHANNELS),
                (int) conf.get(SpeechOptions.MAX_CHUNK).toMillis(), rates(conf));
        return new DecodingDeserializer<>(new AudioChunkDecoder(audio, limits(conf)));
    }

    /** The sample rates the pipeline takes: within the configured range, and convertible to 16 kHz. */
    private static AudioChunkDecoder.RateCheck rates(Configuration conf) {
        int min = conf.get(SpeechOptions.MIN_SAMPLE_RATE);
        int max = conf.get(SpeechOptions.MAX_SAMPLE_RATE);
        return r -> r >= min && r <= max && VadStream.supports(r);
    }

    /** The deserializer of the speakers topic, checking enrolments against the job's speech model. */
    public static SpeakerEnrolmentDeserializer speakersDeserializer(Configuration conf) {
        return speakersDeserializer(conf, SpeechModel.of(ModelRef.of(conf.get(SpeechOptions.MODEL)).load()));
    }

    private static SpeakerEnrolmentDeserializer speakersDeserializer(Configuration conf, SpeechModel model) {
        SpeakerEnrolmentDecoder.Limits speech = new SpeakerEnrolmentDecoder.Limits(model.name(), model.version(),
                model.embeddingSize(), (int) conf.get(SpeechOptions.MAX_ENROLMENT_CLIP).toMillis(), rates(conf));
        return new SpeakerEnrolmentDeserializer(new SpeakerEnrolmentDecoder(speech, limits(conf)));
    }

    /** How the pipeline follows a stream for voice activity and endpoints its speech. */
    public static VadStream vadStream(Configuration conf) {
        Endpointer.Builder e = Endpointer.builder()
                .optEnter(conf.get(SpeechOptions.VAD_ENTER).floatValue())
                .optMinSpeech(conf.get(SpeechOptions.VAD_MIN_SPEECH))
                .optMinSilence(conf.get(SpeechOptions.VAD_MIN_SILENCE))
                .optSpeechPad(conf.get(SpeechOptions.VAD_SPEECH_PAD))
                .optMaxSegment(conf.get(SpeechOptions.VAD_MAX_SEGMENT))
                .optInterimInterval(conf.get(SpeechOptions.INTERIM_INTERVAL))
                .optEndRule(endRule(conf.get(SpeechOptions.VAD_END_RULE)));
        conf.getOptional(SpeechOptions.VAD_EXIT).ifPresent(x -> e.optExit(x.floatValue()));
        AudioClock clock = new AudioClock(conf.get(SpeechOptions.JITTER).toNanos() / 1000,
                conf.get(SpeechOptions.MAX_GAP_FILL).toNanos() / 1000);
        return new VadStream(clock, e.build());
    }

    private static Endpointer.EndRule endRule(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "left-speech":
                return Endpointer.EndRule.LEFT_SPEECH;
            case "silero":
                return Endpointer.EndRule.SILERO;
            default:
                throw new IllegalArgumentException(SpeechOptions.VAD_END_RULE.key() + " must be left-speech or silero, was '"
                        + s + "'");
        }
    }

    @Override
    public Outputs build(StreamExecutionEnvironment env, Configuration conf, PipelineIo pipelineIo) {
        Io io = (Io) pipelineIo;
        ModelRef modelRef = ModelRef.of(conf.get(SpeechOptions.MODEL));
        ModelRef vadRef = ModelRef.of(conf.get(SpeechOptions.VAD_MODEL));
        SpeechModel model = SpeechModel.of(modelRef.load());
        // a bad decoding name is refused here, when the job is built, not by every task as it opens
        SpeechTranslator.checkDecoding(conf.get(SpeechOptions.CTC_DECODING));
        Duration budget = conf.get(JobOptions.LATENCY_BUDGET);
        String speakersTopic = conf.get(SpeechOptions.SPEAKERS_TOPIC);
        DecodingDeserializer<AudioChunk> deserializer = audioDeserializer(conf);
        SingleOutputStreamOperator<Stamped<AudioChunk>> chunks = env
                .fromSource(io.audioSource(), InputWatermarks.strategy(deserializer,
                        conf.get(SpeechOptions.OUT_OF_ORDERNESS), conf.get(JobOptions.SOURCE_IDLENESS)), uid("source"))
                .uid(uid("source"))
                .process(new DeadLetterRouter<>(deserializer.recordType()))
                .name(uid("route-dead-letters")).uid(uid("route-dead-letters"));
        WindowSpec slices = WindowSpec.builder()
                .optSpan(conf.get(SpeechOptions.SLICE))
                .optHop(conf.get(SpeechOptions.SLICE))
                .optOutOfOrderness(conf.get(SpeechOptions.OUT_OF_ORDERNESS))
                .optIdleTimeout(conf.get(SpeechOptions.IDLE_TIMEOUT))
                .build();
        DataStream<AudioSlice> sliced = chunks
                .map(new AudioDownmix()).name(uid("downmix")).uid(uid("downmix"))
                .keyBy(b -> b.streamId)
                .process(new AudioSlicer(slices)).name(uid("slices")).uid(uid("slices"));
        DataStream<SpeechSegment> segments = DataStreamUtils.reinterpretAsKeyedStream(sliced, s -> s.streamId)
                .transform(uid("vad"), TypeInformation.of(SpeechSegment.class), new VoiceActivityOperator(vadRef,
                        SileroVad.runtimeOptions(conf.get(SpeechOptions.VAD_MAX_BATCH)), vadStream(conf),
                        conf.get(SpeechOptions.VAD_MAX_DELAY).toMillis(), conf.get(SpeechOptions.IDLE_TIMEOUT).toMillis()))
                .uid(uid("vad"));
        // in segment order: a stream's anonymous speakers are clustered in time order downstream
        DataStream<SpeechResult> results = AsyncDataStream.orderedWait(
                        segments,
                        new BatchedInference<>(modelRef, AvstreamJob.runtimeOptions(conf), SpeechSegment.class, SpeechResult.class,
                                budget.toMillis(), new TranslatorSettings(conf.get(JobOptions.TOP_K),
                                        java.util.Map.of(SpeechTranslator.DECODING, conf.get(SpeechOptions.CTC_DECODING)))),
                        Math.max(60_000L, 4 * budget.toMillis()), TimeUnit.MILLISECONDS,
                        conf.get(SpeechOptions.ASYNC_CAPACITY))
                .name(uid("inference")).uid(uid("inference"));

        SpeakerEnrolmentDeserializer speakers = speakersDeserializer(conf, model);
        SingleOutputStreamOperator<Stamped<SpeakerEnrolment>> enrolments = env
                .fromSource(io.speakersSource(), WatermarkStrategy.<Decoded<SpeakerEnrolment>>noWatermarks(),
                        uid("speakers-source"))
                .uid(uid("speakers-source"))
                .process(new DeadLetterRouter<>(speakers.recordType()))
                .name(uid("speakers-route-dead-letters")).uid(uid("speakers-route-dead-letters"));
        SingleOutputStreamOperator<SpeakerEnrolment> embedded = enrolments
                .map(s -> s.record).returns(SpeakerEnrolment.class).name(uid("speakers-unwrap")).uid(uid("speakers-unwrap"))
                .process(new VoiceEnrolment(vadRef, modelRef, AvstreamJob.runtimeOptions(conf), vadStream(conf), speakersTopic))
                .name(uid("voice-enrolment")).uid(uid("voice-enrolment"));
        BroadcastStream<SpeakerEnrolment> enrolled = embedded.broadcast(SpeakerTracking.SPEAKERS);
        SingleOutputStreamOperator<Prediction> tracked = DataStreamUtils
                .reinterpretAsKeyedStream(results, r -> r.prediction.getStreamId())
                .connect(enrolled)
                .process(new SpeakerTracking(model.verificationThreshold(), conf.get(SpeechOptions.MAX_ANONYMOUS_SPEAKERS),
                        speakersTopic))
                .name(uid("speakers")).uid(uid("speakers"));
        DataStream<Prediction> predictions = tracked
                .map(new LatencyMetrics()).name(uid("latency-metrics")).uid(uid("latency-metrics"));
        DataStream<DeadLetter> deadLetters = chunks.getSideOutput(DeadLetterRouter.DEAD_LETTERS)
                .union(enrolments.getSideOutput(DeadLetterRouter.DEAD_LETTERS),
                        embedded.getSideOutput(VoiceEnrolment.DEAD_LETTERS),
                        tracked.getSideOutput(SpeakerTracking.DEAD_LETTERS));
        return new Outputs(predictions, deadLetters);
    }
}
