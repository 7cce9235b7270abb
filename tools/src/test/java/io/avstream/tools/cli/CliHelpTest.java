package io.avstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.avstream.tools.loadtest.Modality;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The help of every command and the README's introduction say what exists: MoCap actions, audio events, audio-visual
 * tagging and speech, and a load test of each ({@code loadtest --modality}); nothing that exists is called planned or
 * not built.
 */
class CliHelpTest {

    private static final Pattern NOT_BUILT = Pattern.compile("(?i)planned|not built");

    private static Path repoRoot() {
        String root = System.getProperty("avstream.repo.root");
        return (root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent()).toAbsolutePath().normalize();
    }

    /** The sentences of a text (line breaks joined) that call something planned or not built. */
    private static List<String> unbuilt(String text) {
        List<String> found = new ArrayList<>();
        for (String sentence : text.replaceAll("\\s+", " ").split("(?<=[.;:])\\s")) {
            if (NOT_BUILT.matcher(sentence).find()) {
                found.add(sentence);
            }
        }
        return found;
    }

    private static List<String> usages(CommandLine cmd) {
        List<String> all = new ArrayList<>(List.of(cmd.getUsageMessage(CommandLine.Help.Ansi.OFF)));
        for (CommandLine sub : cmd.getSubcommands().values()) {
            all.addAll(usages(sub));
        }
        return all;
    }

    @Test
    void helpSaysWhatExists() {
        CommandLine cli = new CommandLine(new Cli());
        String root = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(root).contains("MoCap");
        assertThat(usages(cli)).anySatisfy(usage -> assertThat(usage).contains("--input"));
        String loadtest = cli.getSubcommands().get("loadtest").getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (Modality m : Modality.values()) {
            assertThat(loadtest).contains(m.cliName());
        }
        assertThat(usages(cli)).hasSizeGreaterThan(5).allSatisfy(usage -> assertThat(unbuilt(usage)).isEmpty());
    }

    @Test
    void readmeIntroductionSaysWhatExists() throws IOException {
        String readme = Files.readString(repoRoot().resolve("README.md"));
        String intro = readme.substring(0, readme.indexOf("\n## "));

        assertThat(intro).contains("MoCap");
        assertThat(unbuilt(intro)).isEmpty();
        for (Modality m : Modality.values()) {
            assertThat(readme).contains("--modality " + m.cliName());
        }
    }
}
