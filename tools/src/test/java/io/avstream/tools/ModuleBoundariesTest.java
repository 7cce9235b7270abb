package io.avstream.tools;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module boundaries of docs/architecture.md, checked on the compiled classes of every module. */
class ModuleBoundariesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.avstream");
    }

    @Test
    void modelsDoNotDependOnFlink() {
        noClasses().that().resideInAPackage("io.avstream.models..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "io.avstream.operators..",
                        "io.avstream.ingest..", "io.avstream.sinks..", "io.avstream.deploy..", "io.avstream.tools..")
                .check(classes);
    }

    @Test
    void schemasDependOnNoOtherModule() {
        noClasses().that().resideInAPackage("io.avstream.schemas..")
                .should().dependOnClassesThat().resideInAnyPackage("io.avstream.models..", "io.avstream.ingest..",
                        "io.avstream.operators..", "io.avstream.sinks..", "io.avstream.deploy..", "io.avstream.tools..",
                        "org.apache.flink..")
                .check(classes);
    }

    @Test
    void ingestDependsOnlyOnSchemas() {
        noClasses().that().resideInAPackage("io.avstream.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("io.avstream.models..", "io.avstream.operators..",
                        "io.avstream.sinks..", "io.avstream.deploy..", "io.avstream.tools..", "ai.djl..")
                .check(classes);
    }

    @Test
    void operatorsDependOnlyOnSchemasAndModels() {
        noClasses().that().resideInAPackage("io.avstream.operators..")
                .should().dependOnClassesThat().resideInAnyPackage("io.avstream.ingest..", "io.avstream.sinks..",
                        "io.avstream.deploy..", "io.avstream.tools..")
                .check(classes);
    }

    @Test
    void preAndPostProcessingIsPlainCode() {
        noClasses().that().resideInAnyPackage("io.avstream.operators.mocap..", "io.avstream.operators.post..",
                        "io.avstream.operators.audio..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "ai.djl..", "ai.onnxruntime..")
                .check(classes);
    }

    @Test
    void sinksDependOnlyOnSchemas() {
        noClasses().that().resideInAPackage("io.avstream.sinks..")
                .should().dependOnClassesThat().resideInAnyPackage("io.avstream.models..", "io.avstream.ingest..",
                        "io.avstream.operators..", "io.avstream.deploy..", "io.avstream.tools..")
                .check(classes);
    }

    /**
     * The job (what the job jar holds) knows nothing of the command-line tools, the in-process broker or
     * the load test's metric reporter: those live in tools/, which depends on the job, never the reverse.
     */
    @Test
    void theJobDoesNotDependOnTheTools() {
        noClasses().that().resideInAPackage("io.avstream.deploy..")
                .should().dependOnClassesThat().resideInAnyPackage("io.avstream.tools..", "kafka..",
                        "org.apache.kafka.server..", "org.apache.kafka.raft..", "picocli..", "org.HdrHistogram..")
                .check(classes);
    }

    /**
     * The windowing core, the inference function, the dead-letter routing, the sinks and the job's
     * generic wiring name no modality: a pipeline adds its own classes and edits none of these. The two
     * MoCap POJOs that stay in operators.window for savepoint compatibility (docs/architecture.md) are
     * the pipeline's, not the core's.
     */
    @Test
    void genericClassesNameNoModality() {
        noClasses().that().resideInAnyPackage("io.avstream.operators.window..", "io.avstream.operators.inference..",
                        "io.avstream.sinks..", "io.avstream.models..", "io.avstream.deploy.pipeline..")
                .and().doNotHaveSimpleName("MocapWindow").and().doNotHaveSimpleName("ReducedFrame")
                .should().dependOnClassesThat().resideInAnyPackage("io.avstream.operators.action..",
                        "io.avstream.operators.mocap..", "io.avstream.operators.audio..", "io.avstream.schemas.topology..")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Mocap")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Stmt")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Audio")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Video")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Speech")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Frame")
                .check(classes);
    }

    @Test
    void theJobWiringNamesNoModality() {
        noClasses().that().haveFullyQualifiedName("io.avstream.deploy.AvstreamJob")
                .or().haveFullyQualifiedName("io.avstream.deploy.JobOptions")
                .or().haveFullyQualifiedName("io.avstream.deploy.JobConfig")
                .should().dependOnClassesThat().resideInAnyPackage("io.avstream.operators.action..",
                        "io.avstream.operators.mocap..")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Mocap")
                .orShould().dependOnClassesThat().resideInAPackage("io.avstream.deploy.action..")
                .check(classes);
    }
}
