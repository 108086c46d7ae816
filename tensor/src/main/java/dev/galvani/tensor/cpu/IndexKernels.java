package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;

/**
 * index_select, gather and scatter_add. Indices arrive as I64; each is checked against the size of
 * the dimension it addresses as it is read, so a bad index fails here, before anything is written
 * that a user sees (the outputs are fresh tensors), and the front end never reads indices back.
 */
final class IndexKernels {

    private IndexKernels() {}

    /** One slice copy per index: each slice is a strided view, copied by the element-wise copy kernel. */
    static void indexSelect(Operand x, int dim, Operand index, Operand out) {
        long[] idx = (long[]) CpuBackend.array(index);
        int n = (int) index.numel(), io = index.offset(), is = index.dim() == 0 ? 0 : index.strides()[0];
        int size = x.size(dim);
        for (int i = 0; i < n; i++) check("indexSelect", idx[io + i * is], size, dim, x);
        long sliceSize = Math.max(1, x.numel() / Math.max(1, size));
        Parallel.forRange(n, (int) Math.max(1, Parallel.ELEMENTWISE_GRAIN / sliceSize), (start, end) -> {
            for (int i = start; i < end; i++)
                ElementwiseKernels.copy(x.select(dim, (int) idx[io + i * is]), out.select(dim, i));
        });
    }

    /** out[..., i_dim, ...] = x[..., index[..., i_dim, ...], ...]. */
    static void gather(Operand x, int dim, Operand index, Operand out) {
        long[] idx = (long[]) CpuBackend.array(index);
        Object xs = CpuBackend.array(x), os = CpuBackend.array(out);
        DType t = x.dtype();
        int[] xStrides = x.strides();
        int step = xStrides[dim], size = x.size(dim);
        xStrides[dim] = 0;
        StridedLoop.forEachRow(out.shape().dims(), new int[][]{out.strides(), index.strides(), xStrides},
                new int[]{out.offset(), index.offset(), x.offset()}, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                    for (int i = 0, oi = o[0], ii = o[1], xi = o[2]; i < n; i++, oi += s[0], ii += s[1], xi += s[2])
                        Scalars.copyElement(xs, xi + check("gather", idx[ii], size, dim, x) * step, os, oi, t);
                });
    }

    /** target[..., index[...], ...] += src[...]; sequential, because two sources may hit one target. */
    static void scatterAdd(Operand target, int dim, Operand index, Operand src) {
        long[] idx = (long[]) CpuBackend.array(index);
        Object ts = CpuBackend.array(target), ss = CpuBackend.array(src);
        DType t = target.dtype();
        int[] tStrides = target.strides();
        int step = tStrides[dim], size = target.size(dim);
        tStrides[dim] = 0;
        StridedLoop.forEachRow(index.shape().dims(), new int[][]{index.strides(), src.strides(), tStrides},
                new int[]{index.offset(), src.offset(), target.offset()}, Integer.MAX_VALUE, (n, o, s) -> {
                    for (int i = 0, ii = o[0], si = o[1], ti = o[2]; i < n; i++, ii += s[0], si += s[1], ti += s[2]) {
                        int at = ti + check("scatterAdd", idx[ii], size, dim, target) * step;
                        switch (t) {
                            case F32 -> ((float[]) ts)[at] += ((float[]) ss)[si];
                            case F64 -> ((double[]) ts)[at] += ((double[]) ss)[si];
                            case I32 -> ((int[]) ts)[at] += ((int[]) ss)[si];
                            case I64 -> ((long[]) ts)[at] += ((long[]) ss)[si];
                            case BOOL -> ((boolean[]) ts)[at] |= ((boolean[]) ss)[si];
                        }
                    }
                });
    }

    /** The index as an int when it addresses one of the {@code size} positions of dimension {@code dim}. */
    private static int check(String op, long index, int size, int dim, Operand x) {
        if (index < 0 || index >= size)
            throw new IndexOutOfBoundsException(op + ": index " + index + " is out of bounds for dimension " + dim + " with size " + size
                    + " (tensor " + x.shape() + ")");
        return (int) index;
    }
}
