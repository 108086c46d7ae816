package dev.galvani.tensor.cpu;

import static dev.galvani.tensor.cpu.Simd.BLOCK;
import static dev.galvani.tensor.cpu.Simd.D;
import static dev.galvani.tensor.cpu.Simd.DL;
import static dev.galvani.tensor.cpu.Simd.F;
import static dev.galvani.tensor.cpu.Simd.FL;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The CPU's {@link dev.galvani.tensor.backend.ActivationKernels}: ReLU's and GELU's backward passes
 * in one pass over (grad, saved), strided operands gathered into scratch rows as in
 * {@link ElementwiseKernels}. GELU's derivative comes from {@link ErfLanes}.
 */
final class ActivationGradKernels {

    private ActivationGradKernels() {}

    /** The per-row kernels of one activation, on contiguous rows. */
    private interface RowF32 { void apply(float[] g, int go, float[] s, int so, float[] res, int ro, int n); }

    private interface RowF64 { void apply(double[] g, int go, double[] s, int so, double[] res, int ro, int n); }

    static void reluBackward(Operand grad, Operand output, Operand out) {
        run(grad, output, out, ActivationGradKernels::reluF32, ActivationGradKernels::reluF64);
    }

    static void geluBackward(Operand grad, Operand x, Operand out) {
        run(grad, x, out, (g, go, s, so, r, ro, n) -> ErfLanes.apply(ErfLanes.Kind.GELU_BACKWARD, g, go, s, so, r, ro, n),
                (g, go, s, so, r, ro, n) -> ErfLanes.apply(ErfLanes.Kind.GELU_BACKWARD, g, go, s, so, r, ro, n));
    }

    private static void run(Operand grad, Operand saved, Operand out, RowF32 f32, RowF64 f64) {
        Object gs = CpuBackend.array(grad), ss = CpuBackend.array(saved), os = CpuBackend.array(out);
        int[][] strides = {out.strides(), grad.strides(), saved.strides()};
        int[] offsets = {out.offset(), grad.offset(), saved.offset()};
        int[] shape = out.shape().dims();
        if (out.dtype() == DType.F32) {
            StridedLoop.forEachRow(shape, strides, offsets, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                float[] g = (float[]) gs, x = (float[]) ss, res = (float[]) os;
                if (s[1] == 1 && s[2] == 1) { f32.apply(g, o[1], x, o[2], res, o[0], n); return; }
                float[][] scratch = Simd.floatScratch();
                for (int k = 0; k < n; k += BLOCK) {
                    int m = Math.min(BLOCK, n - k);
                    ElementwiseKernels.gather(g, o[1] + k * s[1], s[1], scratch[0], m);
                    ElementwiseKernels.gather(x, o[2] + k * s[2], s[2], scratch[1], m);
                    f32.apply(scratch[0], 0, scratch[1], 0, res, o[0] + k, m);
                }
            });
        } else if (out.dtype() == DType.F64) {
            StridedLoop.forEachRow(shape, strides, offsets, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                double[] g = (double[]) gs, x = (double[]) ss, res = (double[]) os;
                if (s[1] == 1 && s[2] == 1) { f64.apply(g, o[1], x, o[2], res, o[0], n); return; }
                double[][] scratch = Simd.doubleScratch();
                for (int k = 0; k < n; k += BLOCK) {
                    int m = Math.min(BLOCK, n - k);
                    ElementwiseKernels.gather(g, o[1] + k * s[1], s[1], scratch[0], m);
                    ElementwiseKernels.gather(x, o[2] + k * s[2], s[2], scratch[1], m);
                    f64.apply(scratch[0], 0, scratch[1], 0, res, o[0] + k, m);
                }
            });
        } else {
            throw new IllegalArgumentException("activation backward: needs F32 or F64, got " + out.dtype());
        }
    }

    /** res = y <= 0 ? 0 : g, one compare and one blend per vector. */
    static void reluF32(float[] g, int go, float[] y, int yo, float[] res, int ro, int n) {
        int i = 0, bound = F.loopBound(n);
        for (; i < bound; i += FL) {
            FloatVector gv = FloatVector.fromArray(F, g, go + i);
            gv.blend(0f, FloatVector.fromArray(F, y, yo + i).compare(VectorOperators.LE, 0f)).intoArray(res, ro + i);
        }
        for (; i < n; i++) res[ro + i] = y[yo + i] <= 0 ? 0f : g[go + i];
    }

    static void reluF64(double[] g, int go, double[] y, int yo, double[] res, int ro, int n) {
        int i = 0, bound = D.loopBound(n);
        for (; i < bound; i += DL) {
            DoubleVector gv = DoubleVector.fromArray(D, g, go + i);
            gv.blend(0.0, DoubleVector.fromArray(D, y, yo + i).compare(VectorOperators.LE, 0.0)).intoArray(res, ro + i);
        }
        for (; i < n; i++) res[ro + i] = y[yo + i] <= 0 ? 0.0 : g[go + i];
    }
}
