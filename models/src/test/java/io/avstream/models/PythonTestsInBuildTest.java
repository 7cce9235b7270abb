package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Python tests of models/python run in the README's test command, and CI runs exactly that command
 * after installing what they need.
 */
class PythonTestsInBuildTest {

    private static Path repoRoot() {
        String root = System.getProperty("avstream.repo.root");
        return (root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent()).toAbsolutePath().normalize();
    }

    /** The {@code mvn ... verify} line of the README's first code block. */
    private static String readmeTestCommand() throws IOException {
        String readme = Files.readString(repoRoot().resolve("README.md"));
        Matcher block = Pattern.compile("(?s)```bash\n(.*?)```").matcher(readme);
        assertThat(block.find()).as("README has a bash block").isTrue();
        Matcher mvn = Pattern.compile("(?m)^(mvn [^#\n]*?verify)\\s*(#.*)?$").matcher(block.group(1));
        assertThat(mvn.find()).as("README's first block names the test command").isTrue();
        return mvn.group(1).strip();
    }

    @Test
    void ciRunsExactlyTheReadmeTestCommandAfterInstallingThePythonPackages() throws IOException {
        String command = readmeTestCommand();
        List<String> ci = Files.readAllLines(repoRoot().resolve(".ci/run"));

        assertThat(ci).contains(command);
        String install = String.join("\n", ci.subList(0, ci.indexOf(command)));
        assertThat(install).contains("python3-torch", "python3-onnx", "python3-torchaudio", "apt-get install");
    }

    @Test
    void verifyRunsThePythonTestsOfTheModelsModule() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(repoRoot().resolve("models/pom.xml").toFile());
        Element execution = null;
        NodeList ids = pom.getElementsByTagName("id");
        for (int i = 0; i < ids.getLength(); i++) {
            if (ids.item(i).getTextContent().equals("python-tests")) {
                execution = (Element) ids.item(i).getParentNode();
            }
        }
        assertThat(execution).as("an execution python-tests in models/pom.xml").isNotNull();
        Element plugin = (Element) execution.getParentNode().getParentNode();
        assertThat(text(plugin, "artifactId")).isEqualTo("exec-maven-plugin");
        // verify runs integration-test; test alone (the quick loop) does not
        assertThat(text(execution, "phase")).isIn("integration-test", "verify");
        assertThat(execution.getElementsByTagName("arguments").item(0).getTextContent())
                .contains("python/run_tests.sh", "${python.tests.skip}");

        String script = Files.readString(repoRoot().resolve("models/python/run_tests.sh"));
        assertThat(script).contains("/usr/bin/python3", "-m unittest discover -s python", "cd \"$(dirname \"$0\")/..\"",
                "import numpy, torch, onnx, torchaudio", "exit 1");
        assertThat(Files.isExecutable(repoRoot().resolve("models/python/run_tests.sh"))).isTrue();
    }

    private static String text(Element parent, String tag) {
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent().strip();
            }
        }
        return null;
    }
}
