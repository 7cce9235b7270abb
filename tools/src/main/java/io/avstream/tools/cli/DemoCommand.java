package io.avstream.tools.cli;

import io.avstream.deploy.action.ActionOptions;
import io.avstream.deploy.action.ActionPipeline;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.deploy.audiovisual.AudioVisualOptions;
import io.avstream.deploy.audiovisual.AudioVisualPipeline;
import io.avstream.deploy.speech.SpeechOptions;
import io.avstream.deploy.speech.SpeechPipeline;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.tools.local.EmbeddedKafka;
import io.avstream.tools.local.PortInUseException;
import io.avstream.ingest.produce.MocapKafkaProducer;
import io.avstream.schemas.Topics;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: everything in this process — a single-node Kafka broker (KRaft), a Flink
 * MiniCluster running the job, synthetic MoCap actors, audio streams playing a recording with known
 * events ({@link AudioDemo}), and consumers that print predictions as they arrive and latency
 * summaries at the end. Stops after {@code --duration} or on Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the whole pipeline in this process: in-process Kafka, Flink MiniCluster, synthetic MoCap actors, "
                + "audio streams with known events, audio-visual camera streams, speaking streams, printing consumers.")
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {

    /** The demo cameras' audio topic (their video goes to the default video topic). */
    static final String AV_AUDIO_TOPIC = "avstream.audio.cameras";

    @Option(names = "--streams", defaultValue = "8", description = "Concurrent synthetic MoCap streams (default ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--audio-streams", defaultValue = "1",
            description = "Streams playing the bundled recording with known audio events in a loop, in real time, "
                    + "through the audio-events pipeline; 0 runs MoCap only (default ${DEFAULT-VALUE}).")
    int audioStreams;

    @Option(names = "--av-streams", defaultValue = "1",
            description = "Camera streams playing the bundled audio-visual recording (some events faint while their "
                    + "source is in view) in a loop, in real time, through the audio-visual pipeline: audio and 2 fps "
                    + "video paired by event time; 0 runs without (default ${DEFAULT-VALUE}).")
    int avStreams;

    @Option(names = "--speech-streams", defaultValue = "1",
            description = "Streams playing the bundled recording of spoken phrases in a loop, in real time, through the "
                    + "speech pipeline, transcripts printed as they arrive; 0 runs without speech (default ${DEFAULT-VALUE}).")
    int speechStreams;

    @Option(names = "--speech-interim", defaultValue = "1s", converter = DurationConverter.class,
            description = "While a phrase is being spoken, an interim transcript of it so far every this much of it, "
                    + "before the final one; 0s for final transcripts only (default ${DEFAULT-VALUE}).")
    Duration speechInterim;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long to run (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--delivery", defaultValue = "at-least-once",
            description = "at-least-once (default: predictions visible at once) or exactly-once (visible at each checkpoint).")
    String delivery;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic actors.")
    long seed;

    @Option(names = "--quiet", description = "Print only the summary, not each prediction.")
    boolean quiet;

    @Option(names = "--kafka-port", defaultValue = "0",
            description = "Port of the in-process broker on 127.0.0.1, for other clients (kcat, consume); default: any free port.")
    int kafkaPort;

    @CommandLine.Mixin
    Cli.JobSettings job = new Cli.JobSettings();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (streams < 0 || audioStreams < 0 || avStreams < 0 || speechStreams < 0
                || streams + audioStreams + avStreams + speechStreams == 0) {
            spec.commandLine().getErr().println("avstream demo: stream counts must be 0 or more, and at least one "
                    + "stream of some kind is needed");
            return spec.exitCodeOnInvalidInput();
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                cleanedUp.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long t0 = System.nanoTime();
        out.printf("avstream demo: %d MoCap streams, %d audio streams, %d camera streams, %d speaking streams, %s, "
                + "parallelism %d, %s delivery%n", streams, audioStreams, avStreams, speechStreams, duration, parallelism,
                delivery);
        EmbeddedKafka broker;
        try {
            broker = EmbeddedKafka.start(kafkaPort, Map.of());
        } catch (PortInUseException e) {
            cleanedUp.countDown();
            removeHook(hook);
            spec.commandLine().getErr().println("avstream demo: " + e.getMessage()
                    + ": choose another --kafka-port, or 0 for any free port");
            return spec.exitCodeOnInvalidInput();
        }
        Map<String, String> pairs = new TreeMap<>();
        try (EmbeddedKafka kafka = broker) {
            out.printf("kafka broker up on %s (%.1f s)%n", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1e9);
            kafka.createTopic(Topics.MOCAP, 4);
            kafka.createTopic(Topics.PREDICTIONS_ACTION, 4);
            kafka.createTopic(Topics.DEADLETTER, 1);
            List<String> pipelines = new ArrayList<>();
            if (streams > 0) {
                pipelines.add(ActionPipeline.NAME);
            }
            if (audioStreams > 0 || speechStreams > 0) {
                kafka.createTopic(Topics.AUDIO, 4);
            }
            if (audioStreams > 0) {
                kafka.createTopic(Topics.PREDICTIONS_AUDIO_EVENTS, 4);
                pipelines.add(AudioEventsPipeline.NAME);
            }
            if (avStreams > 0) {
                // the cameras' own audio topic, so that the audio-only pipelines do not also take them
                kafka.createTopic(AV_AUDIO_TOPIC, 4);
                kafka.createTopic(Topics.VIDEO, 4);
                kafka.createTopic(Topics.PREDICTIONS_AUDIO_VISUAL, 4);
                pipelines.add(AudioVisualPipeline.NAME);
                pairs.put(AudioVisualOptions.AUDIO_TOPIC.key(), AV_AUDIO_TOPIC);
            }
            if (speechStreams > 0) {
                kafka.createTopic(Topics.PREDICTIONS_SPEECH, 4);
                kafka.createTopic(Topics.SPEAKERS, 1, Map.of("cleanup.policy", "compact"));
                pipelines.add(SpeechPipeline.NAME);
                pairs.put(SpeechOptions.INTERIM_INTERVAL.key(), speechInterim.toMillis() + " ms");
            }
            pairs.put(JobOptions.PIPELINES.key(), String.join(",", pipelines));

            pairs.put(JobOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
            pairs.put(JobOptions.DELIVERY.key(), delivery);
            pairs.put(JobOptions.CHECKPOINT_INTERVAL.key(), "1s");
            pairs.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
            pairs.putAll(job.settings);
            JobConfig config = JobConfig.fromMap(pairs);

            JobClient client = LocalJob.builder().setConfig(config).optParallelism(parallelism).build()
                    .executeAsync("avstream-demo");
            out.printf("flink job %s submitted (%.1f s)%n", client.getJobID(), (System.nanoTime() - t0) / 1e9);

            LatencySummary summary = new LatencySummary();
            AtomicLong firstAt = new AtomicLong(-1);
            long startedNs = System.nanoTime();
            try (PredictionConsumer consumer = new PredictionConsumer(kafka.bootstrapServers(),
                    config.flink().get(ActionOptions.PREDICTIONS_TOPIC), new Properties(), (p, at) -> {
                        summary.record(p, at);
                        if (firstAt.compareAndSet(-1, System.nanoTime())) {
                            out.printf("first prediction %.1f s after start%n", (System.nanoTime() - t0) / 1e9);
                        }
                        if (!quiet) {
                            Cli.printPrediction(out, p, at);
                        }
                    }).start();
                 AudioDemo audio = audioStreams > 0 ? new AudioDemo(kafka.bootstrapServers(),
                         config.flink().get(AudioEventsOptions.PREDICTIONS_TOPIC), audioStreams, out, quiet,
                         config.flink().get(AudioEventsOptions.MODEL)) : null;
                 AudioDemo av = avStreams > 0 ? new AudioDemo(kafka.bootstrapServers(),
                         config.flink().get(AudioVisualOptions.PREDICTIONS_TOPIC), avStreams, out, quiet, AV_AUDIO_TOPIC,
                         config.flink().get(AudioVisualOptions.VIDEO_TOPIC), config.flink().get(AudioVisualOptions.MODEL))
                         : null;
                 SpeechDemo speech = speechStreams > 0 ? new SpeechDemo(kafka.bootstrapServers(),
                         config.flink().get(SpeechOptions.PREDICTIONS_TOPIC), speechStreams, out, quiet) : null;
                 MocapKafkaProducer producer = streams == 0 ? null : MocapKafkaProducer.builder()
                         .setBootstrapServers(kafka.bootstrapServers())
                         .setTopic(Topics.MOCAP)
                         .setStreams(streams)
                         .optSeed(seed)
                         .build()) {
                if (producer != null) {
                    producer.start();
                    out.printf("producing %d MoCap streams at 25 fps%n", streams);
                }
                if (audio != null) {
                    audio.start();
                }
                if (av != null) {
                    av.start();
                }
                if (speech != null) {
                    speech.start();
                }
                stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
                if (producer != null) {
                    producer.stop();
                }
                // let the windows that are already closed reach the consumer
                Thread.sleep(1500);
                if (audio != null) {
                    audio.stop();
                }
                if (av != null) {
                    av.stop();
                }
                if (speech != null) {
                    speech.stop();
                }
                if (producer != null) {
                    out.printf("%nMoCap: sent %d frames; action predictions:", producer.framesSent());
                    summary.print(out, (System.nanoTime() - startedNs) / 1e9);
                }
                if (audio != null) {
                    audio.finish((System.nanoTime() - startedNs) / 1e9);
                }
                if (av != null) {
                    av.finish((System.nanoTime() - startedNs) / 1e9);
                }
                if (speech != null) {
                    speech.finish((System.nanoTime() - startedNs) / 1e9);
                }
            } finally {
                // whatever happened here, the job stops before the broker and the JVM go (its models are native)
                client.cancel().get(30, TimeUnit.SECONDS);
            }
        } finally {
            cleanedUp.countDown();
            removeHook(hook);
        }
        return 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already
        }
    }
}
