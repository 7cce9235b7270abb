package io.avstream.tools.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.ingest.capture.MediaCapture;
import io.avstream.ingest.capture.MediaInput;
import io.avstream.ingest.capture.MediaKafkaProducer;
import io.avstream.ingest.produce.MocapKafkaProducer;
import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.SchemaReleases;
import io.avstream.schemas.AudioEvent;
import io.avstream.schemas.Topics;
import io.avstream.schemas.UpAxis;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code avstream} command line: {@code demo}, {@code run}, {@code produce}, {@code consume}. */
@Command(name = "avstream", mixinStandardHelpOptions = true, version = "avstream 0.1.0",
        description = "Real-time deep-learning inference on live MoCap, audio and video streams with Kafka and Flink: "
                + "actions from MoCap, audio events, audio-visual events from cameras, speech.",
        subcommands = {DemoCommand.class, Cli.RunCommand.class, Cli.ProduceCommand.class, Cli.ConsumeCommand.class,
                ExportDatasetCommand.class, LoadTestCommand.class, BenchCommand.class})
public final class Cli implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** {@code --set key=value} job options shared by the commands that run the job. */
    static final class JobSettings {
        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "A job option (avstream.*, see JobOptions) or a Kafka client property (kafka.*); repeatable.")
        Map<String, String> settings = new java.util.LinkedHashMap<>();
    }

    /** Prints one prediction as a line: an action window, an audio window's tags, or an audio event. */
    static void printPrediction(PrintStream out, Prediction p, long arrivalUs) {
        StringBuilder sb = new StringBuilder();
        AudioEvent event = p.getEvent();
        if (event != null) {
            sb.append(String.format("%-12s %s-%s EVENT %s  peak %.2f", p.getStreamId(), Clock.hms(event.getOnsetUs()),
                    Clock.hms(event.getOffsetUs()), event.getLabel().getName(), event.getLabel().getScore()));
            out.println(sb);
            return;
        }
        sb.append(String.format("%-12s %s-%s ", p.getStreamId(),
                Clock.hms(p.getWindowStartUs()), Clock.hms(p.getWindowEndUs())));
        if (p.getSpeech() != null) {
            sb.append(String.format(p.getSpeech().getFinal$() ? "SPEECH \"%s\"" : "speech \"%s ...\" (so far)", p.getText()));
            if (!p.getLabels().isEmpty()) {
                sb.append(String.format("  %s %.2f", p.getLabels().get(0).getName(), p.getLabels().get(0).getScore()));
            }
            if (p.getSpeaker() != null && p.getSpeaker().getAccepted()) {
                sb.append(String.format("  speaker %s (%.2f)", p.getSpeaker().getSpeakerId(), p.getSpeaker().getScore()));
            } else if (p.getSpeech().getSpeakerLabel() != null) {
                sb.append("  ").append(p.getSpeech().getSpeakerLabel());
            }
        } else if (!p.getTags().isEmpty()) {
            sb.append("tags ").append(p.getTags().stream().map(l -> String.format("%s %.2f", l.getName(), l.getScore()))
                    .collect(java.util.stream.Collectors.joining(", ")));
        } else if (!p.getLabels().isEmpty()) {
            var top = p.getLabels().get(0);
            sb.append(String.format("%-7s %.2f", top.getName(), top.getScore()));
            if (p.getLabels().size() > 1) {
                var second = p.getLabels().get(1);
                sb.append(String.format("  (%s %.2f)", second.getName(), second.getScore()));
            }
        }
        if (p.getAnnotation() != null) {
            sb.append(String.format("  truth %-6s %s", p.getAnnotation(),
                    !p.getLabels().isEmpty() && p.getAnnotation().equals(p.getLabels().get(0).getName()) ? "ok" : "--"));
        }
        sb.append(String.format("  latency %4d ms  batch %d",
                (arrivalUs - p.getLatency().getCaptureTimeUs()) / 1000, p.getLatency().getBatchSize()));
        out.println(sb);
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs the job against an external Kafka (locally, in this JVM). For a Flink cluster, submit deploy/target/avstream-job.jar with `flink run`.")
    static final class RunCommand implements Callable<Integer> {
        @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
        String bootstrap;

        @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
        int parallelism;

        @CommandLine.Mixin
        JobSettings job = new JobSettings();

        @Override
        public Integer call() throws Exception {
            Map<String, String> pairs = new java.util.TreeMap<>(job.settings);
            pairs.put(JobOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
            JobConfig config = JobConfig.fromMap(pairs);
            System.out.println("avstream job configuration:\n" + config.describe());
            LocalJob.builder().setConfig(config).optParallelism(parallelism).build().execute("avstream");
            return 0;
        }
    }

    @Command(name = "produce", mixinStandardHelpOptions = true,
            description = "Sends synthetic MoCap streams (a humanoid performing actions, 25 fps, real time) to Kafka; "
                    + "with --input, the audio (and video) of media files, network streams, cameras or microphones instead.")
    static final class ProduceCommand implements Callable<Integer> {
        @Option(names = "--bootstrap-servers", required = true)
        String bootstrap;

        @Option(names = "--topic", defaultValue = Topics.MOCAP)
        String topic;

        @Option(names = "--streams", defaultValue = "8", description = "Concurrent streams (default ${DEFAULT-VALUE}).")
        int streams;

        @Option(names = "--duration", converter = DurationConverter.class, description = "How long to send: synthetic "
                + "streams 60 s by default; media inputs until their end (with --loop: until stopped) by default.")
        Duration duration;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Option(names = "--schema-release", description = "Schema release to write, e.g. v1 for jobs of that release "
                + "(default: the newest).")
        String schemaRelease = SchemaReleases.latest();

        @Option(names = "--up-axis", defaultValue = "Y_UP", description = "Up axis of the vertices sent: ${COMPLETION-CANDIDATES} "
                + "(default ${DEFAULT-VALUE}).")
        UpAxis upAxis;

        @Option(names = "--length-unit", defaultValue = "METRE", description = "Unit of the vertices sent: ${COMPLETION-CANDIDATES} "
                + "(default ${DEFAULT-VALUE}).")
        LengthUnit lengthUnit;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Kafka producer property; repeatable.")
        Map<String, String> kafka = new java.util.LinkedHashMap<>();

        @Option(names = "--input", paramLabel = "MEDIA", description = "A media file, an http/https/udp/rtp/rtsp/tcp/srt URL, "
                + "a camera (v4l2:/dev/video0) or a microphone (alsa:default, pulse:default); repeatable, one stream each. "
                + "Its audio goes to --audio-topic in chunks, its video (if any) to --video-topic as JPEG frames.")
        List<String> inputs = new ArrayList<>();

        @Option(names = "--stream-id", description = "Stream id of each --input, in order (default: from the input's name).")
        List<String> streamIds = new ArrayList<>();

        @Option(names = "--audio-topic", defaultValue = Topics.AUDIO)
        String audioTopic;

        @Option(names = "--video-topic", defaultValue = Topics.VIDEO)
        String videoTopic;

        @Option(names = "--chunk", defaultValue = "100ms", converter = DurationConverter.class,
                description = "Audio chunk length (default ${DEFAULT-VALUE}).")
        Duration chunk;

        @Option(names = "--sample-rate", defaultValue = "0",
                description = "Convert the audio to this rate with FFmpeg's resampler (default: the source's own).")
        int sampleRate;

        @Option(names = "--channels", defaultValue = "0", description = "Convert the audio to this many channels (default: the source's).")
        int channels;

        @Option(names = "--video-fps", defaultValue = "2", description = "Video frames per second sent (default ${DEFAULT-VALUE}).")
        double videoFps;

        @Option(names = "--video-size", defaultValue = "320x240", description = "Size of the JPEG frames (default ${DEFAULT-VALUE}).")
        String videoSize;

        @Option(names = "--no-video", description = "Send audio only.")
        boolean noVideo;

        @Option(names = "--as-fast-as-possible", description = "Send files as fast as possible instead of in real time.")
        boolean fast;

        @Option(names = "--loop", description = "Start each file again at its end (for load tests); --duration stops it.")
        boolean loop;

        @Override
        public Integer call() throws Exception {
            Properties props = new Properties();
            props.putAll(kafka);
            if (!inputs.isEmpty()) {
                return produceMedia(props);
            }
            try (MocapKafkaProducer producer = MocapKafkaProducer.builder()
                    .setBootstrapServers(bootstrap).setTopic(topic).setStreams(streams).optSeed(seed)
                    .optSchemaRelease(schemaRelease).optUpAxis(upAxis).optLengthUnit(lengthUnit)
                    .optProperties(props).build()) {
                producer.start();
                Thread.sleep((duration == null ? Duration.ofSeconds(60) : duration).toMillis());
                producer.stop();
                System.out.printf("sent %d frames from %d streams%n", producer.framesSent(), streams);
            }
            return 0;
        }

        private int produceMedia(Properties props) throws Exception {
            List<MediaCapture> captures = new ArrayList<>();
            try {
                String[] size = videoSize.toLowerCase(java.util.Locale.ROOT).split("x");
                if (size.length != 2) {
                    throw new IllegalArgumentException("--video-size must be WIDTHxHEIGHT, got " + videoSize);
                }
                if (!streamIds.isEmpty() && streamIds.size() != inputs.size()) {
                    throw new IllegalArgumentException(streamIds.size() + " --stream-id for " + inputs.size() + " --input");
                }
                for (int i = 0; i < inputs.size(); i++) {
                    MediaInput in = MediaInput.parse(inputs.get(i));
                    captures.add(MediaCapture.builder().setInput(in)
                            .optStreamId(streamIds.isEmpty() ? (inputs.size() == 1 ? in.defaultStreamId() : in.defaultStreamId() + "-" + i)
                                    : streamIds.get(i))
                            .optChunkMillis((int) chunk.toMillis()).optSampleRate(sampleRate).optChannels(channels)
                            .optVideo(!noVideo).optVideoFps(videoFps)
                            .optVideoSize(Integer.parseInt(size[0]), Integer.parseInt(size[1]))
                            .optPace(!fast).optLoop(loop)
                            .optMaxDuration(duration)
                            .build());
                }
            } catch (IllegalArgumentException e) {
                System.err.println("produce: " + e.getMessage());
                return 2;
            }
            try (MediaKafkaProducer producer = new MediaKafkaProducer(bootstrap, audioTopic, videoTopic, props)) {
                Runtime.getRuntime().addShutdownHook(new Thread(producer::stop));
                producer.run(captures);
                System.out.printf("sent %d audio chunks and %d video frames from %d input(s)%n", producer.audioSent(),
                        producer.videoSent(), captures.size());
                return 0;
            } catch (MediaCapture.CaptureException e) {
                System.err.println("produce: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "consume", mixinStandardHelpOptions = true,
            description = "Prints the predictions that arrive on a prediction topic from now on (--from-beginning: "
                    + "also those already there), then a latency summary.")
    static final class ConsumeCommand implements Callable<Integer> {
        @Option(names = "--bootstrap-servers", required = true)
        String bootstrap;

        @Option(names = "--topic", defaultValue = Topics.PREDICTIONS_ACTION)
        String topic;

        @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class)
        Duration duration;

        @Option(names = "--from-beginning", description = "Replay the topic from its start (default: only predictions "
                + "that arrive after the consumer started, so that the latency summary holds no old ones).")
        boolean fromBeginning;

        @Override
        public Integer call() throws Exception {
            LatencySummary summary = new LatencySummary();
            long t0 = System.nanoTime();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            try (PredictionConsumer c = consumer((p, at) -> {
                summary.record(p, at);
                printPrediction(System.out, p, at);
            })) {
                stop.await(duration.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            summary.print(System.out, (System.nanoTime() - t0) / 1e9);
            return 0;
        }

        /** The started consumer: it holds its partitions and positions when this returns. */
        PredictionConsumer consumer(java.util.function.BiConsumer<Prediction, Long> listener) {
            return new PredictionConsumer(bootstrap, topic, fromBeginning, new Properties(), listener)
                    .start(Duration.ofSeconds(60));
        }
    }
}
