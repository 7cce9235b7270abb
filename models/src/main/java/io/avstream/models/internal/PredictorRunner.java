package io.avstream.models.internal;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.avstream.models.InferenceException;
import io.avstream.models.TensorSpec;
import ai.djl.ndarray.types.DataType;
import io.avstream.models.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs batches through one DJL predictor: each input tensor (float32 or int64) becomes one named
 * NDArray of its shape, outputs are copied back to float arrays. A shared input's tensor becomes an
 * engine array once and is kept for the next batches that pass the same tensor (STMT's 1.5 MB geodesic
 * matrix is copied to the engine once per runner, not once per batch). One thread at a time.
 */
public final class PredictorRunner implements BatchRunner {
    /** Shared tensors kept as engine arrays; more distinct ones than this start the cache anew. */
    static final int SHARED_CACHE = 16;

    private final LoadedModel model;
    private final Predictor<NDList, NDList> predictor;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Map<Tensor, NDArray> sharedArrays = new IdentityHashMap<>();
    private NDManager sharedManager;

    PredictorRunner(LoadedModel model, Predictor<NDList, NDList> predictor) {
        this.model = model;
        this.predictor = predictor;
        this.inputs = model.inputs();
        this.outputs = model.outputs();
    }

    /** The engine array of a shared tensor, made on its first use and kept. */
    private NDArray sharedArray(TensorSpec spec, Tensor t) {
        NDArray a = sharedArrays.get(t);
        if (a == null) {
            if (sharedManager == null || sharedArrays.size() >= SHARED_CACHE) {
                if (sharedManager != null) {
                    sharedManager.close();
                }
                sharedArrays.clear();
                sharedManager = model.manager().newSubManager();
            }
            a = t.dtype().equals("float32")
                    ? sharedManager.create(FloatBuffer.wrap(t.floats()), new Shape(t.shape()))
                    : sharedManager.create(LongBuffer.wrap(t.longs()), new Shape(t.shape()), DataType.INT64);
            a.setName(spec.name());
            sharedArrays.put(t, a);
        }
        return a;
    }

    /** How many shared tensors are kept as engine arrays now (tests). */
    int sharedArraysKept() {
        return sharedArrays.size();
    }

    @Override
    public Map<String, float[]> runBatch(Map<String, Tensor> batchedInputs, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        int padded = model.paddedBatch();
        if (padded > 0 && batchSize > padded) {
            throw new IllegalArgumentException("batchSize " + batchSize + " exceeds the fixed batch " + padded
                    + " of engine " + model.options().engine().id());
        }
        int runBatch = padded > 0 ? padded : batchSize;
        try (NDManager manager = model.manager().newSubManager()) {
            NDList in = new NDList(inputs.size());
            for (TensorSpec spec : inputs) {
                Tensor t = batchedInputs.get(spec.name());
                if (t == null) {
                    throw new IllegalArgumentException("missing input '" + spec.name() + "' (model inputs: "
                            + inputs.stream().map(TensorSpec::name).toList() + ")");
                }
                if (!spec.isShared() && t.dim(spec.batchAxis()) != batchSize) {
                    throw new IllegalArgumentException("input '" + spec.name() + "' has " + t.dim(spec.batchAxis())
                            + " samples on its batch axis " + spec.batchAxis() + ", expected " + batchSize);
                }
                if (spec.isShared()) {
                    in.add(sharedArray(spec, t));
                    continue;
                }
                long[] shape = t.shape();
                NDArray array;
                if (t.dtype().equals("float32")) {
                    float[] data = t.floats();
                    if (runBatch != batchSize && !spec.isShared()) {
                        // fixed-batch engines: batch axis 0 (checked at load), zeros after the real samples
                        data = java.util.Arrays.copyOf(data, data.length / batchSize * runBatch);
                        shape[0] = runBatch;
                    }
                    array = manager.create(FloatBuffer.wrap(data), new Shape(shape));
                } else {
                    long[] data = t.longs();
                    if (runBatch != batchSize && !spec.isShared()) {
                        data = java.util.Arrays.copyOf(data, data.length / batchSize * runBatch);
                        shape[0] = runBatch;
                    }
                    array = manager.create(LongBuffer.wrap(data), new Shape(shape), DataType.INT64);
                }
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

    @Override
    public int paddedBatch() {
        return model.paddedBatch();
    }

    @Override
    public void close() {
        try {
            predictor.close();
        } finally {
            if (sharedManager != null) {
                sharedManager.close();
                sharedManager = null;
            }
            sharedArrays.clear();
        }
    }
}
