package dev.galvani.tensor.cuda;

import java.util.Arrays;

/**
 * Operand layouts as kernels receive them (common.cuh's {@code Shape} and {@code Strided}): the
 * shape an operation iterates over with every dimension that is contiguous for all its operands
 * merged (as the CPU's StridedLoop does), so that a contiguous operation is one dimension and an
 * index costs one division per remaining dimension. Tested on the CPU.
 */
final class CudaLayouts {

    private CudaLayouts() {}

    /** The most dimensions a kernel's layout holds (GALVANI_MAX_DIMS); more falls back to the host. */
    static final int MAX_DIMS = 8;

    /**
     * A merged layout: the iteration shape and, per operand, its strides over that shape.
     * @param shape sizes of the merged dimensions (none of them 1)
     * @param strides per operand, one stride per merged dimension
     */
    record Coalesced(int[] shape, int[][] strides) {
        /** The number of merged dimensions. */
        int rank() { return shape.length; }

        /** Whether kernels can take it ({@link #MAX_DIMS} dimensions or fewer). */
        boolean fits() { return shape.length <= MAX_DIMS; }

        /** common.cuh's {@code Shape}: the rank, then {@code MAX_DIMS} sizes (unused ones 1). */
        int[] shapeStruct() {
            int[] s = new int[MAX_DIMS + 1];
            Arrays.fill(s, 1);
            s[0] = shape.length;
            System.arraycopy(shape, 0, s, 1, shape.length);
            return s;
        }

        /** common.cuh's {@code Strided} of operand {@code i}: its element offset, then {@code MAX_DIMS} strides (unused ones 0). */
        int[] stridedStruct(int i, int offset) {
            int[] s = new int[MAX_DIMS + 1];
            s[0] = offset;
            System.arraycopy(strides[i], 0, s, 1, strides[i].length);
            return s;
        }
    }

    /**
     * Drops size-1 dimensions and merges dimension d into d + 1 wherever, for every operand,
     * {@code stride[d] == stride[d + 1] * shape[d + 1]}: the row-major index of each element is unchanged.
     * @param shape the logical shape (shared by all operands)
     * @param strides each operand's strides over {@code shape}
     */
    static Coalesced coalesce(int[] shape, int[]... strides) {
        int k = strides.length;
        int[] dims = new int[shape.length];
        int[][] st = new int[k][shape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (rank > 0 && mergeable(dims[rank - 1], st, rank - 1, strides, d, shape[d], k)) {
                dims[rank - 1] *= shape[d];
                for (int o = 0; o < k; o++) st[o][rank - 1] = strides[o][d];
                continue;
            }
            dims[rank] = shape[d];
            for (int o = 0; o < k; o++) st[o][rank] = strides[o][d];
            rank++;
        }
        int[][] out = new int[k][];
        for (int o = 0; o < k; o++) out[o] = Arrays.copyOf(st[o], rank);
        return new Coalesced(Arrays.copyOf(dims, rank), out);
    }

    /** Whether the previous merged dimension (index {@code at}) continues into dimension {@code d} for every operand. */
    private static boolean mergeable(int prevSize, int[][] st, int at, int[][] strides, int d, int size, int k) {
        for (int o = 0; o < k; o++) if ((long) st[o][at] != (long) strides[o][d] * size) return false;
        return prevSize > 0;
    }

    /** The strides of {@code strides} at the listed dimensions. */
    static int[] pick(int[] values, int[] dims) {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) out[i] = values[dims[i]];
        return out;
    }
}
