package io.avstream.operators.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FbankStreamTest {

    private static final FbankStream STREAM = new FbankStream(KaldiFbank.mavil());

    @Test
    void sixteenKilohertzAudioGivesTheFilterbankOfTheSameSamples() {
        Random r = new Random(1);
        float[] x = new float[16000 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (Math.sin(i * 0.07) * 0.3 + r.nextGaussian() * 0.01);
        }
        float[] streamed = STREAM.offline(16000, x);
        // at its own rate the conversion passes samples through, one sample behind (it waits for the next)
        float[] direct = new float[KaldiFbank.mavil().numFrames(x.length - 1) * 128];
        KaldiFbank.mavil().compute(x, 0, x.length - 1, direct);
        assertThat(streamed).containsExactly(direct);
        assertThat(streamed.length / 128).isEqualTo(298);
    }

    @Test
    void framesAreComputedOnceAsSamplesArriveWhateverTheChunks() {
        Random r = new Random(2);
        float[] x = new float[22050 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 0.1);
        }
        float[] once = STREAM.offline(22050, x);
        FbankStream.State s = STREAM.newState(22050);
        float[] all = new float[0];
        int at = 0;
        while (at < x.length) {
            int n = Math.min(x.length - at, 1 + r.nextInt(700));
            float[] f = STREAM.accept(s, Arrays.copyOfRange(x, at, at + n));
            float[] c = Arrays.copyOf(all, all.length + f.length);
            System.arraycopy(f, 0, c, all.length, f.length);
            all = c;
            at += n;
        }
        assertThat(all).containsExactly(once);
        assertThat(s.frames).isEqualTo(once.length / 128);
        assertThat(s.pending.length).isLessThan(400);
    }
}
