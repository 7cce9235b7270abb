package io.avstream.models.internal;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.avstream.models.InferenceException;
import io.avstream.models.TensorSpec;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs batches through one DJL predictor: one float buffer per input becomes one named NDArray,
 * outputs are copied back to float arrays. One thread at a time.
 */
public final class PredictorRunner implements BatchRunner {
    private final LoadedModel model;
    private final Predictor<NDList, NDList> predictor;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final int[] sampleSizes;

    PredictorRunner(LoadedModel model, Predictor<NDList, NDList> predictor) {
        this.model = model;
        this.predictor = predictor;
        this.inputs = model.inputs();
        this.outputs = model.outputs();
        this.sampleSizes = inputs.stream().mapToInt(TensorSpec::sampleSize).toArray();
    }

    @Override
    public Map<String, float[]> runBatch(Map<String, float[]> batchedInputs, int batchSize) {
        checkInputs(batchedInputs, batchSize, inputs, sampleSizes);
        int padded = model.paddedBatch();
        if (padded > 0 && batchSize > padded) {
            throw new IllegalArgumentException("batchSize " + batchSize + " exceeds the fixed batch " + padded
                    + " of engine " + model.options().engine().id());
        }
        int runBatch = padded > 0 ? padded : batchSize;
        try (NDManager manager = model.manager().newSubManager()) {
            NDList in = new NDList(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                TensorSpec spec = inputs.get(i);
                float[] data = batchedInputs.get(spec.name());
                if (runBatch != batchSize) {
                    float[] pad = new float[runBatch * sampleSizes[i]];
                    System.arraycopy(data, 0, pad, 0, data.length);
                    data = pad;
                }
                NDArray array = manager.create(FloatBuffer.wrap(data), new Shape(withBatch(runBatch, spec)));
                array.setName(spec.name());
                in.add(array);
            }
            NDList out;
            try {
                out = predictor.predict(in);
            } catch (Exception e) {
                throw new InferenceException("inference failed for model " + model.modelPackage().id() + " on "
                        + model.options().engine().id() + " (batch " + batchSize + "): " + e.getMessage(), e);
            }
            try {
                return readOutputs(out, batchSize, runBatch);
            } finally {
                out.close();
            }
        }
    }

    private Map<String, float[]> readOutputs(NDList out, int batchSize, int runBatch) {
        if (out.size() != outputs.size()) {
            throw new InferenceException("model " + model.modelPackage().id() + " returned " + out.size()
                    + " outputs, the manifest declares " + outputs.size());
        }
        Map<String, NDArray> byName = new HashMap<>();
        for (NDArray a : out) {
            if (a.getName() != null) {
                byName.put(a.getName(), a);
            }
        }
        Map<String, float[]> result = new LinkedHashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            String name = outputs.get(i).name();
            NDArray a = byName.size() == outputs.size() ? byName.get(name) : out.get(i);
            if (a == null) {
                throw new InferenceException("model " + model.modelPackage().id() + " returned no output '" + name
                        + "' (returned " + byName.keySet() + ")");
            }
            float[] values = a.toFloatArray();
            if (runBatch != batchSize) {
                float[] trimmed = new float[values.length / runBatch * batchSize];
                System.arraycopy(values, 0, trimmed, 0, trimmed.length);
                values = trimmed;
            }
            result.put(name, values);
        }
        return result;
    }

    /** Checks that a batched input map holds exactly the model's inputs with the right lengths. */
    static void checkInputs(Map<String, float[]> batched, int batchSize, List<TensorSpec> inputs, int[] sampleSizes) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        List<String> names = inputs.stream().map(TensorSpec::name).toList();
        for (String key : batched.keySet()) {
            if (!names.contains(key)) {
                throw new IllegalArgumentException("unknown input '" + key + "' (model inputs: " + names + ")");
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            String name = inputs.get(i).name();
            float[] data = batched.get(name);
            if (data == null) {
                throw new IllegalArgumentException("missing input '" + name + "' (model inputs: " + names + ")");
            }
            long expected = (long) batchSize * sampleSizes[i];
            if (data.length != expected) {
                throw new IllegalArgumentException("input '" + name + "' has " + data.length + " values, expected "
                        + expected + " (batch " + batchSize + " x " + sampleSizes[i] + " per sample)");
            }
        }
    }

    private static long[] withBatch(int batch, TensorSpec spec) {
        long[] shape = spec.shape();
        shape[0] = batch;
        return shape;
    }

    @Override
    public int paddedBatch() {
        return model.paddedBatch();
    }

    @Override
    public void close() {
        predictor.close();
    }
}
