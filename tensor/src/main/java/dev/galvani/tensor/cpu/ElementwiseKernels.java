package dev.galvani.tensor.cpu;

import static dev.galvani.tensor.cpu.Simd.BLOCK;
import static dev.galvani.tensor.cpu.Simd.D;
import static dev.galvani.tensor.cpu.Simd.DL;
import static dev.galvani.tensor.cpu.Simd.F;
import static dev.galvani.tensor.cpu.Simd.FL;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Element-wise kernels. Each F32/F64 op has one SIMD loop over contiguous rows; strided and broadcast
 * operands are first gathered, block by block, into per-thread L1-sized scratch rows, so that every
 * layout reaches the same vector loop. Integer and bool types take plain scalar loops.
 *
 * <p>exp, expm1, log, log1p, tanh, sigmoid and silu come from {@link VectorMath}, erf and GELU from
 * {@link ErfLanes} (through VectorMath), which give the same bits interpreted or compiled. sin, cos, pow and atan2 call {@code java.lang.Math} element by
 * element, whose intrinsics HotSpot keeps identical in the interpreter and compiled code; the Vector
 * API's lanes for them do not (the interpreter and the JIT's vector library round differently).
 */
final class ElementwiseKernels {

    private ElementwiseKernels() {}

    private static final FloatVector ONE_F = FloatVector.broadcast(F, 1f);
    private static final DoubleVector ONE_D = DoubleVector.broadcast(D, 1.0);


    // ---- unary ---------------------------------------------------------------------------------

    static void unary(UnaryOp op, Operand x, Operand out) {
        Object xs = CpuBackend.array(x), os = CpuBackend.array(out);
        int[][] strides = {out.strides(), x.strides()};
        int[] offsets = {out.offset(), x.offset()};
        switch (out.dtype()) {
            case F32 -> StridedLoop.forEachRow(out.shape().dims(), strides, offsets, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                float[] in = (float[]) xs, res = (float[]) os;
                if (s[1] == 1) { unaryF32(op, in, o[1], res, o[0], n); return; }
                float[] buf = Simd.floatScratch()[0];
                for (int b = 0; b < n; b += BLOCK) {
                    int m = Math.min(BLOCK, n - b);
                    gather(in, o[1] + b * s[1], s[1], buf, m);
                    unaryF32(op, buf, 0, res, o[0] + b, m);
                }
            });
            case F64 -> StridedLoop.forEachRow(out.shape().dims(), strides, offsets, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                double[] in = (double[]) xs, res = (double[]) os;
                if (s[1] == 1) { unaryF64(op, in, o[1], res, o[0], n); return; }
                double[] buf = Simd.doubleScratch()[0];
                for (int b = 0; b < n; b += BLOCK) {
                    int m = Math.min(BLOCK, n - b);
                    gather(in, o[1] + b * s[1], s[1], buf, m);
                    unaryF64(op, buf, 0, res, o[0] + b, m);
                }
            });
            default -> {
                DType t = out.dtype();
                StridedLoop.forEachRow(out.shape().dims(), strides, offsets, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                    for (int i = 0, xi = o[1], oi = o[0]; i < n; i++, xi += s[1], oi += s[0])
                        Scalars.setLong(os, t, oi, op.applyLong(Scalars.getLong(xs, t, xi)));
                });
            }
        }
    }

    /** res[ro..ro+n) = op(in[io..io+n)), F32. */
    static void unaryF32(UnaryOp op, float[] in, int io, float[] res, int ro, int n) {
        if (VectorMath.handles(op)) { VectorMath.apply(op, in, io, res, ro, n); return; }
        int i = 0, bound = F.loopBound(n);
        switch (op) {
            case NEG -> { for (; i < bound; i += FL) fv(in, io + i).neg().intoArray(res, ro + i); }
            case ABS -> { for (; i < bound; i += FL) fv(in, io + i).abs().intoArray(res, ro + i); }
            case SQUARE -> { for (; i < bound; i += FL) { var v = fv(in, io + i); v.mul(v).intoArray(res, ro + i); } }
            case RELU -> { for (; i < bound; i += FL) fv(in, io + i).max(0f).intoArray(res, ro + i); }
            case SQRT -> { for (; i < bound; i += FL) fv(in, io + i).sqrt().intoArray(res, ro + i); }
            case RSQRT -> { for (; i < bound; i += FL) ONE_F.div(fv(in, io + i).sqrt()).intoArray(res, ro + i); }
            case RECIPROCAL -> { for (; i < bound; i += FL) ONE_F.div(fv(in, io + i)).intoArray(res, ro + i); }
            default -> { }
        }
        for (; i < n; i++) res[ro + i] = (float) op.apply(in[io + i]);
    }

    static void unaryF64(UnaryOp op, double[] in, int io, double[] res, int ro, int n) {
        if (VectorMath.handles(op)) { VectorMath.apply(op, in, io, res, ro, n); return; }
        int i = 0, bound = D.loopBound(n);
        switch (op) {
            case NEG -> { for (; i < bound; i += DL) dv(in, io + i).neg().intoArray(res, ro + i); }
            case ABS -> { for (; i < bound; i += DL) dv(in, io + i).abs().intoArray(res, ro + i); }
            case SQUARE -> { for (; i < bound; i += DL) { var v = dv(in, io + i); v.mul(v).intoArray(res, ro + i); } }
            case RELU -> { for (; i < bound; i += DL) dv(in, io + i).max(0.0).intoArray(res, ro + i); }
            case SQRT -> { for (; i < bound; i += DL) dv(in, io + i).sqrt().intoArray(res, ro + i); }
            case RECIPROCAL -> { for (; i < bound; i += DL) ONE_D.div(dv(in, io + i)).intoArray(res, ro + i); }
            default -> { }
        }
        for (; i < n; i++) res[ro + i] = op.apply(in[io + i]);
    }

    // ---- binary --------------------------------------------------------------------------------

    static void binary(BinaryOp op, Operand a, Operand b, Operand out) {
        Object as = CpuBackend.array(a), bs = CpuBackend.array(b), os = CpuBackend.array(out);
        int[][] strides = {out.strides(), a.strides(), b.strides()};
        int[] offsets = {out.offset(), a.offset(), b.offset()};
        DType in = a.dtype();
        int[] shape = out.shape().dims();
        if (in == DType.F32 && !op.boolResult()) {
            StridedLoop.forEachRow(shape, strides, offsets, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                float[] x = (float[]) as, y = (float[]) bs, res = (float[]) os;
                if (s[1] == 1 && s[2] == 1) { binaryF32(op, x, o[1], y, o[2], res, o[0], n); return; }
                float[][] scratch = Simd.floatScratch();
                float[] bx = scratch[0], by = scratch[1];
                if (s[1] == 0) java.util.Arrays.fill(bx, 0, Math.min(n, BLOCK), x[o[1]]);
                if (s[2] == 0) java.util.Arrays.fill(by, 0, Math.min(n, BLOCK), y[o[2]]);
                for (int k = 0; k < n; k += BLOCK) {
                    int m = Math.min(BLOCK, n - k);
                    float[] xa = x, ya = y;
                    int xo = o[1] + k, yo = o[2] + k;
                    if (s[1] != 1) { xa = bx; xo = 0; if (s[1] != 0) gather(x, o[1] + k * s[1], s[1], bx, m); }
                    if (s[2] != 1) { ya = by; yo = 0; if (s[2] != 0) gather(y, o[2] + k * s[2], s[2], by, m); }
                    binaryF32(op, xa, xo, ya, yo, res, o[0] + k, m);
                }
            });
        } else if (in == DType.F64 && !op.boolResult()) {
            StridedLoop.forEachRow(shape, strides, offsets, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                double[] x = (double[]) as, y = (double[]) bs, res = (double[]) os;
                if (s[1] == 1 && s[2] == 1) { binaryF64(op, x, o[1], y, o[2], res, o[0], n); return; }
                double[][] scratch = Simd.doubleScratch();
                double[] bx = scratch[0], by = scratch[1];
                if (s[1] == 0) java.util.Arrays.fill(bx, 0, Math.min(n, BLOCK), x[o[1]]);
                if (s[2] == 0) java.util.Arrays.fill(by, 0, Math.min(n, BLOCK), y[o[2]]);
                for (int k = 0; k < n; k += BLOCK) {
                    int m = Math.min(BLOCK, n - k);
                    double[] xa = x, ya = y;
                    int xo = o[1] + k, yo = o[2] + k;
                    if (s[1] != 1) { xa = bx; xo = 0; if (s[1] != 0) gather(x, o[1] + k * s[1], s[1], bx, m); }
                    if (s[2] != 1) { ya = by; yo = 0; if (s[2] != 0) gather(y, o[2] + k * s[2], s[2], by, m); }
                    binaryF64(op, xa, xo, ya, yo, res, o[0] + k, m);
                }
            });
        } else if (in == DType.F32 && isComparison(op)) {     // float comparisons: vector compare into BOOL
            StridedLoop.forEachRow(shape, strides, offsets, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                float[] x = (float[]) as, y = (float[]) bs;
                boolean[] res = (boolean[]) os;
                if (s[1] == 1 && (s[2] == 1 || s[2] == 0)) { compareF32(op, x, o[1], y, o[2], s[2], res, o[0], n); return; }
                for (int i = 0, xi = o[1], yi = o[2], oi = o[0]; i < n; i++, xi += s[1], yi += s[2], oi += s[0])
                    res[oi] = op.apply(x[xi], y[yi]) != 0;
            });
        } else if (in.isFloatingPoint()) {        // other comparisons of floats: BOOL out
            StridedLoop.forEachRow(shape, strides, offsets, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                boolean[] res = (boolean[]) os;
                for (int i = 0, xi = o[1], yi = o[2], oi = o[0]; i < n; i++, xi += s[1], yi += s[2], oi += s[0])
                    res[oi] = op.apply(Scalars.getDouble(as, in, xi), Scalars.getDouble(bs, in, yi)) != 0;
            });
        } else {
            DType ot = out.dtype();
            StridedLoop.forEachRow(shape, strides, offsets, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                for (int i = 0, xi = o[1], yi = o[2], oi = o[0]; i < n; i++, xi += s[1], yi += s[2], oi += s[0])
                    Scalars.setLong(os, ot, oi, op.applyLong(Scalars.getLong(as, in, xi), Scalars.getLong(bs, in, yi)));
            });
        }
    }

    static void binaryF32(BinaryOp op, float[] x, int xo, float[] y, int yo, float[] res, int ro, int n) {
        int i = 0, bound = F.loopBound(n);
        switch (op) {
            case ADD -> { for (; i < bound; i += FL) fv(x, xo + i).add(fv(y, yo + i)).intoArray(res, ro + i); }
            case SUB -> { for (; i < bound; i += FL) fv(x, xo + i).sub(fv(y, yo + i)).intoArray(res, ro + i); }
            case MUL -> { for (; i < bound; i += FL) fv(x, xo + i).mul(fv(y, yo + i)).intoArray(res, ro + i); }
            case DIV -> { for (; i < bound; i += FL) fv(x, xo + i).div(fv(y, yo + i)).intoArray(res, ro + i); }
            case MAXIMUM -> { for (; i < bound; i += FL) fv(x, xo + i).max(fv(y, yo + i)).intoArray(res, ro + i); }
            case MINIMUM -> { for (; i < bound; i += FL) fv(x, xo + i).min(fv(y, yo + i)).intoArray(res, ro + i); }
            default -> { }
        }
        for (; i < n; i++) res[ro + i] = (float) op.apply(x[xo + i], y[yo + i]);
    }

    static void binaryF64(BinaryOp op, double[] x, int xo, double[] y, int yo, double[] res, int ro, int n) {
        int i = 0, bound = D.loopBound(n);
        switch (op) {
            case ADD -> { for (; i < bound; i += DL) dv(x, xo + i).add(dv(y, yo + i)).intoArray(res, ro + i); }
            case SUB -> { for (; i < bound; i += DL) dv(x, xo + i).sub(dv(y, yo + i)).intoArray(res, ro + i); }
            case MUL -> { for (; i < bound; i += DL) dv(x, xo + i).mul(dv(y, yo + i)).intoArray(res, ro + i); }
            case DIV -> { for (; i < bound; i += DL) dv(x, xo + i).div(dv(y, yo + i)).intoArray(res, ro + i); }
            case MAXIMUM -> { for (; i < bound; i += DL) dv(x, xo + i).max(dv(y, yo + i)).intoArray(res, ro + i); }
            case MINIMUM -> { for (; i < bound; i += DL) dv(x, xo + i).min(dv(y, yo + i)).intoArray(res, ro + i); }
            default -> { }
        }
        for (; i < n; i++) res[ro + i] = op.apply(x[xo + i], y[yo + i]);
    }

    private static boolean isComparison(BinaryOp op) {
        return switch (op) {
            case EQ, NE, LT, LE, GT, GE -> true;
            default -> false;
        };
    }

    /**
     * res = x cmp y with y contiguous (yStride 1) or one broadcast value (yStride 0). NaN compares as
     * IEEE says. One loop per comparison: the Vector API compiles a compare to one instruction only
     * when its operator is a constant at the call site; passed in as a value, it ran a per-lane Java
     * fallback, twice as slow as an add over the same elements.
     */
    private static void compareF32(BinaryOp op, float[] x, int xo, float[] y, int yo, int yStride,
                                   boolean[] res, int ro, int n) {
        int bound = F.loopBound(n);
        switch (op) {
            case EQ -> { for (int i = 0; i < bound; i += FL) fv(x, xo + i).compare(VectorOperators.EQ, yv(y, yo, yStride, i)).intoArray(res, ro + i); }
            case NE -> { for (int i = 0; i < bound; i += FL) fv(x, xo + i).compare(VectorOperators.NE, yv(y, yo, yStride, i)).intoArray(res, ro + i); }
            case LT -> { for (int i = 0; i < bound; i += FL) fv(x, xo + i).compare(VectorOperators.LT, yv(y, yo, yStride, i)).intoArray(res, ro + i); }
            case LE -> { for (int i = 0; i < bound; i += FL) fv(x, xo + i).compare(VectorOperators.LE, yv(y, yo, yStride, i)).intoArray(res, ro + i); }
            case GT -> { for (int i = 0; i < bound; i += FL) fv(x, xo + i).compare(VectorOperators.GT, yv(y, yo, yStride, i)).intoArray(res, ro + i); }
            case GE -> { for (int i = 0; i < bound; i += FL) fv(x, xo + i).compare(VectorOperators.GE, yv(y, yo, yStride, i)).intoArray(res, ro + i); }
            default -> throw new IllegalArgumentException("compareF32: " + op + " is not a comparison");
        }
        for (int i = bound; i < n; i++) res[ro + i] = op.apply(x[xo + i], y[yo + i * yStride]) != 0;
    }

    /** y's vector at element i: loaded (stride 1) or its one value broadcast (stride 0). */
    private static FloatVector yv(float[] y, int yo, int yStride, int i) {
        return yStride == 0 ? FloatVector.broadcast(F, y[yo]) : fv(y, yo + i);
    }

    // ---- where, copy, fill ---------------------------------------------------------------------

    static void where(Operand cond, Operand a, Operand b, Operand out) {
        boolean[] c = (boolean[]) CpuBackend.array(cond);
        Object as = CpuBackend.array(a), bs = CpuBackend.array(b), os = CpuBackend.array(out);
        DType t = out.dtype();
        StridedLoop.forEachRow(out.shape().dims(), new int[][]{out.strides(), cond.strides(), a.strides(), b.strides()},
                new int[]{out.offset(), cond.offset(), a.offset(), b.offset()}, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                    if (t == DType.F32 && s[0] == 1 && s[1] == 1 && (s[2] == 1 || s[2] == 0) && (s[3] == 1 || s[3] == 0)) {
                        whereF32(c, o[1], (float[]) as, o[2], s[2], (float[]) bs, o[3], s[3], (float[]) os, o[0], n);
                        return;
                    }
                    for (int i = 0, oi = o[0], ci = o[1], ai = o[2], bi = o[3]; i < n; i++, oi += s[0], ci += s[1], ai += s[2], bi += s[3])
                        Scalars.copyElement(c[ci] ? as : bs, c[ci] ? ai : bi, os, oi, t);
                });
    }

    /**
     * res = c ? a : b with a mask loaded from the BOOL row; a and b contiguous or broadcast (stride 0).
     * One loop per layout pair: a vector chosen by a condition inside the loop (loaded or broadcast)
     * meets at a phi, which C2 does not scalar-replace, so every lane went through a boxed vector
     * (the "vector cliff"; it had made ReLU's backward a sixth of a training step).
     */
    private static void whereF32(boolean[] c, int co, float[] a, int ao, int aStride, float[] b, int bo, int bStride, float[] res, int ro, int n) {
        int i = 0, bound = F.loopBound(n);
        if (aStride == 1 && bStride == 1) {
            for (; i < bound; i += FL) fv(b, bo + i).blend(fv(a, ao + i), VectorMask.fromArray(F, c, co + i)).intoArray(res, ro + i);
        } else if (aStride == 1) {
            FloatVector vb = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += FL) vb.blend(fv(a, ao + i), VectorMask.fromArray(F, c, co + i)).intoArray(res, ro + i);
        } else if (bStride == 1) {
            FloatVector va = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += FL) fv(b, bo + i).blend(va, VectorMask.fromArray(F, c, co + i)).intoArray(res, ro + i);
        } else {
            FloatVector va = FloatVector.broadcast(F, a[ao]), vb = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += FL) vb.blend(va, VectorMask.fromArray(F, c, co + i)).intoArray(res, ro + i);
        }
        for (; i < n; i++) res[ro + i] = c[co + i] ? a[ao + i * aStride] : b[bo + i * bStride];
    }

    static void copy(Operand src, Operand dst) {
        Object ss = CpuBackend.array(src), ds = CpuBackend.array(dst);
        DType st = src.dtype(), dt = dst.dtype();
        StridedLoop.forEachRow(dst.shape().dims(), new int[][]{dst.strides(), src.strides()},
                new int[]{dst.offset(), src.offset()}, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
                    if (st == dt && s[0] == 1 && s[1] == 1) {
                        System.arraycopy(ss, o[1], ds, o[0], n);
                    } else if (st == dt) {
                        for (int i = 0, si = o[1], di = o[0]; i < n; i++, si += s[1], di += s[0]) Scalars.copyElement(ss, si, ds, di, st);
                    } else {
                        for (int i = 0, si = o[1], di = o[0]; i < n; i++, si += s[1], di += s[0]) Scalars.convertElement(ss, st, si, ds, dt, di);
                    }
                });
    }

    static void fill(Operand dst, double value) {
        Object ds = CpuBackend.array(dst);
        DType t = dst.dtype();
        StridedLoop.forEachRow(dst.shape().dims(), new int[][]{dst.strides()}, new int[]{dst.offset()}, Parallel.ELEMENTWISE_GRAIN, (n, o, s) -> {
            if (s[0] == 1) {
                int from = o[0], to = o[0] + n;
                switch (t) {
                    case F32 -> java.util.Arrays.fill((float[]) ds, from, to, (float) value);
                    case F64 -> java.util.Arrays.fill((double[]) ds, from, to, value);
                    case I32 -> java.util.Arrays.fill((int[]) ds, from, to, (int) value);
                    case I64 -> java.util.Arrays.fill((long[]) ds, from, to, (long) value);
                    case BOOL -> java.util.Arrays.fill((boolean[]) ds, from, to, value != 0);
                }
            } else {
                for (int i = 0, di = o[0]; i < n; i++, di += s[0]) Scalars.setDouble(ds, t, di, value);
            }
        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static FloatVector fv(float[] a, int i) { return FloatVector.fromArray(F, a, i); }

    private static DoubleVector dv(double[] a, int i) { return DoubleVector.fromArray(D, a, i); }

    static void gather(float[] src, int from, int stride, float[] dst, int n) {
        for (int i = 0, j = from; i < n; i++, j += stride) dst[i] = src[j];
    }

    static void gather(double[] src, int from, int stride, double[] dst, int n) {
        for (int i = 0, j = from; i < n; i++, j += stride) dst[i] = src[j];
    }
}
