package io.avstream.operators.speech;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.avstream.models.InferenceResult;
import io.avstream.models.ModelHandle;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.SharedModels;
import io.avstream.models.Tensor;
import io.avstream.operators.inference.ModelRef;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.SpeakerEnrolment;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns enrolments by voice into enrolments by embedding, with the job's own models, before they are broadcast: the
 * clip (s16le mono at its rate) converted to 16 kHz, its speech found by voice activity and endpointing as a stream's
 * is ({@link VadStream#offline}), each speech segment embedded by the speech model, and the embeddings' mean, weighted
 * by segment length, L2-normalised. A clip without speech is a dead letter ({@link ReasonCode#NO_SPEECH}). Enrolments
 * by embedding and deletions pass unchanged. Rare and small, so the models run synchronously here.
 *
 * <p>Metrics: {@code voiceEnrolments}.
 */
public class VoiceEnrolment extends ProcessFunction<SpeakerEnrolment, SpeakerEnrolment> {
    private static final long serialVersionUID = 1L;

    /** Clips without speech. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("voice-enrolment-dead-letters") {};

    private final ModelRef vadRef;
    private final ModelRef speechRef;
    private final RuntimeOptions speechOptions;
    private final VadStream stream;
    private final String speakersTopic;

    private transient ModelHandle vadModel;
    private transient ModelHandle speechModel;
    private transient SileroVad vad;
    private transient SpeechModel speech;
    private transient Counter voiceEnrolments;

    public VoiceEnrolment(ModelRef vadRef, ModelRef speechRef, RuntimeOptions speechOptions, VadStream stream,
            String speakersTopic) {
        this.vadRef = vadRef;
        this.speechRef = speechRef;
        this.speechOptions = speechOptions;
        this.stream = stream;
        this.speakersTopic = speakersTopic;
    }

    @Override
    public void open(OpenContext ctx) {
        vadModel = SharedModels.acquire(vadRef.load(), SileroVad.runtimeOptions(64));
        speechModel = SharedModels.acquire(speechRef.load(), speechOptions);
        vad = new SileroVad(vadModel);
        speech = SpeechModel.of(speechModel.modelPackage());
        voiceEnrolments = getRuntimeContext().getMetricGroup().counter("voiceEnrolments");
    }

    @Override
    public void close() {
        if (vadModel != null) {
            vadModel.close();
        }
        if (speechModel != null) {
            speechModel.close();
        }
    }

    @Override
    public void processElement(SpeakerEnrolment e, Context ctx, Collector<SpeakerEnrolment> out) throws Exception {
        if (e.getAudio() == null) {
            out.collect(e);
            return;
        }
        float[] embedding = embed(e);
        if (embedding == null) {
            ctx.output(DEAD_LETTERS, noSpeech(e));
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(4 * embedding.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : embedding) {
            b.putFloat(v);
        }
        b.flip();
        voiceEnrolments.inc();
        out.collect(SpeakerEnrolment.newBuilder(e).setEmbedding(b).setAudio(null).setAudioSampleRate(null)
                .setModelName(speech.name()).setModelVersion(speech.version()).build());
    }

    /** The clip's speaker embedding, or null when it holds no speech. */
    float[] embed(SpeakerEnrolment e) throws Exception {
        ByteBuffer pcm = e.getAudio().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] x = new float[pcm.remaining() / 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = pcm.getShort(pcm.position() + 2 * i) / 32768f;
        }
        int rate = e.getAudioSampleRate();
        List<SpeechSegment> segments = stream.offline(e.getSpeakerId(), 0, rate, x, vad, seg -> {});
        segments.removeIf(s -> s.interim);
        if (segments.isEmpty()) {
            return null;
        }
        float[] sum = new float[speech.embeddingSize()];
        for (SpeechSegment s : segments) {
            float[] fb = speech.input(s.samples);
            InferenceResult r = speechModel.submitTensors(java.util.Map.of(SpeechModel.FBANK,
                    Tensor.of(fb, fb.length / speech.bins(), speech.bins())), Long.MAX_VALUE).get();
            float[] v = r.output(SpeechModel.EMBEDDING);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i] * s.samples.length;
            }
        }
        double n = 0;
        for (float v : sum) {
            n += (double) v * v;
        }
        float norm = (float) Math.sqrt(n);
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= norm;
        }
        return sum;
    }

    private DeadLetter noSpeech(SpeakerEnrolment e) {
        return DeadLetter.newBuilder()
                .setReason(ReasonCode.NO_SPEECH.name())
                .setDetail("the enrolment clip of '" + e.getSpeakerId() + "' (" + e.getAudio().remaining() / 2
                        + " samples at " + e.getAudioSampleRate() + " Hz) holds no speech")
                .setSourceTopic(speakersTopic)
                .setSourcePartition(-1)
                .setSourceOffset(-1)
                .setSourceTimestampUs(e.getEnrolledAtUs())
                .setKey(ByteBuffer.wrap(e.getSpeakerId().getBytes(StandardCharsets.UTF_8)))
                .setPayload(ByteBuffer.allocate(0))
                .setPayloadSize(e.getAudio().remaining())
                .setStreamId(e.getSpeakerId())
                .setDeadLetteredAtUs(EpochMicros.now())
                .build();
    }
}
