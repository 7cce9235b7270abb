package io.avstream.tools.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

import io.avstream.tools.loadtest.HtmlReport;
import io.avstream.tools.loadtest.LoadResult;
import io.avstream.tools.loadtest.LoadTest;
import io.avstream.tools.loadtest.Modality;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadtest}: N concurrent synthetic streams at real time (or a rate multiplier) into Kafka for
 * a fixed duration, the prediction topic consumed, throughput and end-to-end latency reported live
 * and in a final table, results as JSON and a self-contained HTML report. {@code --sweep} finds the
 * largest stream count that holds the p99 target; {@code --overload} runs 2x a stream count between
 * a baseline and a recovery phase.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load test: concurrent synthetic streams into Kafka, predictions consumed, throughput and "
                + "end-to-end latency (p50/p90/p95/p99/max) measured; JSON and HTML report.",
                "By default everything runs in this process (in-process Kafka, Flink MiniCluster); "
                        + "with --bootstrap-servers against an external Kafka where the job already runs."})
public final class LoadTestCommand implements Callable<Integer> {

    @Option(names = "--modality", defaultValue = "mocap",
            description = "Input kind: mocap (synthetic actors), audio (live microphones playing the bundled recording, "
                    + "audio-events pipeline), speech (microphones playing the bundled spoken phrases, speech pipeline) or "
                    + "audio-video (cameras playing the bundled audio-visual recording, sound and 2 fps JPEG on two topics, "
                    + "audio-visual pipeline) (default ${DEFAULT-VALUE}).")
    String modality;

    @Option(names = "--streams", defaultValue = "8",
            description = "Concurrent streams; with --sweep the first count tried; with --overload the baseline (default ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--rate", defaultValue = "1.0",
            description = "MoCap frame rate as a multiple of real time (25 fps); windows stay one per stream per hop; audio "
                    + "runs at 1 only (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "Measured time per run / sweep step, after the warm-up (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class,
            description = "Load before measuring: job start, model warm-up, first windows; then extended until the "
                    + "end-to-end latency and the batcher's queue have settled (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--settle-timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "Most the warm-up is extended waiting to settle; a run that has not settled by then is "
                    + "measured anyway and marked not settled (a sweep step then fails) (default ${DEFAULT-VALUE}).")
    Duration settleTimeout;

    @Option(names = "--settle-window", defaultValue = "10s", converter = DurationConverter.class,
            description = "Seconds the per-second latency p50/p99 and queue depth must stay flat to count as settled "
                    + "(default ${DEFAULT-VALUE}).")
    Duration settleWindow;

    @Option(names = "--settle-tolerance", defaultValue = "0.25",
            description = "Change allowed across the settle window, as a share of the median (default ${DEFAULT-VALUE}).")
    double settleTolerance;

    @Option(names = "--delivery", defaultValue = "at-least-once",
            description = "at-least-once (default) or exactly-once (output visible at each checkpoint). In-process job only.")
    String delivery;

    @Option(names = "--bootstrap-servers",
            description = "External Kafka where the job already runs (default: in-process broker and MiniCluster).")
    String bootstrapServers;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of the in-process job (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the in-process topics (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--target-p99", converter = DurationConverter.class,
            description = "End-to-end p99 a stream count must hold in a sweep (default 1s for mocap, 1.5s for audio).")
    Duration targetP99;

    @Option(names = "--sweep", description = "Double the stream count, then bisect, until p99 exceeds --target-p99; "
            + "report the largest count that held.")
    boolean sweep;

    @Option(names = "--max-streams", defaultValue = "512", description = "Sweep: largest count tried (default ${DEFAULT-VALUE}).")
    int maxStreams;

    @Option(names = "--max-steps", defaultValue = "12", description = "Sweep: most steps (default ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--sweep-precision", defaultValue = "0.1",
            description = "Sweep: stop bisecting when failed - held <= this share of held, or 1 stream (default ${DEFAULT-VALUE}).")
    double precision;

    @Option(names = "--overload", description = "Overload scenario: --streams for --baseline, --overload-factor x streams "
            + "for --overload-duration, --streams again for --recovery; heap and shed windows reported.")
    boolean overload;

    @Option(names = "--overload-factor", defaultValue = "2", description = "Overload: stream multiplier (default ${DEFAULT-VALUE}).")
    double overloadFactor;

    @Option(names = "--baseline", defaultValue = "30s", converter = DurationConverter.class,
            description = "Overload: baseline phase (default ${DEFAULT-VALUE}).")
    Duration baseline;

    @Option(names = "--overload-duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "Overload: overload phase (default ${DEFAULT-VALUE}).")
    Duration overloadDuration;

    @Option(names = "--recovery", defaultValue = "40s", converter = DurationConverter.class,
            description = "Overload: recovery phase (default ${DEFAULT-VALUE}).")
    Duration recovery;

    @Option(names = "--out", description = "Path prefix of the report files PREFIX.json and PREFIX.html "
            + "(default loadtest-<date>-<time> in the current folder).")
    String outPrefix;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic actors.")
    long seed;

    @Option(names = "--quiet", description = "No progress line every second, only the tables.")
    boolean quiet;

    @Option(names = "--flink", paramLabel = "KEY=VALUE",
            description = "Flink configuration of the in-process MiniCluster, e.g. execution.buffer-timeout.interval=5ms; repeatable.")
    java.util.Map<String, String> flink = new java.util.LinkedHashMap<>();

    @CommandLine.Mixin
    Cli.JobSettings job = new Cli.JobSettings();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Modality m;
        try {
            m = Modality.parse(modality);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (sweep && overload) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sweep and --overload are separate runs: pick one");
        }
        LoadTest test;
        try {
            test = LoadTest.builder()
                    .optModality(m)
                    .setStreams(streams)
                    .optRate(rate)
                    .optDuration(duration)
                    .optWarmup(warmup)
                    .optSettleTimeout(settleTimeout)
                    .optSettleWindow(settleWindow)
                    .optSettleTolerance(settleTolerance)
                    .optDelivery(delivery)
                    .optBootstrapServers(bootstrapServers)
                    .optParallelism(parallelism)
                    .optPartitions(partitions)
                    .optTargetP99(targetP99 != null ? targetP99 : LoadTest.defaultTargetP99(m))
                    .optSeed(seed)
                    .optProgress(!quiet)
                    .optJobSettings(job.settings)
                    .optFlinkSettings(flink)
                    .optCommandLine("avstream " + String.join(" ", spec.commandLine().getParseResult().originalArgs()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        System.out.printf("avstream loadtest: %s, %d streams, %.2gx real time, %s, %s%n", m.cliName(), streams, rate, delivery,
                bootstrapServers == null ? "in-process Kafka and Flink MiniCluster" : "external Kafka " + bootstrapServers);
        LoadResult result;
        if (sweep) {
            result = test.sweep(maxStreams, maxSteps, precision);
            var s = result.sweep();
            System.out.printf("%n== sweep ==%nlargest stream count with end-to-end p99 <= %.0f ms: %d%s%n", s.targetP99Ms(),
                    s.largestHeld(), s.smallestFailed() == null ? " (no count failed)" : " (" + s.smallestFailed() + " failed)");
            for (var step : s.steps()) {
                System.out.printf("  %4d streams: p99 %7.0f ms, %5.1f%% delivered, %s%n", step.streams(), step.p99Ms(),
                        100 * step.deliveredShare(), step.held() ? "held" : step.settled() ? "failed" : "failed (never settled)");
            }
        } else if (overload) {
            result = test.overload(overloadFactor, baseline, overloadDuration, recovery);
        } else {
            result = test.run();
        }
        String prefix = outPrefix != null ? outPrefix
                : "loadtest-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path json = Path.of(prefix + ".json").toAbsolutePath();
        Path html = Path.of(prefix + ".html").toAbsolutePath();
        if (json.getParent() != null) {
            Files.createDirectories(json.getParent());
        }
        result.writeJson(json);
        HtmlReport.write(result, html);
        System.out.printf("%nresults: %s%nreport:  %s%n", json, html);
        return 0;
    }
}
