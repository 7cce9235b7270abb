package io.avstream.operators.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KaldiFbank} against torchaudio's {@code kaldi.fbank} on the golden vectors of
 * {@code models/python/avstream_models/fbank_golden.py} (in {@code src/test/resources/golden/fbank}).
 *
 * <p>|difference| on log-mel values measured against torchaudio 0.13.1 / torch 1.13.1 (float32),
 * largest and median: chirp_noise 3.9e-4 / 4.8e-7, sine_dc 2.4e-4 / 0, odd_length 3.5e-4 / 4.8e-7,
 * exact_400 7.9e-5 / 2.4e-7, quiet_noise 1.9e-5 / 0, silence 0 / 0, chirp_8k_other_options 5.0e-6 /
 * 2.4e-7. The largest ones sit in bands whose energy is near the rounding noise of torchaudio's own
 * float32 FFT (its float32 and float64 results differ as much); the medians are one float ulp. The
 * median bound (2e-6) needs the window and the filter weights computed with torchaudio's float32
 * steps: computed in double they move the medians to about 3.6e-6.
 */
class KaldiFbankTest {

    /** The largest |difference| allowed on a log-mel value. */
    private static final float TOLERANCE = 1e-3f;
    private static final String GOLDEN = "/golden/fbank/";

    private static final KaldiFbank MAVIL = KaldiFbank.mavil();

    record Golden(String name, int samples, int frames, int bins, KaldiFbank.Options options, float[] wave,
                  float[] fbank) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Golden> golden() {
        JsonNode index = readIndex();
        List<Golden> all = new ArrayList<>();
        for (JsonNode s : index.get("signals")) {
            String name = s.get("name").asText();
            all.add(new Golden(name, s.get("samples").asInt(), s.get("frames").asInt(), s.get("bins").asInt(),
                    options(s.get("kwargs")), floats(name + ".wave.f32"), floats(name + ".fbank.f32")));
        }
        return all.stream();
    }

    @Test
    void goldenVectorsArePresent() {
        assertThat(golden().map(Golden::name)).contains("chirp_noise", "sine_dc", "odd_length", "exact_400",
                "quiet_noise", "silence", "chirp_8k_other_options");
        assertThat(golden().filter(g -> g.options().equals(KaldiFbank.Options.mavil())).count()).isEqualTo(6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void matchesTorchaudio(Golden g) {
        assertThat(g.wave()).hasSize(g.samples());
        assertThat(g.fbank()).hasSize(g.frames() * g.bins());
        KaldiFbank fbank = new KaldiFbank(g.options());
        assertThat(fbank.numMelBins()).isEqualTo(g.bins());
        assertThat(fbank.numFrames(g.samples())).as("frames of %d samples", g.samples()).isEqualTo(g.frames());

        float[][] rows = fbank.compute(g.wave());
        assertThat(rows).hasDimensions(g.frames(), g.bins());
        double[] diffs = new double[g.frames() * g.bins()];
        for (int f = 0; f < g.frames(); f++) {
            for (int b = 0; b < g.bins(); b++) {
                float expected = g.fbank()[f * g.bins() + b];
                assertThat(rows[f][b]).as("frame %d bin %d", f, b).isFinite();
                diffs[f * g.bins() + b] = Math.abs(rows[f][b] - expected);
            }
        }
        int worst = 0;
        for (int i = 1; i < diffs.length; i++) {
            if (diffs[i] > diffs[worst]) {
                worst = i;
            }
        }
        double maxDiff = diffs[worst];
        String where = " at frame " + worst / g.bins() + " bin " + worst % g.bins();
        double[] sorted = diffs.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        double p99 = sorted[(int) (0.99 * (sorted.length - 1))];
        System.out.printf("%s: %d x %d, |diff| max %.3g%s, median %.3g, 99th percentile %.3g%n", g.name(),
                g.frames(), g.bins(), maxDiff, where, median, p99);
        assertThat(maxDiff).as("%s: max |diff| against torchaudio%s", g.name(), where).isLessThanOrEqualTo(TOLERANCE);
        assertThat(median).as("%s: median |diff| against torchaudio", g.name()).isLessThanOrEqualTo(2e-6);
    }

    @Test
    void silenceIsTheLogFloorEverywhere() {
        Golden silence = golden().filter(g -> g.name().equals("silence")).findFirst().orElseThrow();
        assertThat(KaldiFbank.LOG_FLOOR).isEqualTo((float) Math.log(1.1920929e-07f));
        for (float v : silence.fbank()) {
            assertThat(v).isEqualTo(KaldiFbank.LOG_FLOOR);
        }
        for (float[] row : MAVIL.compute(new float[16000])) {
            for (float v : row) {
                assertThat(v).isEqualTo(KaldiFbank.LOG_FLOOR);
            }
        }
    }

    @Test
    void mavilFilterThreeHoldsNoFftBinAndStaysAtTheFloor() {
        float[][] bank = KaldiFbank.melBank(KaldiFbank.Options.mavil());
        assertThat(bank).hasDimensions(128, 256);
        for (int m = 0; m < 128; m++) {
            double sum = 0;
            for (float w : bank[m]) {
                sum += w;
            }
            if (m == 3) {
                assertThat(sum).as("filter 3").isZero();
            } else {
                assertThat(sum).as("filter %d", m).isPositive();
            }
        }
        float[] noise = noise(16000, 3, 0.3);
        for (float[] row : MAVIL.compute(noise)) {
            assertThat(row[3]).isEqualTo(KaldiFbank.LOG_FLOOR);
            assertThat(row[4]).isGreaterThan(KaldiFbank.LOG_FLOOR);
        }
    }

    @Test
    void mavilGeometry() {
        assertThat(MAVIL.windowSize()).isEqualTo(400);
        assertThat(MAVIL.windowShift()).isEqualTo(160);
        assertThat(MAVIL.fftSize()).isEqualTo(512);
        assertThat(MAVIL.numMelBins()).isEqualTo(128);
        KaldiFbank.Options o = MAVIL.options();
        assertThat(o).isEqualTo(KaldiFbank.Options.builder().numMelBins(128).htkCompat(true).build());
        assertThat(o.sampleRate()).isEqualTo(16000);
        assertThat(o.frameLengthMs()).isEqualTo(25);
        assertThat(o.frameShiftMs()).isEqualTo(10);
        assertThat(o.preemphasis()).isEqualTo(0.97);
        assertThat(o.lowFreq()).isEqualTo(20);
        assertThat(o.effectiveHighFreq()).isEqualTo(8000);
        assertThat(o.toBuilder().build()).isEqualTo(o);
    }

    @Test
    void numFramesSnipsTheEdges() {
        assertThat(MAVIL.numFrames(0)).isZero();
        assertThat(MAVIL.numFrames(1)).isZero();
        assertThat(MAVIL.numFrames(399)).isZero();
        assertThat(MAVIL.numFrames(400)).isEqualTo(1);
        assertThat(MAVIL.numFrames(559)).isEqualTo(1);
        assertThat(MAVIL.numFrames(560)).isEqualTo(2);
        assertThat(MAVIL.numFrames(16000)).isEqualTo(98);
        assertThat(MAVIL.numFrames(8272)).isEqualTo(50);
        // a MAViL clip of 10.24 s gives 1022 frames; the model's preprocessing pads them to 1024
        assertThat(MAVIL.numFrames(163_840)).isEqualTo(1022);
        assertThat(MAVIL.numFrames(Integer.MAX_VALUE)).isEqualTo(1 + (Integer.MAX_VALUE - 400) / 160);
        assertThatThrownBy(() -> MAVIL.numFrames(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void shortWaveformsGiveNoFrames() {
        assertThat(MAVIL.compute(new float[0])).isEmpty();
        assertThat(MAVIL.compute(noise(399, 1, 0.5))).isEmpty();
        float[] out = {7f, 7f};
        MAVIL.compute(noise(399, 1, 0.5), 0, 399, out);
        assertThat(out).containsExactly(7f, 7f);
        MAVIL.compute(new float[0], 0, 0, new float[0]);
    }

    @Test
    void flatOutputEqualsTheConvenienceMethod() {
        float[] wave = noise(5000, 11, 0.4);
        int offset = 123;
        int length = 4321;
        float[] slice = Arrays.copyOfRange(wave, offset, offset + length);
        float[][] rows = MAVIL.compute(slice);
        int frames = MAVIL.numFrames(length);
        assertThat(rows).hasDimensions(frames, 128);

        float[] out = new float[frames * 128 + 5];
        Arrays.fill(out, 42f);
        float[] before = wave.clone();
        MAVIL.compute(wave, offset, length, out);
        assertThat(wave).containsExactly(before);
        for (int f = 0; f < frames; f++) {
            assertThat(Arrays.copyOfRange(out, f * 128, (f + 1) * 128)).as("frame %d", f).containsExactly(rows[f]);
        }
        assertThat(Arrays.copyOfRange(out, frames * 128, out.length)).containsOnly(42f);

        // a second call into the same buffer gives the same values
        float[] again = out.clone();
        MAVIL.compute(wave, offset, length, again);
        assertThat(again).containsExactly(out);
    }

    @Test
    void flatOutputChecksItsArguments() {
        float[] wave = noise(1000, 2, 0.4);
        assertThatThrownBy(() -> MAVIL.compute(wave, 0, 1000, new float[4 * 128 - 1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 frames x 128 bins need 512");
        assertThatThrownBy(() -> MAVIL.compute(wave, 600, 401, new float[1024]))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> MAVIL.compute(wave, -1, 400, new float[1024]))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void framesDependOnlyOnTheirOwnSamples() {
        float[] wave = noise(4000, 5, 0.2);
        float[][] all = MAVIL.compute(wave);
        // frame 7 starts at 7 * 160; computing from there gives it as frame 0
        float[][] tail = MAVIL.compute(Arrays.copyOfRange(wave, 7 * 160, wave.length));
        assertThat(tail[0]).containsExactly(all[7]);
        assertThat(tail.length).isEqualTo(all.length - 7);
    }

    @Test
    void htkCompatChangesNothingWithoutEnergy() {
        KaldiFbank plain = new KaldiFbank(MAVIL.options().toBuilder().htkCompat(false).build());
        float[] wave = noise(3000, 9, 0.5);
        assertThat(plain.compute(wave)).isDeepEqualTo(MAVIL.compute(wave));
    }

    @Test
    void refusesUnsupportedAndInvalidOptions() {
        assertRefused(mavil().useEnergy(true), "use_energy=true is not supported");
        assertRefused(mavil().numMelBins(3), "num_mel_bins must be > 3");
        assertRefused(mavil().preemphasis(1.5), "preemphasis coefficient must be in [0, 1]");
        assertRefused(mavil().preemphasis(-0.1), "preemphasis coefficient must be in [0, 1]");
        assertRefused(mavil().preemphasis(Double.NaN), "preemphasis coefficient must be in [0, 1]");
        assertRefused(mavil().sampleRate(0), "sample rate must be > 0");
        assertRefused(mavil().sampleRate(Double.NaN), "sample rate must be > 0");
        assertRefused(mavil().frameShiftMs(0), "frame shift must be > 0 ms");
        assertRefused(mavil().frameShiftMs(0.05), "is 0 samples; must be 1..");
        assertRefused(mavil().frameLengthMs(0.1), "is 1 samples; must be 2..");
        assertRefused(mavil().frameLengthMs(Double.POSITIVE_INFINITY), "frame length must be > 0 ms");
        assertRefused(mavil().lowFreq(8000), "bad mel range");
        assertRefused(mavil().lowFreq(-1), "bad mel range");
        assertRefused(mavil().highFreq(8001), "bad mel range");
        assertRefused(mavil().highFreq(-7990), "bad mel range");
        assertRefused(mavil().lowFreq(4000).highFreq(3000), "bad mel range");
        // accepted edges
        assertThat(mavil().preemphasis(0).build().preemphasis()).isZero();
        assertThat(mavil().highFreq(-500).build().effectiveHighFreq()).isEqualTo(7500);
        assertThat(mavil().lowFreq(0).highFreq(8000).build().lowFreq()).isZero();
        assertThat(mavil().frameLengthMs(32).build().paddedWindowSize()).isEqualTo(512);
    }

    @Test
    void serializesAsItsOptions() throws Exception {
        KaldiFbank other = new KaldiFbank(KaldiFbank.Options.builder().numMelBins(40).lowFreq(64).build());
        for (KaldiFbank fbank : List.of(MAVIL, other)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(fbank);
            }
            assertThat(bytes.size()).isLessThan(1000);
            KaldiFbank copy;
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                copy = (KaldiFbank) in.readObject();
            }
            assertThat(copy.options()).isEqualTo(fbank.options());
            float[] wave = noise(2000, 4, 0.5);
            assertThat(copy.compute(wave)).isDeepEqualTo(fbank.compute(wave));
        }
    }

    @Test
    void concurrentCallsGiveTheSameResult() throws Exception {
        float[] wave = noise(16000, 8, 0.3);
        float[][] expected = MAVIL.compute(wave);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 5; i++) {
                    if (!Arrays.deepEquals(MAVIL.compute(wave), expected)) {
                        synchronized (failures) {
                            failures.add(new AssertionError("different result"));
                        }
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }

    private static KaldiFbank.Options.Builder mavil() {
        return KaldiFbank.Options.mavil().toBuilder();
    }

    private static void assertRefused(KaldiFbank.Options.Builder builder, String message) {
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    private static float[] noise(int n, long seed, double amplitude) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * (2 * r.nextDouble() - 1));
        }
        return x;
    }

    /** Options from torchaudio kwargs; fails on a kwarg this test does not know. */
    private static KaldiFbank.Options options(JsonNode kwargs) {
        KaldiFbank.Options.Builder b = KaldiFbank.Options.builder();
        for (Map.Entry<String, JsonNode> e : kwargs.properties()) {
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "sample_frequency" -> b.sampleRate(v.asDouble());
                case "num_mel_bins" -> b.numMelBins(v.asInt());
                case "frame_length" -> b.frameLengthMs(v.asDouble());
                case "frame_shift" -> b.frameShiftMs(v.asDouble());
                case "preemphasis_coefficient" -> b.preemphasis(v.asDouble());
                case "low_freq" -> b.lowFreq(v.asDouble());
                case "high_freq" -> b.highFreq(v.asDouble());
                case "htk_compat" -> b.htkCompat(v.asBoolean());
                case "use_energy" -> b.useEnergy(v.asBoolean());
                case "window_type" -> assertThat(v.asText()).isEqualTo("hanning");
                case "dither" -> assertThat(v.asDouble()).isZero();
                default -> throw new AssertionError("unknown fbank kwarg " + e.getKey());
            }
        }
        return b.build();
    }

    private static JsonNode readIndex() {
        try (InputStream in = KaldiFbankTest.class.getResourceAsStream(GOLDEN + "index.json")) {
            assertThat(in).as("golden index " + GOLDEN + "index.json").isNotNull();
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] floats(String file) {
        try (InputStream in = KaldiFbankTest.class.getResourceAsStream(GOLDEN + file)) {
            assertThat(in).as("golden file " + GOLDEN + file).isNotNull();
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(v);
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
