package io.avstream.models;

import java.util.Arrays;
import java.util.Objects;

/**
 * Values for one model input: float32 or int64 elements in row-major order and their shape. A request's
 * tensor holds one sample (no batch axis; a variable-length sample says its own length in its shape);
 * the runtime stacks, pads and places the batch axis. Not copied: do not modify the array after handing it over.
 *
 * <pre>{@code
 * Tensor points = Tensor.of(xyz, 24, 128, 3);
 * Tensor sampleRate = Tensor.ofLongs(new long[] {16000});   // a scalar: shape []
 * }</pre>
 */
public final class Tensor {
    private final float[] floats;
    private final long[] longs;
    private final long[] shape;

    private Tensor(float[] floats, long[] longs, long[] shape) {
        this.floats = floats;
        this.longs = longs;
        this.shape = shape;
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            n *= d;
        }
        int size = floats != null ? floats.length : longs.length;
        if (n != size) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " needs " + n
                    + " values, has " + size);
        }
    }

    /** float32 values of the given shape ({@code []} for a scalar). */
    public static Tensor of(float[] values, long... shape) {
        return new Tensor(Objects.requireNonNull(values, "values"), null, shape.clone());
    }

    /** int64 values of the given shape ({@code []} for a scalar). */
    public static Tensor ofLongs(long[] values, long... shape) {
        return new Tensor(null, Objects.requireNonNull(values, "values"), shape.clone());
    }

    /** The manifest name of the element type: {@code float32} or {@code int64}. */
    public String dtype() {
        return floats != null ? "float32" : "int64";
    }

    /** The float32 values (not a copy). */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor holds int64 values, not float32");
        }
        return floats;
    }

    /** The int64 values (not a copy). */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor holds float32 values, not int64");
        }
        return longs;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** Dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements. */
    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** Whether both hold the same element type, shape and values. */
    public boolean sameValues(Tensor o) {
        return o == this || (Arrays.equals(shape, o.shape) && Arrays.equals(floats, o.floats) && Arrays.equals(longs, o.longs));
    }

    @Override
    public String toString() {
        return dtype() + Arrays.toString(shape);
    }
}
