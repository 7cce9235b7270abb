package io.avstream.operators.inference;

import java.io.Serializable;
import java.util.Collections;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.avstream.models.BatcherStats;
import io.avstream.models.InferenceRejectedException;
import io.avstream.models.InferenceResult;
import io.avstream.models.ModelHandle;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.SharedModels;
import io.avstream.schemas.Prediction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The one inference function of every pipeline: runs a pipeline's closed windows through the JVM's
 * shared, batched model instance and emits one result per window (a {@link Prediction}, or the pipeline's own
 * result type). The translator comes
 * from the model package's task ({@link Translators}); inputs and outputs are bound by the manifest's
 * tensor names. Called through Flink's async I/O so that windows of many streams and subtasks meet in
 * one batch.
 *
 * <ul>
 *   <li>A window the batcher refuses (queue full, or its deadline can no longer be met) is shed:
 *       counted in {@code shedWindows} and not predicted; that is the declared overload policy.</li>
 *   <li>An engine failure, an exception while building the request or the prediction, or the async
 *       timeout fails the window at once ({@code failedWindows}) and with it the job, which restarts
 *       from its last checkpoint.</li>
 * </ul>
 *
 * <p>The counters and the histogram are updated on the batcher's threads and are thread-safe. Metrics
 * of the shared model's batcher (all subtasks of this JVM together, so every subtask reports the same
 * values) are in the group {@code batcher}: gauges {@code queueDepth}, {@code meanBatchSize},
 * {@code batches}, {@code batchedSamples}, {@code completed}, {@code failed}, {@code rejectedQueueFull},
 * {@code rejectedDeadlineMissed}, {@code rejectedShutdown}, {@code meanQueueMicros},
 * {@code expectedInferenceMicros}, {@code paddedSamples} and {@code paddingWaste}; and this subtask's
 * histogram {@code batchSize} of the batches its windows ran in.
 *
 * <p>{@link #withFallback} adds a second model for the windows a test sends there (an audio-visual pipeline's windows
 * without video go to the audio-only model): both run in this one function, so the windows keep their order; the
 * second model's batcher gauges are in the group {@code fallbackBatcher}, and {@code fallbackWindows} counts them.
 *
 * @param <W> the pipeline's window type
 * @param <R> the pipeline's result type
 */
public class BatchedInference<W, R> extends RichAsyncFunction<W, R> implements ResultTypeQueryable<R> {
    private static final long serialVersionUID = 1L;

    private final ModelRef modelRef;
    private final RuntimeOptions runtimeOptions;
    private final Class<W> windowType;
    private final Class<R> resultType;
    private final long latencyBudgetNanos;
    private final TranslatorSettings settings;

    private ModelRef fallbackRef;
    private Route<W> toFallback;

    private transient ModelHandle model;
    private transient Translator<W, R> translator;
    private transient ModelHandle fallbackModel;
    private transient Translator<W, R> fallbackTranslator;
    private transient Counter fallbackWindows;
    private transient Counter shedWindows;
    private transient Counter failedWindows;
    private transient Histogram batchSizes;

    /**
     * @param modelRef         the model package; its task picks the translator
     * @param runtimeOptions   engine and batching of the shared model instance
     * @param windowType       the pipeline's window type (checked against the task's translator)
     * @param resultType       the pipeline's result type (the same)
     * @param latencyBudgetMs  how long after a window closes its prediction is still useful; the
     *                         batcher drops windows that cannot make it
     * @param settings         top-k and other translator settings
     */
    public BatchedInference(ModelRef modelRef, RuntimeOptions runtimeOptions, Class<W> windowType, Class<R> resultType,
            long latencyBudgetMs, TranslatorSettings settings) {
        this.modelRef = modelRef;
        this.runtimeOptions = runtimeOptions;
        this.windowType = windowType;
        this.resultType = resultType;
        this.latencyBudgetNanos = TimeUnit.MILLISECONDS.toNanos(latencyBudgetMs);
        this.settings = settings;
    }

    /** Which windows go to the fallback model. */
    @FunctionalInterface
    public interface Route<W> extends Serializable {
        boolean toFallback(W window);
    }

    /**
     * Sends the windows {@code route} picks to a second model, whose translator reads this function's window type
     * (or a supertype of it) and makes the same result type.
     */
    public BatchedInference<W, R> withFallback(ModelRef fallback, Route<W> route) {
        this.fallbackRef = fallback;
        this.toFallback = route;
        return this;
    }

    /** The result type, which Flink cannot read from the generic signature. */
    @Override
    public TypeInformation<R> getProducedType() {
        return TypeInformation.of(resultType);
    }

    @Override
    public void open(OpenContext ctx) {
        ModelPackage pkg = modelRef.load();
        translator = Translators.forPackage(pkg, windowType, resultType, settings);
        model = SharedModels.acquire(pkg, runtimeOptions);
        MetricGroup g = getRuntimeContext().getMetricGroup();
        shedWindows = g.counter("shedWindows", new ThreadSafeSimpleCounter());
        failedWindows = g.counter("failedWindows", new ThreadSafeSimpleCounter());
        registerBatcherMetrics(g.addGroup("batcher"), new StatsCache(() -> model));
        if (fallbackRef != null) {
            ModelPackage fallback = fallbackRef.load();
            fallbackTranslator = Translators.forPackage(fallback, windowType, resultType, settings);
            fallbackModel = SharedModels.acquire(fallback, runtimeOptions);
            fallbackWindows = g.counter("fallbackWindows", new ThreadSafeSimpleCounter());
            registerBatcherMetrics(g.addGroup("fallbackBatcher"), new StatsCache(() -> fallbackModel));
        }
    }

    /** Gauges over the shared batcher's counters, read from one snapshot per metric report. */
    private void registerBatcherMetrics(MetricGroup g, StatsCache cache) {
        Supplier<BatcherStats> stats = cache::get;
        g.gauge("queueDepth", (Gauge<Integer>) () -> stats.get().queueDepth());
        g.gauge("meanBatchSize", (Gauge<Double>) () -> stats.get().meanBatchSize());
        g.gauge("batches", (Gauge<Long>) () -> stats.get().batches());
        g.gauge("batchedSamples", (Gauge<Long>) () -> stats.get().batchedSamples());
        g.gauge("completed", (Gauge<Long>) () -> stats.get().completed());
        g.gauge("failed", (Gauge<Long>) () -> stats.get().failed());
        g.gauge("rejectedQueueFull", (Gauge<Long>) () -> stats.get().rejected(InferenceRejectedException.Reason.QUEUE_FULL));
        g.gauge("rejectedDeadlineMissed",
                (Gauge<Long>) () -> stats.get().rejected(InferenceRejectedException.Reason.DEADLINE_MISSED));
        g.gauge("rejectedShutdown", (Gauge<Long>) () -> stats.get().rejected(InferenceRejectedException.Reason.SHUTDOWN));
        g.gauge("meanQueueMicros", (Gauge<Double>) () -> stats.get().meanQueueNanos() / 1000.0);
        g.gauge("expectedInferenceMicros", (Gauge<Long>) () -> stats.get().expectedInferenceNanos() / 1000L);
        g.gauge("paddedSamples", (Gauge<Long>) () -> stats.get().paddedSamples());
        g.gauge("paddingWaste", (Gauge<Double>) () -> stats.get().paddingWaste());
        if (batchSizes == null) {
            batchSizes = g.histogram("batchSize", new SynchronizedHistogram(new DescriptiveStatisticsHistogram(1000)));
        }
    }

    /** A batcher's counters, at most 100 ms old, so that one report reads one consistent snapshot. */
    private static final class StatsCache {
        private final Supplier<ModelHandle> handle;
        private volatile BatcherStats last;
        private volatile long lastNanos;

        StatsCache(Supplier<ModelHandle> handle) {
            this.handle = handle;
        }

        BatcherStats get() {
            long now = System.nanoTime();
            BatcherStats s = last;
            if (s == null || now - lastNanos > 100_000_000L) {
                ModelHandle m = handle.get();
                if (m == null || m.isClosed()) {
                    return s != null ? s : new BatcherStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                }
                s = m.stats();
                last = s;
                lastNanos = now;
            }
            return s;
        }
    }

    @Override
    public void asyncInvoke(W window, ResultFuture<R> result) {
        long deadline = System.nanoTime() + latencyBudgetNanos;
        boolean fallback = toFallback != null && toFallback.toFallback(window);
        Translator<W, R> t = fallback ? fallbackTranslator : translator;
        try {
            (fallback ? fallbackModel : model).submitTensors(t.request(window), deadline)
                    .whenComplete((r, err) -> complete(t, window, r, err, result));
            if (fallback) {
                fallbackWindows.inc();
            }
        } catch (RuntimeException e) {
            fail(result, new IllegalStateException("cannot build the request of " + window + ": " + e, e));
        }
    }

    private void complete(Translator<W, R> t, W window, InferenceResult r, Throwable err, ResultFuture<R> result) {
        if (err == null) {
            R p;
            try {
                p = t.result(window, r);
            } catch (RuntimeException e) {
                fail(result, new IllegalStateException("cannot build the prediction of " + window + ": " + e, e));
                return;
            }
            batchSizes.update(r.batchSize());
            result.complete(Collections.singletonList(p));
            return;
        }
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof InferenceRejectedException) {
            shedWindows.inc();
            result.complete(Collections.emptyList());
        } else {
            fail(result, cause);
        }
    }

    private void fail(ResultFuture<R> result, Throwable cause) {
        failedWindows.inc();
        result.completeExceptionally(cause);
    }

    @Override
    public void timeout(W window, ResultFuture<R> result) {
        fail(result, new TimeoutException("inference of " + window + " did not finish within the async timeout"));
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
            model = null;
        }
        if (fallbackModel != null) {
            fallbackModel.close();
            fallbackModel = null;
        }
    }

    long shedCount() {
        return shedWindows.getCount();
    }

    long fallbackCount() {
        return fallbackWindows == null ? 0 : fallbackWindows.getCount();
    }

    long failedCount() {
        return failedWindows.getCount();
    }

    /** A histogram whose updates and reads may come from any thread. */
    private static final class SynchronizedHistogram implements Histogram {
        private final Histogram inner;

        SynchronizedHistogram(Histogram inner) {
            this.inner = inner;
        }

        @Override
        public synchronized void update(long value) {
            inner.update(value);
        }

        @Override
        public synchronized long getCount() {
            return inner.getCount();
        }

        @Override
        public synchronized HistogramStatistics getStatistics() {
            return inner.getStatistics();
        }
    }
}
