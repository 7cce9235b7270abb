package io.avstream.deploy.loadtest;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.avstream.deploy.AvstreamJob;
import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.deploy.cli.LocalStack;
import io.avstream.deploy.cli.PredictionConsumer;
import io.avstream.deploy.loadtest.LoadResult.Percentiles;
import io.avstream.deploy.loadtest.LoadResult.Phase;
import io.avstream.deploy.loadtest.LoadResult.Point;
import io.avstream.deploy.loadtest.LoadResult.Summary;
import io.avstream.deploy.loadtest.LoadResult.SweepOutcome;
import io.avstream.deploy.loadtest.LoadResult.Trial;
import io.avstream.deploy.local.EmbeddedKafka;
import io.avstream.ingest.produce.MocapKafkaProducer;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.VertexLayout;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

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
 */
public final class LoadTest {

    /** The nominal MoCap frame rate; {@code rate} multiplies it. */
    public static final double REAL_TIME_FPS = SyntheticActor.DEFAULT_FPS;

    private final Builder b;
    private final PrintStream out;
    private final JobConfig baseConfig;
    private final long outOfOrdernessUs;
    private final long hopUs;
    private final long spanUs;
    private final WindowSpec windowSpec;
    private final long maxDelayUs;
    private final Duration checkpointInterval;
    private final Duration latencyBudget;
    private final String runId = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Instant created = Instant.now();
    private int trialCount;

    private LoadTest(Builder b) {
        this.b = b;
        this.out = b.out;
        this.baseConfig = JobConfig.fromMap(jobPairs("127.0.0.1:1", "probe"));
        Configuration c = baseConfig.flink();
        this.outOfOrdernessUs = c.get(JobOptions.OUT_OF_ORDERNESS).toNanos() / 1000;
        this.hopUs = c.get(JobOptions.WINDOW_HOP).toNanos() / 1000;
        this.spanUs = c.get(JobOptions.WINDOW_SPAN).toNanos() / 1000;
        this.windowSpec = WindowSpec.builder().optSpan(c.get(JobOptions.WINDOW_SPAN)).optHop(c.get(JobOptions.WINDOW_HOP))
                .optStagger(c.get(JobOptions.WINDOW_STAGGER)).build();
        this.maxDelayUs = c.get(JobOptions.MAX_DELAY).toNanos() / 1000;
        this.checkpointInterval = c.get(JobOptions.CHECKPOINT_INTERVAL);
        this.latencyBudget = c.get(JobOptions.LATENCY_BUDGET);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One trial: a warm-up, then {@code duration} at the configured stream count. */
    public LoadResult run() throws Exception {
        try (Target target = target()) {
            Trial t = trial(target, String.format("%d streams", b.streams), List.of(
                    new PhasePlan("warm-up", b.warmup, b.streams, false),
                    new PhasePlan("measured", b.duration, b.streams, true)));
            return result(title(b.streams + " streams"), List.of(t), null);
        }
    }

    /**
     * Raises the stream count (doubling from the configured count, then bisecting) until the
     * end-to-end p99 exceeds the target, each step a trial of its own; reports the largest count
     * that held (p99 within target, every expected window predicted, nothing shed).
     */
    public LoadResult sweep(int maxStreams, int maxSteps, double precision) throws Exception {
        Sweep sweep = new Sweep(b.streams, Math.max(b.streams, maxStreams), precision, maxSteps);
        List<Trial> trials = new ArrayList<>();
        List<SweepOutcome.Step> steps = new ArrayList<>();
        try (Target target = target()) {
            for (OptionalInt n = sweep.next(); n.isPresent(); n = sweep.next()) {
                int streams = n.getAsInt();
                if (!trials.isEmpty() && !target.inProcess()) {
                    // let the previous step's streams expire and its queue drain on the external job
                    Thread.sleep(latencyBudget.toMillis() + 2000);
                }
                out.printf("%n== sweep step %d: %d streams ==%n", steps.size() + 1, streams);
                Trial t = trial(target, String.format("sweep step %d: %d streams", steps.size() + 1, streams), List.of(
                        new PhasePlan("warm-up", b.warmup, streams, false),
                        new PhasePlan("measured", b.duration, streams, true)));
                boolean held = held(t.summary());
                trials.add(withHeld(t, held));
                double share = deliveredShare(t.summary());
                steps.add(new SweepOutcome.Step(streams, t.summary().endToEnd().p99(), share, held));
                out.printf("step %d: %d streams, p99 %.0f ms, %.1f%% of expected windows predicted: %s%n",
                        steps.size(), streams, t.summary().endToEnd().p99(), 100 * share, held ? "held" : "failed");
                sweep.report(streams, held);
            }
        }
        SweepOutcome outcome = new SweepOutcome(b.targetP99.toMillis(), sweep.largestHeld(), sweep.smallestFailed(), steps);
        return result(title("sweep"), trials, outcome);
    }

    /**
     * The overload scenario: {@code streams} for {@code baseline}, {@code factor} x streams for
     * {@code overload}, back to {@code streams} for {@code recovery}; heap sampled every second and
     * the job's shed windows counted per phase.
     */
    public LoadResult overload(double factor, Duration baseline, Duration overload, Duration recovery) throws Exception {
        int high = (int) Math.round(b.streams * factor);
        try (Target target = target()) {
            Trial t = trial(target, String.format("overload: %d -> %d -> %d streams", b.streams, high, b.streams), List.of(
                    new PhasePlan("warm-up", b.warmup, b.streams, false),
                    new PhasePlan("baseline", baseline, b.streams, true),
                    new PhasePlan("overload", overload, high, true),
                    new PhasePlan("recovery", recovery, b.streams, true)));
            return result(title(String.format("overload %d -> %d streams", b.streams, high)), List.of(t), null);
        }
    }

    /** Whether a trial held: p99 within the target, (almost) every expected window predicted, nothing shed. */
    boolean held(Summary s) {
        boolean shedNone = s.shedWindows() == null || s.shedWindows() == 0;
        return s.predictions() > 0 && s.endToEnd().p99() <= b.targetP99.toMillis() && deliveredShare(s) >= 0.98 && shedNone;
    }

    static double deliveredShare(Summary s) {
        return s.expectedWindows() == 0 ? 0 : Math.min(1.0, (double) s.predictions() / s.expectedWindows());
    }

    private static Trial withHeld(Trial t, boolean held) {
        return new Trial(t.label(), t.streams(), t.delivery(), t.summary(), t.phaseSummaries(), t.phases(), t.series(),
                t.histogram(), held);
    }

    private String title(String what) {
        return String.format("avstream load test: %s, %s, %.2gx real time (%.0f fps), %s", b.modality.cliName(), what,
                b.rate, REAL_TIME_FPS * b.rate, b.delivery);
    }

    private LoadResult result(String title, List<Trial> trials, SweepOutcome sweep) {
        Map<String, String> s = new LinkedHashMap<>();
        if (b.commandLine != null) {
            s.put("command", b.commandLine);
        }
        s.put("modality", b.modality.cliName());
        s.put("streams", Integer.toString(b.streams));
        s.put("rate", b.rate + "x (" + REAL_TIME_FPS * b.rate + " fps per stream)");
        s.put("warmup", b.warmup.toSeconds() + " s");
        s.put("duration", b.duration.toSeconds() + " s");
        s.put("delivery", b.delivery);
        s.put("kafka", b.bootstrapServers == null ? "in-process broker, Flink MiniCluster in the same JVM" : b.bootstrapServers);
        s.put("parallelism", Integer.toString(b.parallelism));
        s.put("targetP99Ms", Long.toString(b.targetP99.toMillis()));
        b.jobSettings.forEach((k, v) -> s.put("--set " + k, JobConfig.mask(k, v)));
        b.flinkSettings.forEach((k, v) -> s.put("--flink " + k, v));
        s.put("latency budget / queue capacity / max batch / max delay", latencyBudget.toMillis() + " ms / "
                + baseConfig.flink().get(JobOptions.QUEUE_CAPACITY) + " / " + baseConfig.flink().get(JobOptions.MAX_BATCH)
                + " / " + maxDelayUs / 1000 + " ms");
        s.put("checkpoint interval", checkpointInterval.toMillis() + " ms");
        s.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs, max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB, Java " + System.getProperty("java.version"));
        return new LoadResult(title, created.toString(), s, trials, sweep);
    }

    // ---------------------------------------------------------------- a trial

    private record PhasePlan(String name, Duration duration, int streams, boolean measured) {}

    /** A producer of a range of streams, with when it ran (epoch microseconds). */
    private static final class Source {
        final MocapKafkaProducer producer;
        final int streams;
        final String prefix;
        boolean closed;
        long startUs;
        long stopUs = Long.MAX_VALUE;
        long lastSent;

        /** The id of the source's i-th stream, as its producer names it. */
        String streamId(int i) {
            return MocapKafkaProducer.streamId(prefix, i);
        }

        Source(MocapKafkaProducer producer, int streams, String prefix) {
            this.producer = producer;
            this.streams = streams;
            this.prefix = prefix;
        }

        void close() throws InterruptedException {
            if (!closed) {
                closed = true;
                producer.close();
            }
        }
    }

    private Trial trial(Target target, String label, List<PhasePlan> plan) throws Exception {
        int trialNo = ++trialCount;
        String prefix = "lt" + runId + "-" + trialNo + "-";
        Deployment d = target.deploy(trialNo);
        LoadRecorder recorder = new LoadRecorder(prefix, outOfOrdernessUs, maxDelayUs, Math.round(1e6 / (REAL_TIME_FPS * b.rate)));
        double frameBytes = frameBytes(prefix);
        List<Source> sources = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        List<long[]> phaseTimes = new ArrayList<>();
        List<Point> series = new ArrayList<>();
        List<Double> heapSamples = new ArrayList<>();
        List<Double> heapByPhase = new ArrayList<>();
        double producerLagMs = 0;
        long t0Ns = System.nanoTime();
        long t0Us = EpochMicros.now();
        long tick = 0;
        long lastWindows = 0;
        long lastShed = 0;
        List<long[]> counterTicks = new ArrayList<>();
        try (PredictionConsumer tap = new PredictionConsumer(d.bootstrap, d.predictionTopic, target.inProcess(), b.consumerProperties,
                recorder::record).start(Duration.ofSeconds(60))) {
            long stopUs = 0;
            int phaseIndex = -1;
            long phaseEndTick = 0;
            long drainFromTick = -1;
            long lastProgressArrival = 0;
            long quietSinceTick = 0;
            long drainCap = (latencyBudget.toMillis() + 2 * checkpointInterval.toMillis() + 10_000) / 1000;
            long quietTicks = Math.max(3, (long) Math.ceil(1.5 * checkpointInterval.toMillis() / 1000.0));
            long expectedAtStop = 0;
            long firstPredictionTick = -1;
            while (true) {
                if (firstPredictionTick < 0 && recorder.total() > 0) {
                    firstPredictionTick = tick;
                }
                // the warm-up lasts until predictions have flowed for a few seconds (a new job loads and warms its model)
                if (drainFromTick < 0 && tick == phaseEndTick && phaseIndex >= 0 && !plan.get(phaseIndex).measured
                        && phaseIndex == 0 && tick < plan.get(0).duration.toSeconds() + MAX_WARMUP_EXTENSION_S
                        && (firstPredictionTick < 0 || tick < firstPredictionTick + WARM_FLOW_S)) {
                    phaseEndTick++;
                }
                // phase changes at whole seconds
                if (drainFromTick < 0 && tick == phaseEndTick) {
                    if (phaseIndex >= 0) {
                        phaseTimes.get(phaseIndex)[1] = EpochMicros.now();
                        Phase ended = phases.get(phaseIndex);
                        phases.set(phaseIndex, new Phase(ended.name(), ended.fromS(), tick, ended.streams()));
                    }
                    phaseIndex++;
                    if (phaseIndex < plan.size()) {
                        PhasePlan p = plan.get(phaseIndex);
                        setStreams(sources, p.streams, d, prefix, recorder);
                        long now = EpochMicros.now();
                        phaseTimes.add(new long[] {now, Long.MAX_VALUE});
                        phases.add(new Phase(p.name, tick, tick + p.duration.toSeconds(), p.streams));
                        heapByPhase.add(0.0);
                        phaseEndTick = tick + Math.max(1, p.duration.toSeconds());
                    } else {
                        stopUs = EpochMicros.now();
                        for (Source s : sources) {
                            s.producer.stop();
                            s.stopUs = Math.min(s.stopUs, stopUs);
                        }
                        drainFromTick = tick;
                        quietSinceTick = tick;
                        expectedAtStop = expectedWindows(sources, measuredFrom(plan, phaseTimes), measuredTo(stopUs));
                        phases.add(new Phase("drain", tick, tick, 0));
                    }
                }
                // wait for the next second
                long dueNs = t0Ns + (tick + 1) * 1_000_000_000L;
                long waitNs = dueNs - System.nanoTime();
                if (waitNs > 0) {
                    TimeUnit.NANOSECONDS.sleep(waitNs);
                }
                tick++;
                // sample
                LoadRecorder.Interval iv = recorder.drainInterval();
                int active = 0;
                long sentDelta = 0;
                for (Source s : sources) {
                    long sent = s.producer.framesSent();
                    sentDelta += sent - s.lastSent;
                    s.lastSent = sent;
                    if (s.stopUs == Long.MAX_VALUE) {
                        active += s.streams;
                        producerLagMs = Math.max(producerLagMs, s.producer.behindMicros() / 1000.0);
                    }
                }
                Long windowsDelta = null;
                Long shedDelta = null;
                if (d.job != null) {
                    long w = JobCounters.count(d.job, JobCounters.WINDOWS_CLOSED);
                    long sh = JobCounters.count(d.job, JobCounters.SHED_WINDOWS);
                    windowsDelta = w - lastWindows;
                    shedDelta = sh - lastShed;
                    lastWindows = w;
                    lastShed = sh;
                    counterTicks.add(new long[] {EpochMicros.now(), w, sh});
                }
                double heapMb = memory.getHeapMemoryUsage().getUsed() / 1e6;
                heapSamples.add(heapMb);
                if (drainFromTick < 0 && phaseIndex < heapByPhase.size()) {
                    heapByPhase.set(phaseIndex, Math.max(heapByPhase.get(phaseIndex), heapMb));
                }
                double inputMb = sentDelta * frameBytes / 1e6;
                Percentiles e = iv.endToEnd();
                series.add(new Point(tick, active, iv.predictions(), windowsDelta, shedDelta, round(inputMb, 3),
                        e.p50(), e.p90(), e.p95(), e.p99(), e.max(), round(heapMb, 1), round(loadAverage(), 2)));
                if (b.progress) {
                    String phaseName = drainFromTick >= 0 ? "drain" : plan.get(phaseIndex).name;
                    out.printf("[%4ds %-9s] streams %3d | predictions/s %6.1f%s | input %6.2f MB/s | e2e p50 %6.0f p99 %6.0f max %6.0f ms%s | heap %5.0f MB | load %4.1f%n",
                            tick, phaseName, active, (double) iv.predictions(),
                            windowsDelta == null ? "" : String.format(" windows/s %6.1f", (double) windowsDelta),
                            inputMb, e.p50(), e.p99(), e.max(),
                            shedDelta == null ? "" : String.format(" | shed/s %4d", shedDelta), heapMb, loadAverage());
                }
                if (d.job != null && !target.jobAlive(d)) {
                    throw new IllegalStateException("the job " + d.job + " stopped: see the log");
                }
                if (drainFromTick >= 0) {
                    phases.set(phases.size() - 1, new Phase("drain", drainFromTick, tick, 0));
                    long measured = recorder.count(measuredFrom(plan, phaseTimes), measuredTo(stopUs));
                    long arrival = recorder.lastArrival(measuredFrom(plan, phaseTimes), measuredTo(stopUs));
                    if (arrival != lastProgressArrival) {
                        lastProgressArrival = arrival;
                        quietSinceTick = tick;
                    }
                    boolean complete = expectedAtStop > 0 && measured >= expectedAtStop;
                    if (complete || tick - quietSinceTick >= quietTicks || tick - drainFromTick >= drainCap) {
                        break;
                    }
                }
            }
            for (Source s : sources) {
                s.close();
            }
            target.finish(d);
            long from = measuredFrom(plan, phaseTimes);
            long to = measuredTo(stopUs);
            Long shedTotal = d.job == null ? null : JobCounters.count(d.job, JobCounters.SHED_WINDOWS);
            Long windowsTotal = d.job == null ? null : JobCounters.count(d.job, JobCounters.WINDOWS_CLOSED);
            double heapMax = heapSamples.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            Summary total = summary("measured", plan.get(plan.size() - 1).streams, recorder, sources, from, to,
                    counterTicks, frameBytes, heapMax, producerLagMs, d.job != null);
            List<Summary> phaseSummaries = null;
            long measuredPhases = plan.stream().filter(PhasePlan::measured).count();
            if (measuredPhases > 1) {
                phaseSummaries = new ArrayList<>();
                for (int i = 0; i < plan.size(); i++) {
                    if (!plan.get(i).measured) {
                        continue;
                    }
                    long pf = phaseTimes.get(i)[0];
                    long pt = i == plan.size() - 1 ? to : phaseTimes.get(i)[1];
                    phaseSummaries.add(summary(plan.get(i).name, plan.get(i).streams, recorder, sources, pf, pt,
                            counterTicks, frameBytes, heapByPhase.get(i), producerLagMs, d.job != null));
                }
                total = new Summary("all measured phases", total.streams(), total.seconds(), total.predictions(),
                        total.expectedWindows(), total.windowsClosed(), total.shedWindows(), total.windowsPerSecond(),
                        total.predictionsPerSecond(), total.inputMBPerSecond(), total.framesSent(), total.latency(),
                        total.meanBatch(), total.heapMaxMB(), total.producerMaxLagMs());
            }
            if (tap.undecodable() > 0) {
                out.printf("warning: %d undecodable records on %s%n", tap.undecodable(), d.predictionTopic);
            }
            if (recorder.duplicates() > 0) {
                out.printf("note: %d repeated predictions (same id) were counted once%n", recorder.duplicates());
            }
            Trial trial = new Trial(label, plan.get(plan.size() - 1).streams, b.delivery, total, phaseSummaries, phases, series,
                    recorder.histogram(from, to, 40), null);
            print(out, trial, shedTotal, windowsTotal);
            return trial;
        } finally {
            for (Source s : sources) {
                try {
                    s.close();
                } catch (RuntimeException ignored) {
                    // the broker is gone already
                }
            }
            target.finish(d);
        }
    }

    /** Windows are measured from the first measured phase's start. */
    private static long measuredFrom(List<PhasePlan> plan, List<long[]> phaseTimes) {
        for (int i = 0; i < plan.size() && i < phaseTimes.size(); i++) {
            if (plan.get(i).measured) {
                return phaseTimes.get(i)[0];
            }
        }
        return Long.MAX_VALUE;
    }

    /** Windows ending after the last frame minus the out-of-orderness never close (until idle expiry): not expected. */
    private long measuredTo(long stopUs) {
        return stopUs == 0 ? Long.MAX_VALUE : lastClosingWindowEnd(stopUs) + 1;
    }

    /** The latest window end that a stream stopping at {@code stopUs} still closes with a frame of its own. */
    private long lastClosingWindowEnd(long stopUs) {
        return stopUs - outOfOrdernessUs - 2 * Math.round(1e6 / (REAL_TIME_FPS * b.rate));
    }

    /** Window ends in {@code [fromUs, toUs)} of each source's streams that it covered whole. */
    long expectedWindows(List<Source> sources, long fromUs, long toUs) {
        long n = 0;
        for (Source s : sources) {
            long lo = Math.max(fromUs, s.startUs + spanUs);
            long hi = Math.min(toUs, s.stopUs == Long.MAX_VALUE ? toUs : lastClosingWindowEnd(s.stopUs) + 1);
            if (hi > lo) {
                for (int i = 0; i < s.streams; i++) {
                    // this stream's window ends fall on k * hop + c
                    long c = Math.floorMod(windowSpec.offsetUs(s.streamId(i)) + spanUs, hopUs);
                    long first = Math.floorDiv(lo - c + hopUs - 1, hopUs);
                    long last = Math.floorDiv(hi - 1 - c, hopUs);
                    n += Math.max(0, last - first + 1);
                }
            }
        }
        return n;
    }

    private Summary summary(String name, int streams, LoadRecorder recorder, List<Source> sources, long fromUs, long toUs,
            List<long[]> counterTicks, double frameBytes, double heapMax, double lagMs, boolean counters) {
        double seconds = Math.max(1e-3, (toUs - fromUs) / 1e6);
        long predictions = recorder.count(fromUs, toUs);
        long expected = expectedWindows(sources, fromUs, toUs);
        Long windows = null;
        Long shed = null;
        double windowsPerSecond = expected / seconds;
        if (counters && !counterTicks.isEmpty()) {
            long[] a = nearest(counterTicks, fromUs);
            long[] z = nearest(counterTicks, toUs);
            windows = z[1] - a[1];
            // windows are shed up to a latency budget after they close: count until the budget has passed
            long budgetUs = latencyBudget.toNanos() / 1000;
            shed = Math.max(0, nearest(counterTicks, toUs + budgetUs + 1_000_000)[2] - nearest(counterTicks, fromUs + budgetUs)[2]);
            windowsPerSecond = windows / Math.max(1e-3, (z[0] - a[0]) / 1e6);
        }
        long frames = 0;
        for (Source s : sources) {
            long lo = Math.max(fromUs, s.startUs);
            long hi = Math.min(toUs, s.stopUs);
            if (hi > lo) {
                frames += Math.round((hi - lo) / 1e6 * REAL_TIME_FPS * b.rate) * s.streams;
            }
        }
        return new Summary(name, streams, round(seconds, 1), predictions, expected, windows, shed,
                round(windowsPerSecond, 2), round(predictions / seconds, 2), round(frames * frameBytes / 1e6 / seconds, 3),
                frames, recorder.latency(fromUs, toUs), round(recorder.meanBatch(fromUs, toUs), 2), round(heapMax, 1),
                round(lagMs, 1));
    }

    /** Seconds predictions must have flowed before the warm-up ends, and the most the warm-up is extended for it. */
    private static final long WARM_FLOW_S = 5;
    private static final long MAX_WARMUP_EXTENSION_S = 60;

    private static long[] nearest(List<long[]> ticks, long us) {
        long[] best = ticks.get(0);
        for (long[] t : ticks) {
            if (Math.abs(t[0] - us) < Math.abs(best[0] - us)) {
                best = t;
            }
        }
        return best;
    }

    private void setStreams(List<Source> sources, int streams, Deployment d, String prefix, LoadRecorder recorder)
            throws InterruptedException {
        int active = sources.stream().filter(s -> s.stopUs == Long.MAX_VALUE).mapToInt(s -> s.streams).sum();
        if (streams > active) {
            int k = sources.size();
            String sourcePrefix = prefix + (char) ('a' + k) + "-";
            MocapKafkaProducer p = MocapKafkaProducer.builder()
                    .setBootstrapServers(d.bootstrap)
                    .setTopic(d.inputTopic)
                    .setStreams(streams - active)
                    .optStreamPrefix(sourcePrefix)
                    .optSeed(b.seed + k)
                    .optFps(REAL_TIME_FPS * b.rate)
                    .optProperties(b.producerProperties)
                    .build();
            Source s = new Source(p, streams - active, sourcePrefix);
            s.startUs = EpochMicros.now();
            p.start();
            sources.add(s);
        } else {
            for (int i = sources.size() - 1; i >= 0 && active > streams; i--) {
                Source s = sources.get(i);
                if (s.stopUs == Long.MAX_VALUE) {
                    s.producer.stop();
                    s.stopUs = EpochMicros.now();
                    recorder.stopStreams(s.prefix, lastClosingWindowEnd(s.stopUs));
                    active -= s.streams;
                }
            }
            if (active != streams) {
                throw new IllegalStateException("phases can only return to an earlier stream count");
            }
        }
    }

    /** The bytes one frame puts on the input topic (key + Avro value, before compression). */
    static double frameBytes(String prefix) {
        SyntheticActor actor = SyntheticActor.builder().setStreamId(prefix + "a-0000").setSeed(1).build();
        SyntheticActor.Frame f = actor.next();
        MocapFrame frame = MocapFrame.newBuilder()
                .setStreamId(actor.streamId())
                .setSeq(f.index())
                .setCaptureTimeUs(EpochMicros.now())
                .setTopology(actor.topologyId())
                .setVertexCount(f.vertices().length / 3)
                .setLayout(VertexLayout.XYZ_F32LE)
                .setVertices(MocapKafkaProducer.encode(f.vertices()))
                .setAnnotation(f.label())
                .build();
        return AvroCodec.forClass(MocapFrame.class).encode(frame).length
                + actor.streamId().getBytes(StandardCharsets.UTF_8).length;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    // ---------------------------------------------------------------- printing

    /** Prints a trial's final table. */
    void print(PrintStream out, Trial t, Long shedTotal, Long windowsTotal) {
        out.printf("%n== %s: %s, %.2gx real time, %s ==%n", t.label(), b.modality.cliName(), b.rate, b.delivery);
        List<Summary> all = new ArrayList<>();
        all.add(t.summary());
        if (t.phaseSummaries() != null) {
            all.addAll(t.phaseSummaries());
        }
        out.printf("%-20s %7s %7s %10s %13s %18s %8s %10s %10s %9s%n", "interval", "streams", "s", "windows/s",
                "predictions/s", "predicted/expected", "shed", "input MB/s", "mean batch", "heap max");
        for (Summary s : all) {
            out.printf("%-20s %7d %7.1f %10.2f %13.2f %18s %8s %10.3f %10.2f %6.0f MB%n", s.name(), s.streams(), s.seconds(),
                    s.windowsPerSecond(), s.predictionsPerSecond(), s.predictions() + "/" + s.expectedWindows(),
                    s.shedWindows() == null ? "n/a" : s.shedWindows().toString(), s.inputMBPerSecond(), s.meanBatch(),
                    s.heapMaxMB());
        }
        for (Summary s : all) {
            out.printf("latency (ms), %-34s %9s %9s %9s %9s %9s %9s%n", s.name(), "p50", "p90", "p95", "p99", "max", "mean");
            for (Map.Entry<String, Percentiles> e : s.latency().entrySet()) {
                Percentiles p = e.getValue();
                out.printf("  %-46s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f%n", PART_LABELS.get(e.getKey()), p.p50(), p.p90(),
                        p.p95(), p.p99(), p.max(), p.mean());
            }
        }
        if (shedTotal != null) {
            out.printf("job counters over the whole trial: %d windows closed, %d shed%n", windowsTotal, shedTotal);
        }
        out.printf("producer lag max %.1f ms; JVM heap max %.0f MB of %d MB%n", t.summary().producerMaxLagMs(),
                t.summary().heapMaxMB(), Runtime.getRuntime().maxMemory() / (1 << 20));
    }

    private static final Map<String, String> PART_LABELS = Map.of(
            LoadRecorder.END_TO_END, "end-to-end (capture -> consumer)",
            LoadRecorder.EVENT_TIME_WAIT, "  event-time wait (window end + ooo)",
            LoadRecorder.QUEUE, "  queue in batcher",
            LoadRecorder.INFERENCE, "  inference",
            LoadRecorder.EMIT_TO_CONSUMER, "  emit -> consumer",
            LoadRecorder.PIPELINE, "pipeline share (e2e - wait - queue - infer)",
            LoadRecorder.PIPELINE_STRICT, "pipeline share, queue beyond max-delay");

    // ---------------------------------------------------------------- where the job runs

    private record Deployment(String bootstrap, String inputTopic, String predictionTopic, String job, JobClient client) {}

    private Map<String, String> jobPairs(String bootstrap, String trial) {
        Map<String, String> pairs = new TreeMap<>();
        pairs.put(JobOptions.DELIVERY.key(), b.delivery);
        pairs.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        pairs.put(JobOptions.MOCAP_FPS.key(), Double.toString(REAL_TIME_FPS * b.rate));
        pairs.putAll(b.jobSettings);
        pairs.put(JobOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
        if (b.bootstrapServers == null) {
            pairs.put(JobOptions.MOCAP_TOPIC.key(), "avstream.loadtest." + trial + ".mocap");
            pairs.put(JobOptions.ACTION_TOPIC.key(), "avstream.loadtest." + trial + ".predictions.action");
            pairs.put(JobOptions.DEADLETTER_TOPIC.key(), "avstream.loadtest." + trial + ".deadletter");
            pairs.put(JobOptions.GROUP_ID.key(), "avstream-loadtest-" + runId + "-" + trial);
            pairs.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), "avstream-loadtest-" + runId + "-" + trial);
        }
        return pairs;
    }

    private Target target() {
        return b.bootstrapServers == null ? new InProcess() : new External();
    }

    private interface Target extends AutoCloseable {
        boolean inProcess();

        Deployment deploy(int trial) throws Exception;

        boolean jobAlive(Deployment d);

        void finish(Deployment d);

        @Override
        void close();
    }

    /** An in-process broker for the whole test; a fresh job on fresh topics per trial. */
    private final class InProcess implements Target {
        private final EmbeddedKafka kafka;

        InProcess() {
            long t0 = System.nanoTime();
            kafka = EmbeddedKafka.start();
            out.printf("kafka broker up on %s (%.1f s)%n", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1e9);
        }

        @Override
        public boolean inProcess() {
            return true;
        }

        @Override
        public Deployment deploy(int trial) throws Exception {
            String name = "t" + trial;
            JobConfig config = JobConfig.fromMap(jobPairs(kafka.bootstrapServers(), name));
            Configuration c = config.flink();
            kafka.createTopic(c.get(JobOptions.MOCAP_TOPIC), b.partitions);
            kafka.createTopic(c.get(JobOptions.ACTION_TOPIC), b.partitions);
            kafka.createTopic(c.get(JobOptions.DEADLETTER_TOPIC), 1);
            String job = "avstream-loadtest-" + runId + "-" + name;
            Configuration flink = JobCounters.enable(LocalStack.flinkConfiguration(b.parallelism));
            b.flinkSettings.forEach(flink::setString);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(b.parallelism, flink);
            AvstreamJob.configureEnvironment(env, c);
            AvstreamJob.build(env, c, AvstreamJob.kafkaIo(c, config.kafkaProperties()));
            long t0 = System.nanoTime();
            JobClient client = env.executeAsync(job);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            JobStatus status = client.getJobStatus().get(30, TimeUnit.SECONDS);
            while (status != JobStatus.RUNNING && !status.isGloballyTerminalState() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                status = client.getJobStatus().get(30, TimeUnit.SECONDS);
            }
            if (status != JobStatus.RUNNING) {
                throw new IllegalStateException("the job did not start (status " + status + "): see the log");
            }
            out.printf("flink job %s running (%.1f s)%n", job, (System.nanoTime() - t0) / 1e9);
            return new Deployment(kafka.bootstrapServers(), c.get(JobOptions.MOCAP_TOPIC), c.get(JobOptions.ACTION_TOPIC),
                    job, client);
        }

        @Override
        public boolean jobAlive(Deployment d) {
            try {
                JobStatus s = d.client.getJobStatus().get(10, TimeUnit.SECONDS);
                return !s.isGloballyTerminalState();
            } catch (Exception e) {
                return false;
            }
        }

        @Override
        public void finish(Deployment d) {
            if (d.client == null) {
                return;
            }
            try {
                if (!d.client.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    d.client.cancel().get(30, TimeUnit.SECONDS);
                }
                // the per-job MiniCluster shuts down with the job
                for (int i = 0; i < 100 && !d.client.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState(); i++) {
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                // the job is gone already
            }
        }

        @Override
        public void close() {
            kafka.close();
        }
    }

    /** A Kafka where the job already runs: only produce and consume. */
    private final class External implements Target {
        @Override
        public boolean inProcess() {
            return false;
        }

        @Override
        public Deployment deploy(int trial) {
            Configuration c = baseConfig.flink();
            return new Deployment(b.bootstrapServers, c.get(JobOptions.MOCAP_TOPIC), c.get(JobOptions.ACTION_TOPIC), null, null);
        }

        @Override
        public boolean jobAlive(Deployment d) {
            return true;
        }

        @Override
        public void finish(Deployment d) {}

        @Override
        public void close() {}
    }

    // ---------------------------------------------------------------- builder

    /** Builder; {@code set*} required, {@code opt*} optional. */
    public static final class Builder {
        private Modality modality = Modality.MOCAP;
        private int streams;
        private double rate = 1.0;
        private Duration duration = Duration.ofSeconds(60);
        private Duration warmup = Duration.ofSeconds(10);
        private String delivery = "at-least-once";
        private String bootstrapServers;
        private int parallelism = 2;
        private int partitions = 4;
        private Duration targetP99 = Duration.ofSeconds(1);
        private long seed = 1;
        private boolean progress = true;
        private PrintStream out = System.out;
        private String commandLine;
        private final Map<String, String> jobSettings = new LinkedHashMap<>();
        private final Map<String, String> flinkSettings = new LinkedHashMap<>();
        private final Properties producerProperties = new Properties();
        private final Properties consumerProperties = new Properties();

        public Builder setStreams(int streams) {
            this.streams = streams;
            return this;
        }

        public Builder optModality(Modality modality) {
            this.modality = modality;
            return this;
        }

        /** Frame rate as a multiple of real time (25 fps); windows per stream stay one per hop. */
        public Builder optRate(double rate) {
            this.rate = rate;
            return this;
        }

        /** How long each trial is measured (after the warm-up). */
        public Builder optDuration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /** Load before measuring starts (job start, model warm-up, first windows); extended until predictions have flowed for 5 s. */
        public Builder optWarmup(Duration warmup) {
            this.warmup = warmup;
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
            if (modality == null || !modality.built()) {
                problems.add("modality " + (modality == null ? "null" : modality.cliName()) + " is not built yet: use mocap");
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
