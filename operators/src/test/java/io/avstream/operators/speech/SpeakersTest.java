package io.avstream.operators.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class SpeakersTest {

    private static float[] unit(float... v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        float[] u = v.clone();
        for (int i = 0; i < u.length; i++) {
            u[i] /= (float) Math.sqrt(n);
        }
        return u;
    }

    /** A voice: a direction, and its segments scattered around it. */
    private static float[] near(float[] voice, Random rnd, double spread) {
        float[] v = voice.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) (rnd.nextGaussian() * spread);
        }
        return unit(v);
    }

    @Test
    void theBestEnrolledSpeakerIsAcceptedAtTheThreshold() {
        Map<String, float[]> enrolled = new TreeMap<>(Map.of("alice", unit(1, 0, 0), "bob", unit(0, 1, 0)));
        Speakers.Match m = Speakers.best(unit(0.9f, 0.1f, 0), enrolled, 0.8f);
        assertThat(m.speakerId()).isEqualTo("alice");
        assertThat(m.score()).isCloseTo(0.9939f, within(1e-3f));
        assertThat(m.accepted()).isTrue();
        Speakers.Match weak = Speakers.best(unit(0.5f, 0.5f, 1), enrolled, 0.8f);
        assertThat(weak.accepted()).isFalse();
        assertThat(weak.speakerId()).as("ties go to the smaller id").isEqualTo("alice");
        assertThat(Speakers.best(unit(1, 0, 0), Map.of(), 0.5f)).isNull();
    }

    @Test
    void normalisationIsChecked() {
        assertThat(Speakers.normalised(unit(3, 4), 1e-3)).isTrue();
        assertThat(Speakers.normalised(new float[] {3, 4}, 1e-3)).isFalse();
        assertThat(Speakers.normalised(new float[] {Float.NaN, 1}, 1e-3)).isFalse();
    }

    @Test
    void anonymousLabelsFollowTheVoicesInOrderOfAppearance() {
        Random rnd = new Random(7);
        float[][] voices = new float[3][];
        for (int v = 0; v < 3; v++) {
            float[] d = new float[16];
            d[v * 5] = 1;
            voices[v] = d;
        }
        int[] order = {1, 1, 0, 1, 2, 0, 0, 2, 1, 2};
        Speakers.Clusters clusters = new Speakers.Clusters(0.6f, 8);
        Speakers.Clusters.State s = new Speakers.Clusters.State();
        List<String> labels = new ArrayList<>();
        for (int v : order) {
            labels.add(clusters.assign(s, near(voices[v], rnd, 0.1)));
        }
        assertThat(labels).containsExactly("speaker-1", "speaker-1", "speaker-2", "speaker-1", "speaker-3", "speaker-2",
                "speaker-2", "speaker-3", "speaker-1", "speaker-3");
        // at the bound, a new voice joins the closest cluster
        Speakers.Clusters two = new Speakers.Clusters(0.6f, 2);
        Speakers.Clusters.State t = new Speakers.Clusters.State();
        two.assign(t, voices[0]);
        two.assign(t, voices[1]);
        assertThat(two.assign(t, unit(voices[2][0] + 0.1f, 0.2f, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0)))
                .isIn("speaker-1", "speaker-2");
        assertThat(t.counts).hasSize(2);
    }

    @Test
    void interimPredictionsGetTheEnrolledSpeakerButNeitherJoinNorOpenAnAnonymousVoice() {
        float[] voice = unit(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        float[] other = unit(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Speakers.Clusters clustering = new Speakers.Clusters(0.6f, 8);
        Speakers.Clusters.State state = new Speakers.Clusters.State();
        java.util.Map<String, float[]> enrolled = java.util.Map.of("ada", voice);
        io.avstream.schemas.Prediction enrolledInterim = SpeakerTracking.identify(result(voice, false), enrolled, 0.6f,
                clustering, state);
        assertThat(enrolledInterim.getSpeaker().getSpeakerId()).isEqualTo("ada");
        assertThat(enrolledInterim.getSpeaker().getAccepted()).isTrue();
        io.avstream.schemas.Prediction unknownInterim = SpeakerTracking.identify(result(other, false), enrolled, 0.6f,
                clustering, state);
        assertThat(unknownInterim.getSpeaker().getAccepted()).isFalse();
        assertThat(unknownInterim.getSpeech().getSpeakerLabel()).isNull();
        assertThat(state.counts).isNullOrEmpty();
        io.avstream.schemas.Prediction unknownFinal = SpeakerTracking.identify(result(other, true), enrolled, 0.6f,
                clustering, state);
        assertThat(unknownFinal.getSpeech().getSpeakerLabel()).isEqualTo("speaker-1");
        assertThat(state.counts).hasSize(1);
    }

    private static SpeechResult result(float[] embedding, boolean isFinal) {
        SpeechResult r = new SpeechResult();
        r.embedding = embedding;
        r.prediction = io.avstream.schemas.Prediction.newBuilder()
                .setPredictionId("mic/speech/1")
                .setStreamId("mic")
                .setTask("speech")
                .setModelName("m")
                .setModelVersion("1")
                .setWindowStartUs(0)
                .setWindowEndUs(1)
                .setSpeech(new io.avstream.schemas.SpeechDetail(isFinal, 0L, 1L, java.util.List.of(), null))
                .setLatency(io.avstream.operators.post.Latencies.of(0, 0, 0, 0, 0, 1, 0))
                .build();
        return r;
    }
}
