package io.avstream.tools.cli;

import io.avstream.deploy.action.ActionOptions;
import java.io.PrintStream;
import java.time.Duration;
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
 * MiniCluster running the job, synthetic MoCap actors, and a consumer that prints predictions as
 * they arrive and a latency summary at the end. Stops after {@code --duration} or on Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the whole pipeline in this process: in-process Kafka, Flink MiniCluster, synthetic MoCap actors, a printing consumer.")
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--streams", defaultValue = "8", description = "Concurrent synthetic MoCap streams (default ${DEFAULT-VALUE}).")
    int streams;

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
        out.printf("avstream demo: %d MoCap streams, %s, parallelism %d, %s delivery%n", streams, duration, parallelism, delivery);
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
        try (EmbeddedKafka kafka = broker) {
            out.printf("kafka broker up on %s (%.1f s)%n", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1e9);
            kafka.createTopic(Topics.MOCAP, 4);
            kafka.createTopic(Topics.PREDICTIONS_ACTION, 4);
            kafka.createTopic(Topics.DEADLETTER, 1);

            Map<String, String> pairs = new TreeMap<>();
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
                 MocapKafkaProducer producer = MocapKafkaProducer.builder()
                         .setBootstrapServers(kafka.bootstrapServers())
                         .setTopic(Topics.MOCAP)
                         .setStreams(streams)
                         .optSeed(seed)
                         .build()) {
                producer.start();
                out.printf("producing %d streams at 25 fps%n", streams);
                stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
                producer.stop();
                // let the windows that are already closed reach the consumer
                Thread.sleep(1500);
                out.printf("%nsent %d frames%n", producer.framesSent());
            }
            summary.print(out, (System.nanoTime() - startedNs) / 1e9);
            client.cancel().get(30, TimeUnit.SECONDS);
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
