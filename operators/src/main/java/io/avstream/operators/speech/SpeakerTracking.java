package io.avstream.operators.speech;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.SpeakerEnrolment;
import io.avstream.schemas.SpeakerMatch;
import io.avstream.schemas.SpeechDetail;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Who spoke each segment (keyed by stream id; the enrolments broadcast to every parallel instance): the segment's
 * embedding against every enrolled speaker ({@link Speakers#best}: the best one and its cosine score, accepted at the
 * model's calibrated threshold), and, when no enrolled speaker is accepted, the stream's anonymous label for the voice
 * ({@link Speakers.Clusters}, in keyed state). Enrolments (by embedding; a voice clip is embedded before it gets here)
 * and deletions update the broadcast state {@value #STATE}, which checkpoints keep, so enrolments survive restarts; the
 * An interim prediction (the speech so far) gets the best enrolled speaker but no anonymous label, and leaves the
 * stream's anonymous voices as they are: only final segments are clustered. The
 * deletion of a speaker who is not enrolled is a dead letter ({@link ReasonCode#UNKNOWN_SPEAKER}, written by the first
 * subtask only, since every subtask sees it).
 *
 * <p>Metrics: {@code speakersEnrolled} (enrolments and updates taken), {@code speakersDeleted},
 * {@code speakerMatches} (segments accepted as an enrolled speaker), {@code anonymousSpeakerSegments}.
 */
public class SpeakerTracking extends KeyedBroadcastProcessFunction<String, SpeechResult, SpeakerEnrolment, Prediction> {
    private static final long serialVersionUID = 1L;

    /** The broadcast state of the enrolled speakers: id to L2-normalised embedding. */
    public static final String STATE = "speakers";
    /** The descriptor of {@link #STATE}, shared by the broadcast stream and this function. */
    public static final MapStateDescriptor<String, float[]> SPEAKERS = new MapStateDescriptor<>(STATE, Types.STRING,
            PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Dead letters of the speakers topic that need the enrolled speakers to be found. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("speaker-dead-letters") {};

    private final float threshold;
    private final int maxAnonymous;
    private final String speakersTopic;

    private transient ValueState<Speakers.Clusters.State> clusters;
    private transient Speakers.Clusters clustering;
    private transient Counter enrolled;
    private transient Counter deleted;
    private transient Counter matches;
    private transient Counter anonymous;

    /**
     * @param threshold     the cosine score at which a segment is an enrolled speaker (and joins an anonymous voice)
     * @param maxAnonymous  the most anonymous voices kept per stream
     * @param speakersTopic the speakers topic's name, for dead letters
     */
    public SpeakerTracking(float threshold, int maxAnonymous, String speakersTopic) {
        this.threshold = threshold;
        this.maxAnonymous = maxAnonymous;
        this.speakersTopic = speakersTopic;
    }

    @Override
    public void open(OpenContext ctx) {
        clusters = getRuntimeContext().getState(new ValueStateDescriptor<>("anonymousSpeakers",
                TypeInformation.of(Speakers.Clusters.State.class)));
        clustering = new Speakers.Clusters(threshold, maxAnonymous);
        MetricGroup g = getRuntimeContext().getMetricGroup();
        enrolled = g.counter("speakersEnrolled");
        deleted = g.counter("speakersDeleted");
        matches = g.counter("speakerMatches");
        anonymous = g.counter("anonymousSpeakerSegments");
    }

    @Override
    public void processElement(SpeechResult r, ReadOnlyContext ctx, Collector<Prediction> out) throws Exception {
        Map<String, float[]> speakers = new TreeMap<>();
        ReadOnlyBroadcastState<String, float[]> state = ctx.getBroadcastState(SPEAKERS);
        for (Map.Entry<String, float[]> e : state.immutableEntries()) {
            speakers.put(e.getKey(), e.getValue());
        }
        Speakers.Clusters.State s = clusters.value();
        if (s == null) {
            s = new Speakers.Clusters.State();
        }
        Prediction p = identify(r, speakers, threshold, clustering, s);
        if (!isFinal(p)) {
            out.collect(p);
            return;
        }
        if (p.getSpeech() != null && p.getSpeech().getSpeakerLabel() != null) {
            clusters.update(s);
            anonymous.inc();
        } else {
            matches.inc();
        }
        out.collect(p);
    }

    /**
     * A segment's prediction with its speaker: the best enrolled speaker with its score; when none is accepted and the
     * prediction is final, the stream's anonymous label from {@code clusters} (updated). The offline reference uses it
     * as the job does.
     */
    public static Prediction identify(SpeechResult r, Map<String, float[]> enrolled, float threshold,
            Speakers.Clusters clustering, Speakers.Clusters.State clusters) {
        Speakers.Match best = Speakers.best(r.embedding, enrolled, threshold);
        Prediction.Builder p = Prediction.newBuilder(r.prediction);
        String label = null;
        if (best != null) {
            p.setSpeaker(new SpeakerMatch(best.speakerId(), best.score(), best.accepted()));
        }
        if ((best == null || !best.accepted()) && isFinal(r.prediction)) {
            label = clustering.assign(clusters, r.embedding);
        }
        SpeechDetail d = r.prediction.getSpeech();
        if (d != null) {
            p.setSpeech(SpeechDetail.newBuilder(d).setSpeakerLabel(label).build());
        }
        return p.build();
    }

    private static boolean isFinal(Prediction p) {
        return p.getSpeech() == null || p.getSpeech().getFinal$();
    }

    @Override
    public void processBroadcastElement(SpeakerEnrolment e, Context ctx, Collector<Prediction> out) throws Exception {
        BroadcastState<String, float[]> state = ctx.getBroadcastState(SPEAKERS);
        if (e.getAudio() != null) {
            throw new IllegalStateException("enrolment of " + e.getSpeakerId() + " by voice reached the speakers' state "
                    + "unembedded");
        }
        ByteBuffer b = e.getEmbedding().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() == 0) {
            if (state.contains(e.getSpeakerId())) {
                state.remove(e.getSpeakerId());
                deleted.inc();
            } else if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                ctx.output(DEAD_LETTERS, unknownSpeaker(e));
            }
            return;
        }
        float[] v = new float[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat(b.position() + 4 * i);
        }
        state.put(e.getSpeakerId(), v);
        enrolled.inc();
    }

    private DeadLetter unknownSpeaker(SpeakerEnrolment e) {
        byte[] key = e.getSpeakerId().getBytes(StandardCharsets.UTF_8);
        return DeadLetter.newBuilder()
                .setReason(ReasonCode.UNKNOWN_SPEAKER.name())
                .setDetail("deletion of speaker '" + e.getSpeakerId() + "', who is not enrolled")
                .setSourceTopic(speakersTopic)
                .setSourcePartition(-1)
                .setSourceOffset(-1)
                .setSourceTimestampUs(e.getEnrolledAtUs())
                .setKey(ByteBuffer.wrap(key))
                .setPayload(ByteBuffer.allocate(0))
                .setPayloadSize(0)
                .setStreamId(e.getSpeakerId())
                .setDeadLetteredAtUs(EpochMicros.now())
                .build();
    }
}
