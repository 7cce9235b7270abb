package io.avstream.models;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The models module stays free of Flink and Kafka. */
@AnalyzeClasses(packages = "io.avstream.models", importOptions = ImportOption.DoNotIncludeTests.class)
class ModelsArchitectureTest {

    @ArchTest
    static final ArchRule noFlink = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("org.apache.flink..", "org.apache.kafka..")
            .because("the models module must not depend on Flink or Kafka");
}
