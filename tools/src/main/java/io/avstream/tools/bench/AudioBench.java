package io.avstream.tools.bench;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.avstream.deploy.JobOptions;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.audioevents.AudioDownmix;
import io.avstream.operators.audioevents.AudioEventsModel;
import io.avstream.operators.audioevents.AudioEventsTranslator;
import io.avstream.operators.audioevents.AudioWindow;
import io.avstream.operators.inference.ModelRef;
import io.avstream.schemas.SampleEncoding;
import io.avstream.tools.cli.KnownEvents;
import org.apache.flink.configuration.Configuration;

/**
 * The bench's audio part ({@code --parts audio}): the audio-event model's engine ceiling on real windows (the bundled
 * recording through the job's own front end and translator), and the audio-events job end to end over audio written
 * to Kafka beforehand (8 streams, bounded source, at-least-once, the batcher settings of the MoCap jobs). After
 * warm-up runs that are not counted (until the JIT compiler has settled), each run is paired with the engine alone at the run's batch size right before
 * and right after it, as the MoCap pipeline is: pipeline / paired ceiling per run.
 */
final class AudioBench {
    /** Streams of the audio job's input. */
    static final int STREAMS = 8;
    private static final int SAMPLE_RATE = 16_000;
    /** The most warm-up runs of the audio job. */
    static final int MAX_WARM_UPS = 3;

    /**
     * What the audio part measured.
     *
     * @param model          the audio model's id and where it came from
     * @param ceiling        the engine alone at each batch size, the bench's sessions at once
     * @param warmUp         the job's last warm-up run, not counted
     * @param runs           the counted job runs
     * @param pairedCeilings per counted run, the mean of the engine alone at its batch size right before and after it
     */
    record Result(String model, List<EngineCeiling.Point> ceiling, PipelineBench.Run warmUp, List<PipelineBench.Run> runs,
            List<EngineCeiling.Point> pairedCeilings) {

        /** Per counted run: its windows/s over its paired ceiling's. */
        double[] ratios() {
            double[] r = new double[runs.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = runs.get(i).windowsPerSec() / pairedCeilings.get(i).windowsPerSec();
            }
            return r;
        }

        /** The median of {@link #ratios()}. */
        double medianRatio() {
            return EngineCeiling.median(ratios());
        }
    }

    private AudioBench() {}

    /** The batch sizes of the ceiling: the bench's, up to the job's max batch and at most 16 (a window is 0.5 MB). */
    static int[] batchSizes(Bench.Settings s) {
        return Arrays.stream(s.batchSizes()).filter(b -> b <= Math.min(16, s.maxBatch())).toArray();
    }

    /**
     * Model inputs of {@code count} windows of the bundled recording, as the job makes them: 16 kHz mono s16le
     * through the job's down-mix, front end (filterbank, windows every hop) and translator (padding, normalisation).
     */
    static List<Map<String, float[]>> sampleWindows(ModelPackage pkg, short[] clip, int count) {
        ByteBuffer pcm = ByteBuffer.allocate(clip.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        pcm.asShortBuffer().put(clip);
        float[] mono = AudioDownmix.mono(pcm, 1, SampleEncoding.PCM_S16LE);
        List<AudioWindow> windows = AudioEventsPipeline.audioStream(new Configuration()).offline("bench", 0, SAMPLE_RATE, mono);
        AudioEventsTranslator translator = new AudioEventsTranslator(pkg, JobOptions.TOP_K.defaultValue());
        List<Map<String, float[]>> samples = new ArrayList<>();
        for (int i = 0; samples.size() < count; i++) {
            AudioWindow w = windows.get(i % windows.size());
            samples.add(Map.of(AudioEventsModel.FBANK, translator.request(w).get(AudioEventsModel.FBANK).floats()));
        }
        return samples;
    }

    /** Runs the audio part with the bench's settings; {@code job} holds the batcher settings of the MoCap jobs. */
    static Result run(Bench.Settings s, RuntimeOptions sessionOptions, Map<String, String> job, PrintStream out)
            throws Exception {
        String modelRef = job.getOrDefault(AudioEventsOptions.MODEL.key(), AudioEventsOptions.MODEL.defaultValue());
        ModelPackage pkg = ModelRef.of(modelRef).load();
        short[] clip = KnownEvents.recordingPcm(SAMPLE_RATE);
        List<Map<String, float[]>> samples = sampleWindows(pkg, clip, 32);
        int perRepetition = Math.max(8, s.windowsPerRepetition() / 2);
        out.printf("(7) audio: engine ceiling of %s, %d session(s) at once...%n", pkg.id(), s.workers());
        List<EngineCeiling.Point> ceiling = EngineCeiling.measure(pkg, sessionOptions, samples, batchSizes(s), s.workers(),
                perRepetition, s.repetitions(), out, "audio engine");
        Map<String, String> settings = new HashMap<>(job);
        settings.put(AudioEventsOptions.MODEL.key(), modelRef);
        int seconds = (s.audioWindows() + STREAMS - 1) / STREAMS + 1;
        try (PipelineBench bench = PipelineBench.start(s.brokerInProcess())) {
            PipelineBench.Input input = bench.writeAudio(STREAMS, seconds, Math.max(4, s.parallelism()), clip, out);
            return measureJob(s, sessionOptions, pkg, pkg.id() + " (" + modelRef + ")", samples, ceiling, bench, input,
                    settings, "audio-events job", out);
        }
    }

    /**
     * The job's runs over {@code input}, each paired with the engine alone at the run's batch size right before and
     * right after it: warm-up runs first, not counted, until the JIT compiler has settled.
     */
    static Result measureJob(Bench.Settings s, RuntimeOptions sessionOptions, ModelPackage pkg, String model,
            List<Map<String, float[]>> samples, List<EngineCeiling.Point> ceiling, PipelineBench bench,
            PipelineBench.Input input, Map<String, String> settings, String jobName, PrintStream out) throws Exception {
        int perRepetition = Math.max(8, s.windowsPerRepetition() / 2);
        String engineName = pkg.manifest().name() + " engine";
        List<PipelineBench.Run> runs = new ArrayList<>();
        List<EngineCeiling.Point> paired = new ArrayList<>();
        // the audio path's code (front end, translator, event tracking) is compiled during the first runs: warm-up
        // runs, not counted, until the JIT compiler has settled, at most 3 (a run is short, and the compiler
        // still takes 10-30 % of it after ten runs: measured, the ratio no longer moves after the first)
        PipelineBench.Run warmUp = null;
        for (int w = 1; w <= Math.min(MAX_WARM_UPS, s.maxWarmUps())
                && (warmUp == null || warmUp.stillCompiling(Bench.SETTLED_COMPILE_SHARE)); w++) {
            out.printf("  %s, warm-up run %d (not counted)...%n", jobName, w);
            warmUp = bench.run(input, PipelineBench.Kind.PIPELINE, s.parallelism(), settings);
            out.printf("  %.1f windows/s, mean batch %.2f, JIT compiling %.1f s of the job's %.1f s%n",
                    warmUp.windowsPerSec(), warmUp.meanBatchSize(), warmUp.jobCompileSeconds(), warmUp.jobSeconds());
        }
        for (int i = 0; i < s.jobRuns(); i++) {
            PipelineBench.Run previous = runs.isEmpty() ? warmUp : runs.get(runs.size() - 1);
            int b = Math.max(1, Math.min(s.maxBatch(), (int) Math.round(previous.meanBatchSize())));
            out.printf("  %s at batch %d, right before the job...%n", engineName, b);
            EngineCeiling.Point before = EngineCeiling.measure(pkg, sessionOptions, samples, new int[] {b}, s.workers(),
                    perRepetition, s.repetitions(), out, engineName).get(0);
            out.printf("  %s, run %d of %d...%n", jobName, i + 1, s.jobRuns());
            PipelineBench.Run r = bench.run(input, PipelineBench.Kind.PIPELINE, s.parallelism(), settings);
            out.printf("  %.1f windows/s (%d of %d expected), mean batch %.2f, %.1f ms CPU per window (%.2f cores)%n",
                    r.windowsPerSec(), r.predictions(), r.expectedWindows(), r.meanBatchSize(), r.cpuMsPerWindow(),
                    r.busyCores());
            out.printf("  %s at batch %d, right after it...%n", engineName, b);
            EngineCeiling.Point after = EngineCeiling.measure(pkg, sessionOptions, samples, new int[] {b}, s.workers(),
                    perRepetition, s.repetitions(), out, engineName).get(0);
            runs.add(r);
            paired.add(EngineCeiling.meanOf(before, after));
        }
        return new Result(model, ceiling, warmUp, runs, paired);
    }
}
