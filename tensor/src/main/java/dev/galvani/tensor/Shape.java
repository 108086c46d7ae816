package dev.galvani.tensor;

import java.util.Arrays;

/**
 * An immutable list of dimension sizes. Also home of the shape rules shared by every operation:
 * negative-dimension normalisation and NumPy broadcasting, so that each lives in one place and
 * every error names the operation and the shapes.
 */
public final class Shape {

    /** The shape of a 0-dimensional tensor: no dimensions, one element. */
    public static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final long numel;

    private Shape(int[] dims) {
        this.dims = dims;
        long n = 1;
        for (int d : dims) n *= d;
        this.numel = n;
    }

    /** A shape from sizes; every size must be non-negative and the element count must fit a Java array. */
    public static Shape of(int... dims) {
        if (dims == null) throw new IllegalArgumentException("shape: null dimensions");
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("shape: negative size in " + Arrays.toString(dims));
            n *= d;
            if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(
                    "shape: " + Arrays.toString(dims) + " has more elements than a tensor may hold (2^31 - 9)");
        }
        return new Shape(dims.clone());
    }

    /** A copy of the sizes. */
    public int[] dims() { return dims.clone(); }

    /** The number of dimensions, as {@code len(x.shape)}. */
    public int rank() { return dims.length; }

    /** Size of dimension {@code d}; negative {@code d} counts from the end. */
    public int size(int d) { return dims[normalizeDim("size", d, dims.length)]; }

    /** The number of elements: the product of the sizes (1 for a 0-d shape). */
    public long numel() { return numel; }

    /** Row-major strides of a contiguous tensor of this shape. */
    public int[] contiguousStrides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(dims[i], 1);
        }
        return s;
    }

    int[] raw() { return dims; }

    /** Maps a possibly negative dimension index into {@code [0, rank)}, or throws naming {@code op}. */
    public static int normalizeDim(String op, int dim, int rank) {
        int lo = -Math.max(rank, 1), hi = Math.max(rank, 1) - 1;
        if (dim < lo || dim > hi)
            throw new IllegalArgumentException(op + ": dimension " + dim + " out of range [" + lo + ", " + hi + "] for a tensor of rank " + rank);
        return dim < 0 ? dim + Math.max(rank, 1) : dim;
    }

    /** NumPy broadcasting of two shapes: align at the right, sizes must match or be 1. */
    public static Shape broadcast(String op, Shape a, Shape b) {
        if (a.equals(b)) return a;
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException(op + ": shapes " + a + " and " + b
                        + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    @Override public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(dims, s.dims); }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    @Override public String toString() { return Arrays.toString(dims); }
}
