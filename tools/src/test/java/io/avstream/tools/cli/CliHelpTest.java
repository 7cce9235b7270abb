package io.avstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The help of every command and the README's introduction promise only what exists: MoCap actions, audio events,
 * audio-visual tagging and speech do; load tests of audio+video streams are planned, and a sentence that names them
 * says so.
 */
class CliHelpTest {

    private static final Pattern NOT_BUILT = Pattern.compile("(?i)audio\\+video");
    private static final Pattern PLANNED = Pattern.compile("(?i)planned|not built yet");

    private static Path repoRoot() {
        String root = System.getProperty("avstream.repo.root");
        return (root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent()).toAbsolutePath().normalize();
    }

    /** The sentences of a text (line breaks joined) that name what is not built without saying it is planned. */
    private static List<String> promises(String text) {
        List<String> found = new ArrayList<>();
        for (String sentence : text.replaceAll("\\s+", " ").split("(?<=[.;:])\\s")) {
            if (NOT_BUILT.matcher(sentence).find() && !PLANNED.matcher(sentence).find()) {
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
    void helpSaysWhatExistsAndWhatIsPlanned() {
        CommandLine cli = new CommandLine(new Cli());
        String root = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(root).contains("MoCap");
        assertThat(usages(cli)).anySatisfy(usage -> assertThat(usage).contains("--input"));
        assertThat(usages(cli)).hasSizeGreaterThan(5).allSatisfy(usage -> assertThat(promises(usage)).isEmpty());
    }

    @Test
    void readmeIntroductionSaysWhatExistsAndWhatIsPlanned() throws IOException {
        String readme = Files.readString(repoRoot().resolve("README.md"));
        String intro = readme.substring(0, readme.indexOf("\n## "));

        assertThat(intro).contains("MoCap");
        assertThat(promises(intro)).isEmpty();
    }
}
