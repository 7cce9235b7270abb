package io.avstream.operators.speech;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.avstream.models.InferenceResult;
import io.avstream.models.ModelHandle;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.Tensor;

/**
 * Silero VAD through a shared, batched model: one chunk of each of several streams per call, each with its context
 * and recurrent state, submitted together so that the batcher runs them as one batch (with other callers' chunks
 * when several operators share the model). Blocks until the chunks are scored; a chunk takes tens of microseconds.
 */
public final class SileroVad {
    /** The model's sample rate, Hz. */
    public static final int RATE = 16_000;
    /** Samples per chunk. */
    public static final int CHUNK = 512;
    /** Samples of the previous chunk in front of each chunk. */
    public static final int CONTEXT = 64;
    /** Floats of a stream's recurrent state ({@code [2, 128]}). */
    public static final int STATE = 2 * 128;

    private static final Tensor SR = Tensor.ofLongs(new long[] {RATE});

    private final ModelHandle model;

    /**
     * How the shared model should batch for voice activity: up to {@code maxBatch} chunks, and no waiting
     * ({@code maxDelay} 0): a caller submits all of its streams' chunks at once, so a batch is what is queued when
     * the worker takes it.
     */
    public static RuntimeOptions runtimeOptions(int maxBatch) {
        return RuntimeOptions.builder().optMaxBatch(maxBatch).optMaxDelay(Duration.ZERO).build();
    }

    public SileroVad(ModelHandle model) {
        this.model = model;
    }

    /**
     * Scores one chunk per stream.
     *
     * @param inputs {@code CONTEXT + CHUNK} samples per stream
     * @param states each stream's recurrent state, replaced by the state after its chunk
     * @return each stream's speech probability
     */
    public float[] score(List<float[]> inputs, List<float[]> states) throws InterruptedException, ExecutionException {
        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            futures.add(model.submitTensors(Map.of("input", Tensor.of(inputs.get(i), CONTEXT + CHUNK),
                    "state", Tensor.of(states.get(i), 2, 128), "sr", SR), Long.MAX_VALUE));
        }
        float[] p = new float[inputs.size()];
        for (int i = 0; i < p.length; i++) {
            InferenceResult r = futures.get(i).get();
            p[i] = r.output("output")[0];
            states.set(i, r.output("stateN"));
        }
        return p;
    }
}
