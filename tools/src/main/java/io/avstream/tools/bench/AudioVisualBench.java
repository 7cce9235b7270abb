package io.avstream.tools.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.avstream.deploy.JobOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.deploy.audiovisual.AudioVisualOptions;
import io.avstream.deploy.audiovisual.AudioVisualPipeline;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.Tensor;
import io.avstream.operators.audioevents.AudioDownmix;
import io.avstream.operators.audioevents.AudioEventsTranslator;
import io.avstream.operators.audioevents.AudioVideoAligner;
import io.avstream.operators.audioevents.AudioVisualTranslator;
import io.avstream.operators.audioevents.AudioVisualWindow;
import io.avstream.operators.audioevents.AudioWindow;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.video.FramePreprocessor;
import io.avstream.operators.video.StoredFrame;
import io.avstream.operators.video.VideoInput;
import io.avstream.schemas.SampleEncoding;
import io.avstream.schemas.VideoFrame;
import io.avstream.tools.cli.BundledRecording;
import io.avstream.tools.cli.KnownEvents;
import org.apache.flink.configuration.Configuration;

/**
 * The bench's audio-visual part ({@code --parts audio-visual}): on real windows (the bundled audio-visual recording
 * through the job's own front end, the aligner's choice of frames and the translators), the fused model's engine
 * ceiling at each batch size and the audio-only model's on the same windows, what a frame costs the job (JPEG decode,
 * resize to 224 x 224 and normalisation, as the translator does them), and the audio-visual job end to end over
 * cameras written to Kafka beforehand (sound and frames on two topics), each run paired with the fused model's
 * engine alone at the run's batch size, as the audio part is.
 */
final class AudioVisualBench {
    /** Cameras of the job's input. */
    static final int STREAMS = 8;
    private static final int SAMPLE_RATE = 16_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * What the audio-visual part measured.
     *
     * @param fused             the fused model's ceiling and the job's runs against it
     * @param audioOnlyModel    the audio-only model's id
     * @param audioOnlyCeiling  the audio-only model alone on the same windows, at each batch size
     * @param frameMs           decode + resize + normalise of one of the recording's frames, milliseconds of one core
     * @param frameSize         the recording's frames, e.g. {@code 320 x 240 JPEG, 9.8 KB}
     */
    record Result(AudioBench.Result fused, String audioOnlyModel, List<EngineCeiling.Point> audioOnlyCeiling,
            double frameMs, String frameSize) {

        /** The fused model's windows/s over the audio-only model's at each batch size both measured. */
        double[] fusedOverAudioOnly() {
            double[] r = new double[Math.min(fused.ceiling().size(), audioOnlyCeiling.size())];
            for (int i = 0; i < r.length; i++) {
                r[i] = fused.ceiling().get(i).windowsPerSec() / audioOnlyCeiling.get(i).windowsPerSec();
            }
            return r;
        }
    }

    private AudioVisualBench() {}

    /** The recording's windows that have video as the job pairs them, {@code count} of them (cycling). */
    static List<AudioVisualWindow> windowsWithVideo(Configuration conf, VideoInput video, BundledRecording.Media m,
            int count) {
        ByteBuffer pcm = ByteBuffer.allocate(m.pcm().length * 2).order(ByteOrder.LITTLE_ENDIAN);
        pcm.asShortBuffer().put(m.pcm());
        float[] mono = AudioDownmix.mono(pcm, 1, SampleEncoding.PCM_S16LE);
        long t0Us = 1_000_000_000L;
        TreeMap<Long, StoredFrame> held = new TreeMap<>();
        for (int k = 0; k < m.frames().size(); k++) {
            long at = t0Us + m.frameOffsetsUs()[k];
            held.put(at, StoredFrame.of(m.frames().get(k), at));
        }
        AudioVideoAligner aligner = AudioVisualPipeline.aligner(conf, video);
        List<AudioVisualWindow> withVideo = new ArrayList<>();
        for (AudioWindow window : AudioEventsPipeline.audioStream(conf).offline("bench", t0Us, SAMPLE_RATE, mono)) {
            AudioVisualWindow w = AudioVideoAligner.withoutVideo(window);
            w.video = aligner.framesFor(w, held);
            if (w.hasVideo()) {
                withVideo.add(w);
            }
        }
        if (withVideo.isEmpty()) {
            throw new IllegalStateException("no window of the bundled audio-visual recording has video");
        }
        List<AudioVisualWindow> out = new ArrayList<>();
        for (int i = 0; out.size() < count; i++) {
            out.add(withVideo.get(i % withVideo.size()));
        }
        return out;
    }

    private static List<Map<String, float[]>> floats(List<? extends Map<String, Tensor>> requests) {
        List<Map<String, float[]>> out = new ArrayList<>();
        for (var r : requests) {
            Map<String, float[]> m = new HashMap<>();
            r.forEach((k, v) -> m.put(k, v.floats()));
            out.add(m);
        }
        return out;
    }

    /** Decode + resize + normalise of every frame of the recording, repeated; milliseconds of one core per frame. */
    static double frameMs(List<VideoFrame> frames, int size) throws IOException {
        FramePreprocessor pre = new FramePreprocessor(size);
        float[] out = new float[pre.length()];
        List<byte[]> jpegs = new ArrayList<>();
        for (VideoFrame f : frames) {
            byte[] data = new byte[f.getData().remaining()];
            f.getData().duplicate().get(data);
            jpegs.add(data);
        }
        double best = Double.MAX_VALUE;
        // the best of 5 passes (the first ones compile the code)
        for (int pass = 0; pass < 5; pass++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (byte[] jpeg : jpegs) {
                pre.process(FramePreprocessor.decodeJpeg(jpeg), out, 0);
            }
            best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - t0) / 1e6 / jpegs.size());
        }
        return best;
    }

    /** Runs the audio-visual part with the bench's settings; {@code job} holds the batcher settings of the MoCap jobs. */
    static Result run(Bench.Settings s, RuntimeOptions sessionOptions, Map<String, String> job, PrintStream out)
            throws Exception {
        String modelRef = job.getOrDefault(AudioVisualOptions.MODEL.key(), AudioVisualOptions.MODEL.defaultValue());
        String audioRef = job.getOrDefault(AudioVisualOptions.AUDIO_MODEL.key(), AudioVisualOptions.AUDIO_MODEL.defaultValue());
        ModelPackage av = ModelRef.of(modelRef).load();
        ModelPackage audioOnly = ModelRef.of(audioRef).load();
        BundledRecording.Media media = KnownEvents.audioVisualMedia(SAMPLE_RATE);
        Configuration conf = new Configuration();
        AudioVisualTranslator avTranslator = new AudioVisualTranslator(av, JobOptions.TOP_K.defaultValue());
        AudioEventsTranslator audioTranslator = new AudioEventsTranslator(audioOnly, JobOptions.TOP_K.defaultValue());
        List<AudioVisualWindow> windows = windowsWithVideo(conf, avTranslator.video(), media, 32);
        List<Map<String, float[]>> fusedSamples = floats(windows.stream().map(avTranslator::request).toList());
        List<Map<String, float[]>> audioSamples = floats(windows.stream().map(audioTranslator::request).toList());
        int perRepetition = Math.max(8, s.windowsPerRepetition() / 2);
        int[] batches = AudioBench.batchSizes(s);

        VideoFrame first = media.frames().get(0);
        double frameMs = frameMs(media.frames(), (int) avTranslator.video().shape()[3]);
        String frameSize = String.format("%d x %d JPEG, %.1f KB", first.getWidth(), first.getHeight(),
                media.frames().stream().mapToInt(f -> f.getData().remaining()).average().orElse(0) / 1024);
        out.printf("(8) audio-visual: a frame (%s) decoded, resized and normalised: %.2f ms of a core%n", frameSize, frameMs);
        out.printf("  engine ceiling of %s, %d session(s) at once...%n", av.id(), s.workers());
        List<EngineCeiling.Point> fusedCeiling = EngineCeiling.measure(av, sessionOptions, fusedSamples, batches,
                s.workers(), perRepetition, s.repetitions(), out, av.manifest().name() + " engine");
        out.printf("  engine ceiling of %s on the same windows...%n", audioOnly.id());
        List<EngineCeiling.Point> audioCeiling = EngineCeiling.measure(audioOnly, sessionOptions, audioSamples, batches,
                s.workers(), perRepetition, s.repetitions(), out, audioOnly.manifest().name() + " engine");

        Map<String, String> settings = new HashMap<>(job);
        settings.put(AudioVisualOptions.MODEL.key(), modelRef);
        settings.put(AudioVisualOptions.AUDIO_MODEL.key(), audioRef);
        int seconds = (s.audioWindows() + STREAMS - 1) / STREAMS + 1;
        AudioBench.Result fused;
        try (PipelineBench bench = PipelineBench.start(s.brokerInProcess())) {
            PipelineBench.Input input = bench.writeAudioVisual(STREAMS, seconds, Math.max(4, s.parallelism()), media.pcm(),
                    media.frames(), media.frameOffsetsUs(), out);
            fused = AudioBench.measureJob(s, sessionOptions, av, av.id() + " (" + modelRef + ")", fusedSamples, fusedCeiling,
                    bench, input, settings, "audio-visual job", out);
        }
        return new Result(fused, audioOnly.id() + " (" + audioRef + ")", audioCeiling, frameMs, frameSize);
    }
}
