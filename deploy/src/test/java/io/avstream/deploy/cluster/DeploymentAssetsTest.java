package io.avstream.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avstream.deploy.AvstreamJob;
import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.models.Engine;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Parses every deployment asset (compose file, Kubernetes manifests, Prometheus and Grafana files,
 * Dockerfile) and checks the fields a deployment depends on.
 */
class DeploymentAssetsTest {

    private static final Path DEPLOY = repoRoot().resolve("deploy");
    private static final String REPORTER = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    static Path repoRoot() {
        String root = System.getProperty("avstream.repo.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        return p.toAbsolutePath().normalize();
    }

    private static List<Object> yamlDocuments(Path file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<Object> docs = new ArrayList<>();
        for (Object doc : new Yaml(options).loadAll(Files.readString(file))) {
            if (doc != null) {
                docs.add(doc);
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws IOException {
        List<Object> docs = yamlDocuments(file);
        assertThat(docs).as(file + " holds one document").hasSize(1);
        return (Map<String, Object>) docs.get(0);
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... path) {
        Object n = node;
        for (String p : path) {
            assertThat(n).as("parent of '" + p + "' in " + String.join(".", path)).isInstanceOf(Map.class);
            n = ((Map<String, Object>) n).get(p);
            assertThat(n).as(String.join(".", path) + " (at '" + p + "')").isNotNull();
        }
        return (T) n;
    }

    /** The topics of the table in schemas/README.md. */
    private static Set<String> documentedTopics() throws IOException {
        Set<String> topics = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(avstream\\.[a-z.-]+)`").matcher(Files.readString(repoRoot().resolve("schemas/README.md")));
        while (m.find()) {
            topics.add(m.group(1));
        }
        assertThat(topics).contains("avstream.mocap", "avstream.predictions.action", "avstream.deadletter");
        return topics;
    }

    @Test
    void everyYamlAndJsonAssetParses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Stream.of("k8s", "prometheus", "grafana", "docker").flatMap(d -> walk(DEPLOY.resolve(d)))) {
            files = new ArrayList<>(s.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$")).toList());
        }
        files.add(DEPLOY.resolve("compose.yaml"));
        assertThat(files).hasSizeGreaterThanOrEqualTo(7);
        for (Path f : files) {
            if (f.toString().endsWith(".json")) {
                assertThat(new ObjectMapper().readTree(f.toFile()).isObject()).as(f.toString()).isTrue();
            } else {
                assertThat(yamlDocuments(f)).as(f.toString()).isNotEmpty();
            }
        }
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir).filter(Files::isRegularFile).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void flinkDeploymentRunsTheJobWithCheckpointsAndMetrics() throws IOException {
        Map<String, Object> d = yaml(DEPLOY.resolve("k8s/flink-deployment.yaml"));
        assertThat((String) at(d, "apiVersion")).isEqualTo("flink.apache.org/v1beta1");
        assertThat((String) at(d, "kind")).isEqualTo("FlinkDeployment");
        assertThat((String) at(d, "spec", "flinkVersion")).isEqualTo("v2_1");
        assertThat((String) at(d, "spec", "job", "jarURI")).isEqualTo("local:///opt/flink/usrlib/avstream-job.jar");
        assertThat((String) at(d, "spec", "job", "entryClass")).isEqualTo(AvstreamJob.class.getName());
        assertThat((String) at(d, "spec", "job", "upgradeMode")).isEqualTo("savepoint");

        Map<String, Object> conf = at(d, "spec", "flinkConfiguration");
        assertThat((String) conf.get("execution.checkpointing.dir")).startsWith("s3://");
        assertThat((String) conf.get("execution.checkpointing.savepoint-dir")).startsWith("s3://");
        assertThat(conf.get("metrics.reporter.prom.factory.class")).isEqualTo(REPORTER);
        assertThat((String) conf.get("classloader.parent-first-patterns.additional")).contains("ai.djl.", "ai.onnxruntime.");

        Map<String, Object> annotations = at(d, "spec", "podTemplate", "metadata", "annotations");
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(conf.get("metrics.reporter.prom.port")));

        // the arguments are a valid job configuration, and carry no secret in clear
        List<String> args = at(d, "spec", "job", "args");
        JobConfig config = JobConfig.fromArgs(args.toArray(String[]::new));
        assertThat(config.kafkaProperties().getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(config.kafkaProperties().getProperty("sasl.jaas.config")).startsWith("${dir:");
        for (String a : args) {
            assertThat(a.toLowerCase()).doesNotContain("password=");
        }
    }

    @Test
    void flinkDeploymentSelectsAnEngineItsImageCarries() throws IOException {
        Map<String, Object> d = yaml(DEPLOY.resolve("k8s/flink-deployment.yaml"));

        assertThat(engineImageProblems(d)).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aGpuEngineOnTheCpuImageIsCaught() throws IOException {
        Map<String, Object> d = yaml(DEPLOY.resolve("k8s/flink-deployment.yaml"));
        List<String> args = new ArrayList<>((List<String>) at(d, "spec", "job", "args"));
        int i = args.indexOf("--" + JobOptions.ENGINE.key());
        if (i >= 0) {
            args.subList(i, i + 2).clear();
        }
        args.addAll(List.of("--" + JobOptions.ENGINE.key(), "onnxruntime-cuda"));
        ((Map<String, Object>) at(d, "spec", "job")).put("args", args);

        assertThat(engineImageProblems(d)).anySatisfy(p -> assertThat(p)
                .contains("engine onnxruntime-cuda", "deploy/docker/Dockerfile", "without a GPU runtime"));
    }

    /**
     * What is wrong with the engine a FlinkDeployment selects, given the image it runs: a GPU engine needs
     * an image whose Dockerfile (in deploy/docker, tagged with {@code -t} in its header) has a CUDA base
     * and the GPU build of ONNX Runtime, and TaskManagers that request a GPU; the CPU engine requests none.
     */
    @SuppressWarnings("unchecked")
    private static List<String> engineImageProblems(Map<String, Object> d) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> args = at(d, "spec", "job", "args");
        Engine engine = JobConfig.fromArgs(args.toArray(String[]::new)).flink().get(JobOptions.ENGINE);
        String image = at(d, "spec", "image");
        String name = image.substring(image.lastIndexOf('/') + 1);
        Path dockerfile = builtImages().get(name);
        if (dockerfile == null) {
            problems.add("image " + image + " is built by no Dockerfile in deploy/docker (tagged there with -t): "
                    + "what it carries cannot be checked");
        } else if (engine.isGpu() && !carriesGpuRuntime(Files.readString(dockerfile))) {
            problems.add("engine " + engine.id() + " on image " + name + ", which " + repoRoot().relativize(dockerfile)
                    + " builds without a GPU runtime (no CUDA base image, no onnxruntime_gpu): the job fails at start");
        }
        Object tm = at(d, "spec", "taskManager");
        Object containers = ((Map<String, Object>) tm).get("podTemplate") == null ? List.of()
                : ((Map<String, Object>) at(tm, "podTemplate", "spec")).getOrDefault("containers", List.of());
        boolean requestsGpu = ((List<Map<String, Object>>) containers).stream()
                .filter(c -> "flink-main-container".equals(c.get("name")))
                .map(c -> String.valueOf(c.get("resources")))
                .anyMatch(r -> r.contains("nvidia.com/gpu"));
        if (engine.isGpu() && !requestsGpu) {
            problems.add("engine " + engine.id() + " but the TaskManagers request no nvidia.com/gpu");
        }
        if (!engine.isGpu() && requestsGpu) {
            problems.add("engine " + engine.id() + " runs on CPU but the TaskManagers request an nvidia.com/gpu");
        }
        return problems;
    }

    /** Image name:tag -> the Dockerfile that builds it, from the {@code docker build ... -t NAME} line in its header. */
    private static Map<String, Path> builtImages() throws IOException {
        Map<String, Path> images = new java.util.HashMap<>();
        Pattern tag = Pattern.compile("(?m)^#.*docker build\\b.*\\s-t\\s+(\\S+)");
        for (Path f : walk(DEPLOY.resolve("docker")).filter(f -> f.getFileName().toString().matches("Dockerfile(\\.[A-Za-z0-9-]+)?")
                && !f.getFileName().toString().endsWith(".dockerignore")).toList()) {
            Matcher m = tag.matcher(Files.readString(f));
            while (m.find()) {
                images.put(m.group(1), f);
            }
        }
        assertThat(images).as("images built by deploy/docker").isNotEmpty();
        return images;
    }

    /** Whether the image's final stage has a CUDA base and the GPU build of ONNX Runtime. */
    private static boolean carriesGpuRuntime(String dockerfile) {
        List<String> froms = new ArrayList<>();
        Matcher m = Pattern.compile("(?mi)^FROM\\s+(\\S+)").matcher(dockerfile);
        while (m.find()) {
            froms.add(m.group(1));
        }
        String base = froms.isEmpty() ? "" : froms.get(froms.size() - 1);
        return base.toLowerCase().contains("cuda") && dockerfile.contains("onnxruntime_gpu");
    }

    @Test
    @SuppressWarnings("unchecked")
    void strimziTopicsCoverEveryDocumentedTopic() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Object doc : yamlDocuments(DEPLOY.resolve("k8s/kafka-topics.yaml"))) {
            Map<String, Object> t = (Map<String, Object>) doc;
            assertThat((String) at(t, "apiVersion")).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat((String) at(t, "kind")).isEqualTo("KafkaTopic");
            assertThat((String) at(t, "metadata", "labels", "strimzi.io/cluster")).isNotBlank();
            assertThat((String) at(t, "metadata", "name")).matches("[a-z0-9.-]+");
            assertThat((Integer) at(t, "spec", "partitions")).isPositive();
            assertThat((Integer) at(t, "spec", "replicas")).isPositive();
            String name = at(t, "spec", "topicName");
            names.add(name);
            if (name.equals("avstream.speakers")) {
                assertThat((String) at(t, "spec", "config", "cleanup.policy")).isEqualTo("compact");
            }
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(documentedTopics());
    }

    @Test
    void composeRunsKafkaFlinkPrometheusGrafanaOnLoopbackPorts() throws IOException {
        Map<String, Object> compose = yaml(DEPLOY.resolve("compose.yaml"));
        Map<String, Object> services = at(compose, "services");
        assertThat(services).containsKeys("kafka", "jobmanager", "taskmanager", "prometheus", "grafana");
        List<String> jm = at(services, "jobmanager", "command");
        assertThat(jm).contains("standalone-job", AvstreamJob.class.getName());
        assertThat((String) at(services, "jobmanager", "build", "dockerfile")).isEqualTo("deploy/docker/Dockerfile");
        assertThat((String) at(services, "taskmanager", "image")).isEqualTo(at(services, "jobmanager", "image"));
        String flinkProperties = at(services, "taskmanager", "environment", "FLINK_PROPERTIES");
        assertThat(flinkProperties).contains("execution.checkpointing.dir", "restart-strategy.type");
        for (Map.Entry<String, Object> s : services.entrySet()) {
            @SuppressWarnings("unchecked")
            List<String> ports = (List<String>) ((Map<String, Object>) s.getValue()).getOrDefault("ports", List.of());
            assertThat(ports).as("ports of " + s.getKey()).allSatisfy(p -> assertThat(p).startsWith("127.0.0.1:"));
        }
        List<String> topicScript = at(services, "kafka-topics", "command");
        for (String topic : documentedTopics()) {
            assertThat(String.join("\n", topicScript)).contains("--topic " + topic + " ");
        }
        // Prometheus and Grafana mounts point at files that exist
        for (String svc : List.of("prometheus", "grafana")) {
            List<String> volumes = at(services, svc, "volumes");
            for (String v : volumes) {
                assertThat(DEPLOY.resolve(v.split(":")[0])).as(svc + " volume " + v).exists();
            }
        }
    }

    @Test
    void dockerfileBuildsOnTheOfficialFlinkImage() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
        assertThat(dockerfile).contains("FROM flink:2.1.1-java17")
                .contains("/opt/flink/usrlib/avstream-job.jar")
                .contains("/opt/flink/lib/")
                .contains("/opt/flink/plugins/metrics-prometheus/")
                .contains("classloader.parent-first-patterns.additional: [ai.djl., ai.onnxruntime.]");
    }

    /** Maven reads every module the parent pom lists, even when it builds one: the image must hold them all. */
    @Test
    void dockerfileCopiesEveryModuleOfTheReactor() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(repoRoot().resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1));
        }
        assertThat(modules).contains("deploy", "tools");
        for (String module : modules) {
            assertThat(dockerfile).as("deploy/docker/Dockerfile copies module " + module)
                    .containsPattern("(?m)^COPY " + Pattern.quote(module) + " " + Pattern.quote(module) + "$");
        }
        assertThat(dockerfile).as("the image builds the job only").contains("-pl deploy -am install");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesFlink() throws IOException {
        for (String f : List.of("prometheus/prometheus.yml", "prometheus/prometheus-compose.yml")) {
            Map<String, Object> p = yaml(DEPLOY.resolve(f));
            List<Map<String, Object>> scrapes = at(p, "scrape_configs");
            assertThat(scrapes).as(f).isNotEmpty();
            assertThat(scrapes.get(0)).as(f).containsKey("job_name").containsAnyOf(
                    Map.entry("static_configs", scrapes.get(0).getOrDefault("static_configs", "")),
                    Map.entry("dns_sd_configs", scrapes.get(0).getOrDefault("dns_sd_configs", "")));
        }
    }

    @Test
    void grafanaDashboardShowsLatencyThroughputBatchesDeadLettersAndShedWindows() throws IOException {
        JsonNode dash = new ObjectMapper().readTree(DEPLOY.resolve("grafana/avstream.json").toFile());
        assertThat(dash.path("uid").asText()).isEqualTo("avstream");
        List<String> exprs = new ArrayList<>();
        Set<Integer> ids = new LinkedHashSet<>();
        for (JsonNode panel : dash.path("panels")) {
            assertThat(panel.path("title").asText()).isNotBlank();
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id").isTrue();
            assertThat(panel.path("targets")).isNotEmpty();
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        }
        String all = String.join("\n", exprs);
        assertThat(all).contains(
                "flink_taskmanager_job_task_operator_avstream_endToEndLatencyMs",
                "quantile=\"0.99\"",
                "flink_taskmanager_job_task_operator_avstream_predictions",
                "flink_taskmanager_job_task_operator_avstream_batchSize",
                "flink_taskmanager_job_task_operator_deadLetters",
                "flink_taskmanager_job_task_operator_shedWindows",
                "flink_taskmanager_job_task_operator_lateFrames",
                "flink_taskmanager_job_task_operator_windowsWithVideo",
                "flink_taskmanager_job_task_operator_streamStateBytes");
        for (String e : exprs) {
            assertThat(e.chars().filter(c -> c == '(').count()).as(e).isEqualTo(e.chars().filter(c -> c == ')').count());
            assertThat(e.chars().filter(c -> c == '{').count()).as(e).isEqualTo(e.chars().filter(c -> c == '}').count());
        }
    }
}
