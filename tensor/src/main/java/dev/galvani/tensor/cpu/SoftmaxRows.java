package dev.galvani.tensor.cpu;

import static dev.galvani.tensor.cpu.Simd.D;
import static dev.galvani.tensor.cpu.Simd.DL;
import static dev.galvani.tensor.cpu.Simd.F;
import static dev.galvani.tensor.cpu.Simd.FL;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The CPU's {@link dev.galvani.tensor.backend.SoftmaxKernels}: softmax, log-softmax and their
 * backward passes on {@code [outer, n, inner]} operands, one row of n elements per (outer, inner)
 * pair. Rows are split over Galvani's pool; each row is done by one thread, in vector lanes, so the
 * result does not depend on the thread count at all. Where the softmax dimension is not the last and
 * the dimensions after it have unit stride, adjacent rows are adjacent columns and one vector lane
 * follows each row ({@code forwardColumns}, {@code backwardColumns}). Any other row whose elements are
 * not adjacent (a strided view) is gathered into a per-thread row first, and its result staged there
 * and scattered, so every layout reaches the same contiguous row kernels.
 *
 * <p>Row kernels, per the family's formulas: the maximum, then {@code exp(x - max)} (VectorMath's
 * exp, never the Vector API's transcendental lanes, see VectorMath) written out and summed, then one
 * pass that divides by the sum (softmax) or writes {@code (x - max) - log(sum)} (log-softmax). Sums
 * accumulate per lane and the lanes are added in lane order; the last partial vector is masked, so
 * every element takes the same path. Accumulator vectors live in a small per-thread array rather
 * than in a loop-carried vector, which C2 would box (architecture.md, "Vector API pitfalls").
 */
final class SoftmaxRows {

    private SoftmaxRows() {}

    /** Per-thread rows: [0] and [1] gathered inputs, [2] a staged output, grown to the longest row met; [3] the lanes. */
    private static final ThreadLocal<float[][]> F_ROWS = ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[0], new float[0], new float[FL]});
    private static final ThreadLocal<double[][]> D_ROWS = ThreadLocal.withInitial(() -> new double[][]{new double[0], new double[0], new double[0], new double[DL]});

    /** Where the rows of an {@code [outer, n, inner]} operand lie: row r = (r / inner, r % inner). */
    private record Rows(int offset, int outerStride, int step, int innerStride, int inner) {
        static Rows of(Operand o) {
            int[] s = o.strides();
            return new Rows(o.offset(), s[0], s[1], s[2], o.shape().dims()[2]);
        }

        int start(int row) {
            int q = row / inner;
            return offset + q * outerStride + (row - q * inner) * innerStride;
        }

        boolean unitStep(int n) { return step == 1 || n == 1; }
    }

    /** Rows per task: a row is one thread's, and small rows are grouped so a task has work worth splitting. */
    private static int grain(int n) { return Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(n, 1)); }

    static void softmax(Operand x, Operand out, boolean log) {
        int[] dims = out.shape().dims();
        int n = dims[1], rows = dims[0] * dims[2];
        Rows rx = Rows.of(x), ro = Rows.of(out);
        if (dims[2] > 1 && n > 1 && rx.innerStride == 1) {
            softmaxColumns(x, out, log);
            return;
        }
        if (out.dtype() == DType.F32) {
            float[] xs = (float[]) CpuBackend.array(x), os = (float[]) CpuBackend.array(out);
            Parallel.forRange(rows, grain(n), (from, to) -> {
                float[][] t = floatRows(n);
                for (int r = from; r < to; r++) {
                    int xo = rx.start(r), oo = ro.start(r);
                    float[] src = xs, dst = ro.unitStep(n) ? os : t[2];
                    if (!rx.unitStep(n)) { ElementwiseKernels.gather(xs, xo, rx.step, t[0], n); src = t[0]; xo = 0; }
                    forward(src, xo, dst, dst == os ? oo : 0, n, log, t[3]);
                    if (dst != os) scatter(t[2], os, oo, ro.step, n);
                }
            });
        } else if (out.dtype() == DType.F64) {
            double[] xs = (double[]) CpuBackend.array(x), os = (double[]) CpuBackend.array(out);
            Parallel.forRange(rows, grain(n), (from, to) -> {
                double[][] t = doubleRows(n);
                for (int r = from; r < to; r++) {
                    int xo = rx.start(r), oo = ro.start(r);
                    double[] src = xs, dst = ro.unitStep(n) ? os : t[2];
                    if (!rx.unitStep(n)) { ElementwiseKernels.gather(xs, xo, rx.step, t[0], n); src = t[0]; xo = 0; }
                    forward(src, xo, dst, dst == os ? oo : 0, n, log, t[3]);
                    if (dst != os) scatter(t[2], os, oo, ro.step, n);
                }
            });
        } else {
            throw new IllegalArgumentException("softmax: needs F32 or F64, got " + out.dtype());
        }
    }

    static void softmaxBackward(Operand grad, Operand y, Operand out, boolean log) {
        int[] dims = out.shape().dims();
        int n = dims[1], rows = dims[0] * dims[2];
        Rows rg = Rows.of(grad), ry = Rows.of(y), ro = Rows.of(out);
        if (dims[2] > 1 && n > 1 && rg.innerStride == 1 && ry.innerStride == 1) {
            softmaxBackwardColumns(grad, y, out, log);
            return;
        }
        if (out.dtype() == DType.F32) {
            float[] gs = (float[]) CpuBackend.array(grad), ys = (float[]) CpuBackend.array(y), os = (float[]) CpuBackend.array(out);
            Parallel.forRange(rows, grain(n), (from, to) -> {
                float[][] t = floatRows(n);
                for (int r = from; r < to; r++) {
                    int go = rg.start(r), yo = ry.start(r), oo = ro.start(r);
                    float[] g = gs, yv = ys, dst = ro.unitStep(n) ? os : t[2];
                    if (!rg.unitStep(n)) { ElementwiseKernels.gather(gs, go, rg.step, t[0], n); g = t[0]; go = 0; }
                    if (!ry.unitStep(n)) { ElementwiseKernels.gather(ys, yo, ry.step, t[1], n); yv = t[1]; yo = 0; }
                    backward(g, go, yv, yo, dst, dst == os ? oo : 0, n, log, t[3]);
                    if (dst != os) scatter(t[2], os, oo, ro.step, n);
                }
            });
        } else if (out.dtype() == DType.F64) {
            double[] gs = (double[]) CpuBackend.array(grad), ys = (double[]) CpuBackend.array(y), os = (double[]) CpuBackend.array(out);
            Parallel.forRange(rows, grain(n), (from, to) -> {
                double[][] t = doubleRows(n);
                for (int r = from; r < to; r++) {
                    int go = rg.start(r), yo = ry.start(r), oo = ro.start(r);
                    double[] g = gs, yv = ys, dst = ro.unitStep(n) ? os : t[2];
                    if (!rg.unitStep(n)) { ElementwiseKernels.gather(gs, go, rg.step, t[0], n); g = t[0]; go = 0; }
                    if (!ry.unitStep(n)) { ElementwiseKernels.gather(ys, yo, ry.step, t[1], n); yv = t[1]; yo = 0; }
                    backward(g, go, yv, yo, dst, dst == os ? oo : 0, n, log, t[3]);
                    if (dst != os) scatter(t[2], os, oo, ro.step, n);
                }
            });
        } else {
            throw new IllegalArgumentException("softmaxBackward: needs F32 or F64, got " + out.dtype());
        }
    }

    // ---- the softmax dimension not last: a row per vector lane ------------------------------------
    // Where the inner dimension has unit stride, the rows of `width` adjacent inner indices are `width`
    // adjacent columns: one vector holds one element of each, so each lane does one row's passes over
    // k = 0 .. n - 1 in order, with no gathering. A task is one (outer, block of columns) pair.

    private static void softmaxColumns(Operand x, Operand out, boolean log) {
        int[] dims = out.shape().dims();
        int outer = dims[0], n = dims[1], inner = dims[2];
        Rows rx = Rows.of(x), ro = Rows.of(out);
        boolean f32 = out.dtype() == DType.F32;
        if (!f32 && out.dtype() != DType.F64) throw new IllegalArgumentException("softmax: needs F32 or F64, got " + out.dtype());
        int width = f32 ? FL : DL, blocks = Math.ceilDiv(inner, width);
        Object xs = CpuBackend.array(x), os = CpuBackend.array(out);
        Parallel.forRange(outer * blocks, Math.max(1, Parallel.ELEMENTWISE_GRAIN / (n * width)), (from, to) -> {
            for (int t = from; t < to; t++) {
                int o = t / blocks, i = (t - o * blocks) * width;
                int xo = rx.offset + o * rx.outerStride + i, oo = ro.offset + o * ro.outerStride + i;
                if (f32) forwardColumns((float[]) xs, xo, rx.step, (float[]) os, oo, ro.step, n, F.indexInRange(i, inner), log, F_ROWS.get()[3]);
                else forwardColumns((double[]) xs, xo, rx.step, (double[]) os, oo, ro.step, n, D.indexInRange(i, inner), log, D_ROWS.get()[3]);
            }
        });
    }

    private static void softmaxBackwardColumns(Operand grad, Operand y, Operand out, boolean log) {
        int[] dims = out.shape().dims();
        int outer = dims[0], n = dims[1], inner = dims[2];
        Rows rg = Rows.of(grad), ry = Rows.of(y), ro = Rows.of(out);
        boolean f32 = out.dtype() == DType.F32;
        if (!f32 && out.dtype() != DType.F64) throw new IllegalArgumentException("softmaxBackward: needs F32 or F64, got " + out.dtype());
        int width = f32 ? FL : DL, blocks = Math.ceilDiv(inner, width);
        Object gs = CpuBackend.array(grad), ys = CpuBackend.array(y), os = CpuBackend.array(out);
        Parallel.forRange(outer * blocks, Math.max(1, Parallel.ELEMENTWISE_GRAIN / (n * width)), (from, to) -> {
            for (int t = from; t < to; t++) {
                int o = t / blocks, i = (t - o * blocks) * width;
                int go = rg.offset + o * rg.outerStride + i, yo = ry.offset + o * ry.outerStride + i, oo = ro.offset + o * ro.outerStride + i;
                if (f32) backwardColumns((float[]) gs, go, rg.step, (float[]) ys, yo, ry.step, (float[]) os, oo, ro.step, n, F.indexInRange(i, inner),
                        log, F_ROWS.get()[3]);
                else backwardColumns((double[]) gs, go, rg.step, (double[]) ys, yo, ry.step, (double[]) os, oo, ro.step, n, D.indexInRange(i, inner),
                        log, D_ROWS.get()[3]);
            }
        });
    }

    /**
     * One lane per row: x's k-th elements at xo + k xStep, y's at yo + k yStep, the lanes of m. Lanes
     * outside m read nothing (masked loads give 0) and are never stored.
     */
    static void forwardColumns(float[] x, int xo, int xStep, float[] y, int yo, int yStep, int n, VectorMask<Float> m, boolean log, float[] lanes) {
        FloatVector.broadcast(F, Float.NEGATIVE_INFINITY).intoArray(lanes, 0);
        for (int k = 0; k < n; k++)
            FloatVector.fromArray(F, lanes, 0).max(FloatVector.fromArray(F, x, xo + k * xStep, m)).intoArray(lanes, 0);
        FloatVector max = FloatVector.fromArray(F, lanes, 0);
        FloatVector.zero(F).intoArray(lanes, 0);
        for (int k = 0; k < n; k++) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xo + k * xStep, m).sub(max));
            e.intoArray(y, yo + k * yStep, m);
            FloatVector.fromArray(F, lanes, 0).add(e).intoArray(lanes, 0);
        }
        if (log) {
            for (int l = 0; l < FL; l++) lanes[l] = (float) StrictMath.log(lanes[l]);
            FloatVector logSum = FloatVector.fromArray(F, lanes, 0);
            for (int k = 0; k < n; k++)
                FloatVector.fromArray(F, x, xo + k * xStep, m).sub(max).sub(logSum).intoArray(y, yo + k * yStep, m);
        } else {
            FloatVector sum = FloatVector.fromArray(F, lanes, 0);
            for (int k = 0; k < n; k++)
                FloatVector.fromArray(F, y, yo + k * yStep, m).div(sum).intoArray(y, yo + k * yStep, m);
        }
    }

    /** The backward pass with one lane per row, laid out as in {@link #forwardColumns(float[], int, int, float[], int, int, int, VectorMask, boolean, float[])}. */
    static void backwardColumns(float[] g, int go, int gStep, float[] y, int yo, int yStep, float[] out, int oo, int oStep, int n, VectorMask<Float> m,
                                boolean log, float[] lanes) {
        FloatVector.zero(F).intoArray(lanes, 0);
        if (log) {
            for (int k = 0; k < n; k++)
                FloatVector.fromArray(F, lanes, 0).add(FloatVector.fromArray(F, g, go + k * gStep, m)).intoArray(lanes, 0);
            FloatVector sum = FloatVector.fromArray(F, lanes, 0);
            for (int k = 0; k < n; k++) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(F, y, yo + k * yStep, m));
                FloatVector.fromArray(F, g, go + k * gStep, m).sub(e.mul(sum)).intoArray(out, oo + k * oStep, m);
            }
        } else {
            for (int k = 0; k < n; k++) {
                FloatVector p = FloatVector.fromArray(F, g, go + k * gStep, m).mul(FloatVector.fromArray(F, y, yo + k * yStep, m));
                FloatVector.fromArray(F, lanes, 0).add(p).intoArray(lanes, 0);
            }
            FloatVector dot = FloatVector.fromArray(F, lanes, 0);
            for (int k = 0; k < n; k++)
                FloatVector.fromArray(F, y, yo + k * yStep, m).mul(FloatVector.fromArray(F, g, go + k * gStep, m).sub(dot)).intoArray(out, oo + k * oStep, m);
        }
    }

    static void forwardColumns(double[] x, int xo, int xStep, double[] y, int yo, int yStep, int n, VectorMask<Double> m, boolean log, double[] lanes) {
        DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY).intoArray(lanes, 0);
        for (int k = 0; k < n; k++)
            DoubleVector.fromArray(D, lanes, 0).max(DoubleVector.fromArray(D, x, xo + k * xStep, m)).intoArray(lanes, 0);
        DoubleVector max = DoubleVector.fromArray(D, lanes, 0);
        DoubleVector.zero(D).intoArray(lanes, 0);
        for (int k = 0; k < n; k++) {
            DoubleVector e = VectorMath.exp(DoubleVector.fromArray(D, x, xo + k * xStep, m).sub(max));
            e.intoArray(y, yo + k * yStep, m);
            DoubleVector.fromArray(D, lanes, 0).add(e).intoArray(lanes, 0);
        }
        if (log) {
            for (int l = 0; l < DL; l++) lanes[l] = StrictMath.log(lanes[l]);
            DoubleVector logSum = DoubleVector.fromArray(D, lanes, 0);
            for (int k = 0; k < n; k++)
                DoubleVector.fromArray(D, x, xo + k * xStep, m).sub(max).sub(logSum).intoArray(y, yo + k * yStep, m);
        } else {
            DoubleVector sum = DoubleVector.fromArray(D, lanes, 0);
            for (int k = 0; k < n; k++)
                DoubleVector.fromArray(D, y, yo + k * yStep, m).div(sum).intoArray(y, yo + k * yStep, m);
        }
    }

    static void backwardColumns(double[] g, int go, int gStep, double[] y, int yo, int yStep, double[] out, int oo, int oStep, int n, VectorMask<Double> m,
                                boolean log, double[] lanes) {
        DoubleVector.zero(D).intoArray(lanes, 0);
        if (log) {
            for (int k = 0; k < n; k++)
                DoubleVector.fromArray(D, lanes, 0).add(DoubleVector.fromArray(D, g, go + k * gStep, m)).intoArray(lanes, 0);
            DoubleVector sum = DoubleVector.fromArray(D, lanes, 0);
            for (int k = 0; k < n; k++) {
                DoubleVector e = VectorMath.exp(DoubleVector.fromArray(D, y, yo + k * yStep, m));
                DoubleVector.fromArray(D, g, go + k * gStep, m).sub(e.mul(sum)).intoArray(out, oo + k * oStep, m);
            }
        } else {
            for (int k = 0; k < n; k++) {
                DoubleVector p = DoubleVector.fromArray(D, g, go + k * gStep, m).mul(DoubleVector.fromArray(D, y, yo + k * yStep, m));
                DoubleVector.fromArray(D, lanes, 0).add(p).intoArray(lanes, 0);
            }
            DoubleVector dot = DoubleVector.fromArray(D, lanes, 0);
            for (int k = 0; k < n; k++)
                DoubleVector.fromArray(D, y, yo + k * yStep, m).mul(DoubleVector.fromArray(D, g, go + k * gStep, m).sub(dot)).intoArray(out, oo + k * oStep, m);
        }
    }

    private static float[][] floatRows(int n) {
        float[][] t = F_ROWS.get();
        if (t[0].length < n) for (int i = 0; i < 3; i++) t[i] = new float[n];
        return t;
    }

    private static double[][] doubleRows(int n) {
        double[][] t = D_ROWS.get();
        if (t[0].length < n) for (int i = 0; i < 3; i++) t[i] = new double[n];
        return t;
    }

    private static void scatter(float[] row, float[] dst, int from, int stride, int n) {
        for (int i = 0, j = from; i < n; i++, j += stride) dst[j] = row[i];
    }

    private static void scatter(double[] row, double[] dst, int from, int stride, int n) {
        for (int i = 0, j = from; i < n; i++, j += stride) dst[j] = row[i];
    }

    // ---- F32 rows -------------------------------------------------------------------------------

    /** One contiguous row: y = softmax(x), or log-softmax. x and y do not overlap. */
    static void forward(float[] x, int xo, float[] y, int yo, int n, boolean log, float[] lanes) {
        float max = max(x, xo, n, lanes);
        float sum = expAndSum(x, xo, max, y, yo, n, lanes);
        if (log) shiftedMinus(x, xo, max, (float) StrictMath.log(sum), y, yo, n);
        else divide(y, yo, sum, n);
    }

    /** One contiguous row of the backward pass: out = y (g - sum(g y)), or g - exp(y) sum(g). */
    static void backward(float[] g, int go, float[] y, int yo, float[] out, int oo, int n, boolean log, float[] lanes) {
        if (log) gMinusExpYTimes(g, go, y, yo, sum(g, go, n, lanes), out, oo, n);
        else yTimesGMinus(g, go, y, yo, dot(g, go, y, yo, n, lanes), out, oo, n);
    }

    /** The row's maximum; NaN if an element is (the MAX lanes follow {@code Math.max}). */
    private static float max(float[] x, int xo, int n, float[] lanes) {
        FloatVector.broadcast(F, Float.NEGATIVE_INFINITY).intoArray(lanes, 0);
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, lanes, 0).lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, xo + i, m), m).intoArray(lanes, 0);
        }
        float r = lanes[0];
        for (int l = 1; l < FL; l++) r = Math.max(r, lanes[l]);
        return r;
    }

    /** y = exp(x - max), returning the sum of y. */
    private static float expAndSum(float[] x, int xo, float max, float[] y, int yo, int n, float[] lanes) {
        FloatVector shift = FloatVector.broadcast(F, max);
        FloatVector.zero(F).intoArray(lanes, 0);
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xo + i, m).sub(shift));
            e.intoArray(y, yo + i, m);
            FloatVector.fromArray(F, lanes, 0).add(e, m).intoArray(lanes, 0);
        }
        return laneSum(lanes);
    }

    private static float sum(float[] g, int go, int n, float[] lanes) {
        FloatVector.zero(F).intoArray(lanes, 0);
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, lanes, 0).add(FloatVector.fromArray(F, g, go + i, m), m).intoArray(lanes, 0);
        }
        return laneSum(lanes);
    }

    private static float dot(float[] g, int go, float[] y, int yo, int n, float[] lanes) {
        FloatVector.zero(F).intoArray(lanes, 0);
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector p = FloatVector.fromArray(F, g, go + i, m).mul(FloatVector.fromArray(F, y, yo + i, m));
            FloatVector.fromArray(F, lanes, 0).add(p, m).intoArray(lanes, 0);
        }
        return laneSum(lanes);
    }

    private static float laneSum(float[] lanes) {
        float s = lanes[0];
        for (int l = 1; l < FL; l++) s += lanes[l];
        return s;
    }

    private static void divide(float[] y, int yo, float sum, int n) {
        FloatVector s = FloatVector.broadcast(F, sum);
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, y, yo + i, m).div(s).intoArray(y, yo + i, m);
        }
    }

    /** y = (x - max) - logSum. */
    private static void shiftedMinus(float[] x, int xo, float max, float logSum, float[] y, int yo, int n) {
        FloatVector shift = FloatVector.broadcast(F, max), ls = FloatVector.broadcast(F, logSum);
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xo + i, m).sub(shift).sub(ls).intoArray(y, yo + i, m);
        }
    }

    private static void yTimesGMinus(float[] g, int go, float[] y, int yo, float dot, float[] out, int oo, int n) {
        FloatVector d = FloatVector.broadcast(F, dot);
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, y, yo + i, m).mul(FloatVector.fromArray(F, g, go + i, m).sub(d)).intoArray(out, oo + i, m);
        }
    }

    private static void gMinusExpYTimes(float[] g, int go, float[] y, int yo, float sum, float[] out, int oo, int n) {
        FloatVector s = FloatVector.broadcast(F, sum);
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, y, yo + i, m));
            FloatVector.fromArray(F, g, go + i, m).sub(e.mul(s)).intoArray(out, oo + i, m);
        }
    }

    // ---- F64 rows: the same passes in double lanes ------------------------------------------------

    static void forward(double[] x, int xo, double[] y, int yo, int n, boolean log, double[] lanes) {
        double max = max(x, xo, n, lanes);
        double sum = expAndSum(x, xo, max, y, yo, n, lanes);
        if (log) shiftedMinus(x, xo, max, StrictMath.log(sum), y, yo, n);
        else divide(y, yo, sum, n);
    }

    static void backward(double[] g, int go, double[] y, int yo, double[] out, int oo, int n, boolean log, double[] lanes) {
        if (log) gMinusExpYTimes(g, go, y, yo, sum(g, go, n, lanes), out, oo, n);
        else yTimesGMinus(g, go, y, yo, dot(g, go, y, yo, n, lanes), out, oo, n);
    }

    private static double max(double[] x, int xo, int n, double[] lanes) {
        DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY).intoArray(lanes, 0);
        for (int i = 0; i < n; i += DL) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, lanes, 0).lanewise(VectorOperators.MAX, DoubleVector.fromArray(D, x, xo + i, m), m).intoArray(lanes, 0);
        }
        double r = lanes[0];
        for (int l = 1; l < DL; l++) r = Math.max(r, lanes[l]);
        return r;
    }

    private static double expAndSum(double[] x, int xo, double max, double[] y, int yo, int n, double[] lanes) {
        DoubleVector shift = DoubleVector.broadcast(D, max);
        DoubleVector.zero(D).intoArray(lanes, 0);
        for (int i = 0; i < n; i += DL) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector e = VectorMath.exp(DoubleVector.fromArray(D, x, xo + i, m).sub(shift));
            e.intoArray(y, yo + i, m);
            DoubleVector.fromArray(D, lanes, 0).add(e, m).intoArray(lanes, 0);
        }
        return laneSum(lanes);
    }

    private static double sum(double[] g, int go, int n, double[] lanes) {
        DoubleVector.zero(D).intoArray(lanes, 0);
        for (int i = 0; i < n; i += DL) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, lanes, 0).add(DoubleVector.fromArray(D, g, go + i, m), m).intoArray(lanes, 0);
        }
        return laneSum(lanes);
    }

    private static double dot(double[] g, int go, double[] y, int yo, int n, double[] lanes) {
        DoubleVector.zero(D).intoArray(lanes, 0);
        for (int i = 0; i < n; i += DL) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector p = DoubleVector.fromArray(D, g, go + i, m).mul(DoubleVector.fromArray(D, y, yo + i, m));
            DoubleVector.fromArray(D, lanes, 0).add(p, m).intoArray(lanes, 0);
        }
        return laneSum(lanes);
    }

    private static double laneSum(double[] lanes) {
        double s = lanes[0];
        for (int l = 1; l < DL; l++) s += lanes[l];
        return s;
    }

    private static void divide(double[] y, int yo, double sum, int n) {
        DoubleVector s = DoubleVector.broadcast(D, sum);
        for (int i = 0; i < n; i += DL) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, y, yo + i, m).div(s).intoArray(y, yo + i, m);
        }
    }

    private static void shiftedMinus(double[] x, int xo, double max, double logSum, double[] y, int yo, int n) {
        DoubleVector shift = DoubleVector.broadcast(D, max), ls = DoubleVector.broadcast(D, logSum);
        for (int i = 0; i < n; i += DL) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, x, xo + i, m).sub(shift).sub(ls).intoArray(y, yo + i, m);
        }
    }

    private static void yTimesGMinus(double[] g, int go, double[] y, int yo, double dot, double[] out, int oo, int n) {
        DoubleVector d = DoubleVector.broadcast(D, dot);
        for (int i = 0; i < n; i += DL) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, y, yo + i, m).mul(DoubleVector.fromArray(D, g, go + i, m).sub(d)).intoArray(out, oo + i, m);
        }
    }

    private static void gMinusExpYTimes(double[] g, int go, double[] y, int yo, double sum, double[] out, int oo, int n) {
        DoubleVector s = DoubleVector.broadcast(D, sum);
        for (int i = 0; i < n; i += DL) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector e = VectorMath.exp(DoubleVector.fromArray(D, y, yo + i, m));
            DoubleVector.fromArray(D, g, go + i, m).sub(e.mul(s)).intoArray(out, oo + i, m);
        }
    }
}
