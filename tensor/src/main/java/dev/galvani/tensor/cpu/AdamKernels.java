package dev.galvani.tensor.cpu;

import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.AdamStep;

/**
 * Fused optimizer updates: one pass over the parameter and its state instead of a dozen element-wise
 * operations each writing a temporary. The arithmetic is the Backend contract's, in that order, in
 * the tensors' precision (F64 in double, F32 in float), so it matches the composed form.
 */
final class AdamKernels {

    private AdamKernels() {}

    static void adamStep(Operand param, Operand grad, Operand expAvg, Operand expAvgSq, Operand maxExpAvgSq, AdamStep hp) {
        int n = (int) param.numel();
        double bc1 = 1 - Math.pow(hp.beta1(), hp.step()), bc2 = 1 - Math.pow(hp.beta2(), hp.step());
        Object p = CpuBackend.array(param), g = CpuBackend.array(grad), m = CpuBackend.array(expAvg), v = CpuBackend.array(expAvgSq);
        Object vmax = maxExpAvgSq == null ? null : CpuBackend.array(maxExpAvgSq);
        int po = param.offset(), go = grad.offset(), mo = expAvg.offset(), vo = expAvgSq.offset(), xo = maxExpAvgSq == null ? 0 : maxExpAvgSq.offset();
        Parallel.forRange(n, Parallel.ELEMENTWISE_GRAIN, (start, end) -> {
            if (p instanceof double[] pd) adamF64(pd, po, (double[]) g, go, (double[]) m, mo, (double[]) v, vo, (double[]) vmax, xo, start, end, hp, bc1, bc2);
            else adamF32((float[]) p, po, (float[]) g, go, (float[]) m, mo, (float[]) v, vo, (float[]) vmax, xo, start, end, hp, (float) bc1, (float) bc2);
        });
    }

    private static void adamF64(double[] p, int po, double[] g, int go, double[] m, int mo, double[] v, int vo, double[] vmax, int xo,
                                int start, int end, AdamStep hp, double bc1, double bc2) {
        double lr = hp.lr(), b1 = hp.beta1(), b2 = hp.beta2(), eps = hp.eps(), wd = hp.weightDecay();
        for (int i = start; i < end; i++) {
            double gi = hp.maximize() ? -g[go + i] : g[go + i];
            if (wd != 0) {
                if (hp.decoupledWeightDecay()) p[po + i] *= 1 - lr * wd;
                else gi += p[po + i] * wd;
            }
            double mi = m[mo + i] * b1 + gi * (1 - b1);
            double vi = v[vo + i] * b2 + gi * gi * (1 - b2);
            m[mo + i] = mi;
            v[vo + i] = vi;
            if (vmax != null) vi = vmax[xo + i] = Math.max(vmax[xo + i], vi);
            p[po + i] -= mi / bc1 / (Math.sqrt(vi / bc2) + eps) * lr;
        }
    }

    private static void adamF32(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, float[] vmax, int xo,
                                int start, int end, AdamStep hp, float bc1, float bc2) {
        float lr = (float) hp.lr(), b1 = (float) hp.beta1(), b2 = (float) hp.beta2(), eps = (float) hp.eps(), wd = (float) hp.weightDecay();
        float decay = (float) (1 - hp.lr() * hp.weightDecay()), c1 = (float) (1 - hp.beta1()), c2 = (float) (1 - hp.beta2());
        for (int i = start; i < end; i++) {
            float gi = hp.maximize() ? -g[go + i] : g[go + i];
            if (wd != 0) {
                if (hp.decoupledWeightDecay()) p[po + i] *= decay;
                else gi += p[po + i] * wd;
            }
            float mi = m[mo + i] * b1 + gi * c1;
            float vi = v[vo + i] * b2 + gi * gi * c2;
            m[mo + i] = mi;
            v[vo + i] = vi;
            if (vmax != null) vi = vmax[xo + i] = Math.max(vmax[xo + i], vi);
            p[po + i] -= mi / bc1 / ((float) Math.sqrt(vi / bc2) + eps) * lr;
        }
    }
}
