package io.avstream.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar that users submit with {@code flink run} holds the job alone: the job's classes and
 * what they need at run time, none of the command-line tools, the in-process broker, the CLI parser, the
 * load test's histograms or its metric reporter. The jar is built in deploy's package phase, before this
 * module's tests in the reactor ({@code mvn verify}).
 */
class JobJarTest {

    private static final Path JOB_JAR = Path.of("..", "deploy", "target", "avstream-job.jar").toAbsolutePath().normalize();

    private static List<String> entries;
    private static String metricReporters;
    private static String pipelines;

    @BeforeAll
    static void readJar() throws IOException {
        assumeTrue(Files.isRegularFile(JOB_JAR), "no job jar at " + JOB_JAR + " (built by mvn package in deploy)");
        entries = new ArrayList<>();
        try (JarFile jar = new JarFile(JOB_JAR.toFile())) {
            jar.stream().map(ZipEntry::getName).forEach(entries::add);
            metricReporters = text(jar, "META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory");
            pipelines = text(jar, "META-INF/services/io.avstream.deploy.pipeline.Pipeline");
        }
    }

    private static String text(JarFile jar, String name) throws IOException {
        ZipEntry e = jar.getEntry(name);
        if (e == null) {
            return "";
        }
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void holdsTheJobAndItsPipelines() {
        assertThat(entries).contains("io/avstream/deploy/AvstreamJob.class",
                "io/avstream/deploy/action/ActionPipeline.class", "io/avstream/operators/inference/BatchedInference.class",
                "io/avstream/ingest/kafka/DecodingDeserializer.class", "io/avstream/sinks/AvroKafkaSink.class");
        assertThat(pipelines).contains("io.avstream.deploy.action.ActionPipeline");
    }

    /**
     * Every class that the project's classes in the jar refer to is in the jar, in the JDK, or in what a
     * Flink cluster provides (Flink, its logging): a dependency that Maven drops from the shaded jar (a
     * test-scoped declaration overriding a transitive compile one, say) fails here, not on a cluster.
     */
    @Test
    void isSelfContainedSaveForWhatFlinkProvides() throws IOException {
        Set<String> inJar = new HashSet<>();
        for (String e : entries) {
            if (e.endsWith(".class")) {
                inJar.add(e.substring(0, e.length() - ".class".length()).replace('/', '.'));
            }
        }
        JavaClasses ours;
        try (JarFile jar = new JarFile(JOB_JAR.toFile())) {
            ours = new ClassFileImporter().withImportOption(location -> location.contains("/io/avstream/")).importJar(jar);
        }
        assertThat(ours).as("the project's classes in the jar").hasSizeGreaterThan(50);
        Set<String> missing = new TreeSet<>();
        for (JavaClass c : ours) {
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass();
                while (target.isArray()) {
                    target = target.getComponentType();
                }
                String name = target.getName();
                if (!target.isPrimitive() && !inJar.contains(name) && !providedOrJdk(name)) {
                    missing.add(name + " (from " + c.getName() + ")");
                }
            }
        }
        assertThat(missing).as("classes the job refers to that the job jar lacks").isEmpty();
    }

    private static boolean providedOrJdk(String name) {
        for (String p : List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "org.apache.flink.", "org.slf4j.",
                "org.apache.logging.log4j.")) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void holdsNoneOfTheTools() {
        assertThat(entries).noneMatch(e -> e.startsWith("io/avstream/tools/"));
        assertThat(entries).as("bench-only model packages").noneMatch(e -> e.startsWith("avstream-models/bench-"));
        assertThat(metricReporters).as("the load test's in-process metric reporter").doesNotContain("JobCounters");
    }

    @Test
    void holdsNoBrokerNoCliParserNoLoadTestHistograms() {
        assertThat(entries).as("the Kafka broker (kafka_2.13 and its modules)")
                .noneMatch(e -> e.startsWith("kafka/server/") || e.startsWith("org/apache/kafka/raft/")
                        || e.startsWith("org/apache/kafka/metadata/") || e.startsWith("scala/"));
        assertThat(entries).noneMatch(e -> e.startsWith("picocli/"));
        assertThat(entries).as("media capture and FFmpeg (the producers')")
                .noneMatch(e -> e.startsWith("io/avstream/ingest/capture/") || e.startsWith("org/bytedeco/"));
        assertThat(entries).noneMatch(e -> e.startsWith("org/HdrHistogram/"));
    }
}
