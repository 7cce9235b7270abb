package io.avstream.operators.speech;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avstream.models.ModelHandle;
import io.avstream.models.ModelPackage;
import io.avstream.models.SharedModels;
import io.avstream.operators.audio.AudioClock;
import io.avstream.operators.audio.Resampler;
import io.avstream.operators.audioevents.PcmBlock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Voice activity with the bundled Silero VAD on a committed recording of twelve spoken phrases with known silences
 * between them ({@code speech/speech-pauses.wav}, made by {@code models/python/avstream_models/speech_recording.py}):
 * one segment per phrase, its speech within 100 ms of the phrase's audible part; and the stream fed in any chunking, at
 * 16 kHz or 44.1 kHz, gives the segments of the whole recording at once, sample for sample.
 */
class VadStreamTest {

    static final VadStream STREAM = new VadStream(new AudioClock(20_000, 1_000_000), Endpointer.builder().build());
    static final long T0 = 1_700_000_000_000_000L;

    private static ModelHandle model;
    private static SileroVad vad;

    @BeforeAll
    static synchronized void load() {
        if (vad != null) {
            return;
        }
        model = SharedModels.acquire(ModelPackage.fromClasspath("silero-vad"), SileroVad.runtimeOptions(64));
        vad = new SileroVad(model);
    }

    @AfterAll
    static synchronized void release() {
        if (model != null) {
            model.close();
            model = null;
            vad = null;
        }
    }

    /** The bundled model, batching as the operator does (loaded for this class's tests). */
    static SileroVad vad() {
        if (vad == null) {
            load();
        }
        return vad;
    }

    @Test
    void onePerPhraseWithin100MsOfItsAudiblePart() throws Exception {
        float[] audio = recording();
        JsonNode phrases = truth().get("phrases");
        List<SpeechSegment> segs = STREAM.offline("mic", T0, 16_000, audio, vad, s -> {});
        assertThat(segs).hasSize(phrases.size());
        double worstStart = 0;
        double worstEnd = 0;
        double worstPaddedStart = 0;
        double worstPaddedEnd = 0;
        for (int i = 0; i < segs.size(); i++) {
            SpeechSegment s = segs.get(i);
            double start = phrases.get(i).get("start").asDouble();
            double end = phrases.get(i).get("end").asDouble();
            worstStart = Math.max(worstStart, Math.abs(seconds(s.speechStartUs) - start));
            worstEnd = Math.max(worstEnd, Math.abs(seconds(s.speechEndUs) - end));
            worstPaddedStart = Math.max(worstPaddedStart, Math.abs(seconds(s.startUs) - start));
            worstPaddedEnd = Math.max(worstPaddedEnd, Math.abs(seconds(s.endUs) - end));
            assertThat(s.samples.length).as("samples of the padded span").isEqualTo((int) ((s.endUs - s.startUs) * 16 / 1000));
        }
        System.out.printf("VAD boundaries on %d phrases: speech start within %.3f s, end within %.3f s; "
                + "padded start within %.3f s, end within %.3f s%n", segs.size(), worstStart, worstEnd, worstPaddedStart,
                worstPaddedEnd);
        assertThat(worstStart).as("worst speech start error, s").isLessThanOrEqualTo(0.1);
        assertThat(worstEnd).as("worst speech end error, s").isLessThanOrEqualTo(0.1);
        assertThat(worstPaddedStart).as("worst padded start error, s").isLessThanOrEqualTo(0.1);
    }

    @Test
    void anyChunkingEqualsTheWholeRecordingAt16kHz() throws Exception {
        float[] audio = recording();
        List<SpeechSegment> offline = STREAM.offline("mic", T0, 16_000, audio, vad, s -> {});
        assertThat(streamed(audio, 16_000, new Random(1))).usingRecursiveFieldByFieldElementComparator(TIMES_AND_SAMPLES)
                .containsExactlyElementsOf(offline);
    }

    @Test
    void anyChunkingEqualsTheWholeRecordingAt44kHz() throws Exception {
        float[] audio44 = Resampler.of(16_000, 44_100).process(Resampler.of(16_000, 44_100).newState(), recording());
        List<SpeechSegment> offline = STREAM.offline("mic", T0, 44_100, audio44, vad, s -> {});
        assertThat(offline).hasSize(truth().get("phrases").size());
        assertThat(streamed(audio44, 44_100, new Random(2))).usingRecursiveFieldByFieldElementComparator(TIMES_AND_SAMPLES)
                .containsExactlyElementsOf(offline);
    }

    @Test
    void interimSegmentsComeInAnyChunkingAsInTheWholeRecordingAndArePrefixesOfTheirFinalSegment() throws Exception {
        float[] audio = recording();
        VadStream interim = new VadStream(new AudioClock(20_000, 1_000_000),
                Endpointer.builder().optInterimInterval(java.time.Duration.ofMillis(400)).build());
        List<SpeechSegment> offline = interim.offline("mic", T0, 16_000, audio, vad, s -> {});
        List<SpeechSegment> finals = offline.stream().filter(g -> !g.interim).toList();
        assertThat(finals).usingRecursiveFieldByFieldElementComparator(TIMES_AND_SAMPLES)
                .containsExactlyElementsOf(STREAM.offline("mic", T0, 16_000, audio, vad, s -> {}));
        assertThat(offline.size() - finals.size()).as("interim segments").isGreaterThan(finals.size());
        assertThat(streamed(interim, audio, 16_000, new Random(3))).usingRecursiveFieldByFieldElementComparator(TIMES_AND_SAMPLES)
                .containsExactlyElementsOf(offline);
        // each interim is its final segment's start, samples and all, up to where the audio seen ended
        SpeechSegment next = null;
        for (int i = offline.size() - 1; i >= 0; i--) {
            SpeechSegment g = offline.get(i);
            if (!g.interim) {
                next = g;
                continue;
            }
            assertThat(next).as("a final segment after interim " + g).isNotNull();
            assertThat(g.startUs).isEqualTo(next.startUs);
            assertThat(g.speechStartUs).isEqualTo(next.speechStartUs);
            // an interim may come while the silence that ends the speech is being confirmed (100 ms and a few chunks)
            assertThat(g.endUs).isGreaterThan(g.speechStartUs).isLessThanOrEqualTo(next.endUs + 200_000);
            int n = Math.min(g.samples.length, next.samples.length);
            assertThat(java.util.Arrays.copyOf(g.samples, n)).isEqualTo(java.util.Arrays.copyOf(next.samples, n));
        }
    }

    static final org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration TIMES_AND_SAMPLES =
            org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration.builder()
                    .withIgnoredFields("lastCaptureUs", "lastKafkaUs", "closedAtUs").build();

    /** The recording in blocks of 20-150 ms, each block's chunks scored before the next is taken. */
    static List<SpeechSegment> streamed(float[] audio, int rate, Random rnd) throws Exception {
        return streamed(STREAM, audio, rate, rnd);
    }

    /** As {@link #streamed(float[], int, Random)}, through {@code stream}, interim segments among the segments. */
    static List<SpeechSegment> streamed(VadStream stream, float[] audio, int rate, Random rnd) throws Exception {
        List<SpeechSegment> out = new ArrayList<>();
        VadStream.Listener listener = new VadStream.Listener() {
            @Override
            public void segment(SpeechSegment segment) {
                out.add(segment);
            }

            @Override
            public void interim(SpeechSegment segment) {
                out.add(segment);
            }
        };
        VadStreamState s = null;
        int at = 0;
        long seq = 0;
        int most = 0;
        long sum = 0;
        int n = 0;
        while (at < audio.length) {
            int len = Math.min(audio.length - at, rate * (20 + rnd.nextInt(131)) / 1000);
            float[] block = java.util.Arrays.copyOfRange(audio, at, at + len);
            long captureUs = T0 + (long) at * 1_000_000L / rate;
            s = stream.accept("mic", s, new PcmBlock("mic", seq++, captureUs, captureUs, rate, block, null), 0, listener);
            List<float[]> rnn = new ArrayList<>(List.of(s.rnn));
            while (stream.ready(s) > 0) {
                float p = vad.score(List.of(stream.input(s)), rnn)[0];
                stream.scored("mic", s, p, rnn.get(0), 0, listener);
            }
            stream.trim(s);
            most = Math.max(most, s.audio.length);
            sum += s.audio.length;
            n++;
            at += len;
        }
        stream.finish("mic", s, 0, listener);
        // the keyed state's bulk: the samples kept (the rest is the 256-float recurrent state and a few numbers)
        System.out.printf("VAD state at %d Hz: samples kept after each block, mean %.0f (%.1f KB), most %d (%.1f KB)%n", rate,
                (double) sum / n, sum * 4.0 / n / 1024, most, most * 4.0 / 1024);
        return out;
    }

    private static double seconds(long us) {
        return (us - T0) / 1e6;
    }

    static JsonNode truth() throws IOException {
        return new ObjectMapper().readTree(resource("/speech/speech-pauses.json"));
    }

    /** The recording's samples, s16 / 32768. */
    static float[] recording() throws IOException {
        byte[] wav = resource("/speech/speech-pauses.wav");
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(24)).isEqualTo(16_000);
        float[] x = new float[(wav.length - 44) / 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = b.getShort(44 + 2 * i) / 32768f;
        }
        return x;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = VadStreamTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
