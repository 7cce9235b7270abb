package io.avstream.tools.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report of a made-up result in headless Chromium and checks, in the DOM after its
 * script ran, that every chart was drawn with real content. Skipped when no Chromium is installed
 * ({@code apt-get install -y chromium}).
 */
class HtmlReportChromiumTest {

    @TempDir
    Path dir;

    @Test
    void chartsRenderInHeadlessChromium() throws Exception {
        Optional<String> chromium = chromium();
        assumeTrue(chromium.isPresent(), "no chromium on PATH (apt-get install -y chromium): report rendering not checked");

        Path html = dir.resolve("report.html");
        HtmlReport.write(SyntheticResults.sweepWithPhases(), html);
        String dom = dumpDom(chromium.get(), html);

        assertThat(dom).contains("data-rendered=\"true\"");
        for (String chart : List.of("latency", "throughput", "input", "heap", "histogram", "sweep")) {
            assertThat(dom).as("chart %s", chart).contains("data-chart=\"" + chart + "\"");
        }
        // two trials x five charts, plus the sweep chart
        assertThat(count(dom, "<svg class=\"chart\"")).isEqualTo(11);

        // each latency line has a point per second: 60 points, 59 line segments
        List<String> latencyPaths = paths(dom, "p99");
        assertThat(latencyPaths).hasSize(2);
        for (String d : latencyPaths) {
            assertThat(count(d, "L")).isEqualTo(59);
            assertThat(distinctYs(d)).as("a flat line means no data was drawn").isGreaterThan(10);
        }
        assertThat(paths(dom, "predictions/s")).hasSize(2).allSatisfy(d -> assertThat(count(d, "L")).isEqualTo(59));
        assertThat(paths(dom, "shed/s")).hasSize(2);
        assertThat(paths(dom, "heap used MB")).hasSize(2);
        // histogram bars (30 buckets each) and the sweep's three steps
        assertThat(count(dom, "class=\"bar\"")).isEqualTo(60);
        assertThat(paths(dom, "end-to-end p99")).singleElement().satisfies(d -> assertThat(count(d, "L")).isEqualTo(2));
        assertThat(count(dom, "class=\"target\"")).isGreaterThanOrEqualTo(1);
        // the overload phases are drawn as bands, and a hostile string stayed text
        assertThat(count(dom, "class=\"phase\"")).isEqualTo(2 * 4 * 3);
        assertThat(dom).contains("&lt;/script&gt;&lt;!-- must not end the data block");
    }

    @Test
    void reportHasNoExternalResources() {
        String html = HtmlReport.render(SyntheticResults.sweepWithPhases());
        assertThat(html).doesNotContain("src=\"http", "href=\"http", "<link", "@import", "url(");
        assertThat(html).contains("<script type=\"application/json\" id=\"result-data\">");
        // the data block ends only where the page ends it
        int data = html.indexOf("id=\"result-data\">");
        assertThat(html.indexOf("</script>", data)).isGreaterThan(html.indexOf("\"steps\"", data));
    }

    private static String dumpDom(String chromium, Path html) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("avstream-chromium-");
        try {
            List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--user-data-dir=" + profile, "--dump-dom", html.toUri().toString()));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("chromium did not finish within 60 s");
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The {@code d} of every path of the named series. */
    private static List<String> paths(String dom, String series) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<path[^>]*data-series=\"" + Pattern.quote(series) + "\"[^>]*\\sd=\"([^\"]+)\"").matcher(dom);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static long distinctYs(String d) {
        return Pattern.compile("[ML][-0-9.]+,([-0-9.]+)").matcher(d).results().map(r -> r.group(1)).distinct().count();
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    static Optional<String> chromium() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String d : path.split(File.pathSeparator)) {
                Path candidate = Path.of(d, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toString());
                }
            }
        }
        return Optional.empty();
    }
}
