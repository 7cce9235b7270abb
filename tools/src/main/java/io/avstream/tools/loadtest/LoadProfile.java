package io.avstream.tools.loadtest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.avstream.deploy.JobOptions;
import io.avstream.deploy.action.ActionOptions;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.deploy.audiovisual.AudioVisualOptions;
import io.avstream.deploy.audiovisual.AudioVisualPipeline;
import io.avstream.deploy.speech.SpeechOptions;
import io.avstream.deploy.speech.SpeechPipeline;
import io.avstream.models.ModelHandle;
import io.avstream.models.SharedModels;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.speech.SileroVad;
import io.avstream.ingest.produce.AudioKafkaProducer;
import io.avstream.ingest.produce.MocapKafkaProducer;
import io.avstream.ingest.produce.PacedProducer;
import io.avstream.ingest.produce.SyntheticFrames;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.operators.audio.KaldiFbank;
import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.VideoFrame;
import io.avstream.tools.cli.BundledRecording;
import io.avstream.tools.cli.KnownEvents;
import io.avstream.tools.cli.KnownSpeech;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * What a load test needs to know of one modality: the job settings and topics of its pipeline, the producer of its
 * synthetic streams, the bytes one input record puts on the topic, which windows each stream makes and when the job
 * can close them, and the job's counter of closed windows. Built from the job configuration the test runs with.
 */
abstract class LoadProfile {

    /** The profile of {@code modality} at {@code rate} times real time, with the job's timings from {@code job}. */
    static LoadProfile of(Modality modality, double rate, Configuration job) {
        return switch (modality) {
            case MOCAP -> new Mocap(rate, job);
            case AUDIO -> new Audio(job);
            case SPEECH -> new Speech(job);
            case AUDIO_VIDEO -> new AudioVisual(job);
            default -> throw new IllegalArgumentException("modality " + modality.cliName() + " has no load profile");
        };
    }

    /** The settings that select the modality's pipeline and its rate (before the user's own). */
    static void pipelinePairs(Modality modality, double rate, Map<String, String> pairs) {
        switch (modality) {
            case MOCAP -> pairs.put(ActionOptions.FPS.key(), Double.toString(Mocap.REAL_TIME_FPS * rate));
            case AUDIO -> pairs.put(JobOptions.PIPELINES.key(), AudioEventsPipeline.NAME);
            case SPEECH -> pairs.put(JobOptions.PIPELINES.key(), SpeechPipeline.NAME);
            case AUDIO_VIDEO -> pairs.put(JobOptions.PIPELINES.key(), AudioVisualPipeline.NAME);
            default -> throw new IllegalArgumentException("modality " + modality.cliName() + " has no load profile");
        }
    }

    /** The option naming the modality's input topic. */
    static ConfigOption<String> inputTopic(Modality modality) {
        return switch (modality) {
            case AUDIO -> AudioEventsOptions.TOPIC;
            case SPEECH -> SpeechOptions.TOPIC;
            case AUDIO_VIDEO -> AudioVisualOptions.AUDIO_TOPIC;
            default -> ActionOptions.TOPIC;
        };
    }

    /**
     * The options naming the other topics the modality's pipeline reads: the speakers topic for speech (one
     * partition), the video topic for audio-visual (keyed by stream, partitioned as the input).
     */
    static List<ConfigOption<String>> otherTopics(Modality modality) {
        return switch (modality) {
            case SPEECH -> List.of(SpeechOptions.SPEAKERS_TOPIC);
            case AUDIO_VIDEO -> List.of(AudioVisualOptions.VIDEO_TOPIC);
            default -> List.of();
        };
    }

    /** Whether another topic of {@link #otherTopics} is keyed by stream and so partitioned as the input topic. */
    static boolean partitionedAsInput(ConfigOption<String> topic) {
        return topic == AudioVisualOptions.VIDEO_TOPIC;
    }

    /** The option naming the modality's prediction topic. */
    static ConfigOption<String> predictionsTopic(Modality modality) {
        return switch (modality) {
            case AUDIO -> AudioEventsOptions.PREDICTIONS_TOPIC;
            case SPEECH -> SpeechOptions.PREDICTIONS_TOPIC;
            case AUDIO_VIDEO -> AudioVisualOptions.PREDICTIONS_TOPIC;
            default -> ActionOptions.PREDICTIONS_TOPIC;
        };
    }

    /**
     * Whether latency is measured from the window's end rather than from its newest input's capture: speech, whose
     * segment is confirmed only after a stretch of silence past its end.
     */
    boolean latencyFromWindowEnd() {
        return false;
    }

    /** Input records each stream sends per second. */
    abstract double recordsPerSecond();

    /** The streams' input rate in words, e.g. {@code 25 fps}. */
    abstract String rateText();

    /** A producer of {@code streams} streams named {@code <prefix>NNNN} to the trial's topics, not started. */
    abstract PacedProducer producer(Deployment d, String prefix, int streams, long seed, Properties properties);

    /** Key + value bytes of one input record of a stream named with {@code prefix}, before compression. */
    abstract double recordBytes(String prefix);

    /** The windows of the i-th stream of {@code source} that end in {@code [fromUs, toUs)} and that it covered. */
    abstract long windows(StreamSources.Source source, int i, long fromUs, long toUs);

    /** The latest window end that a stream stopping at {@code stopUs} still closes with input of its own. */
    abstract long lastClosingWindowEnd(long stopUs);

    /** How long a window waits, by design, from its newest input's capture for the input that closes it. */
    abstract LoadRecorder.CloseWait closeWait();

    /** The job's counter of windows closed (see {@link JobCounters}). */
    abstract String windowsCounter();

    /** MoCap: synthetic actors at a multiple of 25 fps; windows on a grid of hops since the epoch. */
    static final class Mocap extends LoadProfile {
        static final double REAL_TIME_FPS = SyntheticActor.DEFAULT_FPS;
        private final double fps;
        private final long outOfOrdernessUs;
        private final long spanUs;
        private final long hopUs;
        private final WindowSpec windowSpec;

        Mocap(double rate, Configuration c) {
            this.fps = REAL_TIME_FPS * rate;
            this.outOfOrdernessUs = c.get(ActionOptions.OUT_OF_ORDERNESS).toNanos() / 1000;
            this.hopUs = c.get(ActionOptions.WINDOW_HOP).toNanos() / 1000;
            this.spanUs = c.get(ActionOptions.WINDOW_SPAN).toNanos() / 1000;
            this.windowSpec = WindowSpec.builder().optSpan(c.get(ActionOptions.WINDOW_SPAN)).optHop(c.get(ActionOptions.WINDOW_HOP))
                    .optStagger(c.get(ActionOptions.WINDOW_STAGGER)).build();
        }

        private long framePeriodUs() {
            return Math.round(1e6 / fps);
        }

        @Override
        double recordsPerSecond() {
            return fps;
        }

        @Override
        String rateText() {
            return String.format("%.0f fps", fps);
        }

        @Override
        PacedProducer producer(Deployment d, String prefix, int streams, long seed, Properties properties) {
            return MocapKafkaProducer.builder().setBootstrapServers(d.bootstrap()).setTopic(d.inputTopic()).setStreams(streams)
                    .optStreamPrefix(prefix).optSeed(seed).optFps(fps).optProperties(properties).build();
        }

        @Override
        double recordBytes(String prefix) {
            SyntheticActor actor = SyntheticActor.builder().setStreamId(prefix + "a-0000").setSeed(1).build();
            MocapFrame frame = SyntheticFrames.of(actor, actor.next(), EpochMicros.now());
            return AvroCodec.forClass(MocapFrame.class).encode(frame).length
                    + actor.streamId().getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        long windows(StreamSources.Source source, int i, long fromUs, long toUs) {
            long lo = Math.max(fromUs, source.startUs + spanUs);
            if (toUs <= lo) {
                return 0;
            }
            // this stream's window ends fall on k * hop + c
            long c = Math.floorMod(windowSpec.offsetUs(source.streamId(i)) + spanUs, hopUs);
            long first = Math.floorDiv(lo - c + hopUs - 1, hopUs);
            long last = Math.floorDiv(toUs - 1 - c, hopUs);
            return Math.max(0, last - first + 1);
        }

        @Override
        long lastClosingWindowEnd(long stopUs) {
            return stopUs - outOfOrdernessUs - 2 * framePeriodUs();
        }

        @Override
        LoadRecorder.CloseWait closeWait() {
            return LoadRecorder.frameGridWait(outOfOrdernessUs, framePeriodUs());
        }

        @Override
        String windowsCounter() {
            return JobCounters.WINDOWS_CLOSED;
        }
    }

    /**
     * Audio: microphones in real time, each looping the bundled recording (16 kHz mono) from its own offset in
     * 100 ms chunks, the streams' starts spread over a second. A stream's windows follow its own start: the first
     * after {@code min-frames} filterbank frames, then one every hop. The job hands a stream's chunks on in slices
     * on a grid since the epoch, a slice once a chunk at least the out-of-orderness past its end has arrived; a
     * window is cut in the slice of the chunk that completes it.
     */
    static class Audio extends LoadProfile {
        static final int SAMPLE_RATE = 16_000;
        static final int CHUNK_MS = 100;
        private static short[] clip;
        protected final long chunkUs = CHUNK_MS * 1000L;
        protected final long sliceUs;
        protected final long outOfOrdernessUs;
        private final long firstEndUs;
        private final long hopUs;

        Audio(Configuration c) {
            this(c, c.get(AudioEventsOptions.SLICE), c.get(AudioEventsOptions.OUT_OF_ORDERNESS));
        }

        Audio(Configuration c, java.time.Duration slice, java.time.Duration outOfOrderness) {
            this.sliceUs = slice.toNanos() / 1000;
            this.outOfOrdernessUs = outOfOrderness.toNanos() / 1000;
            KaldiFbank fbank = KaldiFbank.mavil();
            int minFrames = c.get(AudioEventsOptions.MIN_FRAMES);
            int hopFrames = c.get(AudioEventsOptions.HOP_FRAMES);
            // frame f (from 0) ends at (f * shift + size) samples after the stream's first
            this.firstEndUs = Math.floorDiv(((minFrames - 1L) * fbank.windowShift() + fbank.windowSize()) * 1_000_000L, SAMPLE_RATE);
            this.hopUs = hopFrames * (long) fbank.windowShift() * 1_000_000L / SAMPLE_RATE;
        }

        /** The clip every stream loops. */
        short[] clip() {
            return eventsClip();
        }

        private static synchronized short[] eventsClip() {
            if (clip == null) {
                clip = KnownEvents.recordingPcm(SAMPLE_RATE);
            }
            return clip;
        }

        @Override
        double recordsPerSecond() {
            return 1000.0 / CHUNK_MS;
        }

        @Override
        String rateText() {
            return String.format("%d ms chunks of %d Hz mono s16le", CHUNK_MS, SAMPLE_RATE);
        }

        @Override
        PacedProducer producer(Deployment d, String prefix, int streams, long seed, Properties properties) {
            return producerBuilder(d, prefix, streams, seed, properties).build();
        }

        /** The producer's builder with everything but video. */
        AudioKafkaProducer.Builder producerBuilder(Deployment d, String prefix, int streams, long seed, Properties properties) {
            return AudioKafkaProducer.builder().setBootstrapServers(d.bootstrap()).setTopic(d.inputTopic()).setStreams(streams)
                    .setClip(clip(), SAMPLE_RATE).optChunkMillis(CHUNK_MS).optStreamPrefix(prefix).optSeed(seed)
                    .optProperties(properties);
        }

        @Override
        double recordBytes(String prefix) {
            return chunkBytes(prefix);
        }

        /** Key + value bytes of one audio chunk. */
        static double chunkBytes(String prefix) {
            int samples = SAMPLE_RATE * CHUNK_MS / 1000;
            AudioChunk chunk = AudioKafkaProducer.clipChunk(prefix + "a-0000", 0, EpochMicros.now(), new short[samples], 0,
                    samples, SAMPLE_RATE);
            return AvroCodec.forClass(AudioChunk.class).encode(chunk).length
                    + chunk.getStreamId().toString().getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        long windows(StreamSources.Source source, int i, long fromUs, long toUs) {
            long first = source.producer.streamStartUs(i) + firstEndUs;
            long lo = Math.max(fromUs, first);
            if (toUs <= lo) {
                return 0;
            }
            long k0 = Math.floorDiv(lo - first + hopUs - 1, hopUs);
            long k1 = Math.floorDiv(toUs - 1 - first, hopUs);
            return Math.max(0, k1 - k0 + 1);
        }

        @Override
        long lastClosingWindowEnd(long stopUs) {
            // the window's newest chunk starts before its end; its slice ends at most a slice later; the chunk that
            // closes the slice starts at most a chunk after the out-of-orderness and is sent a chunk later
            return stopUs - 2 * chunkUs - outOfOrdernessUs - sliceUs;
        }

        @Override
        LoadRecorder.CloseWait closeWait() {
            long slice = sliceUs;
            long ooo = outOfOrdernessUs;
            long chunk = chunkUs;
            return (windowEndUs, captureUs) -> {
                long sliceEnd = Math.floorDiv(captureUs, slice) * slice + slice;
                long closing = captureUs + Math.max(0, Math.floorDiv(sliceEnd + ooo - captureUs + chunk - 1, chunk)) * chunk;
                return closing + chunk - captureUs;
            };
        }

        @Override
        String windowsCounter() {
            return JobCounters.AUDIO_WINDOWS;
        }
    }

    /**
     * Speech: speaking microphones in real time, each looping the bundled recording of spoken phrases (16 kHz mono)
     * from its own offset, as the audio profile's microphones do. A stream's segments are the recording's, as voice
     * activity and endpointing find them in a steady loop (computed once, offline, with the job's own models and
     * rules), shifted to the stream's offset and start. A segment is complete once the silence after it is confirmed;
     * latency is measured from the segment's end (with its pad), so it holds that wait and the slicing's.
     */
    static final class Speech extends Audio {
        private static short[] speechClip;
        private final long minSilenceUs;
        private final long[] segmentEnds;

        Speech(Configuration c) {
            super(c, c.get(SpeechOptions.SLICE), c.get(SpeechOptions.OUT_OF_ORDERNESS));
            this.minSilenceUs = c.get(SpeechOptions.VAD_MIN_SILENCE).toNanos() / 1000;
            this.segmentEnds = segmentEnds(c);
        }

        private static synchronized short[] speechClip() {
            if (speechClip == null) {
                speechClip = KnownSpeech.recordingPcm(SAMPLE_RATE);
            }
            return speechClip;
        }

        /**
         * Where the segments of the looped recording end, in samples into the recording, with the job's voice-activity
         * settings in {@code c}.
         */
        private static long[] segmentEnds(Configuration c) {
            short[] clip = speechClip();
            float[] twice = new float[2 * clip.length];
            for (int i = 0; i < twice.length; i++) {
                twice[i] = clip[i % clip.length] / 32768f;
            }
            try (ModelHandle vad = SharedModels.acquire(ModelRef.of(c.get(SpeechOptions.VAD_MODEL)).load(),
                    SileroVad.runtimeOptions(64))) {
                // the second pass: the loop's steady state (the first starts from silence and a fresh state)
                return SpeechPipeline.vadStream(c).offline("loadtest", 0, SAMPLE_RATE, twice, new SileroVad(vad),
                        seg -> {}).stream().mapToLong(seg -> seg.firstSample + seg.samples.length)
                        .filter(end -> end > clip.length).map(end -> end - clip.length).toArray();
            } catch (Exception e) {
                throw new IllegalStateException("cannot find the speech recording's segments: " + e.getMessage(), e);
            }
        }

        @Override
        short[] clip() {
            return speechClip();
        }

        @Override
        String rateText() {
            return String.format("%d ms chunks of %d Hz mono s16le speech", CHUNK_MS, SAMPLE_RATE);
        }

        @Override
        long windows(StreamSources.Source source, int i, long fromUs, long toUs) {
            AudioKafkaProducer producer = (AudioKafkaProducer) source.producer;
            long length = speechClip().length;
            long start = producer.streamStartUs(i);
            long periodUs = length * 1_000_000L / SAMPLE_RATE;
            long n = 0;
            for (long end : segmentEnds) {
                long first = start + Math.floorMod(end - producer.clipOffset(i), length) * 1_000_000L / SAMPLE_RATE;
                if (toUs <= Math.max(fromUs, first)) {
                    continue;
                }
                long k0 = Math.max(0, Math.floorDiv(fromUs - first + periodUs - 1, periodUs));
                long k1 = Math.floorDiv(toUs - 1 - first, periodUs);
                n += Math.max(0, k1 - k0 + 1);
            }
            return n;
        }

        @Override
        long lastClosingWindowEnd(long stopUs) {
            // a segment is confirmed a minimum silence and a chunk of 32 ms after its speech ends, then as an audio window
            return super.lastClosingWindowEnd(stopUs) - minSilenceUs - 32_000;
        }

        @Override
        LoadRecorder.CloseWait closeWait() {
            LoadRecorder.CloseWait slices = super.closeWait();
            // from the segment's end: to its newest input's capture, then the slicing's wait
            return (windowEndUs, captureUs) -> Math.max(0, captureUs - windowEndUs) + slices.waitUs(windowEndUs, captureUs);
        }

        @Override
        boolean latencyFromWindowEnd() {
            return true;
        }

        @Override
        String windowsCounter() {
            return "speechSegments";
        }
    }
    /**
     * Audio-visual: cameras in real time, each looping the bundled audio-visual recording from its own offset: its
     * sound as the audio profile's microphones send theirs (16 kHz mono, 100 ms chunks) on the pipeline's audio topic,
     * and its pictures (2 fps, 320 x 240 JPEG, as {@code produce --input} sends them) on the video topic, each frame
     * with the chunk that holds its time. Windows are the audio front end's. A window's video (its middle 4 s) has
     * all arrived before its audio closes it, so the pairing adds no event-time wait: the close wait is the audio's.
     */
    static final class AudioVisual extends Audio {
        /** The recording's frames that fall within its sound, with their offsets from its first sample. */
        private record Camera(short[] pcm, List<VideoFrame> frames, long[] offsetsUs) {}

        private static Camera camera;

        AudioVisual(Configuration c) {
            super(c);
        }

        private static synchronized Camera camera() {
            if (camera == null) {
                BundledRecording.Media m = KnownEvents.audioVisualMedia(SAMPLE_RATE);
                long clipUs = m.pcm().length * 1_000_000L / SAMPLE_RATE;
                List<VideoFrame> frames = new java.util.ArrayList<>();
                List<Long> offsets = new java.util.ArrayList<>();
                for (int k = 0; k < m.frames().size(); k++) {
                    long at = m.frameOffsetsUs()[k];
                    if (at >= 0 && at < clipUs) {
                        frames.add(m.frames().get(k));
                        offsets.add(at);
                    }
                }
                camera = new Camera(m.pcm(), List.copyOf(frames), offsets.stream().mapToLong(Long::longValue).toArray());
            }
            return camera;
        }

        @Override
        short[] clip() {
            return camera().pcm();
        }

        private static double framesPerSecond() {
            return camera().frames().size() / (camera().pcm().length / (double) SAMPLE_RATE);
        }

        @Override
        double recordsPerSecond() {
            return super.recordsPerSecond() + framesPerSecond();
        }

        @Override
        String rateText() {
            VideoFrame f = camera().frames().get(0);
            return super.rateText() + String.format(" + %.0f fps %d x %d JPEG", framesPerSecond(), f.getWidth(), f.getHeight());
        }

        @Override
        PacedProducer producer(Deployment d, String prefix, int streams, long seed, Properties properties) {
            return producerBuilder(d, prefix, streams, seed, properties)
                    .optVideo(d.config().get(AudioVisualOptions.VIDEO_TOPIC), camera().frames(), camera().offsetsUs())
                    .build();
        }

        /** The mean key + value bytes of the records a camera sends (its chunks and frames). */
        @Override
        double recordBytes(String prefix) {
            AvroCodec<VideoFrame> codec = AvroCodec.forClass(VideoFrame.class);
            String id = prefix + "a-0000";
            double frameBytes = camera().frames().stream().mapToDouble(f -> codec.encode(VideoFrame.newBuilder(f).setStreamId(id).build()).length
                    + id.getBytes(StandardCharsets.UTF_8).length).average().orElse(0);
            double chunks = super.recordsPerSecond();
            double fps = framesPerSecond();
            return (chunks * chunkBytes(prefix) + fps * frameBytes) / (chunks + fps);
        }
    }
}
