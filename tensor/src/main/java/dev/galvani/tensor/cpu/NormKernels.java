package dev.galvani.tensor.cpu;

import static dev.galvani.tensor.cpu.Simd.D;
import static dev.galvani.tensor.cpu.Simd.DL;
import static dev.galvani.tensor.cpu.Simd.F;
import static dev.galvani.tensor.cpu.Simd.FL;

import dev.galvani.tensor.backend.Operand;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Batch normalisation (Ioffe &amp; Szegedy 2015) as fused kernels over contiguous [N, C, S]: one task
 * per channel; statistics in double (two passes, mean then centred squares, for accuracy), the
 * normalisation as one multiply-add per element, the backward pass as one reduction pass and one
 * element pass. Composed from separate operations the same work takes about five times the memory
 * traffic.
 */
final class NormKernels {

    private NormKernels() {}

    static void batchNormForward(Operand x, Operand weight, Operand bias, Operand mean, Operand invstd, Operand out, boolean computeStats, double eps) {
        int[] d = x.shape().dims();
        int n = d[0], c = d[1], s = d[2];
        Object xa = CpuBackend.array(x), oa = CpuBackend.array(out);
        int xo = x.offset(), oo = out.offset();
        double[] m = values(mean), is = values(invstd), w = weight == null ? null : values(weight), b = bias == null ? null : values(bias);
        boolean f32 = xa instanceof float[];
        Parallel.forTasks(c, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                if (computeStats) {
                    double sum = 0;
                    for (int i = 0; i < n; i++) sum += f32 ? ReduceKernels.sumF32((float[]) xa, xo + (i * c + ch) * s, s) : ReduceKernels.sumF64((double[]) xa, xo + (i * c + ch) * s, s);
                    double mu = sum / ((double) n * s), sq = 0;
                    for (int i = 0; i < n; i++) sq += f32 ? centredSquaresF32((float[]) xa, xo + (i * c + ch) * s, s, (float) mu) : centredSquaresF64((double[]) xa, xo + (i * c + ch) * s, s, mu);
                    m[ch] = mu;
                    is[ch] = 1 / Math.sqrt(sq / ((double) n * s) + eps);
                }
                double scale = is[ch] * (w == null ? 1 : w[ch]), shift = (b == null ? 0 : b[ch]) - m[ch] * scale;
                for (int i = 0; i < n; i++) {
                    int at = (i * c + ch) * s;
                    if (f32) affineF32((float[]) xa, xo + at, (float[]) oa, oo + at, s, (float) scale, (float) shift);
                    else affineF64((double[]) xa, xo + at, (double[]) oa, oo + at, s, scale, shift);
                }
            }
        });
        if (computeStats) {
            store(mean, m);
            store(invstd, is);
        }
    }

    static void batchNormBackward(Operand gradOut, Operand x, Operand weight, Operand mean, Operand invstd, Operand gradIn,
                                  Operand gradWeight, Operand gradBias, boolean batchStats) {
        int[] d = x.shape().dims();
        int n = d[0], c = d[1], s = d[2];
        Object ga = CpuBackend.array(gradOut), xa = CpuBackend.array(x), ia = gradIn == null ? null : CpuBackend.array(gradIn);
        int go = gradOut.offset(), xo = x.offset(), io = gradIn == null ? 0 : gradIn.offset();
        double[] m = values(mean), is = values(invstd), w = weight == null ? null : values(weight);
        double[] dw = new double[c], db = new double[c];
        boolean f32 = xa instanceof float[];
        double count = (double) n * s;
        Parallel.forTasks(c, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                // Sums over the channel: sum(g) and sum(g (x - mean)).
                double sg = 0, sgx = 0;
                for (int i = 0; i < n; i++) {
                    int at = (i * c + ch) * s;
                    double[] r = f32 ? gradSumsF32((float[]) ga, go + at, (float[]) xa, xo + at, s, (float) m[ch]) : gradSumsF64((double[]) ga, go + at, (double[]) xa, xo + at, s, m[ch]);
                    sg += r[0];
                    sgx += r[1];
                }
                db[ch] = sg;
                dw[ch] = sgx * is[ch];
                if (ia == null) continue;
                double k = is[ch] * (w == null ? 1 : w[ch]);
                // Training: dx = k (g - sg/M - (x - mean) invstd^2 sgx/M); evaluation: dx = k g.
                double a = k, bx = batchStats ? -k * is[ch] * is[ch] * sgx / count : 0, c0f = batchStats ? -k * sg / count - bx * m[ch] : 0;
                for (int i = 0; i < n; i++) {
                    int at = (i * c + ch) * s;
                    if (f32) gradInF32((float[]) ga, go + at, (float[]) xa, xo + at, (float[]) ia, io + at, s, (float) a, (float) bx, (float) c0f);
                    else gradInF64((double[]) ga, go + at, (double[]) xa, xo + at, (double[]) ia, io + at, s, a, bx, c0f);
                }
            }
        });
        if (gradWeight != null) store(gradWeight, dw);
        if (gradBias != null) store(gradBias, db);
    }

    // ---- vector loops over one contiguous run of a channel ---------------------------------------

    private static double centredSquaresF32(float[] x, int o, int n, float mu) {
        FloatVector acc = FloatVector.zero(F), vm = FloatVector.broadcast(F, mu);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            FloatVector v = FloatVector.fromArray(F, x, o + i).sub(vm);
            acc = v.fma(v, acc);
        }
        double r = Simd.sumLanes(acc);
        for (; i < n; i++) r += (double) (x[o + i] - mu) * (x[o + i] - mu);
        return r;
    }

    private static double centredSquaresF64(double[] x, int o, int n, double mu) {
        DoubleVector acc = DoubleVector.zero(D), vm = DoubleVector.broadcast(D, mu);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += DL) {
            DoubleVector v = DoubleVector.fromArray(D, x, o + i).sub(vm);
            acc = v.fma(v, acc);
        }
        double r = Simd.sumLanes(acc);
        for (; i < n; i++) r += (x[o + i] - mu) * (x[o + i] - mu);
        return r;
    }

    /** out = x scale + shift. */
    private static void affineF32(float[] x, int xo, float[] out, int oo, int n, float scale, float shift) {
        FloatVector a = FloatVector.broadcast(F, scale), b = FloatVector.broadcast(F, shift);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += FL) FloatVector.fromArray(F, x, xo + i).fma(a, b).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.fma(x[xo + i], scale, shift);
    }

    private static void affineF64(double[] x, int xo, double[] out, int oo, int n, double scale, double shift) {
        DoubleVector a = DoubleVector.broadcast(D, scale), b = DoubleVector.broadcast(D, shift);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += DL) DoubleVector.fromArray(D, x, xo + i).fma(a, b).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.fma(x[xo + i], scale, shift);
    }

    /** {sum(g), sum(g (x - mu))} over one run. */
    private static double[] gradSumsF32(float[] g, int go, float[] x, int xo, int n, float mu) {
        FloatVector sg = FloatVector.zero(F), sgx = sg, vm = FloatVector.broadcast(F, mu);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += FL) {
            FloatVector vg = FloatVector.fromArray(F, g, go + i);
            sg = sg.add(vg);
            sgx = vg.fma(FloatVector.fromArray(F, x, xo + i).sub(vm), sgx);
        }
        double a = Simd.sumLanes(sg), b = Simd.sumLanes(sgx);
        for (; i < n; i++) {
            a += g[go + i];
            b += (double) g[go + i] * (x[xo + i] - mu);
        }
        return new double[]{a, b};
    }

    private static double[] gradSumsF64(double[] g, int go, double[] x, int xo, int n, double mu) {
        DoubleVector sg = DoubleVector.zero(D), sgx = sg, vm = DoubleVector.broadcast(D, mu);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += DL) {
            DoubleVector vg = DoubleVector.fromArray(D, g, go + i);
            sg = sg.add(vg);
            sgx = vg.fma(DoubleVector.fromArray(D, x, xo + i).sub(vm), sgx);
        }
        double a = Simd.sumLanes(sg), b = Simd.sumLanes(sgx);
        for (; i < n; i++) {
            a += g[go + i];
            b += g[go + i] * (x[xo + i] - mu);
        }
        return new double[]{a, b};
    }

    /** dx = a g + bx x + c. */
    private static void gradInF32(float[] g, int go, float[] x, int xo, float[] dx, int o, int n, float a, float bx, float c) {
        FloatVector va = FloatVector.broadcast(F, a), vb = FloatVector.broadcast(F, bx), vc = FloatVector.broadcast(F, c);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += FL)
            FloatVector.fromArray(F, g, go + i).fma(va, FloatVector.fromArray(F, x, xo + i).fma(vb, vc)).intoArray(dx, o + i);
        for (; i < n; i++) dx[o + i] = a * g[go + i] + bx * x[xo + i] + c;
    }

    private static void gradInF64(double[] g, int go, double[] x, int xo, double[] dx, int o, int n, double a, double bx, double c) {
        DoubleVector va = DoubleVector.broadcast(D, a), vb = DoubleVector.broadcast(D, bx), vc = DoubleVector.broadcast(D, c);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += DL)
            DoubleVector.fromArray(D, g, go + i).fma(va, DoubleVector.fromArray(D, x, xo + i).fma(vb, vc)).intoArray(dx, o + i);
        for (; i < n; i++) dx[o + i] = a * g[go + i] + bx * x[xo + i] + c;
    }

    // ---- per-channel vectors ([C], any float dtype and stride) ------------------------------------

    private static double[] values(Operand t) {
        int n = (int) t.numel(), st = t.strides()[0], o = t.offset();
        Object a = CpuBackend.array(t);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = Scalars.getDouble(a, t.dtype(), o + i * st);
        return r;
    }

    private static void store(Operand t, double[] v) {
        int st = t.strides()[0], o = t.offset();
        Object a = CpuBackend.array(t);
        for (int i = 0; i < v.length; i++) Scalars.setDouble(a, t.dtype(), o + i * st, v[i]);
    }
}
