package io.avstream.tools.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.avstream.models.ModelHandle;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.SharedModels;
import io.avstream.operators.audio.AudioClock;
import io.avstream.operators.audioevents.PcmBlock;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.speech.Endpointer;
import io.avstream.operators.speech.SileroVad;
import io.avstream.operators.speech.VadStream;
import io.avstream.operators.speech.VadStreamState;
import io.avstream.tools.cli.KnownEvents;

/**
 * The bench's voice-activity part ({@code --parts vad}): what voice activity costs per second of a stream's audio,
 * with the chunks of many streams scored in one batch (as the voice-activity operator does) against one stream at a
 * time (a batch of one per chunk), on the same audio, in one run. Both run the operator's own per-stream code
 * ({@link VadStream}: conversion, chunking, context, state, endpointing) on 250 ms slices of the bundled recording,
 * each stream from its own offset, through the shared batcher; only the grouping differs. CPU is the whole process's.
 */
final class VadBench {
    /** The model. */
    static final String MODEL = "classpath:silero-vad";
    private static final int RATE = 16_000;
    private static final int SLICE = RATE / 4;
    private static final double MIN_STREAM_SECONDS = 64;

    /**
     * One stream count.
     *
     * @param streams          streams run side by side
     * @param streamSeconds    seconds of audio per stream
     * @param batchedCpuMs     process CPU per stream-second, chunks of all streams batched
     * @param batchedWallMs    wall time per stream-second, batched
     * @param meanBatch        the batched run's mean batch
     * @param aloneCpuMs       process CPU per stream-second, one stream at a time
     * @param aloneWallMs      wall time per stream-second, one stream at a time
     */
    record Point(int streams, double streamSeconds, double batchedCpuMs, double batchedWallMs, double meanBatch,
            double aloneCpuMs, double aloneWallMs) {
        /** One stream at a time over batched, CPU per stream-second. */
        double gain() {
            return aloneCpuMs / batchedCpuMs;
        }

        /** Real-time streams one core carries, batched. */
        double streamsPerCore() {
            return 1000.0 / batchedCpuMs;
        }
    }

    /** What the part measured. */
    record Result(String model, List<Point> points) {}

    private VadBench() {}

    static Result run(int[] streamCounts, double seconds, PrintStream out) throws Exception {
        ModelPackage pkg = ModelRef.of(MODEL).load();
        short[] clip = KnownEvents.recordingPcm(RATE);
        float[] audio = new float[clip.length];
        for (int i = 0; i < clip.length; i++) {
            audio[i] = clip[i] / 32768f;
        }
        VadStream stream = new VadStream(new AudioClock(20_000, 1_000_000), Endpointer.builder().build());
        List<Point> points = new ArrayList<>();
        int maxStreams = Arrays.stream(streamCounts).max().orElse(1);
        RuntimeOptions opts = SileroVad.runtimeOptions(Math.max(1, maxStreams));
        try (ModelHandle model = SharedModels.acquire(pkg, opts)) {
            SileroVad vad = new SileroVad(model);
            out.printf("(9) voice activity: %s, 250 ms slices, warm-up...%n", pkg.id());
            for (int w = 0; w < 2; w++) {
                measure(stream, vad, model, streams(audio, Math.min(8, maxStreams), seconds), true);
                measure(stream, vad, model, streams(audio, Math.min(8, maxStreams), seconds), false);
            }
            for (int n : streamCounts) {
                // at least a minute of audio in all, so that CPU time is not measured on a few ticks
                double perStream = Math.max(seconds, Math.ceil(MIN_STREAM_SECONDS / n));
                float[][] s = streams(audio, n, perStream);
                // each way twice, alternating, the cheaper of the two kept (other work only ever adds CPU)
                double[] batched = cheaper(measure(stream, vad, model, s, true), null);
                double[] alone = cheaper(measure(stream, vad, model, s, false), null);
                batched = cheaper(measure(stream, vad, model, s, true), batched);
                alone = cheaper(measure(stream, vad, model, s, false), alone);
                double streamSeconds = n * perStream;
                Point p = new Point(n, perStream, batched[0] / streamSeconds, batched[1] / streamSeconds, batched[2],
                        alone[0] / streamSeconds, alone[1] / streamSeconds);
                out.printf("  %d stream(s): batched %.2f ms CPU per stream-second (mean batch %.1f), one at a time %.2f: "
                        + "%.2fx%n", n, p.batchedCpuMs(), p.meanBatch(), p.aloneCpuMs(), p.gain());
                points.add(p);
            }
        }
        return new Result(pkg.id() + " (" + MODEL + ")", points);
    }

    private static double[] cheaper(double[] a, double[] b) {
        return b == null || a[0] < b[0] ? a : b;
    }

    /** {@code n} streams of {@code seconds} of the recording, each from its own offset. */
    private static float[][] streams(float[] audio, int n, double seconds) {
        int len = (int) (seconds * RATE);
        float[][] out = new float[n][len];
        for (int s = 0; s < n; s++) {
            int offset = (int) ((long) s * 7_919 * 13 % audio.length);
            for (int i = 0; i < len; i++) {
                out[s][i] = audio[(offset + i) % audio.length];
            }
        }
        return out;
    }

    /** Process CPU ms, wall ms and the mean batch for the streams, batched across streams or one stream at a time. */
    private static double[] measure(VadStream stream, SileroVad vad, ModelHandle model, float[][] audio, boolean batched)
            throws Exception {
        int n = audio.length;
        int slices = (audio[0].length + SLICE - 1) / SLICE;
        VadStreamState[] states = new VadStreamState[n];
        VadStream.Listener ignore = seg -> {};
        long batches0 = model.stats().batches();
        long samples0 = model.stats().batchedSamples();
        long cpu0 = ProcessCpu.nanos();
        long wall0 = System.nanoTime();
        if (batched) {
            for (int k = 0; k < slices; k++) {
                List<Integer> ready = new ArrayList<>();
                for (int s = 0; s < n; s++) {
                    states[s] = stream.accept("s" + s, states[s], slice(audio[s], k, s), 0, ignore);
                    if (stream.ready(states[s]) > 0) {
                        ready.add(s);
                    }
                }
                while (!ready.isEmpty()) {
                    List<float[]> inputs = new ArrayList<>(ready.size());
                    List<float[]> rnn = new ArrayList<>(ready.size());
                    for (int s : ready) {
                        inputs.add(stream.input(states[s]));
                        rnn.add(states[s].rnn);
                    }
                    float[] p = vad.score(inputs, rnn);
                    List<Integer> more = new ArrayList<>();
                    for (int i = 0; i < ready.size(); i++) {
                        int s = ready.get(i);
                        stream.scored("s" + s, states[s], p[i], rnn.get(i), 0, ignore);
                        if (stream.ready(states[s]) > 0) {
                            more.add(s);
                        } else {
                            stream.trim(states[s]);
                        }
                    }
                    ready = more;
                }
            }
        } else {
            for (int s = 0; s < n; s++) {
                for (int k = 0; k < slices; k++) {
                    states[s] = stream.accept("s" + s, states[s], slice(audio[s], k, s), 0, ignore);
                    List<float[]> rnn = new ArrayList<>(List.of(states[s].rnn));
                    while (stream.ready(states[s]) > 0) {
                        float p = vad.score(List.of(stream.input(states[s])), rnn)[0];
                        stream.scored("s" + s, states[s], p, rnn.get(0), 0, ignore);
                    }
                    stream.trim(states[s]);
                }
            }
        }
        double wallMs = (System.nanoTime() - wall0) / 1e6;
        double cpuMs = (ProcessCpu.nanos() - cpu0) / 1e6;
        double batches = model.stats().batches() - batches0;
        double samples = model.stats().batchedSamples() - samples0;
        return new double[] {cpuMs, wallMs, samples / Math.max(1, batches)};
    }

    private static PcmBlock slice(float[] audio, int k, int stream) {
        int from = k * SLICE;
        float[] x = Arrays.copyOfRange(audio, from, Math.min(audio.length, from + SLICE));
        long t = (long) from * 1_000_000L / RATE;
        return new PcmBlock("s" + stream, k, t, t, RATE, x, null);
    }
}
