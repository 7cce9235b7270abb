package io.avstream.models;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** One named model input or output: element type and shape, where -1 marks a dynamic dimension. */
public final class TensorSpec {
    /** Element types a manifest may declare, by their {@code model.json} names. */
    public static final List<String> DTYPES =
            List.of("float32", "float16", "float64", "int64", "int32", "int8", "uint8", "bool");

    /** The marker for a dynamic dimension (dimension 0, the batch axis, is always dynamic). */
    public static final long DYNAMIC = -1;

    private final String name;
    private final String dtype;
    private final long[] shape;

    /**
     * A tensor spec; {@code shape[0]} must be -1 (the batch axis), every other dimension positive
     * or -1.
     */
    public TensorSpec(String name, String dtype, long[] shape) {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(dtype, "dtype must not be null");
        Objects.requireNonNull(shape, "shape must not be null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (!DTYPES.contains(dtype)) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' dtype must be one of " + DTYPES + ", was '" + dtype + "'");
        }
        if (shape.length == 0 || shape[0] != DYNAMIC) {
            throw new IllegalArgumentException("tensor '" + name + "' shape " + Arrays.toString(shape)
                    + " must start with -1 (the batch axis)");
        }
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] <= 0 && shape[i] != DYNAMIC) {
                throw new IllegalArgumentException("tensor '" + name + "' dimension " + i
                        + " must be positive or -1, was " + shape[i]);
            }
        }
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
    }

    /** The tensor's name in the ONNX graph. */
    public String name() {
        return name;
    }

    /** The element type, e.g. {@code float32}. */
    public String dtype() {
        return dtype;
    }

    /** A copy of the shape, batch axis first. */
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

    /** Whether every dimension but the batch axis is fixed. */
    public boolean hasFixedSampleShape() {
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] == DYNAMIC) {
                return false;
            }
        }
        return true;
    }

    /** The shape of one sample: the shape without the batch axis. */
    public long[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /**
     * The number of elements in one sample: the product of the non-batch dimensions.
     *
     * @throws IllegalStateException if a non-batch dimension is dynamic
     */
    public int sampleSize() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] == DYNAMIC) {
                throw new IllegalStateException("tensor '" + name + "' has a dynamic dimension " + i
                        + " " + Arrays.toString(shape) + ", so its sample size is not fixed");
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE) {
                throw new IllegalStateException("tensor '" + name + "' sample size overflows an int");
            }
        }
        return (int) n;
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
        return name.equals(t.name) && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(name, dtype) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ":" + dtype + Arrays.toString(shape);
    }
}
