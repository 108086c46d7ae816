package dev.galvani.tensor.cuda;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Shape;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.backend.ConvolutionKernels;
import dev.galvani.tensor.backend.Operand;

/**
 * {@link ConvolutionKernels} on one CUDA device: im2col + GEMM (conv.cu for the columns, the
 * backend's matmul, cuBLAS where found, for the products), per group and per chunk of the batch so
 * that a column buffer holds at most {@link #COLUMN_BUDGET} elements.
 * <ul>
 *   <li>forward: {@code out[b, g] = W_g [Og, K] cols[b] [K, L]}, one batched product per group
 *       (W broadcast with batch stride 0), K = Cg kH kW, L = oH oW;</li>
 *   <li>input gradient: {@code cols[b] = W_gᵀ gradOut[b, g]}, then col2im as a gather (no atomics);</li>
 *   <li>weight gradient: {@code gradW_g = gradOut_g [Og, nb L] colsᵀ [nb L, K]}: the chunk's images
 *       side by side along the reduction, so the sum over the batch happens inside one product;
 *       chunks after the first are added.</li>
 * </ul>
 */
final class CudaConvolution implements ConvolutionKernels {

    /** The most elements one column buffer holds by default (256 MB of F32). */
    static final long COLUMN_BUDGET = 1L << 26;

    /** The column budget in use (tests lower it to exercise the chunking). */
    static volatile long columnBudget = COLUMN_BUDGET;

    private final CudaBackend backend;

    CudaConvolution(CudaBackend backend) { this.backend = backend; }

    /** The geometry of one call. */
    private record Geometry(int n, int c, int h, int w, int o, int cg, int kh, int kw, int oh, int ow, int groups) {
        static Geometry of(int[] x, int[] weight, int[] out, Conv2dSpec s) {
            return new Geometry(x[0], x[1], x[2], x[3], weight[0], weight[1], weight[2], weight[3], out[2], out[3], s.groups());
        }

        int og() { return o / groups; }

        int k() { return cg * kh * kw; }

        int l() { return oh * ow; }

        /** Images per chunk: as many as fit the column budget, at least one. */
        int chunk() { return (int) Math.max(1, Math.min(n, columnBudget / Math.max(1L, (long) k() * l()))); }
    }

    @Override public void conv2d(Operand x, Operand w, Operand out, Conv2dSpec spec) {
        Geometry g = Geometry.of(x.shape().dims(), w.shape().dims(), out.shape().dims(), spec);
        if (out.numel() == 0) return;
        DType dt = dtype(x);
        int k = g.k(), l = g.l(), og = g.og(), nb = g.chunk();
        CudaStorage wTemp = w.isContiguous() ? null : dense(w);
        Operand weight = wTemp == null ? w : Operand.contiguous(wTemp, w.shape().dims());
        CudaStorage cols = alloc(dt, (long) nb * k * l), product = g.groups() > 1 ? alloc(dt, (long) nb * og * l) : null;
        try {
            for (int n0 = 0; n0 < g.n(); n0 += nb) {
                int b = Math.min(nb, g.n() - n0);
                for (int gi = 0; gi < g.groups(); gi++) {
                    im2col(x, n0, gi, b, g, spec, cols, (long) k * l, l);
                    Operand a = weight.withLayout(new int[]{b, og, k}, new int[]{0, k, 1}, weight.offset() + gi * og * k);
                    Operand columns = view(cols, new int[]{b, k, l}, new int[]{k * l, l, 1}, 0);
                    Operand target = out.withLayout(new int[]{b, og, l}, new int[]{g.o() * l, l, 1}, out.offset() + n0 * g.o() * l + gi * og * l);
                    if (product == null) {
                        backend.matmul(a, columns, target);
                    } else {
                        Operand p = view(product, new int[]{b, og, l}, new int[]{og * l, l, 1}, 0);
                        backend.matmul(a, columns, p);
                        backend.copy(p, target);
                    }
                }
            }
        } finally {
            release(cols, product, wTemp);       // stream-ordered: the work enqueued before reads them first
        }
    }

    @Override public void conv2dInputGrad(Operand gradOut, Operand w, Operand gradIn, Conv2dSpec spec) {
        Geometry g = Geometry.of(gradIn.shape().dims(), w.shape().dims(), gradOut.shape().dims(), spec);
        if (gradIn.numel() == 0) return;
        DType dt = dtype(gradIn);
        int k = g.k(), l = g.l(), og = g.og(), nb = g.chunk();
        CudaStorage wTemp = w.isContiguous() ? null : dense(w), gTemp = gradOut.isContiguous() ? null : dense(gradOut);
        Operand weight = wTemp == null ? w : Operand.contiguous(wTemp, w.shape().dims());
        Operand grad = gTemp == null ? gradOut : Operand.contiguous(gTemp, gradOut.shape().dims());
        CudaStorage cols = alloc(dt, (long) nb * k * l);
        try {
            for (int n0 = 0; n0 < g.n(); n0 += nb) {
                int b = Math.min(nb, g.n() - n0);
                for (int gi = 0; gi < g.groups(); gi++) {
                    Operand a = weight.withLayout(new int[]{b, k, og}, new int[]{0, 1, k}, weight.offset() + gi * og * k);        // W_gᵀ
                    Operand gy = grad.withLayout(new int[]{b, og, l}, new int[]{g.o() * l, l, 1}, grad.offset() + n0 * g.o() * l + gi * og * l);
                    backend.matmul(a, gy, view(cols, new int[]{b, k, l}, new int[]{k * l, l, 1}, 0));
                    long count = (long) b * g.cg() * g.h() * g.w();
                    long at = backend.address(gradIn) + ((long) n0 * g.c() * g.h() * g.w() + (long) gi * g.cg() * g.h() * g.w()) * dt.byteSize();
                    backend.launchFamily(geometry(KernelArgs.of(CudaBackend.named(Kernels.COL2IM, dt)).ptr(cols.address()).ptr(at).i64(count).i32(g.c())
                            .i32(g.cg()).i32(g.h()).i32(g.w()).i32(g.kh()).i32(g.kw()).i32(g.oh()).i32(g.ow()), spec),
                            LaunchGeometry.gridStride(count, backend.context().multiprocessors));
                }
            }
        } finally {
            release(cols, wTemp, gTemp);
        }
    }

    @Override public void conv2dWeightGrad(Operand x, Operand gradOut, Operand gradW, Conv2dSpec spec) {
        Geometry g = Geometry.of(x.shape().dims(), gradW.shape().dims(), gradOut.shape().dims(), spec);
        if (gradW.numel() == 0) return;
        DType dt = dtype(x);
        int k = g.k(), l = g.l(), og = g.og(), nb = g.chunk();
        if (g.n() == 0 || l == 0) { backend.fill(gradW, 0); return; }
        CudaStorage gTemp = gradOut.isContiguous() ? null : dense(gradOut);
        Operand grad = gTemp == null ? gradOut : Operand.contiguous(gTemp, gradOut.shape().dims());
        CudaStorage cols = alloc(dt, (long) nb * k * l), gathered = alloc(dt, (long) og * nb * l);
        CudaStorage partial = nb < g.n() ? alloc(dt, (long) og * k) : null;
        try {
            for (int gi = 0; gi < g.groups(); gi++) {
                Operand target = gradW.withLayout(new int[]{1, og, k}, new int[]{og * k, k, 1}, gradW.offset() + gi * og * k);
                for (int n0 = 0; n0 < g.n(); n0 += nb) {
                    int b = Math.min(nb, g.n() - n0);
                    im2col(x, n0, gi, b, g, spec, cols, l, (long) b * l);                                     // cols as [K, b L]
                    Operand gy = grad.withLayout(new int[]{b, og, l}, new int[]{g.o() * l, l, 1}, grad.offset() + n0 * g.o() * l + gi * og * l);
                    backend.copy(gy, view(gathered, new int[]{b, og, l}, new int[]{l, b * l, 1}, 0));          // gradOut_g as [Og, b L]
                    Operand a = view(gathered, new int[]{1, og, b * l}, new int[]{og * b * l, b * l, 1}, 0);
                    Operand colsT = view(cols, new int[]{1, b * l, k}, new int[]{k * b * l, 1, b * l}, 0);
                    if (n0 == 0) {
                        backend.matmul(a, colsT, target);
                    } else {
                        Operand p = view(partial, new int[]{1, og, k}, new int[]{og * k, k, 1}, 0);
                        backend.matmul(a, colsT, p);
                        backend.binary(BinaryOp.ADD, target, p, target);
                    }
                }
            }
        } finally {
            release(cols, gathered, partial, gTemp);
        }
    }

    /** Columns of images n0 .. n0 + b - 1, group gi, with entry (b, k, l) at b batchStride + k rowStride + l. */
    private void im2col(Operand x, int n0, int gi, int b, Geometry g, Conv2dSpec spec, CudaStorage cols, long batchStride, long rowStride) {
        DType dt = x.dtype();
        int[] xs = x.strides();
        long at = backend.address(x) + ((long) n0 * xs[0] + (long) gi * g.cg() * xs[1]) * dt.byteSize();
        long count = (long) b * g.k() * g.l();
        backend.launchFamily(geometry(KernelArgs.of(CudaBackend.named(Kernels.IM2COL, dt)).ptr(at).ptr(cols.address()).strided(CudaPooling.strided(x))
                .i64(count).i32(g.cg()).i32(g.h()).i32(g.w()).i32(g.kh()).i32(g.kw()).i32(g.oh()).i32(g.ow()), spec).i64(batchStride).i64(rowStride),
                LaunchGeometry.gridStride(count, backend.context().multiprocessors));
    }

    private static KernelArgs geometry(KernelArgs args, Conv2dSpec s) {
        return args.i32(s.strideH()).i32(s.strideW()).i32(s.padH()).i32(s.padW()).i32(s.dilationH()).i32(s.dilationW());
    }

    private CudaStorage alloc(DType dt, long length) {
        if (length > Integer.MAX_VALUE) throw new UnsupportedOperationException("conv2d on " + backend.device() + ": a buffer of " + length + " elements");
        return (CudaStorage) backend.allocateUninitialized(dt, (int) Math.max(1, length));
    }

    private CudaStorage dense(Operand o) {
        CudaStorage s = alloc(o.dtype(), o.numel());
        backend.copy(o, Operand.contiguous(s, o.shape().dims()));
        return s;
    }

    private static Operand view(CudaStorage s, int[] shape, int[] strides, int offset) { return new Operand(s, Shape.of(shape), strides, offset); }

    private static void release(CudaStorage... storages) {
        for (CudaStorage s : storages) if (s != null) s.release();
    }

    private DType dtype(Operand o) {
        DType dt = o.dtype();
        if (dt != DType.F32 && dt != DType.F64) throw new UnsupportedOperationException("conv2d on " + backend.device() + " needs F32 or F64, got " + dt);
        return dt;
    }
}
