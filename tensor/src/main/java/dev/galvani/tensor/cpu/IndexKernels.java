package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;

/** index_select, gather and scatter_add. Indices arrive as I64 and already bounds-checked. */
final class IndexKernels {

    private IndexKernels() {}

    /** One slice copy per index: each slice is a strided view, copied by the element-wise copy kernel. */
    static void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        long[] idx = (long[]) CpuBackend.array(index);
        int n = (int) index.numel(), io = index.offset(), is = index.dim() == 0 ? 0 : index.strides()[0];
        long sliceSize = Math.max(1, x.numel() / Math.max(1, x.size(dim)));
        Parallel.forRange(n, (int) Math.max(1, Parallel.ELEMENTWISE_GRAIN / sliceSize), (start, end) -> {
            for (int i = start; i < end; i++)
                ElementwiseKernels.copy(x.select(dim, (int) idx[io + i * is]), out.select(dim, i));
        });
    }

    /** out[..., i_dim, ...] = x[..., index[..., i_dim, ...], ...]. */
    static void gather(Tensor x, int dim, Tensor index, Tensor out) {
        long[] idx = (long[]) CpuBackend.array(index);
        Object xs = CpuBackend.array(x), os = CpuBackend.array(out);
        DType t = x.dtype();
        int[] xStrides = x.strides();
        int step = xStrides[dim];
        xStrides[dim] = 0;
        StridedLoop.forEachRow(out.shape().dims(), new int[][]{out.strides(), index.strides(), xStrides},
                new int[]{out.offset(), index.offset(), x.offset()}, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                    for (int i = 0, oi = o[0], ii = o[1], xi = o[2]; i < n; i++, oi += s[0], ii += s[1], xi += s[2])
                        Scalars.copyElement(xs, xi + (int) idx[ii] * step, os, oi, t);
                });
    }

    /** target[..., index[...], ...] += src[...]; sequential, because two sources may hit one target. */
    static void scatterAdd(Tensor target, int dim, Tensor index, Tensor src) {
        long[] idx = (long[]) CpuBackend.array(index);
        Object ts = CpuBackend.array(target), ss = CpuBackend.array(src);
        DType t = target.dtype();
        int[] tStrides = target.strides();
        int step = tStrides[dim];
        tStrides[dim] = 0;
        StridedLoop.forEachRow(index.shape().dims(), new int[][]{index.strides(), src.strides(), tStrides},
                new int[]{index.offset(), src.offset(), target.offset()}, Integer.MAX_VALUE, (n, o, s) -> {
                    for (int i = 0, ii = o[0], si = o[1], ti = o[2]; i < n; i++, ii += s[0], si += s[1], ti += s[2]) {
                        int at = ti + (int) idx[ii] * step;
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
}
