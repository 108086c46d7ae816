package dev.galvani.tensor.cpu;

import static dev.galvani.tensor.cpu.Simd.F;
import static dev.galvani.tensor.cpu.Simd.FL;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.Surrogate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The fused multi-step LIF on the CPU, the readable reference of the CUDA kernel (SNN reference §3):
 * neurons are split into blocks of {@link #BLOCK} that threads take; within a block, time runs in
 * the outer loop and the block's neurons in the inner one, so the membrane of the block stays in L1
 * between steps and every [T, N] array is streamed once (x read, spikes and H written forward; dL/dS
 * and H read, dL/dX written backward). The arithmetic is the unrolled form's, operation for
 * operation, in the tensors' own precision, so forward results equal it bit for bit. F32 runs in
 * vector lanes (the surrogate's derivative in float, {@link SurrogateLanes}); F64 in scalar loops.
 *
 * <p>The PLIF decay gradient is summed per block in double, and the blocks' sums are added in block
 * order: the result does not depend on the thread count.
 */
final class LifKernels {

    private LifKernels() {}

    /** Neurons per block: four arrays of this many floats fit L1 with room to spare. */
    static final int BLOCK = 2048;

    static void forward(Operand x, Operand v0, Operand decay, Operand spikes, Operand h, Operand vSeq, Operand vLast, LifSpec spec) {
        int t = x.size(0), n = x.size(1);
        double k = decay == null ? spec.decay() : Scalars.getDouble(CpuBackend.array(decay), decay.dtype(), decay.offset());
        if (x.dtype() == DType.F32) {
            float[] X = floats(x), V0 = floats(v0), S = floats(spikes), H = floats(h), VS = vSeq == null ? null : floats(vSeq), VL = floats(vLast);
            eachBlock(n, t, (lo, hi) -> forwardF32(X, V0, S, H, VS, VL, t, n, lo, hi, (float) k, spec));
        } else {
            double[] X = doubles(x), V0 = doubles(v0), S = doubles(spikes), H = doubles(h), VS = vSeq == null ? null : doubles(vSeq), VL = doubles(vLast);
            eachBlock(n, t, (lo, hi) -> forwardF64(X, V0, S, H, VS, VL, t, n, lo, hi, k, spec));
        }
    }

    private static void forwardF32(float[] x, float[] v0, float[] s, float[] h, float[] vSeq, float[] vLast, int T, int N, int lo, int hi, float k, LifSpec spec) {
        boolean lif = spec.kind() == LifSpec.Kind.LIF, decayInput = spec.decayInput(), hard = spec.hardReset();
        float vth = (float) spec.vThreshold(), vr = (float) spec.restingValue(), vReset = hard ? (float) spec.vReset() : 0f;
        int len = hi - lo, bound = F.loopBound(len);
        float[] v = new float[len];
        System.arraycopy(v0, lo, v, 0, len);
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        for (int t = 0; t < T; t++) {
            int row = t * N + lo;
            // Lanes: the same IEEE float operations as the scalar tail below, so every element is bitwise
            // the unrolled form's. The membrane goes through v[] (L1) between steps, not through a vector phi.
            for (int i = 0; i < bound; i += FL) {
                FloatVector vi = FloatVector.fromArray(F, v, i), xi = FloatVector.fromArray(F, x, row + i);
                FloatVector hv = !lif ? vi.add(xi) : decayInput ? vi.add(xi.sub(vi.sub(vr)).mul(k)) : vi.sub(vi.sub(vr).mul(k)).add(xi);
                FloatVector si = zero.blend(one, hv.compare(VectorOperators.GE, vth));
                FloatVector vn = hard ? hv.mul(one.sub(si)).add(si.mul(vReset)) : hv.sub(si.mul(vth));
                hv.intoArray(h, row + i);
                si.intoArray(s, row + i);
                if (vSeq != null) vn.intoArray(vSeq, row + i);
                vn.intoArray(v, i);
            }
            for (int i = bound, e = row + bound; i < len; i++, e++) {
                float vi = v[i], xi = x[e];
                // the unrolled form's operations, in its order: charge, fire, reset
                float hi_ = !lif ? vi + xi : decayInput ? vi + (xi - (vi - vr)) * k : vi - (vi - vr) * k + xi;
                float si = hi_ >= vth ? 1f : 0f;
                float vn = hard ? hi_ * (1f - si) + si * vReset : hi_ - si * vth;
                h[e] = hi_;
                s[e] = si;
                if (vSeq != null) vSeq[e] = vn;
                v[i] = vn;
            }
        }
        System.arraycopy(v, 0, vLast, lo, len);
    }

    private static void forwardF64(double[] x, double[] v0, double[] s, double[] h, double[] vSeq, double[] vLast, int T, int N, int lo, int hi, double k, LifSpec spec) {
        boolean lif = spec.kind() == LifSpec.Kind.LIF, decayInput = spec.decayInput(), hard = spec.hardReset();
        double vth = spec.vThreshold(), vr = spec.restingValue(), vReset = hard ? spec.vReset() : 0;
        double[] v = new double[hi - lo];
        System.arraycopy(v0, lo, v, 0, hi - lo);
        for (int t = 0; t < T; t++) {
            int row = t * N;
            for (int i = 0, e = row + lo; i < v.length; i++, e++) {
                double vi = v[i], xi = x[e];
                double hi_ = !lif ? vi + xi : decayInput ? vi + (xi - (vi - vr)) * k : vi - (vi - vr) * k + xi;
                double si = hi_ >= vth ? 1 : 0;
                double vn = hard ? hi_ * (1 - si) + vReset * si : hi_ - vth * si;
                h[e] = hi_;
                s[e] = si;
                if (vSeq != null) vSeq[e] = vn;
                v[i] = vn;
            }
        }
        System.arraycopy(v, 0, vLast, lo, hi - lo);
    }

    /**
     * §3.4, per neuron, t = T−1 … 0, with g = dL/dH[t+1] (0 at first): sg = σ'(H[t] − V_th),
     * s = Θ(H[t] − V_th); dV/dH = (1 − s) + (V_reset − H) sg (1 − D) (hard) or 1 − V_th sg (1 − D)
     * (soft); dL/dH[t] = dL/dS[t] sg + (dL/dV[t] + α_V g) dV/dH; dL/dX[t] = c dL/dH[t]; at the end
     * dL/dV0 = α_V g. α_V is 0 in backward with detachTemporal (SLTT). §3.5: dL/dk = Σ g_t ∂H[t]/∂k.
     */
    static void backward(Operand gradSpikes, Operand gradVSeq, Operand gradVLast, Operand h, Operand vSeq, Operand v0, Operand decay,
                         Operand gradX, Operand gradV0, Operand gradDecay, LifSpec spec) {
        int t = h.size(0), n = h.size(1);
        double k = decay == null ? spec.decay() : Scalars.getDouble(CpuBackend.array(decay), decay.dtype(), decay.offset());
        int blocks = Math.ceilDiv(n, BLOCK);
        double[] decaySums = gradDecay == null ? null : new double[blocks];
        Object gs = CpuBackend.array(gradSpikes), gvs = gradVSeq == null ? null : CpuBackend.array(gradVSeq), gvl = gradVLast == null ? null : CpuBackend.array(gradVLast);
        Object H = CpuBackend.array(h), VS = vSeq == null ? null : CpuBackend.array(vSeq), V0 = CpuBackend.array(v0);
        Object GX = CpuBackend.array(gradX), GV0 = CpuBackend.array(gradV0);
        if (h.dtype() == DType.F32) {
            eachBlock(n, t, (lo, hi) -> backwardF32((float[]) gs, (float[]) gvs, (float[]) gvl, (float[]) H, (float[]) VS, (float[]) V0,
                    (float[]) GX, (float[]) GV0, decaySums, t, n, lo, hi, (float) k, spec));
        } else {
            eachBlock(n, t, (lo, hi) -> backwardF64((double[]) gs, (double[]) gvs, (double[]) gvl, (double[]) H, (double[]) VS, (double[]) V0,
                    (double[]) GX, (double[]) GV0, decaySums, t, n, lo, hi, k, spec));
        }
        if (decaySums != null) {
            double sum = 0;
            for (double b : decaySums) sum += b;
            Scalars.setDouble(CpuBackend.array(gradDecay), gradDecay.dtype(), gradDecay.offset(), sum);
        }
    }

    private static void backwardF32(float[] gs, float[] gvs, float[] gvl, float[] h, float[] vSeq, float[] v0, float[] gx, float[] gv0,
                                    double[] decaySums, int T, int N, int lo, int hi, float k, LifSpec spec) {
        Surrogate sur = spec.surrogate();
        boolean hard = spec.hardReset(), keepReset = !spec.detachReset(), lif = spec.kind() == LifSpec.Kind.LIF, decayInput = spec.decayInput();
        float vth = (float) spec.vThreshold(), vReset = hard ? (float) spec.vReset() : 0f, vr = (float) spec.restingValue();
        float alphaV = spec.detachTemporal() ? 0f : (float) spec.membraneFactor(k), c = (float) spec.inputFactor(k);
        int len = hi - lo, bound = F.loopBound(len);
        float[] g = new float[len];
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        double dk = 0;
        for (int t = T - 1; t >= 0; t--) {
            int row = t * N + lo;
            boolean last = t == T - 1 && gvl != null;
            FloatVector dkLanes = zero;
            for (int i = 0; i < bound; i += FL) {
                int e = row + i;
                FloatVector hv = FloatVector.fromArray(F, h, e), sg = SurrogateLanes.derivative(sur, hv.sub(vth));
                VectorMask<Float> fired = hv.compare(VectorOperators.GE, vth);
                FloatVector dvdh = hard ? (keepReset ? zero.blend(one, fired.not()).add(sg.mul(hv.neg().add(vReset))) : zero.blend(one, fired.not()))
                        : keepReset ? one.sub(sg.mul(vth)) : one;
                FloatVector gv = gvs == null ? zero : FloatVector.fromArray(F, gvs, e);
                if (last) gv = gv.add(FloatVector.fromArray(F, gvl, lo + i));
                FloatVector gh = FloatVector.fromArray(F, gs, e).mul(sg).add(gv.add(FloatVector.fromArray(F, g, i).mul(alphaV)).mul(dvdh));
                gh.mul(c).intoArray(gx, e);
                gh.intoArray(g, i);
                if (decaySums != null) {
                    FloatVector vPrev = t == 0 ? FloatVector.fromArray(F, v0, lo + i) : FloatVector.fromArray(F, vSeq, e - N);
                    dkLanes = dkLanes.add(gh.mul(decayInput ? hv.sub(vPrev).div(k) : vPrev.neg().add(vr)));
                }
            }
            if (decaySums != null) dk += Simd.sumLanes(dkLanes);
            for (int i = bound, e = row + bound; i < len; i++, e++) {
                float hv = h[e], sg = SurrogateLanes.derivative(sur, hv - vth), s = hv >= vth ? 1f : 0f;
                float dvdh = hard ? (1f - s) + (keepReset ? sg * (-hv + vReset) : 0f) : keepReset ? 1f - sg * vth : 1f;
                float gv = gvs == null ? 0f : gvs[e];
                if (last) gv += gvl[lo + i];
                float gh = gs[e] * sg + (gv + g[i] * alphaV) * dvdh;
                gx[e] = gh * c;
                g[i] = gh;
                if (decaySums != null) {
                    float vPrev = t == 0 ? v0[lo + i] : vSeq[e - N];
                    dk += gh * (decayInput ? (hv - vPrev) / k : -vPrev + vr);
                }
            }
        }
        for (int i = 0; i < len; i++) gv0[lo + i] = alphaV * g[i];
        if (decaySums != null && lif) decaySums[lo / BLOCK] = dk;
    }

    private static void backwardF64(double[] gs, double[] gvs, double[] gvl, double[] h, double[] vSeq, double[] v0, double[] gx, double[] gv0,
                                    double[] decaySums, int T, int N, int lo, int hi, double k, LifSpec spec) {
        Surrogate sur = spec.surrogate();
        boolean hard = spec.hardReset(), keepReset = !spec.detachReset(), lif = spec.kind() == LifSpec.Kind.LIF;
        double vth = spec.vThreshold(), vReset = hard ? spec.vReset() : 0, vr = spec.restingValue();
        double alphaV = spec.detachTemporal() ? 0 : spec.membraneFactor(k), c = spec.inputFactor(k);
        double[] g = new double[hi - lo];
        double dk = 0;
        for (int t = T - 1; t >= 0; t--) {
            int row = t * N;
            for (int i = 0, e = row + lo; i < g.length; i++, e++) {
                double hv = h[e], sg = sur.derivative(hv - vth), s = hv >= vth ? 1 : 0;
                double dvdh = hard ? (1 - s) + (keepReset ? (vReset - hv) * sg : 0) : 1 - (keepReset ? vth * sg : 0);
                double gv = gvs == null ? 0 : gvs[e];
                if (t == T - 1 && gvl != null) gv += gvl[lo + i];
                double gh = gs[e] * sg + (gv + alphaV * g[i]) * dvdh;
                gx[e] = c * gh;
                g[i] = gh;
                if (decaySums != null) {
                    double vPrev = t == 0 ? v0[lo + i] : vSeq[e - N];
                    dk += gh * (spec.decayInput() ? (hv - vPrev) / k : vr - vPrev);
                }
            }
        }
        for (int i = 0; i < g.length; i++) gv0[lo + i] = alphaV * g[i];
        if (decaySums != null && lif) decaySums[lo / BLOCK] = dk;
    }

    @FunctionalInterface
    private interface Block { void run(int lo, int hi); }

    /** Runs {@code body} over the blocks of [0, n), in parallel when the work (n T) pays for it. */
    private static void eachBlock(int n, int t, Block body) {
        int blocks = Math.ceilDiv(n, BLOCK);
        int grain = Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1, BLOCK * t));
        Parallel.forRange(blocks, grain, (b0, b1) -> {
            for (int b = b0; b < b1; b++) body.run(b * BLOCK, Math.min(n, (b + 1) * BLOCK));
        });
    }

    private static float[] floats(Operand o) { return (float[]) CpuBackend.array(o); }

    private static double[] doubles(Operand o) { return (double[]) CpuBackend.array(o); }
}
