package io.avstream.deploy.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Drives the local cluster of {@code deploy/cluster} from a test: runs its scripts with the test's own
 * work dir and ports, and talks to the JobManager's REST API and the Prometheus endpoints.
 */
final class ClusterHarness {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path repo;
    final Path work;
    final int kafkaPort;
    final int restPort;
    final int promPortFirst;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ClusterHarness(Path repo, Path work, int portBase) {
        this.repo = repo;
        this.work = work;
        this.kafkaPort = portBase + 92;
        this.restPort = portBase + 81;
        this.promPortFirst = portBase + 50;
        this.env = Map.of(
                "AVSTREAM_CLUSTER_DIR", work.toString(),
                "AVSTREAM_KAFKA_PORT", Integer.toString(kafkaPort),
                "AVSTREAM_KAFKA_CONTROLLER_PORT", Integer.toString(portBase + 93),
                "AVSTREAM_REST_PORT", Integer.toString(restPort),
                "AVSTREAM_JM_RPC_PORT", Integer.toString(portBase + 23),
                "AVSTREAM_BLOB_PORT", Integer.toString(portBase + 24),
                "AVSTREAM_PROM_PORTS", promPortFirst + "-" + (promPortFirst + 9),
                "AVSTREAM_MVN_FLAGS", System.getProperty("avstream.mvn.flags", ""));
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** Runs {@code deploy/cluster/<script> args...}; returns its standard output; fails on a non-zero exit. */
    String script(String script, String... args) throws IOException, InterruptedException {
        return script(Map.of(), script, args);
    }

    private String script(Map<String, String> extraEnv, String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", repo.resolve("deploy/cluster").resolve(script).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        Files.createDirectories(work);
        Path err = work.resolve("script-" + script.replace(".sh", "") + ".err");
        pb.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(script + " " + String.join(" ", args) + " did not finish within 5 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(script + " " + String.join(" ", args) + " failed (exit " + p.exitValue()
                    + "); see " + err + ":\n" + tail(err));
        }
        return new String(out, StandardCharsets.UTF_8).trim();
    }

    private static String tail(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    /** Submits the job of this build; returns its id. */
    String submit(String... jobArgs) throws IOException, InterruptedException {
        return submitJar(repo.resolve("deploy/target/avstream-job.jar"), jobArgs);
    }

    /** Submits the job of the given jar (e.g. an earlier version's); returns its id. */
    String submitJar(Path jobJar, String... jobArgs) throws IOException, InterruptedException {
        String out = script(Map.of("AVSTREAM_JOB_JAR", jobJar.toString()), "submit.sh", jobArgs);
        return out.lines().reduce((a, b) -> b).orElseThrow();
    }

    /** The commit of the earlier version named in {@code deploy/cluster/upgrade-baseline}. */
    String baselineCommit() throws IOException {
        return Files.readAllLines(repo.resolve("deploy/cluster/upgrade-baseline")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow().strip();
    }

    /** True when this clone's history holds the commit (not so in a shallow clone). */
    boolean hasCommit(String commit) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("git", "-C", repo.toString(), "cat-file", "-e", commit + "^{commit}")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** Builds (or reuses) the job jar of an earlier commit; returns its path. */
    Path buildBaseline(String commit) throws IOException, InterruptedException {
        return Path.of(script("build-baseline.sh", commit).lines().reduce((a, b) -> b).orElseThrow());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    JsonNode post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    void cancel(String jobId) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        await("job " + jobId + " cancelled", Duration.ofSeconds(60), () -> "CANCELED".equals(jobState(jobId)));
    }

    String jobState(String jobId) {
        try {
            return get("/jobs/" + jobId).path("state").asText();
        } catch (IOException | InterruptedException e) {
            return "UNKNOWN";
        }
    }

    /** True when the job is RUNNING with every task RUNNING. */
    boolean allTasksRunning(String jobId) {
        try {
            JsonNode job = get("/jobs/" + jobId);
            if (!"RUNNING".equals(job.path("state").asText())) {
                return false;
            }
            for (JsonNode v : job.path("vertices")) {
                if (!"RUNNING".equals(v.path("status").asText())) {
                    return false;
                }
            }
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The number (1, 2, ...) of a TaskManager that runs tasks of the job. */
    String taskManagerRunning(String jobId) throws IOException, InterruptedException {
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/taskmanagers").path("taskmanagers")) {
                String id = tm.path("taskmanager-id").asText();
                if (id.startsWith("tm-")) {
                    return id.substring(3);
                }
            }
        }
        throw new IllegalStateException("no TaskManager runs tasks of " + jobId);
    }

    long numRestarts(String jobId) {
        try {
            JsonNode m = get("/jobs/" + jobId + "/metrics?get=numRestarts");
            return m.size() == 0 ? 0 : m.get(0).path("value").asLong();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    long completedCheckpoints(String jobId) {
        try {
            return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** Stops the job with a savepoint (no drain); returns the savepoint's location. */
    String stopWithSavepoint(String jobId) throws IOException, InterruptedException {
        String trigger = post("/jobs/" + jobId + "/stop", "{\"drain\": false}").path("request-id").asText();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            JsonNode s = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(s.path("status").path("id").asText())) {
                JsonNode op = s.path("operation");
                if (op.has("failure-cause")) {
                    throw new IllegalStateException("stop-with-savepoint failed: " + op.path("failure-cause"));
                }
                return op.path("location").asText();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("stop-with-savepoint of " + jobId + " did not complete within 120 s");
    }

    /** The text exposition of every Prometheus endpoint of the cluster's JVMs. */
    String scrapeAll() {
        StringBuilder sb = new StringBuilder();
        for (int port = promPortFirst; port < promPortFirst + 10; port++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                sb.append(r.body()).append('\n');
            } catch (IOException | InterruptedException e) {
                // no JVM on this port
            }
        }
        return sb.toString();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not reached within " + timeout);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
