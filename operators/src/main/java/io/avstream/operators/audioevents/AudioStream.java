package io.avstream.operators.audioevents;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.avstream.operators.audio.AudioClock;
import io.avstream.operators.audio.FbankStream;

/**
 * Follows one audio stream, chunk after chunk in time order, and cuts the model's windows from it; plain
 * code (no Flink) whose whole memory is an {@link AudioStreamState}, used by {@link AudioFrontEnd} per key.
 *
 * <p>The stream's clock is its samples ({@link AudioClock}): gaps up to {@link AudioWindowSpec#maxGapFillUs()}
 * are filled with silence, a longer one (or a change of sample rate) ends the stream and starts it anew at the
 * chunk, and samples of a chunk that overlap audio already taken are dropped. The samples are converted to the filterbank's rate and framed once as they arrive ({@link FbankStream}); the
 * newest window's frames are kept in a ring, and a window is cut when {@link AudioWindowSpec#windowEndsAt}
 * says so. The windows of a stream fed in any chunking equal {@link #offline} over its samples at once.
 */
public final class AudioStream implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What happens while a stream is followed. */
    public interface Listener {
        /** A window was cut. */
        void window(AudioWindow window);

        /** A gap of {@code gapUs} was filled with silence. */
        default void gapFilled(long gapUs) {}

        /** The stream started anew (a gap too long to fill, or a new sample rate). */
        default void restarted(String why) {}

        /** Samples of a chunk that overlapped audio already taken were dropped. */
        default void overlapDropped(int samples) {}
    }

    private final AudioWindowSpec spec;
    private final FbankStream fbank;
    private final AudioClock clock;

    public AudioStream(AudioWindowSpec spec, FbankStream fbank) {
        this.spec = spec;
        this.fbank = fbank;
        this.clock = new AudioClock(spec.jitterUs(), spec.maxGapFillUs());
    }

    public AudioWindowSpec spec() {
        return spec;
    }

    public FbankStream fbank() {
        return fbank;
    }

    /**
     * Takes the stream's next chunk and returns the stream's state afterwards (a new one when the stream
     * started or restarted; {@code state} may be null for a stream not seen yet).
     */
    public AudioStreamState accept(String streamId, AudioStreamState state, PcmBlock block, long nowUs, Listener listener) {
        AudioStreamState s = state;
        float[] samples = block.samples;
        if (s != null) {
            AudioClock.Placement p = clock.place(s.sampleRate, s.t0Us, s.samplesIn, block.sampleRate, block.captureUs);
            if (p.restart() != null) {
                finish(streamId, s, nowUs, listener);
                listener.restarted(p.restart());
                s = null;
            } else {
                if (p.fillSamples() > 0) {
                    feed(streamId, s, new float[(int) p.fillSamples()], null, nowUs, listener);
                    listener.gapFilled(p.gapUs());
                }
                float[] kept = p.kept(samples);
                if (kept.length < samples.length) {
                    listener.overlapDropped(samples.length - kept.length);
                }
                if (kept.length == 0) {
                    return s;
                }
                samples = kept;
            }
        }
        if (s == null) {
            s = start(block);
        }
        s.lastCaptureUs = block.captureUs;
        s.lastKafkaUs = block.kafkaUs;
        feed(streamId, s, samples, block.annotation, nowUs, listener);
        return s;
    }

    /** The end of a stream (end of input, idle, restart): cuts the last window if frames came after the previous one. */
    public void finish(String streamId, AudioStreamState s, long nowUs, Listener listener) {
        if (s != null && s.frames() > s.emittedFrames && spec.windowEndsAt(s.frames(), true)) {
            listener.window(cut(streamId, s, nowUs));
        }
    }

    private AudioStreamState start(PcmBlock block) {
        AudioStreamState s = new AudioStreamState();
        s.sampleRate = block.sampleRate;
        s.t0Us = block.captureUs;
        s.fbank = fbank.newState(block.sampleRate);
        s.ring = new float[spec.windowFrames() * fbank.bins()];
        return s;
    }

    private void feed(String streamId, AudioStreamState s, float[] samples, String annotation, long nowUs,
            Listener listener) {
        s.samplesIn += samples.length;
        if (annotation != null) {
            s.hopAnnotations = addAnnotation(s.hopAnnotations, annotation);
        }
        float[] frames = fbank.accept(s.fbank, samples);
        int bins = fbank.bins();
        int n = frames.length / bins;
        long first = s.frames() - n;
        for (int i = 0; i < n; i++) {
            long f = first + i;
            System.arraycopy(frames, i * bins, s.ring, (int) (f % spec.windowFrames()) * bins, bins);
            if (spec.windowEndsAt(f + 1, false)) {
                listener.window(cutAt(streamId, s, f + 1, nowUs));
            }
        }
    }

    private AudioWindow cut(String streamId, AudioStreamState s, long nowUs) {
        return cutAt(streamId, s, s.frames(), nowUs);
    }

    /** The window of the newest frames up to frame {@code end} (exclusive), which must still be in the ring. */
    private AudioWindow cutAt(String streamId, AudioStreamState s, long end, long nowUs) {
        int bins = fbank.bins();
        int n = (int) Math.min(end, spec.windowFrames());
        long first = end - n;
        float[] out = new float[n * bins];
        for (int i = 0; i < n; i++) {
            System.arraycopy(s.ring, (int) ((first + i) % spec.windowFrames()) * bins, out, i * bins, bins);
        }
        AudioWindow w = window(streamId, s.t0Us, first, n, out);
        w.lastCaptureUs = s.lastCaptureUs;
        w.lastKafkaUs = s.lastKafkaUs;
        w.closedAtUs = nowUs;
        w.annotation = s.hopAnnotations;
        s.hopAnnotations = null;
        s.emittedFrames = end;
        return w;
    }

    private AudioWindow window(String streamId, long t0Us, long firstFrame, int frames, float[] values) {
        int rate = fbank.rate();
        int shift = fbank.fbank().windowShift();
        int length = fbank.fbank().windowSize();
        AudioWindow w = new AudioWindow();
        w.streamId = streamId;
        w.firstFrame = firstFrame;
        w.frames = frames;
        w.bins = fbank.bins();
        w.fbank = values;
        w.frameShiftUs = shift * 1_000_000L / rate;
        w.startUs = t0Us + Math.floorDiv(firstFrame * shift * 1_000_000L, rate);
        w.endUs = t0Us + Math.floorDiv(((firstFrame + frames - 1) * shift + length) * 1_000_000L, rate);
        return w;
    }

    /**
     * The offline reference: the windows of a whole recording (mono samples at {@code sampleRate} from
     * {@code t0Us}), its frames computed at once and cut by the same rule. Times and annotations of chunks
     * are not known here: those fields stay 0 and null.
     */
    public List<AudioWindow> offline(String streamId, long t0Us, int sampleRate, float[] mono) {
        float[] frames = fbank.offline(sampleRate, mono);
        int bins = fbank.bins();
        long total = frames.length / bins;
        List<AudioWindow> windows = new ArrayList<>();
        long last = 0;
        for (long end = 1; end <= total; end++) {
            if (spec.windowEndsAt(end, end == total) && end > last) {
                int n = (int) Math.min(end, spec.windowFrames());
                long first = end - n;
                windows.add(window(streamId, t0Us, first, n,
                        Arrays.copyOfRange(frames, (int) first * bins, (int) end * bins)));
                last = end;
            }
        }
        return windows;
    }

    private static String addAnnotation(String existing, String annotation) {
        if (existing == null) {
            return annotation;
        }
        Set<String> all = new LinkedHashSet<>(Arrays.asList(existing.split(",")));
        all.addAll(Arrays.asList(annotation.split(",")));
        return String.join(",", all);
    }
}
