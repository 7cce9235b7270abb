package io.avstream.operators.inference;

import java.util.Map;

import io.avstream.models.InferenceResult;
import io.avstream.models.Tensor;
import io.avstream.schemas.Prediction;

/**
 * Between one pipeline's closed windows and its model: the model's inputs for a window, bound by the
 * manifest's tensor names, and the prediction from the model's named outputs. No engine and no Flink
 * here; {@link BatchedInference} runs every pipeline's translator the same way.
 *
 * @param <W> the pipeline's window type
 * @param <R> what the pipeline makes of a window's outputs: a {@link Prediction}, or the pipeline's own result
 *            type when it needs more than the prediction downstream (e.g. per-time scores for event tracking)
 */
public interface Translator<W, R> {
    /** The request of one window: one tensor per request input of the model, by name. */
    Map<String, Tensor> request(W window);

    /**
     * The result of one window from its outputs (by name) and how they were computed (batch
     * size, queue time, inference start and end). May throw; the inference function then fails the
     * window at once.
     */
    R result(W window, InferenceResult result);
}
