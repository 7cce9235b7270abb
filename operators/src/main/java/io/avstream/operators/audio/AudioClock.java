package io.avstream.operators.audio;

import java.io.Serializable;

/**
 * Where an audio stream's next chunk lies against the samples taken so far, by its capture time: the stream's clock
 * is its samples (the first chunk's capture time, then one sample period per sample). A chunk that starts more than
 * the jitter after where the samples put it opens a gap: up to the fill bound it is filled with silence (so that the
 * stream's times stay right), a longer one, or a change of sample rate, starts the stream anew at the chunk. A chunk
 * that starts more than the jitter before that point overlaps audio already taken, and its overlapping samples are
 * dropped. Plain code shared by every per-stream audio front end.
 */
public final class AudioClock implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long jitterUs;
    private final long maxGapFillUs;

    /**
     * @param jitterUs     how far a chunk's capture time may stray from where the samples put it
     * @param maxGapFillUs the longest gap filled with silence; longer ones restart the stream
     */
    public AudioClock(long jitterUs, long maxGapFillUs) {
        if (jitterUs < 0 || maxGapFillUs < 0) {
            throw new IllegalArgumentException("jitter and gap fill must not be negative, were " + jitterUs + " and "
                    + maxGapFillUs + " us");
        }
        this.jitterUs = jitterUs;
        this.maxGapFillUs = maxGapFillUs;
    }

    /**
     * What to do with a chunk: start the stream anew ({@code restart} says why; nothing else applies), or fill
     * {@code fillSamples} of silence before it ({@code gapUs} long), or drop its first {@code dropSamples} (all of
     * them when {@code dropSamples >= } its length).
     */
    public record Placement(String restart, long fillSamples, long gapUs, long dropSamples) {
        static final Placement IN_PLACE = new Placement(null, 0, 0, 0);

        /** The chunk's samples that do not overlap audio already taken (all of them but the dropped ones; maybe none). */
        public float[] kept(float[] samples) {
            if (dropSamples <= 0) {
                return samples;
            }
            return dropSamples >= samples.length ? new float[0]
                    : java.util.Arrays.copyOfRange(samples, (int) dropSamples, samples.length);
        }
    }

    /**
     * Places a chunk of {@code blockRate} Hz captured at {@code captureUs} in a stream at {@code rate} Hz that started
     * at {@code t0Us} and has taken {@code samplesIn} samples.
     */
    public Placement place(int rate, long t0Us, long samplesIn, int blockRate, long captureUs) {
        if (rate != blockRate) {
            return new Placement("sample rate " + rate + " Hz -> " + blockRate + " Hz", 0, 0, 0);
        }
        long expected = t0Us + Math.floorDiv(samplesIn * 1_000_000L, rate);
        long delta = captureUs - expected;
        if (delta > jitterUs) {
            if (delta <= maxGapFillUs) {
                return new Placement(null, Math.round(delta * (double) rate / 1e6), delta, 0);
            }
            return new Placement("gap of " + delta / 1000 + " ms", 0, delta, 0);
        }
        if (delta < -jitterUs) {
            return new Placement(null, 0, 0, Math.round(-delta * (double) rate / 1e6));
        }
        return Placement.IN_PLACE;
    }
}
