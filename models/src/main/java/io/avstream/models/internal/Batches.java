package io.avstream.models.internal;

import io.avstream.models.InferenceException;
import io.avstream.models.Tensor;
import io.avstream.models.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How single-sample requests become one batch and the batch's outputs become per-sample results,
 * for a model's declared tensors: batched inputs stacked along their batch axis (variable-length ones
 * padded with zeros to the longest sample, their lengths input filled), shared inputs passed once,
 * outputs sliced along their batch axis. Plain code, no engine.
 */
public final class Batches {
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    /** Inputs the runtime fills (lengths), not the requests. */
    private final Set<String> derived = new HashSet<>();
    private final List<String> requestInputs = new ArrayList<>();
    /** Each shared tensor seen, mapped to the first one with the same values (guarded by itself). */
    private final Map<Tensor, Tensor> canonical = new java.util.IdentityHashMap<>();
    private final List<Tensor> distinct = new ArrayList<>();
    /** Distinct shared values kept for {@link #intern}; more start it anew. */
    static final int INTERNED = 64;

    /** The batching of a model with these inputs and outputs. */
    public Batches(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        for (TensorSpec t : inputs) {
            if (t.lengthsInput() != null) {
                derived.add(t.lengthsInput());
            }
        }
        for (TensorSpec t : inputs) {
            if (!derived.contains(t.name())) {
                requestInputs.add(t.name());
            }
        }
    }

    /** The inputs a request must give (every input but the lengths inputs the runtime fills). */
    public List<String> requestInputs() {
        return requestInputs;
    }

    /** The model's inputs. */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /**
     * Checks one request: exactly the request inputs, each of the declared element type and sample
     * shape (any positive length on a variable axis; a shared input with its whole declared shape).
     *
     * @throws IllegalArgumentException naming the first mismatch
     */
    public void check(Map<String, Tensor> sample) {
        for (String key : sample.keySet()) {
            if (!requestInputs.contains(key)) {
                throw new IllegalArgumentException("unknown input '" + key + "' (request inputs: " + requestInputs
                        + (derived.contains(key) ? "; '" + key + "' is a lengths input, filled by the runtime" : "") + ")");
            }
        }
        for (TensorSpec spec : inputs) {
            if (derived.contains(spec.name())) {
                continue;
            }
            Tensor t = sample.get(spec.name());
            if (t == null) {
                throw new IllegalArgumentException("missing input '" + spec.name() + "' (request inputs: " + requestInputs + ")");
            }
            if (!t.dtype().equals(spec.dtype())) {
                throw new IllegalArgumentException("input '" + spec.name() + "' is " + spec.dtype() + ", the request gives " + t.dtype());
            }
            long[] want = spec.sampleShape();
            long[] got = t.shape();
            boolean ok = want.length == got.length;
            for (int d = 0; ok && d < want.length; d++) {
                ok = want[d] == TensorSpec.DYNAMIC ? got[d] > 0 : want[d] == got[d];
            }
            if (!ok) {
                throw new IllegalArgumentException("input '" + spec.name() + "' " + (spec.isShared() ? "(shared) " : "")
                        + "needs a sample of shape " + Arrays.toString(want) + ", the request gives " + Arrays.toString(got));
            }
        }
    }

    /**
     * The request with each shared input replaced by the first tensor seen with the same values, so that
     * requests from different callers (each subtask's translator has its own copy of the same constant)
     * share a batch and the engine keeps one copy. A tensor object is compared by value once; after that
     * it is looked up by identity.
     */
    public Map<String, Tensor> intern(Map<String, Tensor> sample) {
        Map<String, Tensor> out = sample;
        for (TensorSpec spec : inputs) {
            if (!spec.isShared()) {
                continue;
            }
            Tensor t = sample.get(spec.name());
            if (t == null) {
                continue;
            }
            Tensor c;
            synchronized (canonical) {
                c = canonical.get(t);
                if (c == null) {
                    for (Tensor d : distinct) {
                        if (d.sameValues(t)) {
                            c = d;
                            break;
                        }
                    }
                    if (c == null) {
                        if (distinct.size() >= INTERNED) {
                            distinct.clear();
                            canonical.clear();
                        }
                        distinct.add(t);
                        c = t;
                    }
                    canonical.put(t, c);
                }
            }
            if (c != t) {
                if (out == sample) {
                    out = new LinkedHashMap<>(sample);
                }
                out.put(spec.name(), c);
            }
        }
        return out;
    }

    /**
     * Whether two requests can run in one batch: the same shared values (the same arrays, or equal
     * small ones) and, for each variable-length input with buckets, the same bucket.
     */
    public boolean compatible(Map<String, Tensor> a, Map<String, Tensor> b) {
        for (TensorSpec spec : inputs) {
            if (derived.contains(spec.name())) {
                continue;
            }
            Tensor x = a.get(spec.name());
            Tensor y = b.get(spec.name());
            if (spec.isShared()) {
                if (x != y && !(x.size() <= 64 && x.sameValues(y))) {
                    return false;
                }
            } else if (spec.buckets().length > 0) {
                int axis = spec.variableSampleAxis();
                if (spec.bucketOf(x.dim(axis)) != spec.bucketOf(y.dim(axis))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The batch of these samples: every input of the model, batch axes placed, variable axes padded. */
    public Map<String, Tensor> stack(List<Map<String, Tensor>> samples) {
        int n = samples.size();
        Map<String, Tensor> batch = new LinkedHashMap<>();
        Map<String, long[]> lengths = new LinkedHashMap<>();
        for (TensorSpec spec : inputs) {
            if (derived.contains(spec.name())) {
                continue;
            }
            if (spec.isShared()) {
                batch.put(spec.name(), samples.get(0).get(spec.name()));
                continue;
            }
            int var = spec.variableSampleAxis();
            long maxLen = 0;
            if (var >= 0) {
                long[] ls = new long[n];
                for (int s = 0; s < n; s++) {
                    ls[s] = samples.get(s).get(spec.name()).dim(var);
                    maxLen = Math.max(maxLen, ls[s]);
                }
                lengths.put(spec.lengthsInput(), ls);
            }
            long[] shape = spec.batchShape(n, maxLen);
            batch.put(spec.name(), stackOne(spec, shape, samples, n));
        }
        for (Map.Entry<String, long[]> e : lengths.entrySet()) {
            batch.put(e.getKey(), Tensor.ofLongs(e.getValue(), n));
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (TensorSpec spec : inputs) {
            Tensor t = batch.get(spec.name());
            if (t == null) {
                throw new IllegalArgumentException("lengths input '" + spec.name() + "' is named by no variable-length input");
            }
            ordered.put(spec.name(), t);
        }
        return ordered;
    }

    private static Tensor stackOne(TensorSpec spec, long[] shape, List<Map<String, Tensor>> samples, int n) {
        long total = 1;
        for (long d : shape) {
            total *= d;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batch of input '" + spec.name() + "' " + Arrays.toString(shape) + " is too large");
        }
        int axis = spec.batchAxis();
        long[] strides = strides(shape);
        boolean floats = spec.dtype().equals("float32");
        float[] f = floats ? new float[(int) total] : null;
        long[] l = floats ? null : new long[(int) total];
        for (int s = 0; s < n; s++) {
            Tensor t = samples.get(s).get(spec.name());
            long[] own = t.shape();
            // the sample's dimension j is dimension j (j < axis) or j + 1 of the batch
            long[] dst = new long[own.length];
            for (int j = 0; j < own.length; j++) {
                dst[j] = strides[j < axis ? j : j + 1];
            }
            copy(floats ? t.floats() : t.longs(), own, 0, 0, floats ? f : l, dst, s * strides[axis]);
        }
        return floats ? Tensor.of(f, shape) : Tensor.ofLongs(l, shape);
    }

    /** Copies a row-major source of shape {@code own} into a strided destination; returns the next source index. */
    private static int copy(Object src, long[] own, int dim, int srcPos, Object dst, long[] dstStrides, long dstPos) {
        if (own.length == 0) {
            System.arraycopy(src, 0, dst, (int) dstPos, 1);
            return 1;
        }
        int len = (int) own[dim];
        if (dim == own.length - 1) {
            if (dstStrides[dim] == 1) {
                System.arraycopy(src, srcPos, dst, (int) dstPos, len);
            } else {
                for (int i = 0; i < len; i++) {
                    System.arraycopy(src, srcPos + i, dst, (int) (dstPos + i * dstStrides[dim]), 1);
                }
            }
            return srcPos + len;
        }
        int pos = srcPos;
        for (int i = 0; i < len; i++) {
            pos = copy(src, own, dim + 1, pos, dst, dstStrides, dstPos + i * dstStrides[dim]);
        }
        return pos;
    }

    private static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /**
     * Each sample's slice of each output, along the output's batch axis (the padded length of a
     * variable-length output included: the caller knows its own length).
     *
     * @throws InferenceException if an output's size does not split into {@code n} samples
     */
    public List<Map<String, float[]>> slice(Map<String, float[]> batchOutputs, int n) {
        List<Map<String, float[]>> slices = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            slices.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, float[]> e : batchOutputs.entrySet()) {
            float[] all = e.getValue();
            TensorSpec spec = outputs.stream().filter(o -> o.name().equals(e.getKey())).findFirst().orElse(null);
            int axis = spec == null ? 0 : spec.batchAxis();
            long outer = 1;
            for (int d = 0; d < axis; d++) {
                outer *= spec.dim(d);
            }
            if (outer <= 0 || all.length % (outer * n) != 0) {
                throw new InferenceException("output '" + e.getKey() + "' has " + all.length
                        + " values, not a multiple of the batch size " + n + (outer > 1 ? " x " + outer : ""));
            }
            int inner = (int) (all.length / (outer * n));
            for (int s = 0; s < n; s++) {
                float[] slice = new float[(int) (outer * inner)];
                for (int o = 0; o < outer; o++) {
                    System.arraycopy(all, (int) ((o * n + s) * inner), slice, o * inner, inner);
                }
                slices.get(s).put(e.getKey(), slice);
            }
        }
        return slices;
    }

    /**
     * Wraps flat float arrays as tensors for a model with fixed sample shapes: a batched input holds
     * {@code batchSize} samples back to back (batch axis 0), a shared input one value of its shape.
     *
     * @throws IllegalArgumentException if an input is missing, unknown, not float32, variable-length, or has the wrong length
     */
    public Map<String, Tensor> fromFlat(Map<String, float[]> flat, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        List<String> names = inputs.stream().map(TensorSpec::name).toList();
        for (String key : flat.keySet()) {
            if (!names.contains(key)) {
                throw new IllegalArgumentException("unknown input '" + key + "' (model inputs: " + names + ")");
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec spec : inputs) {
            float[] data = flat.get(spec.name());
            if (data == null) {
                throw new IllegalArgumentException("missing input '" + spec.name() + "' (model inputs: " + names + ")");
            }
            if (!spec.dtype().equals("float32") || !spec.hasFixedSampleShape()) {
                throw new IllegalArgumentException("input '" + spec.name() + "' is " + spec.dtype() + " "
                        + Arrays.toString(spec.shape()) + ": pass it as a Tensor, not a flat float array");
            }
            long per = spec.sampleSize();
            long expected = spec.isShared() ? per : batchSize * per;
            if (data.length != expected) {
                throw new IllegalArgumentException("input '" + spec.name() + "' has " + data.length + " values, expected "
                        + expected + (spec.isShared() ? " (shared: one value of shape " + Arrays.toString(spec.shape()) + ")"
                                : " (batch " + batchSize + " x " + per + " per sample)"));
            }
            if (!spec.isShared() && spec.batchAxis() != 0) {
                throw new IllegalArgumentException("input '" + spec.name() + "' has its batch on axis " + spec.batchAxis()
                        + ": pass it as a Tensor");
            }
            out.put(spec.name(), spec.isShared() ? Tensor.of(data, spec.shape()) : Tensor.of(data, spec.batchShape(batchSize, 0)));
        }
        return out;
    }

    /** One request's inputs from flat per-sample float arrays (fixed sample shapes; shared inputs whole). */
    public Map<String, Tensor> sampleFromFlat(Map<String, float[]> flat) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : flat.entrySet()) {
            TensorSpec spec = inputs.stream().filter(t -> t.name().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown input '" + e.getKey() + "' (request inputs: "
                            + requestInputs + ")"));
            if (!spec.hasFixedSampleShape()) {
                throw new IllegalArgumentException("input '" + spec.name() + "' is variable-length: pass it as a Tensor");
            }
            long[] shape = spec.sampleShape();
            if (e.getValue().length != spec.sampleSize()) {
                throw new IllegalArgumentException("input '" + e.getKey() + "' has " + e.getValue().length + " values, expected "
                        + spec.sampleSize() + " (" + Arrays.toString(shape) + ")");
            }
            out.put(e.getKey(), Tensor.of(e.getValue(), shape));
        }
        return out;
    }
}
