package io.avstream.operators.inference;

import java.util.Collections;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.avstream.models.BatcherStats;
import io.avstream.models.InferenceRejectedException;
import io.avstream.models.ModelHandle;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.SharedModels;
import io.avstream.operators.window.MocapWindow;
import io.avstream.schemas.Prediction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Runs the action model (STMT) on closed MoCap windows through the JVM's shared, batched model
 * instance and emits one {@link Prediction} per window with its latency fields filled.
 * Called through Flink's async I/O so that windows of many streams and subtasks meet in one batch.
 *
 * <p>A window the batcher refuses (queue full, or its deadline can no longer be met) is shed:
 * counted in {@code shedWindows} and not predicted; that is the declared overload policy.
 *
 * <p>Metrics of the shared model's batcher (all subtasks of this JVM together, so every subtask
 * reports the same values) are in the group {@code batcher}: gauges {@code queueDepth},
 * {@code meanBatchSize}, {@code batches}, {@code batchedSamples}, {@code completed}, {@code failed},
 * {@code rejectedQueueFull}, {@code rejectedDeadlineMissed}, {@code rejectedShutdown},
 * {@code meanQueueMicros}, {@code expectedInferenceMicros}, {@code paddedSamples} and
 * {@code paddingWaste} (engines with fixed input shapes pad batches); and this subtask's histogram
 * {@code batchSize} of the batches its windows ran in.
 */
public class ActionInference extends RichAsyncFunction<MocapWindow, Prediction> {
    private static final long serialVersionUID = 1L;

    private final ModelRef modelRef;
    private final RuntimeOptions runtimeOptions;
    private final long latencyBudgetNanos;
    private final int topK;

    private transient ModelHandle model;
    private transient ActionTranslator translator;
    private transient Counter shedWindows;
    private transient Counter failedWindows;
    private transient org.apache.flink.metrics.Histogram batchSizes;
    private transient volatile BatcherStats lastStats;
    private transient volatile long lastStatsNanos;

    /**
     * @param modelRef         the model package
     * @param runtimeOptions   engine and batching of the shared model instance
     * @param latencyBudgetMs  how long after a window closes its prediction is still useful; the
     *                         batcher drops windows that cannot make it
     * @param topK             labels written per prediction
     */
    public ActionInference(ModelRef modelRef, RuntimeOptions runtimeOptions, long latencyBudgetMs, int topK) {
        this.modelRef = modelRef;
        this.runtimeOptions = runtimeOptions;
        this.latencyBudgetNanos = TimeUnit.MILLISECONDS.toNanos(latencyBudgetMs);
        this.topK = topK;
    }

    @Override
    public void open(OpenContext ctx) {
        ModelPackage pkg = modelRef.load();
        translator = new ActionTranslator(pkg, topK);
        model = SharedModels.acquire(pkg, runtimeOptions);
        shedWindows = getRuntimeContext().getMetricGroup().counter("shedWindows");
        failedWindows = getRuntimeContext().getMetricGroup().counter("failedWindows");
        registerBatcherMetrics(getRuntimeContext().getMetricGroup().addGroup("batcher"));
    }

    /** Gauges over the shared batcher's counters, read from one snapshot per metric report. */
    private void registerBatcherMetrics(MetricGroup g) {
        g.gauge("queueDepth", (Gauge<Integer>) () -> stats().queueDepth());
        g.gauge("meanBatchSize", (Gauge<Double>) () -> stats().meanBatchSize());
        g.gauge("batches", (Gauge<Long>) () -> stats().batches());
        g.gauge("batchedSamples", (Gauge<Long>) () -> stats().batchedSamples());
        g.gauge("completed", (Gauge<Long>) () -> stats().completed());
        g.gauge("failed", (Gauge<Long>) () -> stats().failed());
        g.gauge("rejectedQueueFull", (Gauge<Long>) () -> stats().rejected(InferenceRejectedException.Reason.QUEUE_FULL));
        g.gauge("rejectedDeadlineMissed",
                (Gauge<Long>) () -> stats().rejected(InferenceRejectedException.Reason.DEADLINE_MISSED));
        g.gauge("rejectedShutdown", (Gauge<Long>) () -> stats().rejected(InferenceRejectedException.Reason.SHUTDOWN));
        g.gauge("meanQueueMicros", (Gauge<Double>) () -> stats().meanQueueNanos() / 1000.0);
        g.gauge("expectedInferenceMicros", (Gauge<Long>) () -> stats().expectedInferenceNanos() / 1000L);
        g.gauge("paddedSamples", (Gauge<Long>) () -> stats().paddedSamples());
        g.gauge("paddingWaste", (Gauge<Double>) () -> stats().paddingWaste());
        batchSizes = g.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
    }

    /** The batcher's counters, at most 100 ms old, so that one report reads one consistent snapshot. */
    BatcherStats stats() {
        long now = System.nanoTime();
        BatcherStats s = lastStats;
        if (s == null || now - lastStatsNanos > 100_000_000L) {
            ModelHandle m = model;
            if (m == null || m.isClosed()) {
                return s != null ? s : new BatcherStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            }
            s = m.stats();
            lastStats = s;
            lastStatsNanos = now;
        }
        return s;
    }

    @Override
    public void asyncInvoke(MocapWindow w, ResultFuture<Prediction> result) {
        long deadline = System.nanoTime() + latencyBudgetNanos;
        model.submit(translator.inputs(w), deadline).whenComplete((r, err) -> {
            if (err == null) {
                batchSizes.update(r.batchSize());
                result.complete(Collections.singletonList(translator.prediction(w, r.outputs().values().iterator().next(),
                        r.batchSize(), r.queueNanos() / 1000L, r.inferenceStartMicros(), r.inferenceEndMicros())));
                return;
            }
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause instanceof InferenceRejectedException) {
                shedWindows.inc();
                result.complete(Collections.emptyList());
            } else {
                failedWindows.inc();
                result.completeExceptionally(cause);
            }
        });
    }

    @Override
    public void timeout(MocapWindow w, ResultFuture<Prediction> result) {
        failedWindows.inc();
        result.completeExceptionally(new java.util.concurrent.TimeoutException(
                "inference of " + w + " did not finish within the async timeout"));
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
