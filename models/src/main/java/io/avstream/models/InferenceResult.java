package io.avstream.models;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One sample's outputs from a batched run, with the batch size and the run's timing. */
public final class InferenceResult {
    private final Map<String, float[]> outputs;
    private final int batchSize;
    private final long queueNanos;
    private final long inferenceStartMicros;
    private final long inferenceEndMicros;

    /**
     * A result.
     *
     * @param outputs this sample's slice of each output, without the batch axis, by output name
     * @param batchSize how many samples ran together
     * @param queueNanos how long the request waited between submit and the start of its batch
     * @param inferenceStartMicros when the batch started, epoch microseconds
     * @param inferenceEndMicros when the batch ended, epoch microseconds
     */
    public InferenceResult(Map<String, float[]> outputs, int batchSize, long queueNanos,
            long inferenceStartMicros, long inferenceEndMicros) {
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(outputs, "outputs")));
        this.batchSize = batchSize;
        this.queueNanos = queueNanos;
        this.inferenceStartMicros = inferenceStartMicros;
        this.inferenceEndMicros = inferenceEndMicros;
    }

    /** This sample's outputs by name, without the batch axis (the arrays are not copied: do not modify them). */
    public Map<String, float[]> outputs() {
        return outputs;
    }

    /** The output called {@code name}. */
    public float[] output(String name) {
        float[] v = outputs.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no output '" + name + "' (outputs: " + outputs.keySet() + ")");
        }
        return v;
    }

    /** How many samples ran together in this sample's batch. */
    public int batchSize() {
        return batchSize;
    }

    /** Nanoseconds between submit and the start of the batch. */
    public long queueNanos() {
        return queueNanos;
    }

    /** When the batch started, epoch microseconds. */
    public long inferenceStartMicros() {
        return inferenceStartMicros;
    }

    /** When the batch ended, epoch microseconds. */
    public long inferenceEndMicros() {
        return inferenceEndMicros;
    }

    @Override
    public String toString() {
        return "InferenceResult{outputs=" + outputs.keySet() + ", batchSize=" + batchSize + ", queueNanos="
                + queueNanos + ", inferenceMicros=" + (inferenceEndMicros - inferenceStartMicros) + "}";
    }
}
