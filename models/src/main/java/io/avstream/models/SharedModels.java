package io.avstream.models;

import io.avstream.models.internal.BatchRunner;
import io.avstream.models.internal.Batches;
import io.avstream.models.internal.DynamicBatcher;
import io.avstream.models.internal.LoadedModel;
import io.avstream.models.internal.PredictorRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded, warmed-up, batched model per JVM per (package directory, version, engine),
 * reference-counted and shared by every caller that acquires it.
 *
 * <pre>{@code
 * try (ModelHandle model = SharedModels.acquire(pkg, opts)) {
 *     CompletableFuture<InferenceResult> f = model.submit(sample, System.nanoTime() + budgetNanos);
 * }
 * }</pre>
 */
public final class SharedModels {
    private static final Logger LOG = LoggerFactory.getLogger(SharedModels.class);
    private static final Map<Key, Shared> LIVE = new HashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private SharedModels() {
    }

    /**
     * Returns a new handle on the shared model for {@code pkg} on {@code opts.engine()}, loading it,
     * starting {@code opts.workers()} workers (each with its own predictor) and warming it up if no
     * handle holds it yet. Later acquirers share the first one's options.
     *
     * @throws EngineUnavailableException if the engine is not present on this machine
     */
    public static ModelHandle acquire(ModelPackage pkg, RuntimeOptions opts) {
        Objects.requireNonNull(pkg, "pkg must not be null");
        Objects.requireNonNull(opts, "opts must not be null");
        Key key = new Key(realPath(pkg.dir()), pkg.manifest().version(), opts.engine());
        synchronized (LIVE) {
            Shared shared = LIVE.get(key);
            if (shared == null) {
                shared = start(key, pkg, opts);
                LIVE.put(key, shared);
            } else if (!shared.options().equals(opts)) {
                LOG.warn("Model {} on {} is already running with {}; ignoring {}", pkg.id(), opts.engine().id(),
                        shared.options(), opts);
            }
            shared.refs++;
            return new ModelHandle(shared);
        }
    }

    /** How many shared models are loaded now. */
    public static int liveModels() {
        synchronized (LIVE) {
            return LIVE.size();
        }
    }

    /** How many times a shared model was loaded in this JVM (for tests and metrics). */
    public static int loadCount() {
        return LOADS.get();
    }

    static void release(Shared shared) {
        boolean last;
        synchronized (LIVE) {
            shared.refs--;
            last = shared.refs == 0;
            if (last) {
                LIVE.remove(shared.key, shared);
            }
        }
        if (last) {
            shared.shutdown();
        }
    }

    private static Shared start(Key key, ModelPackage pkg, RuntimeOptions opts) {
        LoadedModel model = LoadedModel.load(pkg, opts);
        List<PredictorRunner> runners = new ArrayList<>();
        try {
            long estimate = 0;
            for (int i = 0; i < opts.resolvedWorkers(); i++) {
                PredictorRunner runner = model.newRunner();
                runners.add(runner);
                estimate = Math.max(estimate, warmUp(runner, pkg, opts.maxBatch()));
            }
            String name = pkg.manifest().name() + "-" + opts.engine().id();
            DynamicBatcher batcher = new DynamicBatcher(name, pkg.manifest().inputs(), pkg.manifest().outputs(), opts.maxBatch(),
                    opts.maxDelay().toNanos(), opts.queueCapacity(), runners, estimate);
            LOADS.incrementAndGet();
            LOG.info("Started shared model {} on {} with {} worker(s), maxBatch {}, warm batch {} us",
                    pkg.id(), opts.engine().id(), opts.resolvedWorkers(), opts.maxBatch(), estimate / 1000);
            return new Shared(key, pkg, opts, model, batcher);
        } catch (RuntimeException | Error e) {
            runners.forEach(BatchRunner::close);
            model.close();
            throw e;
        }
    }

    /** Runs a batch of 1 and one of {@code maxBatch} zero samples; returns the nanoseconds of the second. */
    private static long warmUp(BatchRunner runner, ModelPackage pkg, int maxBatch) {
        Batches layout = new Batches(pkg.manifest().inputs(), pkg.manifest().outputs());
        runner.runBatch(zeros(layout, 1), 1);
        long start = System.nanoTime();
        runner.runBatch(zeros(layout, maxBatch), maxBatch);
        return System.nanoTime() - start;
    }

    /** A batch of zero samples (variable-length inputs at the first bucket's length, or 1). */
    private static Map<String, Tensor> zeros(Batches layout, int batch) {
        Map<String, Tensor> sample = new LinkedHashMap<>();
        for (TensorSpec t : layout.inputs()) {
            if (!layout.requestInputs().contains(t.name())) {
                continue;
            }
            long[] shape = t.sampleShape();
            long n = 1;
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] == TensorSpec.DYNAMIC) {
                    shape[d] = t.buckets().length > 0 ? t.buckets()[0] : 1;
                }
                n *= shape[d];
            }
            sample.put(t.name(), t.dtype().equals("int64") ? Tensor.ofLongs(new long[(int) n], shape)
                    : Tensor.of(new float[(int) n], shape));
        }
        return layout.stack(java.util.Collections.nCopies(batch, sample));
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve model package directory " + dir, e);
        }
    }

    private static final class Key {
        final Path dir;
        final String version;
        final Engine engine;

        Key(Path dir, String version, Engine engine) {
            this.dir = dir;
            this.version = version;
            this.engine = engine;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return dir.equals(k.dir) && version.equals(k.version) && engine == k.engine;
        }

        @Override
        public int hashCode() {
            return Objects.hash(dir, version, engine);
        }
    }

    /** The state shared by every handle of one model. */
    static final class Shared {
        final Key key;
        private final ModelPackage pkg;
        private final RuntimeOptions options;
        private final LoadedModel model;
        private final DynamicBatcher batcher;
        int refs;

        Shared(Key key, ModelPackage pkg, RuntimeOptions options, LoadedModel model, DynamicBatcher batcher) {
            this.key = key;
            this.pkg = pkg;
            this.options = options;
            this.model = model;
            this.batcher = batcher;
        }

        ModelPackage modelPackage() {
            return pkg;
        }

        RuntimeOptions options() {
            return options;
        }

        DynamicBatcher batcher() {
            return batcher;
        }

        void shutdown() {
            try {
                batcher.close();
            } finally {
                model.close();
                LOG.info("Closed shared model {} on {}: {}", pkg.id(), options.engine().id(), batcher.stats());
            }
        }
    }
}
