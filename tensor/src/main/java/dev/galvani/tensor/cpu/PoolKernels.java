package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.Pool2dSpec;

/**
 * 2-D max and average pooling, forward and backward, F32 and F64, with PyTorch's CPU semantics:
 * <ul>
 *   <li>max: padding counts as -inf; the first maximum in row-major window order wins ties; a NaN
 *       is taken as the maximum (the last NaN of the window, as PyTorch's {@code val > max || isnan(val)}
 *       scan does); the index is {@code h * W + w} within the input plane.</li>
 *   <li>avg: the window is clipped to the padded input (ceil mode may let it overhang past the
 *       padding) and then to the input; the divisor is the clipped-to-padding window size with
 *       {@code countIncludePad}, else the number of input elements summed. No dilation (PyTorch's
 *       avg_pool2d has none); the front end passes 1.</li>
 * </ul>
 * Work is split over the N x C planes; each plane is independent, so the backward scatter needs no
 * synchronisation.
 */
final class PoolKernels {

    private PoolKernels() {}

    /** Planes of [N, C, ...] tensors: plane p is (p / C, p % C). */
    private record Planes(int c, int[] strides, int offset) {
        static Planes of(Operand t) { return new Planes(t.shape().dims()[1], t.strides(), t.offset()); }

        int base(int p) { return offset + (p / c) * strides[0] + (p % c) * strides[1]; }
    }

    private static int grain(int elementsPerPlane) {
        return Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1, elementsPerPlane));
    }

    // =============================================================================================
    // max
    // =============================================================================================

    static void maxPool2d(Operand x, Operand out, Operand indices, Pool2dSpec spec) {
        int[] xd = x.shape().dims(), od = out.shape().dims();
        int planes = xd[0] * xd[1], h = xd[2], w = xd[3], oh = od[2], ow = od[3];
        if (out.numel() == 0) return;
        Planes xp = Planes.of(x), op = Planes.of(out), ip = Planes.of(indices);
        int[] xs = x.strides(), os = out.strides(), is = indices.strides();
        long[] idx = (long[]) CpuBackend.array(indices);
        Object X = CpuBackend.array(x), O = CpuBackend.array(out);
        MaxPool2x2 twoByTwo = X instanceof float[] && MaxPool2x2.applies(spec, xs, h, w, os, is, oh, ow) ? new MaxPool2x2(w, oh, ow) : null;
        Parallel.forRange(planes, grain(oh * ow * spec.kernelH() * spec.kernelW()), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                if (twoByTwo != null)
                    twoByTwo.plane((float[]) X, xp.base(p), (float[]) O, op.base(p), idx, ip.base(p));
                else if (X instanceof float[] xf)
                    maxPlaneF(spec, xf, xp.base(p), xs, h, w, (float[]) O, op.base(p), os, idx, ip.base(p), is, oh, ow);
                else
                    maxPlaneD(spec, (double[]) X, xp.base(p), xs, h, w, (double[]) O, op.base(p), os, idx, ip.base(p), is, oh, ow);
            }
        });
    }

    private static void maxPlaneF(Pool2dSpec s, float[] x, int xb, int[] xs, int h, int w,
                                  float[] out, int ob, int[] os, long[] idx, int ib, int[] is, int oh, int ow) {
        int dh = s.dilationH(), dw = s.dilationW();
        for (int i = 0; i < oh; i++) {
            int h0 = i * s.strideH() - s.padH();
            int h1 = Math.min(h0 + (s.kernelH() - 1) * dh + 1, h);
            h0 = firstInside(h0, dh);
            for (int j = 0; j < ow; j++) {
                int w0 = j * s.strideW() - s.padW();
                int w1 = Math.min(w0 + (s.kernelW() - 1) * dw + 1, w);
                w0 = firstInside(w0, dw);
                float best = Float.NEGATIVE_INFINITY;
                int at = h0 * w + w0;
                for (int y = h0; y < h1; y += dh)
                    for (int z = w0; z < w1; z += dw) {
                        float v = x[xb + y * xs[2] + z * xs[3]];
                        if (v > best || Float.isNaN(v)) {
                            best = v;
                            at = y * w + z;
                        }
                    }
                out[ob + i * os[2] + j * os[3]] = best;
                idx[ib + i * is[2] + j * is[3]] = at;
            }
        }
    }

    private static void maxPlaneD(Pool2dSpec s, double[] x, int xb, int[] xs, int h, int w,
                                  double[] out, int ob, int[] os, long[] idx, int ib, int[] is, int oh, int ow) {
        int dh = s.dilationH(), dw = s.dilationW();
        for (int i = 0; i < oh; i++) {
            int h0 = i * s.strideH() - s.padH();
            int h1 = Math.min(h0 + (s.kernelH() - 1) * dh + 1, h);
            h0 = firstInside(h0, dh);
            for (int j = 0; j < ow; j++) {
                int w0 = j * s.strideW() - s.padW();
                int w1 = Math.min(w0 + (s.kernelW() - 1) * dw + 1, w);
                w0 = firstInside(w0, dw);
                double best = Double.NEGATIVE_INFINITY;
                int at = h0 * w + w0;
                for (int y = h0; y < h1; y += dh)
                    for (int z = w0; z < w1; z += dw) {
                        double v = x[xb + y * xs[2] + z * xs[3]];
                        if (v > best || Double.isNaN(v)) {
                            best = v;
                            at = y * w + z;
                        }
                    }
                out[ob + i * os[2] + j * os[3]] = best;
                idx[ib + i * is[2] + j * is[3]] = at;
            }
        }
    }

    /** The first tap of a dilated window starting at {@code start} that is not in the leading padding. */
    private static int firstInside(int start, int dilation) {
        return start >= 0 ? start : start + Math.ceilDiv(-start, dilation) * dilation;
    }

    static void maxPool2dBackward(Operand gradOut, Operand indices, Operand gradIn, Pool2dSpec spec) {
        int[] gd = gradOut.shape().dims(), id = gradIn.shape().dims();
        int planes = gd[0] * gd[1], oh = gd[2], ow = gd[3], w = id[3];
        if (gradOut.numel() == 0) return;
        Planes gp = Planes.of(gradOut), ip = Planes.of(indices), tp = Planes.of(gradIn);
        int[] gs = gradOut.strides(), is = indices.strides(), ts = gradIn.strides();
        long[] idx = (long[]) CpuBackend.array(indices);
        Object G = CpuBackend.array(gradOut), T = CpuBackend.array(gradIn);
        boolean f32 = gradIn.dtype() == DType.F32;
        // Unit-stride planes (the usual case): an index is the offset in gradIn's plane as it stands,
        // with no division into row and column, and gradOut and indices are read as flat runs.
        boolean flat = ts[3] == 1 && ts[2] == w && gs[3] == 1 && gs[2] == ow && is[3] == 1 && is[2] == ow;
        Parallel.forRange(planes, grain(oh * ow), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int gb = gp.base(p), ib = ip.base(p), tb = tp.base(p);
                if (flat && f32) {
                    float[] tt = (float[]) T, gg = (float[]) G;
                    for (int q = 0; q < oh * ow; q++) tt[tb + (int) idx[ib + q]] += gg[gb + q];
                    continue;
                }
                if (flat) {
                    double[] tt = (double[]) T, gg = (double[]) G;
                    for (int q = 0; q < oh * ow; q++) tt[tb + (int) idx[ib + q]] += gg[gb + q];
                    continue;
                }
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        int at = (int) idx[ib + i * is[2] + j * is[3]];
                        int t = tb + (at / w) * ts[2] + (at % w) * ts[3];
                        int g = gb + i * gs[2] + j * gs[3];
                        if (f32) ((float[]) T)[t] += ((float[]) G)[g];
                        else ((double[]) T)[t] += ((double[]) G)[g];
                    }
            }
        });
    }

    // =============================================================================================
    // average
    // =============================================================================================

    /** One average window: rows [h0, h1) x columns [w0, w1) of the input, and the divisor. */
    private record Window(int h0, int h1, int w0, int w1, int divisor) {

        static Window of(Pool2dSpec s, int i, int j, int h, int w) {
            int h0 = i * s.strideH() - s.padH(), w0 = j * s.strideW() - s.padW();
            int h1 = Math.min(h0 + s.kernelH(), h), w1 = Math.min(w0 + s.kernelW(), w);
            return new Window(Math.max(h0, 0), h1, Math.max(w0, 0), w1, s.avgDivisor(i, j, h, w));
        }

        boolean empty() { return h0 >= h1 || w0 >= w1; }
    }

    static void avgPool2d(Operand x, Operand out, Pool2dSpec spec) {
        int[] xd = x.shape().dims(), od = out.shape().dims();
        int planes = xd[0] * xd[1], h = xd[2], w = xd[3], oh = od[2], ow = od[3];
        if (out.numel() == 0) return;
        Planes xp = Planes.of(x), op = Planes.of(out);
        int[] xs = x.strides(), os = out.strides();
        Object X = CpuBackend.array(x), O = CpuBackend.array(out);
        Parallel.forRange(planes, grain(oh * ow * spec.kernelH() * spec.kernelW()), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xb = xp.base(p), ob = op.base(p);
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        Window win = Window.of(spec, i, j, h, w);
                        int o = ob + i * os[2] + j * os[3];
                        if (X instanceof float[] xf) {
                            float sum = 0;
                            if (!win.empty())
                                for (int y = win.h0(); y < win.h1(); y++)
                                    for (int z = win.w0(); z < win.w1(); z++) sum += xf[xb + y * xs[2] + z * xs[3]];
                            ((float[]) O)[o] = win.empty() ? 0f : sum / win.divisor();
                        } else {
                            double[] xd2 = (double[]) X;
                            double sum = 0;
                            if (!win.empty())
                                for (int y = win.h0(); y < win.h1(); y++)
                                    for (int z = win.w0(); z < win.w1(); z++) sum += xd2[xb + y * xs[2] + z * xs[3]];
                            ((double[]) O)[o] = win.empty() ? 0d : sum / win.divisor();
                        }
                    }
            }
        });
    }

    static void avgPool2dBackward(Operand gradOut, Operand gradIn, Pool2dSpec spec) {
        int[] gd = gradOut.shape().dims(), id = gradIn.shape().dims();
        int planes = gd[0] * gd[1], oh = gd[2], ow = gd[3], h = id[2], w = id[3];
        if (gradOut.numel() == 0) return;
        Planes gp = Planes.of(gradOut), tp = Planes.of(gradIn);
        int[] gs = gradOut.strides(), ts = gradIn.strides();
        Object G = CpuBackend.array(gradOut), T = CpuBackend.array(gradIn);
        Parallel.forRange(planes, grain(oh * ow * spec.kernelH() * spec.kernelW()), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int gb = gp.base(p), tb = tp.base(p);
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        Window win = Window.of(spec, i, j, h, w);
                        if (win.empty()) continue;
                        int g = gb + i * gs[2] + j * gs[3];
                        if (T instanceof float[] tf) {
                            float share = ((float[]) G)[g] / win.divisor();
                            for (int y = win.h0(); y < win.h1(); y++)
                                for (int z = win.w0(); z < win.w1(); z++) tf[tb + y * ts[2] + z * ts[3]] += share;
                        } else {
                            double[] td = (double[]) T;
                            double share = ((double[]) G)[g] / win.divisor();
                            for (int y = win.h0(); y < win.h1(); y++)
                                for (int z = win.w0(); z < win.w1(); z++) td[tb + y * ts[2] + z * ts[3]] += share;
                        }
                    }
            }
        });
    }
}
