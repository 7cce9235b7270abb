package io.avstream.deploy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module boundaries of DESIGN.md, checked on the compiled classes of every module. */
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
                        "io.avstream.ingest..", "io.avstream.sinks..", "io.avstream.deploy..")
                .check(classes);
    }

    @Test
    void schemasDependOnNoOtherModule() {
        noClasses().that().resideInAPackage("io.avstream.schemas..")
                .should().dependOnClassesThat().resideInAnyPackage("io.avstream.models..", "io.avstream.ingest..",
                        "io.avstream.operators..", "io.avstream.sinks..", "io.avstream.deploy..", "org.apache.flink..")
                .check(classes);
    }

    @Test
    void ingestDependsOnlyOnSchemas() {
        noClasses().that().resideInAPackage("io.avstream.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("io.avstream.models..", "io.avstream.operators..",
                        "io.avstream.sinks..", "io.avstream.deploy..", "ai.djl..")
                .check(classes);
    }

    @Test
    void operatorsDependOnlyOnSchemasAndModels() {
        noClasses().that().resideInAPackage("io.avstream.operators..")
                .should().dependOnClassesThat().resideInAnyPackage("io.avstream.ingest..", "io.avstream.sinks..",
                        "io.avstream.deploy..")
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
                        "io.avstream.operators..", "io.avstream.deploy..")
                .check(classes);
    }
}
