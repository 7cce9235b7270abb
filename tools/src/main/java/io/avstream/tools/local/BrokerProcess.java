package io.avstream.tools.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node Kafka broker ({@link KafkaBrokerMain}) in a child JVM on free loopback ports, with a fresh
 * log directory that is removed when it stops. Bench uses it so that the job's process does not also
 * carry the broker's CPU time, which it reads separately ({@link #cpuSeconds()}).
 *
 * <pre>{@code
 * try (BrokerProcess kafka = BrokerProcess.start(Duration.ofMinutes(2))) {
 *     kafka.createTopic("avstream.mocap", 4);
 *     double brokerCpu = kafka.cpuSeconds();
 * }
 * }</pre>
 */
public final class BrokerProcess implements LocalBroker {
    private static final double TICKS_PER_SECOND = 100.0;

    private final Process process;
    private final Path dir;
    private final String bootstrapServers;
    private boolean closed;

    private BrokerProcess(Process process, Path dir, String bootstrapServers) {
        this.process = process;
        this.dir = dir;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker with this JVM's class path and waits until it has said it is ready.
     *
     * @param timeout how long the broker may take to start before it is stopped and this fails
     */
    public static BrokerProcess start(Duration timeout) {
        Path dir;
        try {
            dir = Files.createTempDirectory("avstream-broker-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's folder", e);
        }
        Path ready = dir.resolve("ready");
        Path log = dir.resolve("broker.log");
        Process process = null;
        try {
            int[] ports = freePorts(2);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms256m", "-Xmx1g", "-Djava.io.tmpdir=" + dir,
                    "-cp", System.getProperty("java.class.path"), KafkaBrokerMain.class.getName(),
                    "--port", Integer.toString(ports[0]), "--controller-port", Integer.toString(ports[1]),
                    "--log-dir", dir.resolve("kafka").toString(), "--ready-file", ready.toString()));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!Files.exists(ready)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker process ended with exit code " + process.exitValue()
                            + " before it was ready: " + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker process was not ready within " + timeout + ": " + tail(log));
                }
                Thread.sleep(100);
            }
            return new BrokerProcess(process, dir, "127.0.0.1:" + ports[0]);
        } catch (IOException e) {
            stop(process);
            deleteRecursively(dir);
            throw new UncheckedIOException("cannot start the broker process", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            deleteRecursively(dir);
            throw new IllegalStateException("interrupted while the broker process started", e);
        } catch (RuntimeException e) {
            stop(process);
            deleteRecursively(dir);
            throw e;
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker process's id. */
    public long pid() {
        return process.pid();
    }

    /** CPU time (user + system) the broker process has used so far, in seconds; NaN where {@code /proc} is not readable. */
    public double cpuSeconds() {
        long ticks = processTicks(Path.of("/proc", Long.toString(process.pid()), "stat"));
        return ticks < 0 ? Double.NaN : ticks / TICKS_PER_SECOND;
    }

    /** utime + stime from a {@code /proc/<pid>/stat} file, in clock ticks; -1 if unknown. */
    public static long processTicks(Path statFile) {
        try {
            String s = Files.readString(statFile);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split("\\s+");
            // after the command: state is f[0]; utime and stime are fields 14 and 15 of the whole line
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 30 s) and removes its folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(process);
        deleteRecursively(dir);
    }

    private static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is not worth failing over
        }
    }
}
