package io.avstream.tools.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A single-node Kafka broker (KRaft) as a process of its own, for the local Flink cluster
 * ({@code deploy/cluster/start.sh}): fixed loopback ports and a log directory that survives restarts,
 * so that the broker can be stopped or killed and started again under a running job.
 *
 * <pre>{@code
 * java -cp ... io.avstream.tools.local.KafkaBrokerMain --port 9092 --controller-port 9093 \
 *     --log-dir work/kafka --topics avstream.mocap:4,avstream.predictions.action:4,avstream.speakers:1:compact \
 *     [--ready-file work/kafka.ready] [--set broker.property=value ...]
 * }</pre>
 *
 * Runs until the process is stopped (SIGTERM stops the broker cleanly).
 */
public final class KafkaBrokerMain {
    private KafkaBrokerMain() {}

    public static void main(String[] args) throws Exception {
        int port = 9092;
        int controllerPort = 9093;
        Path logDir = null;
        Path readyFile = null;
        String topics = "";
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("missing value for " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--port" -> port = Integer.parseInt(v);
                case "--controller-port" -> controllerPort = Integer.parseInt(v);
                case "--log-dir" -> logDir = Path.of(v);
                case "--ready-file" -> readyFile = Path.of(v);
                case "--topics" -> topics = v;
                case "--set" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        usage("--set needs property=value, got '" + v + "'");
                    }
                    overrides.put(v.substring(0, eq), v.substring(eq + 1));
                }
                default -> usage("unknown option " + a);
            }
        }
        if (logDir == null) {
            usage("--log-dir is required");
        }
        try {
            TopicSpec.parseAll(topics);
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
        }
        if (readyFile != null) {
            Files.deleteIfExists(readyFile);
        }
        long t0 = System.nanoTime();
        EmbeddedKafka kafka = EmbeddedKafka.startPersistent(logDir, port, controllerPort, overrides);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        createTopics(kafka, topics);
        System.out.printf("kafka broker ready on %s (%.1f s), log dir %s%n", kafka.bootstrapServers(),
                (System.nanoTime() - t0) / 1e9, logDir.toAbsolutePath());
        if (readyFile != null) {
            Files.writeString(readyFile, kafka.bootstrapServers() + "\n");
        }
        stopped.await();
    }

    /** A topic of the {@code --topics} list: {@code name[:partitions[:compact]]}. */
    record TopicSpec(String name, int partitions, boolean compact) {
        static java.util.List<TopicSpec> parseAll(String spec) {
            java.util.List<TopicSpec> out = new java.util.ArrayList<>();
            for (String t : spec.split(",")) {
                if (t.isBlank()) {
                    continue;
                }
                String[] parts = t.trim().split(":", -1);
                boolean ok = parts.length <= 3 && !parts[0].isEmpty()
                        && (parts.length < 2 || parts[1].matches("[1-9][0-9]{0,4}"))
                        && (parts.length < 3 || parts[2].equals("compact"));
                if (!ok) {
                    throw new IllegalArgumentException("a topic is name[:partitions[:compact]], got '" + t.trim() + "'");
                }
                out.add(new TopicSpec(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 1, parts.length == 3));
            }
            return out;
        }
    }

    /**
     * Creates the topics of {@code spec}: comma-separated {@code name[:partitions[:compact]]} (1 partition by default;
     * {@code compact}: {@code cleanup.policy=compact}, as the speakers topic needs, also set on a topic that exists).
     */
    public static void createTopics(LocalBroker kafka, String spec) {
        for (TopicSpec t : TopicSpec.parseAll(spec)) {
            Map<String, String> configs = t.compact() ? Map.of("cleanup.policy", "compact") : Map.of();
            kafka.createTopic(t.name(), t.partitions(), configs);
            if (t.compact()) {
                kafka.setTopicConfig(t.name(), configs);
            }
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: KafkaBrokerMain --log-dir DIR [--port 9092] [--controller-port 9093]"
                + " [--topics name:partitions[:compact],...] [--ready-file FILE] [--set broker.property=value ...]");
        System.exit(2);
    }
}
