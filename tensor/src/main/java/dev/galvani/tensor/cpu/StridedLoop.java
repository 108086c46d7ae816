package dev.galvani.tensor.cpu;

import java.util.Arrays;

/**
 * Walks several strided operands of one shape in lock step, row by row (a row is a run along the
 * innermost dimension), in parallel over the row-major element range. Dimensions that are
 * contiguous for every operand are merged first, so a dense tensor is one long row.
 * In the spirit of PyTorch's TensorIterator, without its generality.
 */
final class StridedLoop {

    private StridedLoop() {}

    /** Processes {@code n} elements starting at {@code offsets[k]} with stride {@code steps[k]} for operand k. */
    @FunctionalInterface
    interface Row { void run(int n, int[] offsets, int[] steps); }

    /**
     * @param shape   the common shape
     * @param strides per operand, its strides over {@code shape}
     * @param offsets per operand, its starting offset
     * @param grain   elements per thread below which everything runs on the caller
     */
    static void forEachRow(int[] shape, int[][] strides, int[] offsets, int grain, Row row) {
        int ops = strides.length;
        // Drop size-1 dimensions, then merge neighbours that are contiguous for all operands.
        int[] dims = new int[Math.max(shape.length, 1)];
        int[][] st = new int[ops][dims.length];
        int rank = 0;
        long total = 1;
        for (int d = 0; d < shape.length; d++) {
            total *= shape[d];
            if (shape[d] == 1) continue;
            if (rank > 0 && mergeable(st, rank - 1, strides, d, shape[d])) {
                dims[rank - 1] *= shape[d];
                for (int k = 0; k < ops; k++) st[k][rank - 1] = strides[k][d];
            } else {
                dims[rank] = shape[d];
                for (int k = 0; k < ops; k++) st[k][rank] = strides[k][d];
                rank++;
            }
        }
        if (total == 0) return;
        if (rank == 0) {                      // a single element
            dims[0] = 1;
            rank = 1;
        }
        final int r = rank;
        final int[] size = Arrays.copyOf(dims, r);
        Parallel.forRange((int) total, grain, (start, end) -> walk(size, st, offsets, r, start, end, row));
    }

    /** Dimension d (size n) can join the merged dimension m when m's stride is n times d's for all operands. */
    private static boolean mergeable(int[][] merged, int m, int[][] strides, int d, int n) {
        for (int k = 0; k < strides.length; k++)
            if (merged[k][m] != (long) strides[k][d] * n) return false;
        return true;
    }

    private static void walk(int[] size, int[][] st, int[] base, int r, int start, int end, Row row) {
        int ops = st.length;
        int[] idx = new int[r];
        int[] off = new int[ops];
        int[] step = new int[ops];
        int rem = start;
        for (int d = r - 1; d >= 0; d--) {
            idx[d] = rem % size[d];
            rem /= size[d];
        }
        for (int k = 0; k < ops; k++) {
            int o = base[k];
            for (int d = 0; d < r; d++) o += idx[d] * st[k][d];
            off[k] = o;
            step[k] = st[k][r - 1];
        }
        int[] rowOff = new int[ops];
        int inner = size[r - 1];
        for (int pos = start; pos < end; ) {
            int n = Math.min(inner - idx[r - 1], end - pos);
            System.arraycopy(off, 0, rowOff, 0, ops);
            row.run(n, rowOff, step);
            pos += n;
            idx[r - 1] += n;
            for (int k = 0; k < ops; k++) off[k] += n * step[k];
            for (int d = r - 1; d > 0 && idx[d] == size[d]; d--) {
                for (int k = 0; k < ops; k++) off[k] += st[k][d - 1] - idx[d] * st[k][d];
                idx[d] = 0;
                idx[d - 1]++;
            }
        }
    }
}
