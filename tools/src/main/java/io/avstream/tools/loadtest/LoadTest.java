package io.avstream.tools.loadtest;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.tools.loadtest.LoadResult.SweepOutcome;
import io.avstream.tools.loadtest.LoadResult.Trial;

/**
 * Drives the pipeline with synthetic streams and measures it. By default everything runs in this
 * JVM (an in-process Kafka broker and, per trial, a fresh Flink MiniCluster job on fresh topics);
 * with {@link Builder#optBootstrapServers} it produces to and consumes from an external Kafka where
 * the job already runs.
 *
 * <pre>{@code
 * LoadTest test = LoadTest.builder().setStreams(16).optDuration(Duration.ofSeconds(60)).build();
 * LoadResult one = test.run();                       // one trial at 16 streams
 * LoadResult sweep = test.sweep(512, 12, 0.1);       // largest count with p99 <= target
 * LoadResult overload = test.overload(2.0, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(40));
 * }</pre>
 *
 * <p>The parts: {@link JobTarget} starts the broker and each trial's job, {@link StreamSources} paces the
 * producers, {@link TrialRun} runs a trial's phases second by second ({@link SecondSampler},
 * {@link LoadRecorder}), {@link Summaries} and {@link Verdict} judge the measured windows and
 * {@link TrialTable} prints them.
 */
public final class LoadTest {

    /** The nominal MoCap frame rate; {@code rate} multiplies it. */
    public static final double REAL_TIME_FPS = LoadProfile.Mocap.REAL_TIME_FPS;

    /**
     * The end-to-end p99 a sweep holds by default: 1 s for MoCap (hop 0.5 s), 1.5 s for audio (hop 1 s), 2 s for
     * audio with video (hop 1 s, a larger model per window), 1 s after the segment's end for speech.
     */
    public static Duration defaultTargetP99(Modality modality) {
        return switch (modality) {
            case AUDIO -> Duration.ofMillis(1500);
            case AUDIO_VIDEO -> Duration.ofSeconds(2);
            default -> Duration.ofSeconds(1);
        };
    }

    private final LoadSettings s;
    private final PrintStream out;
    private final Instant created = Instant.now();
    private int trialCount;

    private LoadTest(Builder b) {
        this.s = new LoadSettings(b);
        this.out = s.out;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One trial: a warm-up until the trial settles, then {@code duration} at the configured stream count. */
    public LoadResult run() throws Exception {
        try (JobTarget target = JobTarget.of(s)) {
            Trial t = trial(target, String.format("%d streams", s.streams), List.of(
                    new PhasePlan("warm-up", s.warmup, s.streams, false),
                    new PhasePlan("measured", s.duration, s.streams, true)));
            return result(title(s.streams + " streams"), List.of(t), null);
        }
    }

    /**
     * Raises the stream count (doubling from the configured count, then bisecting) until the
     * end-to-end p99 exceeds the target, each step a trial of its own; reports the largest count
     * that held (settled before its measurement, p99 within target, every expected window predicted,
     * nothing shed).
     */
    public LoadResult sweep(int maxStreams, int maxSteps, double precision) throws Exception {
        Sweep sweep = new Sweep(s.streams, Math.max(s.streams, maxStreams), precision, maxSteps);
        List<Trial> trials = new ArrayList<>();
        List<SweepOutcome.Step> steps = new ArrayList<>();
        try (JobTarget target = JobTarget.of(s)) {
            for (OptionalInt n = sweep.next(); n.isPresent(); n = sweep.next()) {
                int streams = n.getAsInt();
                if (!trials.isEmpty() && !target.inProcess()) {
                    // let the previous step's streams expire and its queue drain on the external job
                    Thread.sleep(s.latencyBudget.toMillis() + 2000);
                }
                out.printf("%n== sweep step %d: %d streams ==%n", steps.size() + 1, streams);
                Trial t = trial(target, String.format("sweep step %d: %d streams", steps.size() + 1, streams), List.of(
                        new PhasePlan("warm-up", s.warmup, streams, false),
                        new PhasePlan("measured", s.duration, streams, true)));
                boolean settled = t.settle() == null || t.settle().settled();
                boolean held = Verdict.held(t.summary(), s.targetP99, t.settle());
                trials.add(withHeld(t, held));
                double share = Verdict.deliveredShare(t.summary());
                steps.add(new SweepOutcome.Step(streams, t.summary().endToEnd().p99(), share, settled, held));
                out.printf("step %d: %d streams, p99 %.0f ms, %.1f%% of expected windows predicted: %s%n",
                        steps.size(), streams, t.summary().endToEnd().p99(), 100 * share,
                        held ? "held" : settled ? "failed" : "failed (never settled)");
                sweep.report(streams, held);
            }
        }
        SweepOutcome outcome = new SweepOutcome(s.targetP99.toMillis(), sweep.largestHeld(), sweep.smallestFailed(), steps);
        return result(title("sweep"), trials, outcome);
    }

    /**
     * The overload scenario: {@code streams} for {@code baseline}, {@code factor} x streams for
     * {@code overload}, back to {@code streams} for {@code recovery}; heap sampled every second and
     * the job's shed windows counted per phase.
     */
    public LoadResult overload(double factor, Duration baseline, Duration overload, Duration recovery) throws Exception {
        int high = (int) Math.round(s.streams * factor);
        try (JobTarget target = JobTarget.of(s)) {
            Trial t = trial(target, String.format("overload: %d -> %d -> %d streams", s.streams, high, s.streams), List.of(
                    new PhasePlan("warm-up", s.warmup, s.streams, false),
                    new PhasePlan("baseline", baseline, s.streams, true),
                    new PhasePlan("overload", overload, high, true),
                    new PhasePlan("recovery", recovery, s.streams, true)));
            return result(title(String.format("overload %d -> %d streams", s.streams, high)), List.of(t), null);
        }
    }

    private Trial trial(JobTarget target, String label, List<PhasePlan> plan) throws Exception {
        return new TrialRun(s, target, ++trialCount, label, plan).run();
    }

    private static Trial withHeld(Trial t, boolean held) {
        return new Trial(t.label(), t.streams(), t.delivery(), t.summary(), t.phaseSummaries(), t.phases(), t.series(),
                t.histogram(), t.settle(), held);
    }

    private String title(String what) {
        return String.format("avstream load test: %s, %s, %.2gx real time (%s), %s", s.modality.cliName(), what,
                s.rate, s.profile.rateText(), s.delivery);
    }

    private LoadResult result(String title, List<Trial> trials, SweepOutcome sweep) {
        Map<String, String> m = new LinkedHashMap<>();
        if (s.commandLine != null) {
            m.put("command", s.commandLine);
        }
        m.put("modality", s.modality.cliName());
        m.put("streams", Integer.toString(s.streams));
        m.put("rate", s.rate + "x (" + s.profile.rateText() + " per stream)");
        m.put("warmup", s.warmup.toSeconds() + " s, then until settled, at most " + s.settleTimeout.toSeconds() + " s more");
        m.put("settle rule", s.settleDetector(s.streams).rule());
        m.put("duration", s.duration.toSeconds() + " s");
        m.put("delivery", s.delivery);
        m.put("kafka", s.inProcess() ? "in-process broker, Flink MiniCluster in the same JVM" : s.bootstrapServers);
        m.put("parallelism", Integer.toString(s.parallelism));
        m.put("targetP99Ms", Long.toString(s.targetP99.toMillis()));
        s.jobSettings.forEach((k, v) -> m.put("--set " + k, JobConfig.mask(k, v)));
        s.flinkSettings.forEach((k, v) -> m.put("--flink " + k, v));
        m.put("latency budget / queue capacity / max batch / max delay", s.latencyBudget.toMillis() + " ms / "
                + s.baseConfig.flink().get(JobOptions.QUEUE_CAPACITY) + " / " + s.baseConfig.flink().get(JobOptions.MAX_BATCH)
                + " / " + s.maxDelayUs / 1000 + " ms");
        m.put("checkpoint interval", s.checkpointInterval.toMillis() + " ms");
        m.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs, max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB, Java " + System.getProperty("java.version"));
        return new LoadResult(title, created.toString(), m, trials, sweep);
    }

    // ---------------------------------------------------------------- builder

    /** Builder; {@code set*} required, {@code opt*} optional. */
    public static final class Builder {
        Modality modality = Modality.MOCAP;
        int streams;
        double rate = 1.0;
        Duration duration = Duration.ofSeconds(60);
        Duration warmup = Duration.ofSeconds(10);
        String delivery = "at-least-once";
        String bootstrapServers;
        int parallelism = 2;
        int partitions = 4;
        Duration targetP99 = Duration.ofSeconds(1);
        long seed = 1;
        boolean progress = true;
        PrintStream out = System.out;
        String commandLine;
        final Map<String, String> jobSettings = new LinkedHashMap<>();
        final Map<String, String> flinkSettings = new LinkedHashMap<>();
        final Properties producerProperties = new Properties();
        final Properties consumerProperties = new Properties();
        Duration settleTimeout = Duration.ofSeconds(60);
        Duration settleWindow = Duration.ofSeconds(SettleDetector.DEFAULT_WINDOW_S);
        double settleTolerance = SettleDetector.DEFAULT_TOLERANCE;

        public Builder setStreams(int streams) {
            this.streams = streams;
            return this;
        }

        public Builder optModality(Modality modality) {
            this.modality = modality;
            return this;
        }

        /** MoCap: frame rate as a multiple of real time (25 fps); windows per stream stay one per hop. Audio: 1 only. */
        public Builder optRate(double rate) {
            this.rate = rate;
            return this;
        }

        /** How long each trial is measured (after the warm-up). */
        public Builder optDuration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /**
         * Load before measuring starts (job start, model warm-up, first windows); extended until the latency
         * and the batcher's queue have settled (see {@link SettleDetector}), at most by the settle timeout.
         */
        public Builder optWarmup(Duration warmup) {
            this.warmup = warmup;
            return this;
        }

        /** The most the warm-up is extended waiting for the trial to settle (default 60 s); then measured as not settled. */
        public Builder optSettleTimeout(Duration settleTimeout) {
            this.settleTimeout = settleTimeout;
            return this;
        }

        /** The seconds the per-second latency and queue depth must stay flat (default 10 s). */
        public Builder optSettleWindow(Duration settleWindow) {
            this.settleWindow = settleWindow;
            return this;
        }

        /** The change allowed across the settle window, as a share of a series' median (default 0.25). */
        public Builder optSettleTolerance(double settleTolerance) {
            this.settleTolerance = settleTolerance;
            return this;
        }

        /** at-least-once or exactly-once (in-process job; an external job has its own). */
        public Builder optDelivery(String delivery) {
            this.delivery = delivery;
            return this;
        }

        /** An external Kafka where the job already runs; null (default): in-process broker and MiniCluster. */
        public Builder optBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder optParallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /** Partitions of the in-process topics. */
        public Builder optPartitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        public Builder optTargetP99(Duration targetP99) {
            this.targetP99 = targetP99;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether to print a progress line every second (default true). */
        public Builder optProgress(boolean progress) {
            this.progress = progress;
            return this;
        }

        public Builder optOut(PrintStream out) {
            this.out = out;
            return this;
        }

        /** The command line, recorded in the result. */
        public Builder optCommandLine(String commandLine) {
            this.commandLine = commandLine;
            return this;
        }

        /** Job options ({@code avstream.*}) and Kafka client properties ({@code kafka.*}). */
        public Builder optJobSettings(Map<String, String> settings) {
            this.jobSettings.putAll(settings);
            return this;
        }

        /** Flink configuration of the in-process MiniCluster (e.g. {@code execution.buffer-timeout.interval}). */
        public Builder optFlinkSettings(Map<String, String> settings) {
            this.flinkSettings.putAll(settings);
            return this;
        }

        public Builder optProducerProperties(Properties p) {
            this.producerProperties.putAll(p);
            return this;
        }

        public Builder optConsumerProperties(Properties p) {
            this.consumerProperties.putAll(p);
            return this;
        }

        public LoadTest build() {
            List<String> problems = new ArrayList<>();
            if (modality == null) {
                problems.add("a modality is required: mocap, audio, speech or audio-video");
            } else if (modality != Modality.MOCAP && rate != 1.0) {
                problems.add(modality.cliName() + " streams run in real time (rate 1), got " + rate
                        + ": raise the stream count instead");
            }
            if (streams < 1) {
                problems.add("streams must be at least 1, got " + streams);
            }
            if (!(rate > 0) || REAL_TIME_FPS * rate > 1000) {
                problems.add("rate must be in (0, " + 1000 / REAL_TIME_FPS + "], got " + rate);
            }
            if (duration == null || duration.toSeconds() < 1) {
                problems.add("duration must be at least 1 s, got " + duration);
            }
            if (warmup == null || warmup.isNegative()) {
                problems.add("warmup must not be negative, got " + warmup);
            }
            if (settleTimeout == null || settleTimeout.isNegative()) {
                problems.add("settle timeout must not be negative, got " + settleTimeout);
            }
            if (settleWindow == null || settleWindow.toSeconds() < 3) {
                problems.add("settle window must be at least 3 s, got " + settleWindow);
            }
            if (!(settleTolerance > 0)) {
                problems.add("settle tolerance must be positive, got " + settleTolerance);
            }
            if (!"at-least-once".equals(delivery) && !"exactly-once".equals(delivery)) {
                problems.add("delivery must be at-least-once or exactly-once, got " + delivery);
            }
            if (parallelism < 1 || partitions < 1) {
                problems.add("parallelism and partitions must be at least 1");
            }
            if (targetP99 == null || targetP99.toMillis() < 1) {
                problems.add("target p99 must be at least 1 ms, got " + targetP99);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("load test settings: " + String.join("; ", problems));
            }
            return new LoadTest(this);
        }
    }
}
