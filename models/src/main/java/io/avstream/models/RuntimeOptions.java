package io.avstream.models;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How a model runs: engine, dynamic-batching limits, worker threads and ONNX Runtime intra-op
 * threads. Immutable and serializable, so it can travel inside a Flink function.
 *
 * <pre>{@code
 * RuntimeOptions opts = RuntimeOptions.builder()
 *     .optEngine(Engine.parse("onnxruntime-cuda"))
 *     .optMaxBatch(32)
 *     .optMaxDelay(Duration.ofMillis(10))
 *     .build();
 * }</pre>
 */
public final class RuntimeOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Largest allowed {@code maxBatch}. */
    public static final int MAX_BATCH_LIMIT = 4096;
    /** Largest allowed {@code maxDelay}. */
    public static final Duration MAX_DELAY_LIMIT = Duration.ofSeconds(10);
    /** Largest allowed {@code workers}. */
    public static final int WORKERS_LIMIT = 64;
    /** Largest allowed {@code intraOpThreads}. */
    public static final int INTRA_OP_THREADS_LIMIT = 256;

    private final Engine engine;
    private final int maxBatch;
    private final Duration maxDelay;
    private final int queueCapacity;
    private final int workers;
    private final int intraOpThreads;

    private RuntimeOptions(Builder b) {
        this.engine = b.engine;
        this.maxBatch = b.maxBatch;
        this.maxDelay = b.maxDelay;
        this.queueCapacity = b.queueCapacity;
        this.workers = b.workers;
        this.intraOpThreads = b.intraOpThreads;
    }

    /** A builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** All defaults: ONNX Runtime on CPU, maxBatch 16, maxDelay 5 ms, queue 1024, 1 worker, 1 intra-op thread. */
    public static RuntimeOptions defaults() {
        return builder().build();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder().optEngine(engine).optMaxBatch(maxBatch).optMaxDelay(maxDelay)
                .optQueueCapacity(queueCapacity).optWorkers(workers).optIntraOpThreads(intraOpThreads);
    }

    /** The engine (default {@link Engine#ORT_CPU}). */
    public Engine engine() {
        return engine;
    }

    /** The largest batch a worker runs (default 16). */
    public int maxBatch() {
        return maxBatch;
    }

    /** The longest the oldest queued request waits for a batch to fill (default 5 ms). */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** The bounded queue's capacity; a submit to a full queue is refused (default 1024). */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** Worker threads, each with its own predictor (default 1); 0 means one per core of the JVM that runs the model. */
    public int workers() {
        return workers;
    }

    /** The workers to start in this JVM: {@link #workers()}, or its available processors where that is 0. */
    public int resolvedWorkers() {
        return workers == 0 ? Math.max(1, Math.min(WORKERS_LIMIT, Runtime.getRuntime().availableProcessors())) : workers;
    }

    /** ONNX Runtime intra-op threads per session (default 1). */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RuntimeOptions)) {
            return false;
        }
        RuntimeOptions r = (RuntimeOptions) o;
        return engine == r.engine && maxBatch == r.maxBatch && maxDelay.equals(r.maxDelay)
                && queueCapacity == r.queueCapacity && workers == r.workers && intraOpThreads == r.intraOpThreads;
    }

    @Override
    public int hashCode() {
        return Objects.hash(engine, maxBatch, maxDelay, queueCapacity, workers, intraOpThreads);
    }

    @Override
    public String toString() {
        return "RuntimeOptions{engine=" + engine.id() + ", maxBatch=" + maxBatch + ", maxDelay=" + maxDelay
                + ", queueCapacity=" + queueCapacity + ", workers=" + workers
                + ", intraOpThreads=" + intraOpThreads + "}";
    }

    /** Builds {@link RuntimeOptions}; every setting is optional and {@link #build()} checks the ranges. */
    public static final class Builder {
        private Engine engine = Engine.defaultEngine();
        private int maxBatch = 16;
        private Duration maxDelay = Duration.ofMillis(5);
        private int queueCapacity = 1024;
        private int workers = 1;
        private int intraOpThreads = 1;

        private Builder() {
        }

        /** The engine. */
        public Builder optEngine(Engine engine) {
            this.engine = Objects.requireNonNull(engine, "engine must not be null");
            return this;
        }

        /** The largest batch, 1 to {@value RuntimeOptions#MAX_BATCH_LIMIT}. */
        public Builder optMaxBatch(int maxBatch) {
            this.maxBatch = maxBatch;
            return this;
        }

        /** The longest the oldest request waits for a batch to fill, 0 to 10 s. */
        public Builder optMaxDelay(Duration maxDelay) {
            this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay must not be null");
            return this;
        }

        /** The bounded queue's capacity, at least {@code maxBatch}. */
        public Builder optQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        /** Worker threads, 1 to {@value RuntimeOptions#WORKERS_LIMIT}, or 0 for one per core of the JVM that runs the model. */
        public Builder optWorkers(int workers) {
            this.workers = workers;
            return this;
        }

        /** ONNX Runtime intra-op threads, 1 to {@value RuntimeOptions#INTRA_OP_THREADS_LIMIT}. */
        public Builder optIntraOpThreads(int intraOpThreads) {
            this.intraOpThreads = intraOpThreads;
            return this;
        }

        /**
         * Checks every setting and builds.
         *
         * @throws IllegalArgumentException saying which setting is out of range and its value
         */
        public RuntimeOptions build() {
            if (maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) {
                throw new IllegalArgumentException(
                        "maxBatch must be between 1 and " + MAX_BATCH_LIMIT + ", was " + maxBatch);
            }
            if (maxDelay.isNegative()) {
                throw new IllegalArgumentException("maxDelay must not be negative, was " + maxDelay);
            }
            if (maxDelay.compareTo(MAX_DELAY_LIMIT) > 0) {
                throw new IllegalArgumentException("maxDelay must be at most " + MAX_DELAY_LIMIT + ", was " + maxDelay);
            }
            if (queueCapacity < maxBatch) {
                throw new IllegalArgumentException(
                        "queueCapacity must be at least maxBatch (" + maxBatch + "), was " + queueCapacity);
            }
            if (workers < 0 || workers > WORKERS_LIMIT) {
                throw new IllegalArgumentException(
                        "workers must be between 1 and " + WORKERS_LIMIT + " (or 0: one per core), was " + workers);
            }
            if (intraOpThreads < 1 || intraOpThreads > INTRA_OP_THREADS_LIMIT) {
                throw new IllegalArgumentException("intraOpThreads must be between 1 and "
                        + INTRA_OP_THREADS_LIMIT + ", was " + intraOpThreads);
            }
            return new RuntimeOptions(this);
        }
    }
}
