package io.avstream.models;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One named model input or output: element type and shape, where -1 marks a dynamic dimension, and
 * how requests are batched into it.
 *
 * <ul>
 *   <li><b>Batched</b> (the default): one sample per request, stacked along the batch axis, the
 *       dimension {@link #batchAxis()} of the shape (0 unless declared otherwise; Silero VAD's state is
 *       {@code [2, -1, 128]} with batch axis 1), which is -1.</li>
 *   <li><b>Shared</b> ({@code "shared": true}): the same for every request of a batch (a constant such as
 *       STMT's geodesic matrix or Silero's sample rate), passed once per batch with the declared shape,
 *       which has no batch axis and no dynamic dimension; a scalar has shape {@code []}.</li>
 *   <li><b>Variable length</b>: a batched input with one more dynamic dimension (a speech segment's
 *       frames) names its {@link #lengthsInput() lengths input} (int64 {@code [-1]}), which the runtime
 *       fills with each sample's length when it pads the batch to its longest sample; optional
 *       {@link #buckets() length buckets} keep samples of similar length in one batch.</li>
 * </ul>
 */
public final class TensorSpec {
    /** Element types a manifest may declare, by their {@code model.json} names. */
    public static final List<String> DTYPES =
            List.of("float32", "float16", "float64", "int64", "int32", "int8", "uint8", "bool");

    /** The marker for a dynamic dimension. */
    public static final long DYNAMIC = -1;

    /** {@link #batchAxis()} of a shared tensor, which has none. */
    public static final int NO_BATCH_AXIS = -1;

    private final String name;
    private final String dtype;
    private final long[] shape;
    private final int batchAxis;
    private final String lengthsInput;
    private final int[] buckets;

    /** A batched tensor with the batch on axis 0: {@code shape[0]} must be -1, every other dimension positive or -1. */
    public TensorSpec(String name, String dtype, long[] shape) {
        this(name, dtype, shape, 0, null, new int[0]);
    }

    /**
     * A tensor spec.
     *
     * @param batchAxis    the batch axis (its dimension must be -1), or {@link #NO_BATCH_AXIS} for a shared tensor
     *                     (then no dimension may be -1)
     * @param lengthsInput the int64 {@code [-1]} input holding each sample's length along the variable axis, or
     *                     null for a tensor without a dynamic dimension besides the batch axis
     * @param buckets      increasing positive length bounds that group samples of similar length (may be empty)
     * @throws IllegalArgumentException naming the first thing that is wrong
     */
    public TensorSpec(String name, String dtype, long[] shape, int batchAxis, String lengthsInput, int[] buckets) {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(dtype, "dtype must not be null");
        Objects.requireNonNull(shape, "shape must not be null");
        Objects.requireNonNull(buckets, "buckets must not be null (use an empty array)");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (!DTYPES.contains(dtype)) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' dtype must be one of " + DTYPES + ", was '" + dtype + "'");
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] <= 0 && shape[i] != DYNAMIC) {
                throw new IllegalArgumentException("tensor '" + name + "' dimension " + i
                        + " must be positive or -1, was " + shape[i]);
            }
        }
        int variable = -1;
        if (batchAxis == NO_BATCH_AXIS) {
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == DYNAMIC) {
                    throw new IllegalArgumentException("shared tensor '" + name + "' shape " + Arrays.toString(shape)
                            + " has a dynamic dimension " + i + ": a shared tensor has no batch axis and a fixed shape");
                }
            }
            if (lengthsInput != null || buckets.length > 0) {
                throw new IllegalArgumentException("shared tensor '" + name + "' cannot have lengths or buckets");
            }
        } else {
            if (batchAxis < 0 || batchAxis >= shape.length) {
                throw new IllegalArgumentException("tensor '" + name + "' batch axis " + batchAxis
                        + " is outside its shape " + Arrays.toString(shape));
            }
            if (shape[batchAxis] != DYNAMIC) {
                throw new IllegalArgumentException("tensor '" + name + "' shape " + Arrays.toString(shape)
                        + " must have -1 at its batch axis " + batchAxis + ", was " + shape[batchAxis]);
            }
            for (int i = 0; i < shape.length; i++) {
                if (i != batchAxis && shape[i] == DYNAMIC) {
                    if (variable >= 0) {
                        throw new IllegalArgumentException("tensor '" + name + "' shape " + Arrays.toString(shape)
                                + " has two dynamic dimensions besides the batch axis (" + variable + " and " + i
                                + "); at most one variable-length axis is supported");
                    }
                    variable = i;
                }
            }
            if (lengthsInput != null && (lengthsInput.isEmpty() || lengthsInput.equals(name))) {
                throw new IllegalArgumentException("tensor '" + name + "' lengths input must name another input, was '"
                        + lengthsInput + "'");
            }
            if (buckets.length > 0 && variable < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' declares length buckets but has no variable-length axis");
            }
            for (int i = 0; i < buckets.length; i++) {
                if (buckets[i] <= 0 || (i > 0 && buckets[i] <= buckets[i - 1])) {
                    throw new IllegalArgumentException("tensor '" + name + "' length buckets must be positive and increasing, were "
                            + Arrays.toString(buckets));
                }
            }
        }
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.batchAxis = batchAxis;
        this.lengthsInput = lengthsInput;
        this.buckets = buckets.clone();
    }

    /** A shared tensor: the same for every request of a batch, passed once per batch with this fixed shape. */
    public static TensorSpec shared(String name, String dtype, long[] shape) {
        return new TensorSpec(name, dtype, shape, NO_BATCH_AXIS, null, new int[0]);
    }

    /** The tensor's name in the ONNX graph. */
    public String name() {
        return name;
    }

    /** The element type, e.g. {@code float32}. */
    public String dtype() {
        return dtype;
    }

    /** A copy of the shape as declared (the batch axis is -1 where it is). */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions, batch axis included. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i} (-1 where dynamic). */
    public long dim(int i) {
        return shape[i];
    }

    /** Whether this tensor is the same for every request and passed once per batch. */
    public boolean isShared() {
        return batchAxis == NO_BATCH_AXIS;
    }

    /** The batch axis, or {@link #NO_BATCH_AXIS} for a shared tensor. */
    public int batchAxis() {
        return batchAxis;
    }

    /** The input that holds each sample's length along the variable axis, or null. */
    public String lengthsInput() {
        return lengthsInput;
    }

    /** The length buckets (a copy; empty when none are declared). */
    public int[] buckets() {
        return buckets.clone();
    }

    /**
     * The variable-length axis of one sample (an index into {@link #sampleShape()}), or -1 when every
     * dimension of a sample is fixed.
     */
    public int variableSampleAxis() {
        long[] s = sampleShape();
        for (int i = 0; i < s.length; i++) {
            if (s[i] == DYNAMIC) {
                return i;
            }
        }
        return -1;
    }

    /** Whether every dimension of one sample is fixed. */
    public boolean hasFixedSampleShape() {
        return variableSampleAxis() < 0;
    }

    /** The shape of one sample: the shape without the batch axis (the whole shape of a shared tensor). */
    public long[] sampleShape() {
        if (isShared()) {
            return shape.clone();
        }
        long[] s = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != batchAxis) {
                s[j++] = shape[i];
            }
        }
        return s;
    }

    /**
     * The number of elements in one sample: the product of the non-batch dimensions (of all
     * dimensions for a shared tensor; 1 for a scalar).
     *
     * @throws IllegalStateException if a non-batch dimension is dynamic
     */
    public int sampleSize() {
        long n = 1;
        for (long d : sampleShape()) {
            if (d == DYNAMIC) {
                throw new IllegalStateException("tensor '" + name + "' has a variable-length dimension "
                        + Arrays.toString(shape) + ", so its sample size is not fixed");
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalStateException("tensor '" + name + "' sample size overflows an int");
            }
        }
        return (int) n;
    }

    /** The shape of a batch of {@code batch} samples whose variable axis (if any) has {@code length} elements. */
    public long[] batchShape(int batch, long length) {
        long[] s = shape.clone();
        for (int i = 0; i < s.length; i++) {
            if (i == batchAxis) {
                s[i] = batch;
            } else if (s[i] == DYNAMIC) {
                s[i] = length;
            }
        }
        return s;
    }

    /** The bucket of a sample of {@code length} along the variable axis: the index of the first bound it fits. */
    public int bucketOf(long length) {
        for (int i = 0; i < buckets.length; i++) {
            if (length <= buckets[i]) {
                return i;
            }
        }
        return buckets.length;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TensorSpec)) {
            return false;
        }
        TensorSpec t = (TensorSpec) o;
        return name.equals(t.name) && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape) && batchAxis == t.batchAxis
                && Objects.equals(lengthsInput, t.lengthsInput) && Arrays.equals(buckets, t.buckets);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(name, dtype, batchAxis, lengthsInput) + Arrays.hashCode(shape) * 7 + Arrays.hashCode(buckets);
    }

    @Override
    public String toString() {
        return name + ":" + dtype + Arrays.toString(shape) + (isShared() ? " shared" : batchAxis != 0 ? " batch axis " + batchAxis : "")
                + (lengthsInput == null ? "" : " lengths " + lengthsInput);
    }
}
