package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.Conv2dSpec;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) and its two gradients, F32
 * and F64, by im2col / col2im and {@link Gemm}.
 *
 * <p>For one image and one group, with {@code ckk = C/groups * kH * kW} and {@code P = outH * outW}:
 * <pre>
 *   forward      out[Og, P]     = W[Og, ckk]   · cols[ckk, P]        cols = im2col(x)
 *   input grad   cols[ckk, P]   = W^T[ckk, Og] · gradOut[Og, P]      gradIn += col2im(cols)
 *   weight grad  gradW[Og, ckk] += gradOut[Og, P] · cols^T[P, ckk]
 * </pre>
 * Transposed operands are only strides for Gemm, so nothing is transposed in memory. A 1x1 kernel
 * with stride 1 and no padding needs no im2col at all: the image itself is the [C, P] matrix.
 * Output rows are processed in chunks so that the column buffer (per thread, reused) stays below
 * {@link #COLS_LIMIT} elements whatever the image size. (Writing im2col straight into Gemm's packed
 * panel layout, to skip one pass, measured slower: its writes scatter over the whole buffer, while
 * im2col rows stream and Gemm's packing stays inside L1. Packing from x inside Gemm, implicit GEMM,
 * is the way to drop the pass.)
 *
 * <p>Threads: a batch whose images divide evenly among the threads (or is large, or whose images
 * are small) runs one image per task with serial GEMMs; otherwise images run one after another and
 * each GEMM uses every thread.
 */
final class ConvKernels {

    private ConvKernels() {}

    /** The most elements one thread's column buffer holds (16 MiB of floats). */
    static final int COLS_LIMIT = 1 << 22;

    private static final ThreadLocal<float[][]> F_COLS = ThreadLocal.withInitial(() -> new float[][]{new float[0]});
    private static final ThreadLocal<double[][]> D_COLS = ThreadLocal.withInitial(() -> new double[][]{new double[0]});

    /** Sizes of one convolution, read off its tensors. */
    private record Geo(int n, int c, int h, int w, int o, int cg, int og, int kh, int kw, int oh, int ow, Conv2dSpec s) {

        static Geo of(int[] xShape, int[] wShape, int[] outShape, Conv2dSpec s) {
            return new Geo(xShape[0], xShape[1], xShape[2], xShape[3], wShape[0], wShape[1], wShape[0] / s.groups(),
                    wShape[2], wShape[3], outShape[2], outShape[3], s);
        }

        int ckk() { return cg * kh * kw; }

        int plane() { return oh * ow; }

        boolean pointwise() {
            return kh == 1 && kw == 1 && s.strideH() == 1 && s.strideW() == 1 && s.padH() == 0 && s.padW() == 0;
        }

        /** Output rows per chunk: as many as keep the column buffer under the limit, at least one. */
        int rowsPerChunk() { return (int) Math.max(1, Math.min(oh, COLS_LIMIT / Math.max(1L, (long) ckk() * ow))); }

        long workPerImage() { return (long) o * ckk() * plane(); }
    }

    // =============================================================================================
    // forward
    // =============================================================================================

    static void conv2d(Tensor x, Tensor w, Tensor out, Conv2dSpec spec) {
        Geo g = Geo.of(x.shape().dims(), w.shape().dims(), out.shape().dims(), spec);
        if (out.numel() == 0) return;
        Object X = CpuBackend.array(x), O = CpuBackend.array(out);
        int[] xs = x.strides();
        Dense W = dense(w);
        int ckk = g.ckk(), plane = g.plane(), rows = g.rowsPerChunk();
        int outOff = out.offset();
        boolean direct = g.pointwise() && planeIsUnitStride(xs, g.h, g.w);
        forImages(g.n, g.workPerImage(), img -> {
            for (int gi = 0; gi < spec.groups(); gi++) {
                int xBase = x.offset() + img * xs[0] + gi * g.cg * xs[1];
                int cBase = outOff + (img * g.o + gi * g.og) * plane;
                int wBase = W.offset + gi * g.og * ckk;
                if (direct) {
                    // 1x1: out[Og, P] = W[Og, Cg] · x[Cg, P], the image read in place.
                    gemm(g.og, plane, g.cg, W.array, wBase, ckk, 1, X, xBase, xs[1], 1, O, cBase, plane, false);
                    continue;
                }
                for (int oh0 = 0; oh0 < g.oh; oh0 += rows) {
                    int oh1 = Math.min(g.oh, oh0 + rows), width = (oh1 - oh0) * g.ow;
                    Object cols = colsBuffer(x.dtype(), ckk * width);
                    im2col(g, X, xBase, xs, oh0, oh1, cols);
                    gemm(g.og, width, ckk, W.array, wBase, ckk, 1, cols, 0, width, 1, O, cBase + oh0 * g.ow, plane, false);
                }
            }
        });
    }

    // =============================================================================================
    // gradient with respect to the input
    // =============================================================================================

    static void inputGrad(Tensor gradOut, Tensor w, Tensor gradIn, Conv2dSpec spec) {
        Geo g = Geo.of(gradIn.shape().dims(), w.shape().dims(), gradOut.shape().dims(), spec);
        if (gradIn.numel() == 0) return;
        Object GI = CpuBackend.array(gradIn);
        int[] gs = gradIn.strides();
        Dense W = dense(w), GO = dense(gradOut);
        int ckk = g.ckk(), plane = g.plane(), rows = g.rowsPerChunk();
        boolean direct = g.pointwise() && gradIn.isContiguous();
        forImages(g.n, g.workPerImage(), img -> {
            // Every element of this image's gradient is written below by accumulation: start from zero.
            int giImage = gradIn.offset() + img * gs[0];
            if (!direct) zeroImage(GI, giImage, gs, g.c, g.h, g.w);
            for (int gi = 0; gi < spec.groups(); gi++) {
                int goBase = GO.offset + (img * g.o + gi * g.og) * plane;
                int wBase = W.offset + gi * g.og * ckk;
                int giBase = giImage + gi * g.cg * gs[1];
                if (direct) {
                    // 1x1: gradIn[Cg, P] = W^T[Cg, Og] · gradOut[Og, P], written in place.
                    gemm(g.cg, plane, g.og, W.array, wBase, 1, ckk, GO.array, goBase, plane, 1, GI, giBase, plane, false);
                    continue;
                }
                for (int oh0 = 0; oh0 < g.oh; oh0 += rows) {
                    int oh1 = Math.min(g.oh, oh0 + rows), width = (oh1 - oh0) * g.ow;
                    Object cols = colsBuffer(gradIn.dtype(), ckk * width);
                    gemm(ckk, width, g.og, W.array, wBase, 1, ckk, GO.array, goBase + oh0 * g.ow, plane, 1, cols, 0, width, false);
                    col2im(g, cols, oh0, oh1, GI, giBase, gs);
                }
            }
        });
    }

    // =============================================================================================
    // gradient with respect to the weight
    // =============================================================================================

    static void weightGrad(Tensor x, Tensor gradOut, Tensor gradW, Conv2dSpec spec) {
        Geo g = Geo.of(x.shape().dims(), gradW.shape().dims(), gradOut.shape().dims(), spec);
        if (gradW.numel() == 0) return;
        if (g.n == 0 || g.plane() == 0) {
            // An empty sum: the gradient is zero.
            int[] ws = gradW.strides();
            for (int o = 0; o < g.o; o++) zeroImage(CpuBackend.array(gradW), gradW.offset() + o * ws[0], ws, g.cg, g.kh, g.kw);
            return;
        }
        Object X = CpuBackend.array(x);
        int[] xs = x.strides();
        Dense GO = dense(gradOut);
        int ckk = g.ckk(), plane = g.plane(), rows = g.rowsPerChunk();
        int size = g.o * ckk;
        boolean direct = g.pointwise() && planeIsUnitStride(xs, g.h, g.w);
        // gradW is a sum over images. Images are split into parts, each summed into its own buffer
        // (the first into gradW itself), and the parts are added at the end.
        boolean byImage = byImage(g.n, g.workPerImage());
        int parts = byImage ? Math.min(g.n, Parallel.threads()) : 1;
        Object[] acc = new Object[parts];
        Dense target = gradW.isContiguous() ? new Dense(CpuBackend.array(gradW), gradW.offset()) : new Dense(newArray(gradW.dtype(), size), 0);
        acc[0] = target.array;
        for (int p = 1; p < parts; p++) acc[p] = newArray(gradW.dtype(), size);
        Parallel.forTasks(parts, (p0, p1) -> {
            for (int part = p0; part < p1; part++) {
                Object C = acc[part];
                int cOff = part == 0 ? target.offset : 0;
                int img0 = (int) ((long) g.n * part / parts), img1 = (int) ((long) g.n * (part + 1) / parts);
                for (int img = img0; img < img1; img++) {
                    for (int gi = 0; gi < spec.groups(); gi++) {
                        int goBase = GO.offset + (img * g.o + gi * g.og) * plane;
                        int xBase = x.offset() + img * xs[0] + gi * g.cg * xs[1];
                        int cBase = cOff + gi * g.og * ckk;
                        boolean add = img > img0;      // the first image of a part overwrites
                        if (direct) {
                            // 1x1: gradW[Og, Cg] += gradOut[Og, P] · x^T[P, Cg]
                            gemm(g.og, g.cg, plane, GO.array, goBase, plane, 1, X, xBase, 1, xs[1], C, cBase, ckk, add);
                            continue;
                        }
                        for (int oh0 = 0; oh0 < g.oh; oh0 += rows) {
                            int oh1 = Math.min(g.oh, oh0 + rows), width = (oh1 - oh0) * g.ow;
                            Object cols = colsBuffer(x.dtype(), ckk * width);
                            im2col(g, X, xBase, xs, oh0, oh1, cols);
                            gemm(g.og, ckk, width, GO.array, goBase + oh0 * g.ow, plane, 1, cols, 0, 1, width, C, cBase, ckk, add || oh0 > 0);
                        }
                    }
                }
            }
        });
        for (int p = 1; p < parts; p++) addInto(acc[p], target.array, target.offset, size);
        if (!gradW.isContiguous()) scatterDense(target.array, gradW);
    }

    // =============================================================================================
    // im2col and col2im
    // =============================================================================================

    /**
     * cols[r, q] = x[c, ih, iw] for r = (c, kh, kw) and q = (oh - oh0, ow), zero where the window
     * reaches into the padding. Parallel over channels when the caller is not already a worker.
     */
    private static void im2col(Geo g, Object x, int xBase, int[] xs, int oh0, int oh1, Object cols) {
        int width = (oh1 - oh0) * g.ow;
        int grain = (int) Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1L, (long) g.kh * g.kw * width));
        Parallel.forRange(g.cg, grain, (c0, c1) -> {
            if (x instanceof float[] xf) im2colF(g, xf, xBase, xs, oh0, oh1, (float[]) cols, c0, c1);
            else im2colD(g, (double[]) x, xBase, xs, oh0, oh1, (double[]) cols, c0, c1);
        });
    }

    private static void im2colF(Geo g, float[] x, int xBase, int[] xs, int oh0, int oh1, float[] cols, int c0, int c1) {
        Conv2dSpec s = g.s;
        int width = (oh1 - oh0) * g.ow, sw = s.strideW();
        for (int c = c0; c < c1; c++)
            for (int kh = 0; kh < g.kh; kh++)
                for (int kw = 0; kw < g.kw; kw++) {
                    int rowStart = ((c * g.kh + kh) * g.kw + kw) * width;
                    int dw = kw * s.dilationW() - s.padW();
                    int owLo = validLo(dw, sw, g.ow), owHi = validHi(dw, sw, g.w, g.ow, owLo);
                    for (int oh = oh0; oh < oh1; oh++) {
                        int dst = rowStart + (oh - oh0) * g.ow;
                        int ih = oh * s.strideH() - s.padH() + kh * s.dilationH();
                        if (ih < 0 || ih >= g.h) {
                            Arrays.fill(cols, dst, dst + g.ow, 0f);
                            continue;
                        }
                        Arrays.fill(cols, dst, dst + owLo, 0f);
                        Arrays.fill(cols, dst + owHi, dst + g.ow, 0f);
                        int src = xBase + c * xs[1] + ih * xs[2] + (owLo * sw + dw) * xs[3];
                        if (sw == 1 && xs[3] == 1) {
                            System.arraycopy(x, src, cols, dst + owLo, owHi - owLo);
                        } else {
                            int step = sw * xs[3];
                            for (int ow = owLo; ow < owHi; ow++, src += step) cols[dst + ow] = x[src];
                        }
                    }
                }
    }

    private static void im2colD(Geo g, double[] x, int xBase, int[] xs, int oh0, int oh1, double[] cols, int c0, int c1) {
        Conv2dSpec s = g.s;
        int width = (oh1 - oh0) * g.ow, sw = s.strideW();
        for (int c = c0; c < c1; c++)
            for (int kh = 0; kh < g.kh; kh++)
                for (int kw = 0; kw < g.kw; kw++) {
                    int rowStart = ((c * g.kh + kh) * g.kw + kw) * width;
                    int dw = kw * s.dilationW() - s.padW();
                    int owLo = validLo(dw, sw, g.ow), owHi = validHi(dw, sw, g.w, g.ow, owLo);
                    for (int oh = oh0; oh < oh1; oh++) {
                        int dst = rowStart + (oh - oh0) * g.ow;
                        int ih = oh * s.strideH() - s.padH() + kh * s.dilationH();
                        if (ih < 0 || ih >= g.h) {
                            Arrays.fill(cols, dst, dst + g.ow, 0d);
                            continue;
                        }
                        Arrays.fill(cols, dst, dst + owLo, 0d);
                        Arrays.fill(cols, dst + owHi, dst + g.ow, 0d);
                        int src = xBase + c * xs[1] + ih * xs[2] + (owLo * sw + dw) * xs[3];
                        if (sw == 1 && xs[3] == 1) {
                            System.arraycopy(x, src, cols, dst + owLo, owHi - owLo);
                        } else {
                            int step = sw * xs[3];
                            for (int ow = owLo; ow < owHi; ow++, src += step) cols[dst + ow] = x[src];
                        }
                    }
                }
    }

    /**
     * gradIn[c, ih, iw] += cols[r, q], the adjoint of im2col. Windows overlap, so two rows r of one
     * channel may hit the same element: the work is split by channel, never by row.
     */
    private static void col2im(Geo g, Object cols, int oh0, int oh1, Object gradIn, int giBase, int[] gs) {
        int width = (oh1 - oh0) * g.ow;
        int grain = (int) Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1L, (long) g.kh * g.kw * width));
        Parallel.forRange(g.cg, grain, (c0, c1) -> {
            if (gradIn instanceof float[] gf) col2imF(g, (float[]) cols, oh0, oh1, gf, giBase, gs, c0, c1);
            else col2imD(g, (double[]) cols, oh0, oh1, (double[]) gradIn, giBase, gs, c0, c1);
        });
    }

    private static void col2imF(Geo g, float[] cols, int oh0, int oh1, float[] gi, int giBase, int[] gs, int c0, int c1) {
        Conv2dSpec s = g.s;
        int width = (oh1 - oh0) * g.ow, sw = s.strideW(), step = sw * gs[3];
        for (int c = c0; c < c1; c++)
            for (int kh = 0; kh < g.kh; kh++)
                for (int kw = 0; kw < g.kw; kw++) {
                    int rowStart = ((c * g.kh + kh) * g.kw + kw) * width;
                    int dw = kw * s.dilationW() - s.padW();
                    int owLo = validLo(dw, sw, g.ow), owHi = validHi(dw, sw, g.w, g.ow, owLo);
                    for (int oh = oh0; oh < oh1; oh++) {
                        int ih = oh * s.strideH() - s.padH() + kh * s.dilationH();
                        if (ih < 0 || ih >= g.h) continue;
                        int src = rowStart + (oh - oh0) * g.ow;
                        int dst = giBase + c * gs[1] + ih * gs[2] + (owLo * sw + dw) * gs[3];
                        if (step == 1) {
                            int d0 = dst - owLo;    // a plain loop C2 vectorises
                            for (int ow = owLo; ow < owHi; ow++) gi[d0 + ow] += cols[src + ow];
                        } else {
                            for (int ow = owLo; ow < owHi; ow++, dst += step) gi[dst] += cols[src + ow];
                        }
                    }
                }
    }

    private static void col2imD(Geo g, double[] cols, int oh0, int oh1, double[] gi, int giBase, int[] gs, int c0, int c1) {
        Conv2dSpec s = g.s;
        int width = (oh1 - oh0) * g.ow, sw = s.strideW(), step = sw * gs[3];
        for (int c = c0; c < c1; c++)
            for (int kh = 0; kh < g.kh; kh++)
                for (int kw = 0; kw < g.kw; kw++) {
                    int rowStart = ((c * g.kh + kh) * g.kw + kw) * width;
                    int dw = kw * s.dilationW() - s.padW();
                    int owLo = validLo(dw, sw, g.ow), owHi = validHi(dw, sw, g.w, g.ow, owLo);
                    for (int oh = oh0; oh < oh1; oh++) {
                        int ih = oh * s.strideH() - s.padH() + kh * s.dilationH();
                        if (ih < 0 || ih >= g.h) continue;
                        int src = rowStart + (oh - oh0) * g.ow;
                        int dst = giBase + c * gs[1] + ih * gs[2] + (owLo * sw + dw) * gs[3];
                        if (step == 1) {
                            int d0 = dst - owLo;    // a plain loop C2 vectorises
                            for (int ow = owLo; ow < owHi; ow++) gi[d0 + ow] += cols[src + ow];
                        } else {
                            for (int ow = owLo; ow < owHi; ow++, dst += step) gi[dst] += cols[src + ow];
                        }
                    }
                }
    }

    /** The first output column whose input column {@code ow * stride + dw} is not left of the image. */
    private static int validLo(int dw, int stride, int ow) {
        return Math.min(ow, Math.max(0, Math.ceilDiv(-dw, stride)));
    }

    /** One past the last output column whose input column lies inside an image of width {@code w}. */
    private static int validHi(int dw, int stride, int w, int ow, int lo) {
        return Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 - dw, stride) + 1));
    }

    // =============================================================================================
    // helpers
    // =============================================================================================

    /** Runs body(image) for every image: one task per image when that balances, else in order. */
    private static void forImages(int n, long workPerImage, IntConsumer body) {
        if (byImage(n, workPerImage)) {
            Parallel.forTasks(n, (s, e) -> {
                for (int i = s; i < e; i++) body.accept(i);
            });
        } else {
            for (int i = 0; i < n; i++) body.accept(i);
        }
    }

    /**
     * Images in parallel when every thread gets the same number of them (or so many that the
     * remainder does not matter), or when one image is too small to split; otherwise GEMM threads.
     */
    private static boolean byImage(int n, long workPerImage) {
        int t = Parallel.threads();
        return n > 1 && (workPerImage < Gemm.PARALLEL_MIN || n % t == 0 || n >= 4 * t);
    }

    /** The spatial plane of an [N, C, H, W] tensor is one run of unit stride. */
    private static boolean planeIsUnitStride(int[] strides, int h, int w) {
        return (w == 1 || strides[3] == 1) && (h == 1 || strides[2] == w);
    }

    private static void gemm(int m, int n, int k, Object a, int aOff, int aRs, int aCs, Object b, int bOff, int bRs, int bCs,
                             Object c, int cOff, int ldc, boolean accumulate) {
        if (c instanceof float[] cf) Gemm.sgemm(m, n, k, (float[]) a, aOff, aRs, aCs, (float[]) b, bOff, bRs, bCs, cf, cOff, ldc, accumulate);
        else Gemm.dgemm(m, n, k, (double[]) a, aOff, aRs, aCs, (double[]) b, bOff, bRs, bCs, (double[]) c, cOff, ldc, accumulate);
    }

    /** This thread's column buffer with room for {@code size} elements (grown, never shrunk). */
    private static Object colsBuffer(DType type, int size) {
        if (type == DType.F32) {
            float[][] holder = F_COLS.get();
            if (holder[0].length < size) holder[0] = new float[size];
            return holder[0];
        }
        double[][] holder = D_COLS.get();
        if (holder[0].length < size) holder[0] = new double[size];
        return holder[0];
    }

    private static Object newArray(DType type, int size) {
        return type == DType.F32 ? new float[size] : new double[size];
    }

    private static void zeroImage(Object a, int base, int[] s, int c, int h, int w) {
        for (int ci = 0; ci < c; ci++)
            for (int hi = 0; hi < h; hi++) {
                int row = base + ci * s[1] + hi * s[2];
                if (s[3] == 1) {
                    if (a instanceof float[] f) Arrays.fill(f, row, row + w, 0f);
                    else Arrays.fill((double[]) a, row, row + w, 0d);
                } else {
                    for (int wi = 0; wi < w; wi++) {
                        if (a instanceof float[] f) f[row + wi * s[3]] = 0f;
                        else ((double[]) a)[row + wi * s[3]] = 0d;
                    }
                }
            }
    }

    private static void addInto(Object src, Object dst, int dstOff, int n) {
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < n; i++) d[dstOff + i] += s[i];
        } else {
            double[] s = (double[]) src, d = (double[]) dst;
            for (int i = 0; i < n; i++) d[dstOff + i] += s[i];
        }
    }

    /** An array holding a tensor's elements in row-major order from {@code offset}. */
    private record Dense(Object array, int offset) {}

    /** A 4-D tensor's elements in row-major order: its own storage when contiguous, else a copy. */
    private static Dense dense(Tensor t) {
        if (t.isContiguous()) return new Dense(CpuBackend.array(t), t.offset());
        int[] d = t.shape().dims(), s = t.strides();
        Object src = CpuBackend.array(t);
        int n = (int) t.numel();
        Object dst = newArray(t.dtype(), n);
        int i = 0;
        for (int a = 0; a < d[0]; a++)
            for (int b = 0; b < d[1]; b++)
                for (int c = 0; c < d[2]; c++)
                    for (int e = 0; e < d[3]; e++, i++) {
                        int idx = t.offset() + a * s[0] + b * s[1] + c * s[2] + e * s[3];
                        if (dst instanceof float[] f) f[i] = ((float[]) src)[idx];
                        else ((double[]) dst)[i] = ((double[]) src)[idx];
                    }
        return new Dense(dst, 0);
    }

    /** Copies a row-major array into a 4-D tensor of any strides. */
    private static void scatterDense(Object src, Tensor t) {
        int[] d = t.shape().dims(), s = t.strides();
        Object dst = CpuBackend.array(t);
        int i = 0;
        for (int a = 0; a < d[0]; a++)
            for (int b = 0; b < d[1]; b++)
                for (int c = 0; c < d[2]; c++)
                    for (int e = 0; e < d[3]; e++, i++) {
                        int idx = t.offset() + a * s[0] + b * s[1] + c * s[2] + e * s[3];
                        if (dst instanceof float[] f) f[idx] = ((float[]) src)[i];
                        else ((double[]) dst)[idx] = ((double[]) src)[i];
                    }
    }
}
