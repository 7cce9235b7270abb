package io.avstream.models.internal;

import io.avstream.models.BatcherStats;
import io.avstream.models.InferenceException;
import io.avstream.models.InferenceRejectedException;
import io.avstream.models.InferenceRejectedException.Reason;
import io.avstream.models.InferenceResult;
import io.avstream.models.Tensor;
import io.avstream.models.TensorSpec;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dynamic batcher: a bounded queue of single-sample requests drained by worker threads, one
 * {@link BatchRunner} each.
 *
 * <p>A worker takes the oldest request, then collects more until it has {@code maxBatch} or the
 * oldest has waited {@code maxDelay}; it flushes earlier when waiting longer would make a request
 * in the batch miss its deadline, given the running estimate of one batch's inference time.
 * Requests already past their deadline when a worker takes them fail with
 * {@link Reason#DEADLINE_MISSED}; a submit to a full queue fails at once with
 * {@link Reason#QUEUE_FULL}. Futures complete on the worker thread: use the {@code *Async}
 * variants for heavy follow-up work.
 */
public final class DynamicBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final double EWMA_ALPHA = 0.2;

    private final String name;
    private final Batches layout;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final BlockingQueue<Request> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicLong expectedInferenceNanos;
    private volatile boolean running = true;

    private final LongAdder submitted = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejectedQueueFull = new LongAdder();
    private final LongAdder rejectedDeadline = new LongAdder();
    private final LongAdder rejectedShutdown = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedSamples = new LongAdder();
    private final LongAdder totalQueueNanos = new LongAdder();
    private final LongAdder paddedSamples = new LongAdder();

    /**
     * Starts one worker thread per runner.
     *
     * @param name a name for threads and log lines
     * @param inputs the model inputs (batched, shared or variable-length)
     * @param outputs the model outputs (their batch axes)
     * @param maxBatch the largest batch
     * @param maxDelayNanos the longest the oldest request waits for a batch to fill
     * @param queueCapacity the bounded queue's capacity
     * @param runners one runner per worker; each is closed by its worker when the batcher closes
     * @param initialInferenceNanos the first estimate of one batch's inference time (e.g. from a warm-up)
     */
    public DynamicBatcher(String name, List<TensorSpec> inputs, List<TensorSpec> outputs, int maxBatch, long maxDelayNanos,
            int queueCapacity, List<? extends BatchRunner> runners, long initialInferenceNanos) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
        }
        if (maxDelayNanos < 0) {
            throw new IllegalArgumentException("maxDelayNanos must not be negative, was " + maxDelayNanos);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
        }
        if (runners.isEmpty()) {
            throw new IllegalArgumentException("at least one runner is needed");
        }
        this.name = name;
        this.layout = new Batches(inputs, outputs);
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelayNanos;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.expectedInferenceNanos = new AtomicLong(Math.max(0, initialInferenceNanos));
        for (int i = 0; i < runners.size(); i++) {
            BatchRunner runner = runners.get(i);
            Thread t = new Thread(() -> workLoop(runner), "avstream-batcher-" + name + "-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
    }

    /**
     * Queues one sample of a model with fixed sample shapes, one float array per request input
     * (a shared input's whole value); never blocks.
     *
     * @see #submitTensors
     */
    public CompletableFuture<InferenceResult> submit(Map<String, float[]> sampleInputs, long deadlineNanos) {
        return submitTensors(layout.sampleFromFlat(sampleInputs), deadlineNanos);
    }

    /**
     * Queues one sample; never blocks.
     *
     * @param sampleInputs one tensor per request input: a batched input's sample without the batch axis
     *     (its own length on a variable axis), a shared input's whole value (requests with the same shared
     *     arrays batch together)
     * @param deadlineNanos the {@link System#nanoTime()} by which the result is needed, or {@link Long#MAX_VALUE}
     * @return a future completed with the result, or exceptionally with {@link InferenceRejectedException}
     *     (queue full, deadline missed, shut down) or {@link InferenceException} (engine error)
     * @throws IllegalArgumentException if an input is missing, unknown or has the wrong type or shape
     */
    public CompletableFuture<InferenceResult> submitTensors(Map<String, Tensor> sampleInputs, long deadlineNanos) {
        layout.check(sampleInputs);
        submitted.increment();
        Request request = new Request(layout.intern(sampleInputs), deadlineNanos, System.nanoTime());
        if (!running) {
            return reject(request, Reason.SHUTDOWN);
        }
        if (!queue.offer(request)) {
            return reject(request, Reason.QUEUE_FULL);
        }
        if (!running && queue.remove(request)) {
            return reject(request, Reason.SHUTDOWN);
        }
        return request.future;
    }

    /** The counters and aggregates now. */
    public BatcherStats stats() {
        return new BatcherStats(submitted.sum(), completed.sum(), failed.sum(), rejectedQueueFull.sum(),
                rejectedDeadline.sum(), rejectedShutdown.sum(), batches.sum(), batchedSamples.sum(),
                totalQueueNanos.sum(), queue.size(), expectedInferenceNanos.get(), paddedSamples.sum());
    }

    /** The running estimate of one batch's inference time. */
    public long expectedInferenceNanos() {
        return expectedInferenceNanos.get();
    }

    /**
     * Stops taking requests, lets each worker finish its current batch, fails what is still
     * queued with {@link Reason#SHUTDOWN} and closes the runners.
     */
    @Override
    public void close() {
        running = false;
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                LOG.warn("Worker {} did not stop within 60 s", t.getName());
            }
        }
        for (Request r = queue.poll(); r != null; r = queue.poll()) {
            reject(r, Reason.SHUTDOWN);
        }
    }

    private void workLoop(BatchRunner runner) {
        try {
            List<Request> batch = new ArrayList<>(maxBatch);
            Deque<Request> deferred = new ArrayDeque<>();
            try {
                while (running) {
                    batch.clear();
                    collect(batch, deferred);
                    if (!batch.isEmpty()) {
                        run(runner, batch);
                    }
                }
            } finally {
                for (Request r = deferred.poll(); r != null; r = deferred.poll()) {
                    reject(r, Reason.SHUTDOWN);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.error("Batcher worker {} stopped", Thread.currentThread().getName(), t);
        } finally {
            try {
                runner.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing a runner of {} failed", name, e);
            }
        }
    }

    /**
     * Fills {@code batch}: the oldest request (deferred ones first), then more that can share its batch
     * (same shared inputs, same length bucket) until the batch is full or must flush; requests that
     * cannot share it are deferred to this worker's next batch, in arrival order.
     */
    private void collect(List<Request> batch, Deque<Request> deferred) throws InterruptedException {
        Request first = null;
        while (first == null) {
            first = deferred.poll();
            if (first == null) {
                first = queue.poll(POLL_NANOS, TimeUnit.NANOSECONDS);
            }
            if (first == null) {
                if (!running) {
                    return;
                }
                continue;
            }
            if (pastDeadline(first, System.nanoTime())) {
                reject(first, Reason.DEADLINE_MISSED);
                first = null;
            }
        }
        batch.add(first);
        long estimate = expectedInferenceNanos.get();
        long flushAt = earlier(first.enqueuedNanos + maxDelayNanos, first.deadlineNanos, estimate);
        for (Iterator<Request> it = deferred.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
            Request r = it.next();
            if (pastDeadline(r, System.nanoTime())) {
                it.remove();
                reject(r, Reason.DEADLINE_MISSED);
            } else if (layout.compatible(first.inputs, r.inputs)) {
                it.remove();
                batch.add(r);
                flushAt = earlier(flushAt, r.deadlineNanos, estimate);
            }
        }
        while (batch.size() < maxBatch) {
            Request next = queue.poll();
            if (next == null) {
                long wait = flushAt - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                next = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (next == null) {
                    break;
                }
            }
            if (pastDeadline(next, System.nanoTime())) {
                reject(next, Reason.DEADLINE_MISSED);
                continue;
            }
            if (!layout.compatible(first.inputs, next.inputs)) {
                deferred.add(next);
                continue;
            }
            batch.add(next);
            flushAt = earlier(flushAt, next.deadlineNanos, estimate);
        }
    }

    /** The earlier of {@code flushAt} and the last moment a batch can start and still meet {@code deadline}. */
    private static long earlier(long flushAt, long deadlineNanos, long estimate) {
        if (deadlineNanos == Long.MAX_VALUE) {
            return flushAt;
        }
        long latestStart = deadlineNanos - estimate;
        return latestStart - flushAt < 0 ? latestStart : flushAt;
    }

    private static boolean pastDeadline(Request r, long now) {
        return r.deadlineNanos != Long.MAX_VALUE && now - r.deadlineNanos > 0;
    }

    private void run(BatchRunner runner, List<Request> batch) {
        int n = batch.size();
        List<Map<String, Tensor>> samples = new ArrayList<>(n);
        for (Request r : batch) {
            samples.add(r.inputs);
        }
        Map<String, Tensor> batched;
        try {
            batched = layout.stack(samples);
        } catch (RuntimeException e) {
            failAll(batch, new InferenceException("cannot build a batch of " + n + " in " + name + ": " + e.getMessage(), e));
            return;
        }
        long startNanos = System.nanoTime();
        long startMicros = epochMicros();
        batches.increment();
        batchedSamples.add(n);
        int padded = runner.paddedBatch();
        if (padded > n) {
            paddedSamples.add(padded - n);
        }
        for (Request r : batch) {
            totalQueueNanos.add(startNanos - r.enqueuedNanos);
        }
        List<Map<String, float[]>> slices;
        try {
            slices = layout.slice(runner.runBatch(batched, n), n);
        } catch (Throwable t) {
            InferenceException e = t instanceof InferenceException ? (InferenceException) t
                    : new InferenceException("inference failed in " + name + " (batch " + n + "): " + t, t);
            failAll(batch, e);
            return;
        }
        long endNanos = System.nanoTime();
        long endMicros = epochMicros();
        updateEstimate(endNanos - startNanos);
        for (int s = 0; s < n; s++) {
            Request r = batch.get(s);
            completed.increment();
            r.future.complete(new InferenceResult(slices.get(s), n, startNanos - r.enqueuedNanos,
                    startMicros, endMicros));
        }
    }

    private void failAll(List<Request> batch, InferenceException e) {
        failed.add(batch.size());
        for (Request r : batch) {
            r.future.completeExceptionally(e);
        }
    }

    private void updateEstimate(long nanos) {
        expectedInferenceNanos.updateAndGet(old -> old == 0 ? nanos : Math.round((1 - EWMA_ALPHA) * old + EWMA_ALPHA * nanos));
    }

    private CompletableFuture<InferenceResult> reject(Request r, Reason reason) {
        switch (reason) {
            case QUEUE_FULL:
                rejectedQueueFull.increment();
                break;
            case DEADLINE_MISSED:
                rejectedDeadline.increment();
                break;
            default:
                rejectedShutdown.increment();
                break;
        }
        r.future.completeExceptionally(new InferenceRejectedException(reason, message(reason)));
        return r.future;
    }

    private String message(Reason reason) {
        switch (reason) {
            case QUEUE_FULL:
                return "queue of " + name + " is full (" + queue.size() + " waiting); request refused";
            case DEADLINE_MISSED:
                return "request to " + name + " passed its deadline before it could run";
            default:
                return name + " is shut down; request refused";
        }
    }

    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static final class Request {
        final Map<String, Tensor> inputs;
        final long deadlineNanos;
        final long enqueuedNanos;
        final CompletableFuture<InferenceResult> future = new CompletableFuture<>();

        Request(Map<String, Tensor> inputs, long deadlineNanos, long enqueuedNanos) {
            this.inputs = inputs;
            this.deadlineNanos = deadlineNanos;
            this.enqueuedNanos = enqueuedNanos;
        }
    }
}
