package io.avstream.operators.audioevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.avstream.operators.audio.FbankStream;
import io.avstream.operators.audio.KaldiFbank;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class AudioStreamTest {

    static final long T0 = 1_700_000_000_000_000L;
    static final AudioWindowSpec SPEC = AudioWindowSpec.builder().optWindowFrames(300).optHopFrames(50).build();
    static final AudioStream STREAM = new AudioStream(SPEC, new FbankStream(KaldiFbank.mavil()));

    /** A test signal: tones and noise bursts, so that frames differ. */
    static float[] signal(int rate, double seconds, long seed) {
        Random r = new Random(seed);
        int n = (int) Math.round(rate * seconds);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double tone = Math.sin(2 * Math.PI * (440 + 200 * Math.sin(t)) * t) * (((int) (t * 3)) % 2 == 0 ? 0.3 : 0.05);
            x[i] = (float) (tone + r.nextGaussian() * 0.01);
        }
        return x;
    }

    /** Blocks of random lengths, each stamped with where its first sample lies. */
    static List<PcmBlock> blocks(float[] x, int rate, long seed) {
        Random r = new Random(seed);
        List<PcmBlock> out = new ArrayList<>();
        int at = 0;
        long seq = 0;
        while (at < x.length) {
            int n = Math.min(x.length - at, 1 + r.nextInt(rate / 5));
            float[] b = new float[n];
            System.arraycopy(x, at, b, 0, n);
            out.add(new PcmBlock("s", seq++, T0 + Math.floorDiv(at * 1_000_000L, rate), 0, rate, b, null));
            at += n;
        }
        return out;
    }

    static final class Windows implements AudioStream.Listener {
        final List<AudioWindow> windows = new ArrayList<>();
        int gaps;
        int restarts;
        int overlap;

        @Override
        public void window(AudioWindow w) {
            windows.add(w);
        }

        @Override
        public void gapFilled(long gapUs) {
            gaps++;
        }

        @Override
        public void restarted(String why) {
            restarts++;
        }

        @Override
        public void overlapDropped(int samples) {
            overlap += samples;
        }
    }

    static AudioStreamState roundTrip(AudioStreamState s) throws Exception {
        TypeSerializer<AudioStreamState> ser = TypeInformation.of(AudioStreamState.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        ser.serialize(s, out);
        return ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    static List<AudioWindow> stream(List<PcmBlock> blocks, boolean restoreBetween) throws Exception {
        Windows w = new Windows();
        AudioStreamState s = null;
        for (PcmBlock b : blocks) {
            s = STREAM.accept("s", s, b, 0, w);
            if (restoreBetween) {
                s = roundTrip(s);
            }
        }
        STREAM.finish("s", s, 0, w);
        return w.windows;
    }

    static void assertSameWindows(List<AudioWindow> actual, List<AudioWindow> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            AudioWindow a = actual.get(i);
            AudioWindow e = expected.get(i);
            assertThat(a.startUs).as("window %d start", i).isEqualTo(e.startUs);
            assertThat(a.endUs).as("window %d end", i).isEqualTo(e.endUs);
            assertThat(a.firstFrame).isEqualTo(e.firstFrame);
            assertThat(a.frames).isEqualTo(e.frames);
            assertThat(a.fbank).as("window %d frames", i).containsExactly(e.fbank);
        }
    }

    @Test
    void windowsOfAStreamInAnyChunkingEqualTheOfflineOnesBitForBit() throws Exception {
        for (int rate : new int[] {16000, 44100, 8000}) {
            float[] x = signal(rate, 7.3, rate);
            List<AudioWindow> offline = STREAM.offline("s", T0, rate, x);
            assertThat(offline).hasSizeGreaterThan(10);
            for (long seed = 1; seed <= 2; seed++) {
                assertSameWindows(stream(blocks(x, rate, seed), seed == 2), offline);
            }
        }
    }

    /** Bytes of a stream's state as Flink writes it into a checkpoint. */
    static int stateBytes(AudioStreamState s) throws Exception {
        TypeSerializer<AudioStreamState> ser = TypeInformation.of(AudioStreamState.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        ser.serialize(s, out);
        return out.length();
    }

    @Test
    void aStreamsStateAtTheDefaultWindowStaysUnderOneMegabyte() throws Exception {
        // the default window (1024 frames, 10.24 s) after 30 s of audio: the ring of frames dominates, whatever the rate
        AudioStream defaults = new AudioStream(AudioWindowSpec.builder().build(), new FbankStream(KaldiFbank.mavil()));
        for (int rate : new int[] {16000, 48000}) {
            AudioStreamState s = null;
            Windows w = new Windows();
            for (PcmBlock b : blocks(signal(rate, 30.0, 9), rate, 4)) {
                s = defaults.accept("s", s, b, 0, w);
            }
            int bytes = stateBytes(s);
            System.out.printf("audio stream state at %d Hz, window %d frames: %,d bytes%n", rate,
                    defaults.spec().windowFrames(), bytes);
            assertThat(w.windows).hasSizeGreaterThan(20);
            assertThat(bytes).isGreaterThan(1024 * 128 * 4).isLessThanOrEqualTo(1 << 20);
        }
    }

    @Test
    void windowsStartAfterTheFirstHopThenEveryHopAndGrowToTheFullWindow() {
        List<AudioWindow> w = STREAM.offline("s", T0, 16000, signal(16000, 5.0, 3));
        assertThat(w.get(0).frames).isEqualTo(50);
        assertThat(w.get(0).startUs).isEqualTo(T0);
        assertThat(w.get(1).frames).isEqualTo(100);
        assertThat(w.stream().mapToInt(x -> x.frames).max().getAsInt()).isEqualTo(300);
        AudioWindow full = w.get(7);
        assertThat(full.frames).isEqualTo(300);
        assertThat(full.firstFrame).isEqualTo(100);
        assertThat(full.startUs).isEqualTo(T0 + 100 * 10_000L);
        assertThat(full.endUs).isEqualTo(T0 + (399 * 160 + 400) * 1_000_000L / 16000);
        assertThat(w.get(8).startUs - full.startUs).isEqualTo(500_000L);
    }

    @Test
    void aShortGapIsFilledWithSilenceSoThatTimesStayRight() throws Exception {
        int rate = 16000;
        float[] x = signal(rate, 4.0, 9);
        // the same audio with 200 ms of it missing, then the stream goes on
        float[] withSilence = x.clone();
        java.util.Arrays.fill(withSilence, 2 * rate, 2 * rate + rate / 5, 0f);
        List<PcmBlock> all = new ArrayList<>();
        for (PcmBlock b : blocks(x, rate, 4)) {
            long offsetUs = b.captureUs - T0;
            if (offsetUs >= 2_000_000L && offsetUs < 2_200_000L) {
                continue;
            }
            all.add(b);
        }
        Windows w = new Windows();
        AudioStreamState s = null;
        for (PcmBlock b : all) {
            s = STREAM.accept("s", s, b, 0, w);
        }
        STREAM.finish("s", s, 0, w);
        assertThat(w.gaps).isEqualTo(1);
        assertThat(w.restarts).isZero();
        // equal to the stream with silence in the gap, except for the frames that straddle the gap's edges
        List<AudioWindow> ref = STREAM.offline("s", T0, rate, withSilence);
        assertThat(w.windows).hasSameSizeAs(ref);
        assertThat(w.windows.get(w.windows.size() - 1).endUs).isEqualTo(ref.get(ref.size() - 1).endUs);
    }

    @Test
    void aLongGapOrANewSampleRateStartsTheStreamAnew() {
        Windows w = new Windows();
        AudioStreamState s = null;
        s = STREAM.accept("s", s, new PcmBlock("s", 0, T0, 0, 16000, signal(16000, 1.0, 1), null), 0, w);
        s = STREAM.accept("s", s, new PcmBlock("s", 1, T0 + 3_000_000L, 0, 16000, signal(16000, 1.0, 2), null), 0, w);
        assertThat(w.restarts).isEqualTo(1);
        assertThat(s.t0Us).isEqualTo(T0 + 3_000_000L);
        s = STREAM.accept("s", s, new PcmBlock("s", 2, T0 + 4_000_000L, 0, 44100, signal(44100, 1.0, 3), null), 0, w);
        assertThat(w.restarts).isEqualTo(2);
        assertThat(s.sampleRate).isEqualTo(44100);
    }

    @Test
    void overlappingSamplesAreDroppedOnce() {
        Windows w = new Windows();
        float[] x = signal(16000, 2.0, 5);
        AudioStreamState s = STREAM.accept("s", null, new PcmBlock("s", 0, T0, 0, 16000, java.util.Arrays.copyOf(x, 16000), null), 0, w);
        // the next chunk repeats the last 100 ms of the first
        float[] next = java.util.Arrays.copyOfRange(x, 14400, 32000);
        s = STREAM.accept("s", s, new PcmBlock("s", 1, T0 + 900_000L, 0, 16000, next, null), 0, w);
        assertThat(w.overlap).isEqualTo(1600);
        assertThat(s.samplesIn).isEqualTo(32000);
        STREAM.finish("s", s, 0, w);
        assertSameWindows(w.windows, STREAM.offline("s", T0, 16000, x));
    }
}
