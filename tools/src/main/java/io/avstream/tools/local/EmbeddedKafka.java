package io.avstream.tools.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM,
 * listening on 127.0.0.1 only, for {@code demo} and the integration tests.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("avstream.mocap", 4);
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements LocalBroker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final InetAddress LOOPBACK = loopback();

    private final Path logDir;
    private final boolean deleteOnClose;
    private final int port;
    private final KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Path logDir, boolean deleteOnClose, int port, KafkaRaftServer server) {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.server = server;
    }

    /** Formats a fresh log directory in a temp folder and starts the broker on free loopback ports. */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /** Like {@link #start()}, with extra broker properties (they override the defaults). */
    public static EmbeddedKafka start(Map<String, String> overrides) {
        return start(0, overrides);
    }

    /**
     * Starts the broker with its client listener on {@code 127.0.0.1:port} (0: any free port) and
     * extra broker properties (they override the defaults).
     *
     * @throws PortInUseException when another program holds the port
     */
    public static EmbeddedKafka start(int port, Map<String, String> overrides) {
        Path dir;
        try {
            dir = Files.createTempDirectory("avstream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's log directory", e);
        }
        return start(dir, true, port == 0 ? freePort() : port, freePort(), overrides);
    }

    /**
     * Starts the broker on a log directory that outlives it: formatted on first use, reused as it is
     * on later starts (topics, committed offsets and transactions survive a restart), never deleted.
     * Client listener on {@code 127.0.0.1:port}, controller on {@code 127.0.0.1:controllerPort}.
     */
    public static EmbeddedKafka startPersistent(Path logDir, int port, int controllerPort, Map<String, String> overrides) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's log directory " + logDir, e);
        }
        return start(logDir, false, port, controllerPort, overrides);
    }

    private static EmbeddedKafka start(Path dir, boolean owned, int port, int controllerPort, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.toString());
        // A single node: every internal topic must live with one replica, or transactions hang.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("transaction.max.timeout.ms", "900000");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        p.putAll(overrides);
        KafkaConfig config = new KafkaConfig(p, false);
        try {
            requireFree(port);
            requireFree(controllerPort);
        } catch (PortInUseException e) {
            if (owned) {
                deleteRecursively(dir);
            }
            throw e;
        }
        if (owned || !Files.exists(dir.resolve("meta.properties"))) {
            format(dir, owned);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        long t0 = System.nanoTime();
        try {
            server.startup();
        } catch (RuntimeException e) {
            shutDown(server);
            if (owned) {
                deleteRecursively(dir);
            }
            // taken by another program after the check above
            if (hasCause(e, BindException.class)) {
                throw new PortInUseException(isFree(port) ? controllerPort : port, e);
            }
            throw e;
        }
        EmbeddedKafka kafka = new EmbeddedKafka(dir, owned, port, server);
        kafka.awaitReady(Duration.ofSeconds(60));
        LOG.info("Kafka broker ready on 127.0.0.1:{} in {} ms", port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return kafka;
    }

    private static void format(Path dir, boolean owned) {
        try {
            Formatter formatter = new Formatter()
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setDirectories(List.of(dir.toString()))
                    .setMetadataLogDirectory(dir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            formatter.run();
        } catch (Exception e) {
            if (owned) {
                deleteRecursively(dir);
            }
            throw new IllegalStateException("cannot format the broker's log directory " + dir, e);
        }
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = LocalBroker.admin(bootstrapServers())) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            sleep(100);
        }
        close();
        throw new IllegalStateException("Kafka broker did not become ready within " + timeout, last);
    }

    /** Stops the broker and deletes its log directory (unless started with {@link #startPersistent}). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("broker shutdown failed", e);
        } finally {
            if (deleteOnClose) {
                deleteRecursively(logDir);
            }
        }
    }

    /** Fails with {@link PortInUseException} when another program listens on (or holds) the loopback port. */
    private static void requireFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(LOOPBACK, port));
        } catch (BindException e) {
            throw new PortInUseException(port, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check port " + port + " on 127.0.0.1", e);
        }
    }

    private static boolean isFree(int port) {
        try {
            requireFree(port);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void shutDown(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("shutdown of the broker that failed to start failed too", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("could not delete {}", dir, e);
        }
    }
}
