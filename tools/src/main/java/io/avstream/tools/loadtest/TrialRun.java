package io.avstream.tools.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.avstream.tools.cli.PredictionConsumer;
import io.avstream.tools.loadtest.LoadResult.Phase;
import io.avstream.tools.loadtest.LoadResult.Point;
import io.avstream.tools.loadtest.LoadResult.Settle;
import io.avstream.tools.loadtest.LoadResult.Summary;
import io.avstream.tools.loadtest.LoadResult.Trial;
import io.avstream.schemas.EpochMicros;

/**
 * One trial: a job deployed on the target, its phases run second by second (producers started and
 * stopped at whole seconds, a sample taken at the end of each), then a drain until every expected
 * window was predicted or predictions stop coming, and the summaries of the measured windows. A
 * warm-up lasts its planned time and then until the {@link SettleDetector} says the latency and the
 * batcher's queue have settled, or the settle timeout has passed.
 */
final class TrialRun {
    private final LoadSettings s;
    private final JobTarget target;
    private final int trialNo;
    private final String label;
    private final List<PhasePlan> plan;
    private final String prefix;
    private final ExpectedWindows windows;

    private final List<Phase> phases = new ArrayList<>();
    /** Per phase started: its start and end, epoch microseconds (end Long.MAX_VALUE while it runs). */
    private final List<long[]> phaseTimes = new ArrayList<>();
    private final List<Double> heapByPhase = new ArrayList<>();
    private int phaseIndex = -1;
    private long phaseEndTick;
    private long drainFromTick = -1;
    private long stopUs;
    private long expectedAtStop;
    private final SettleDetector detector;
    private Settle settle;

    TrialRun(LoadSettings s, JobTarget target, int trialNo, String label, List<PhasePlan> plan) {
        this.s = s;
        this.target = target;
        this.trialNo = trialNo;
        this.label = label;
        this.plan = plan;
        this.prefix = "lt" + s.runId + "-" + trialNo + "-";
        this.windows = new ExpectedWindows(s.profile);
        this.detector = s.settleDetector(plan.get(0).streams());
    }

    /** Deploys, runs every phase and the drain, prints the trial's table and returns it. */
    Trial run() throws Exception {
        Deployment d = target.deploy(trialNo);
        LoadRecorder recorder = new LoadRecorder(prefix, s.profile.closeWait(), s.maxDelayUs,
                s.profile.latencyFromWindowEnd());
        double frameBytes = s.profile.recordBytes(prefix);
        StreamSources sources = new StreamSources(s, d, prefix, recorder, windows);
        SecondSampler sampler = new SecondSampler(s, d, recorder, sources, frameBytes);
        List<Point> series = new ArrayList<>();
        long t0Ns = System.nanoTime();
        long tick = 0;
        try (PredictionConsumer tap = new PredictionConsumer(d.bootstrap(), d.predictionTopic(), target.inProcess(),
                s.consumerProperties, recorder::record).start(Duration.ofSeconds(60))) {
            long lastProgressArrival = 0;
            long quietSinceTick = 0;
            long drainCap = (s.latencyBudget.toMillis() + 2 * s.checkpointInterval.toMillis() + 10_000) / 1000;
            long quietTicks = Math.max(3, (long) Math.ceil(1.5 * s.checkpointInterval.toMillis() / 1000.0));
            while (true) {
                if (drainFromTick < 0 && tick == phaseEndTick && inWarmup() && !warmupOver(tick)) {
                    phaseEndTick++;
                }
                // phase changes at whole seconds
                if (drainFromTick < 0 && tick == phaseEndTick) {
                    nextPhase(tick, sources);
                    if (drainFromTick >= 0) {
                        quietSinceTick = tick;
                    }
                }
                // wait for the next second
                long dueNs = t0Ns + (tick + 1) * 1_000_000_000L;
                long waitNs = dueNs - System.nanoTime();
                if (waitNs > 0) {
                    TimeUnit.NANOSECONDS.sleep(waitNs);
                }
                tick++;
                String phaseName = drainFromTick >= 0 ? "drain" : plan.get(phaseIndex).name();
                Point point = sampler.sample(tick, phaseName);
                series.add(point);
                detector.add(new SettleDetector.Second(point.predictions(), point.p50(), point.p99(), point.queueDepth()));
                if (drainFromTick < 0 && phaseIndex < heapByPhase.size()) {
                    heapByPhase.set(phaseIndex, Math.max(heapByPhase.get(phaseIndex), sampler.lastHeapMb()));
                }
                if (d.job() != null && !target.jobAlive(d)) {
                    throw new IllegalStateException("the job " + d.job() + " stopped: see the log");
                }
                if (drainFromTick >= 0) {
                    phases.set(phases.size() - 1, new Phase("drain", drainFromTick, tick, 0));
                    long measured = recorder.count(measuredFrom(), windows.measuredTo(stopUs));
                    long arrival = recorder.lastArrival(measuredFrom(), windows.measuredTo(stopUs));
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
            sources.close();
            target.finish(d);
            Trial trial = trial(d, recorder, sources, sampler, series, frameBytes);
            if (tap.undecodable() > 0) {
                s.out.printf("warning: %d undecodable records on %s%n", tap.undecodable(), d.predictionTopic());
            }
            if (recorder.duplicates() > 0) {
                s.out.printf("note: %d repeated predictions (same id) were counted once%n", recorder.duplicates());
            }
            Long shedTotal = d.job() == null ? null : JobCounters.count(d.job(), JobCounters.SHED_WINDOWS);
            Long windowsTotal = d.job() == null ? null : JobCounters.count(d.job(), s.profile.windowsCounter());
            TrialTable.print(s.out, s, trial, shedTotal, windowsTotal);
            Map<String, Long> byModel = recorder.byModel(measuredFrom(), windows.measuredTo(stopUs));
            if (byModel.size() > 1 || s.modality == Modality.AUDIO_VIDEO) {
                // which model took the windows: audio-only ones in an audio-visual test mean video missed its windows
                s.out.printf("measured windows by model: %s%n", byModel.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
            }
            return trial;
        } finally {
            sources.closeQuietly();
            target.finish(d);
        }
    }

    /** Whether the trial is in its first phase and that phase is an unmeasured warm-up. */
    private boolean inWarmup() {
        return phaseIndex == 0 && !plan.get(0).measured();
    }

    /**
     * At or after the warm-up's planned end: whether it ends now, because the trial has settled or the
     * settle timeout has passed; then says when the measurement starts and why.
     */
    private boolean warmupOver(long tick) {
        SettleDetector.Check check = detector.last();
        long planned = plan.get(0).duration().toSeconds();
        long waited = tick - planned;
        if (check.settled()) {
            settle = new Settle(true, tick, check.reason());
            s.out.printf("measurement starts at %d s (warm-up %d s + %d s until settled): settled %s%n", tick, planned,
                    waited, check.reason());
            return true;
        }
        if (waited >= s.settleTimeout.toSeconds()) {
            settle = new Settle(false, tick, check.reason());
            s.out.printf("measurement starts at %d s: NOT SETTLED within the %d s settle timeout after the %d s warm-up: %s; "
                    + "measured anyway, the trial is marked not settled%n", tick, s.settleTimeout.toSeconds(), planned,
                    check.reason());
            return true;
        }
        return false;
    }

    /** Ends the current phase at {@code tick} and starts the next, or stops the producers and starts the drain. */
    private void nextPhase(long tick, StreamSources sources) throws InterruptedException {
        if (phaseIndex >= 0) {
            phaseTimes.get(phaseIndex)[1] = EpochMicros.now();
            Phase ended = phases.get(phaseIndex);
            phases.set(phaseIndex, new Phase(ended.name(), ended.fromS(), tick, ended.streams()));
        }
        phaseIndex++;
        if (phaseIndex < plan.size()) {
            PhasePlan p = plan.get(phaseIndex);
            sources.setStreams(p.streams());
            long now = EpochMicros.now();
            phaseTimes.add(new long[] {now, Long.MAX_VALUE});
            phases.add(new Phase(p.name(), tick, tick + p.duration().toSeconds(), p.streams()));
            heapByPhase.add(0.0);
            phaseEndTick = tick + Math.max(1, p.duration().toSeconds());
        } else {
            stopUs = EpochMicros.now();
            sources.stopAll(stopUs);
            drainFromTick = tick;
            expectedAtStop = windows.count(sources.all(), measuredFrom(), windows.measuredTo(stopUs));
            phases.add(new Phase("drain", tick, tick, 0));
        }
    }

    /** Windows are measured from the first measured phase's start. */
    private long measuredFrom() {
        for (int i = 0; i < plan.size() && i < phaseTimes.size(); i++) {
            if (plan.get(i).measured()) {
                return phaseTimes.get(i)[0];
            }
        }
        return Long.MAX_VALUE;
    }

    private Trial trial(Deployment d, LoadRecorder recorder, StreamSources sources, SecondSampler sampler, List<Point> series,
            double frameBytes) {
        long from = measuredFrom();
        long to = windows.measuredTo(stopUs);
        Summaries summaries = new Summaries(s, recorder, sources, windows, sampler.counterTicks(), frameBytes, d.job() != null);
        double lagMs = sources.maxLagMs();
        Summary total = summaries.summary("measured", plan.get(plan.size() - 1).streams(), from, to, sampler.heapMaxMb(), lagMs);
        List<Summary> phaseSummaries = null;
        long measuredPhases = plan.stream().filter(PhasePlan::measured).count();
        if (measuredPhases > 1) {
            phaseSummaries = new ArrayList<>();
            for (int i = 0; i < plan.size(); i++) {
                if (!plan.get(i).measured()) {
                    continue;
                }
                long pf = phaseTimes.get(i)[0];
                long pt = i == plan.size() - 1 ? to : phaseTimes.get(i)[1];
                phaseSummaries.add(summaries.summary(plan.get(i).name(), plan.get(i).streams(), pf, pt, heapByPhase.get(i), lagMs));
            }
            total = Summaries.renamed(total, "all measured phases");
        }
        return new Trial(label, plan.get(plan.size() - 1).streams(), s.delivery, total, phaseSummaries, phases, series,
                recorder.histogram(from, to, 40), settle, null);
    }
}
