package io.avstream.tools.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.ingest.produce.MocapKafkaProducer;
import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.SchemaReleases;
import io.avstream.schemas.Topics;
import io.avstream.schemas.UpAxis;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code avstream} command line: {@code demo}, {@code run}, {@code produce}, {@code consume}. */
@Command(name = "avstream", mixinStandardHelpOptions = true, version = "avstream 0.1.0",
        description = "Real-time deep-learning inference on live MoCap streams with Kafka and Flink. "
                + "Audio and video inputs are planned (their topics and schemas exist; no producer or pipeline yet).",
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

    /** Prints one prediction as a line. */
    static void printPrediction(PrintStream out, Prediction p, long arrivalUs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s %s-%s ", p.getStreamId(),
                Clock.hms(p.getWindowStartUs()), Clock.hms(p.getWindowEndUs())));
        if (!p.getLabels().isEmpty()) {
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
            description = "Sends synthetic MoCap streams (a humanoid performing actions, 25 fps, real time) to Kafka.")
    static final class ProduceCommand implements Callable<Integer> {
        @Option(names = "--bootstrap-servers", required = true)
        String bootstrap;

        @Option(names = "--topic", defaultValue = Topics.MOCAP)
        String topic;

        @Option(names = "--streams", defaultValue = "8", description = "Concurrent streams (default ${DEFAULT-VALUE}).")
        int streams;

        @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class)
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

        @Override
        public Integer call() throws Exception {
            Properties props = new Properties();
            props.putAll(kafka);
            try (MocapKafkaProducer producer = MocapKafkaProducer.builder()
                    .setBootstrapServers(bootstrap).setTopic(topic).setStreams(streams).optSeed(seed)
                    .optSchemaRelease(schemaRelease).optUpAxis(upAxis).optLengthUnit(lengthUnit)
                    .optProperties(props).build()) {
                producer.start();
                Thread.sleep(duration.toMillis());
                producer.stop();
                System.out.printf("sent %d frames from %d streams%n", producer.framesSent(), streams);
            }
            return 0;
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
