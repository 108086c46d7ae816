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
 * the outer loop and the block's neurons in the inner one, so the membrane of the block stays in L2
 * between steps and every [T, N] array is streamed once (x read, spikes and H written forward; dL/dS
 * and H read, dL/dX written backward). The arithmetic is the unrolled form's, operation for
 * operation, in the tensors' own precision, so forward results equal it bit for bit. F32 runs in
 * vector lanes (the surrogate's derivative in float, {@link SurrogateLanes}); F64 in scalar loops.
 *
 * <p>The PLIF decay gradient is summed per row of a block (float lanes in F32, then in lane order)
 * and over rows in double, and the blocks' sums are added in block order: the result does not
 * depend on the thread count.
 */
final class LifKernels {

    private LifKernels() {}

    /**
     * Neurons per block. Each step reads and writes a 64 KiB run of each [T, N] array, long enough
     * for the hardware prefetchers to stream it (a block's carried state, 64 KiB, stays in L2).
     * Measured on a 2-core AMD EPYC, T = 32, N = 2^20, forward + backward: 1024 neurons 39 ms, 2048 34 ms,
     * 4096 31 ms, 16384 29 ms, 65536 27 ms (the forward's block 4096 for the first two); 16384 keeps 64 blocks for the threads at that size.
     */
    static final int BLOCK = 16384;

    /**
     * Time steps per pass over a block in the forward. The membrane is loaded and stored once per
     * group instead of once per step: those stores sit in the store buffer between the streaming
     * stores of S and H. Measured on a 2-core Sapphire Rapids, T = 32, N = 2^20: the forward 20 ms
     * with one step per pass, 15 ms with three. Four steps in one loop pass C2's node budget for
     * inlining (a step left as a call boxes its vectors). The backward keeps one step per pass: a
     * two-, three- or four-step form (with the c-free terms precomputed per row) measured no faster.
     */
    static final int FORWARD_GROUP = 3;

    static void forward(Operand x, Operand v0, Operand decay, Operand spikes, Operand h, Operand vSeq, Operand vLast, LifSpec spec) {
        int t = x.size(0), n = x.size(1);
        double k = decay == null ? spec.decay() : Scalars.getDouble(CpuBackend.array(decay), decay.dtype(), decay.offset());
        if (x.dtype() == DType.F32) {
            float[] X = floats(x), V0 = floats(v0), S = floats(spikes), H = floats(h), VS = vSeq == null ? null : floats(vSeq), VL = floats(vLast);
            eachBlock(n, t, BLOCK, (lo, hi) -> forwardF32(X, V0, S, H, VS, VL, t, n, lo, hi, (float) k, spec));
        } else {
            double[] X = doubles(x), V0 = doubles(v0), S = doubles(spikes), H = doubles(h), VS = vSeq == null ? null : doubles(vSeq), VL = doubles(vLast);
            eachBlock(n, t, BLOCK, (lo, hi) -> forwardF64(X, V0, S, H, VS, VL, t, n, lo, hi, k, spec));
        }
    }

    /**
     * Per block, time in groups of {@link #FORWARD_GROUP} steps: for each vector of neurons the membrane is
     * loaded once, carried through the group's steps in a register and stored once. Charging, firing
     * and resetting are one expression per step; one loop per neuron kind (the charge differs), so
     * no vector flows through a phi (a vector merged from two branches or carried across iterations
     * is boxed on the heap by C2). The two resets are one expression, V = H (1 − h S) + S R with
     * h = 1, R = V_reset (hard) or h = 0, R = −V_th (soft), which gives the same bits as either form.
     */
    private static void forwardF32(float[] x, float[] v0, float[] s, float[] h, float[] vSeq, float[] vLast, int T, int N, int lo, int hi, float k, LifSpec spec) {
        Fire fire = new Fire((float) spec.vThreshold(), spec.hardReset() ? 1f : 0f, spec.hardReset() ? (float) spec.vReset() : (float) -spec.vThreshold(), s, h, vSeq);
        float vr = (float) spec.restingValue();
        int len = hi - lo;
        float[] v = new float[len];
        System.arraycopy(v0, lo, v, 0, len);
        for (int t = 0; t < T; ) {
            int steps = T - t >= FORWARD_GROUP ? FORWARD_GROUP : 1, row = t * N + lo;
            boolean three = steps == FORWARD_GROUP;
            if (spec.kind() == LifSpec.Kind.IF) {
                if (three) threeIf(x, v, fire, row, N, len);
                else oneIf(x, v, fire, row, len);
            } else if (spec.decayInput()) {
                if (three) threeDecayingInput(x, v, fire, row, N, len, k, vr);
                else oneDecayingInput(x, v, fire, row, len, k, vr);
            } else {
                if (three) threeDirectInput(x, v, fire, row, N, len, k, vr);
                else oneDirectInput(x, v, fire, row, len, k, vr);
            }
            chargeTail(x, v, fire, row, N, F.loopBound(len), len, steps, spec, k, vr);
            t += steps;
        }
        System.arraycopy(v, 0, vLast, lo, len);
    }

    /*
     * H[t] from V[t−1] and X[t] (§2.2), in the unrolled form's operations and order: for each kind a
     * loop over three consecutive rows (row, row + N, row + 2N), the membrane one register from step to step,
     * and a loop over one row, both over the block's whole vectors; then the scalar tail. The loops
     * are separate methods so that C2 inlines every step into them (one method holding them all
     * passes its node budget and leaves a step as a call that boxes its vectors).
     */

    /** IF, three rows: H = V + X. */
    private static void threeIf(float[] x, float[] v, Fire fire, int row, int N, int len) {
        int r1 = row + N, r2 = r1 + N;
        for (int i = 0, bound = F.loopBound(len); i < bound; i += FL) {
            FloatVector vi = FloatVector.fromArray(F, v, i);
            vi = fire.lanes(vi.add(FloatVector.fromArray(F, x, row + i)), row + i);
            vi = fire.lanes(vi.add(FloatVector.fromArray(F, x, r1 + i)), r1 + i);
            fire.lanes(vi.add(FloatVector.fromArray(F, x, r2 + i)), r2 + i).intoArray(v, i);
        }
    }

    /** IF, one row. */
    private static void oneIf(float[] x, float[] v, Fire fire, int row, int len) {
        for (int i = 0, bound = F.loopBound(len); i < bound; i += FL)
            fire.lanes(FloatVector.fromArray(F, v, i).add(FloatVector.fromArray(F, x, row + i)), row + i).intoArray(v, i);
    }

    /** LIF with input decay, three rows: H = V + (X − (V − V_r)) k. */
    private static void threeDecayingInput(float[] x, float[] v, Fire fire, int row, int N, int len, float k, float vr) {
        int r1 = row + N, r2 = r1 + N;
        for (int i = 0, bound = F.loopBound(len); i < bound; i += FL) {
            FloatVector vi = FloatVector.fromArray(F, v, i);
            vi = fire.lanes(vi.add(FloatVector.fromArray(F, x, row + i).sub(vi.sub(vr)).mul(k)), row + i);
            vi = fire.lanes(vi.add(FloatVector.fromArray(F, x, r1 + i).sub(vi.sub(vr)).mul(k)), r1 + i);
            fire.lanes(vi.add(FloatVector.fromArray(F, x, r2 + i).sub(vi.sub(vr)).mul(k)), r2 + i).intoArray(v, i);
        }
    }

    /** LIF with input decay, one row. */
    private static void oneDecayingInput(float[] x, float[] v, Fire fire, int row, int len, float k, float vr) {
        for (int i = 0, bound = F.loopBound(len); i < bound; i += FL) {
            FloatVector vi = FloatVector.fromArray(F, v, i);
            fire.lanes(vi.add(FloatVector.fromArray(F, x, row + i).sub(vi.sub(vr)).mul(k)), row + i).intoArray(v, i);
        }
    }

    /** LIF without input decay, three rows: H = V − (V − V_r) k + X. */
    private static void threeDirectInput(float[] x, float[] v, Fire fire, int row, int N, int len, float k, float vr) {
        int r1 = row + N, r2 = r1 + N;
        for (int i = 0, bound = F.loopBound(len); i < bound; i += FL) {
            FloatVector vi = FloatVector.fromArray(F, v, i);
            vi = fire.lanes(vi.sub(vi.sub(vr).mul(k)).add(FloatVector.fromArray(F, x, row + i)), row + i);
            vi = fire.lanes(vi.sub(vi.sub(vr).mul(k)).add(FloatVector.fromArray(F, x, r1 + i)), r1 + i);
            fire.lanes(vi.sub(vi.sub(vr).mul(k)).add(FloatVector.fromArray(F, x, r2 + i)), r2 + i).intoArray(v, i);
        }
    }

    /** LIF without input decay, one row. */
    private static void oneDirectInput(float[] x, float[] v, Fire fire, int row, int len, float k, float vr) {
        for (int i = 0, bound = F.loopBound(len); i < bound; i += FL) {
            FloatVector vi = FloatVector.fromArray(F, v, i);
            fire.lanes(vi.sub(vi.sub(vr).mul(k)).add(FloatVector.fromArray(F, x, row + i)), row + i).intoArray(v, i);
        }
    }

    /** The block's last neurons [from, len) over `steps` rows, in scalars with the lanes' operations. */
    private static void chargeTail(float[] x, float[] v, Fire fire, int row, int N, int from, int len, int steps, LifSpec spec, float k, float vr) {
        boolean integrate = spec.kind() == LifSpec.Kind.IF, decayInput = spec.decayInput();
        for (int i = from; i < len; i++)
            for (int r = row; r < row + steps * N; r += N) {
                float vi = v[i], xi = x[r + i];
                v[i] = fire.one(integrate ? vi + xi : decayInput ? vi + (xi - (vi - vr)) * k : vi - (vi - vr) * k + xi, r + i);
            }
    }

    /** Fire and reset given H at element e of the [T, N] arrays, storing H, S (and V when the sequence is kept); returns V. */
    private record Fire(float vth, float hardF, float resetTo, float[] s, float[] h, float[] vSeq) {
        FloatVector lanes(FloatVector hv, int e) {
            VectorMask<Float> fired = hv.compare(VectorOperators.GE, vth);
            FloatVector si = FloatVector.zero(F).blend(1f, fired);
            FloatVector vn = hv.mul(FloatVector.broadcast(F, 1f).blend(1f - hardF, fired)).add(si.mul(resetTo));   // 1 − h S as a blend: the same values
            hv.intoArray(h, e);
            si.intoArray(s, e);
            if (vSeq != null) vn.intoArray(vSeq, e);
            return vn;
        }

        float one(float hv, int e) {
            float si = hv >= vth ? 1f : 0f, vn = hv * (-(si * hardF) + 1f) + si * resetTo;
            h[e] = hv;
            s[e] = si;
            if (vSeq != null) vSeq[e] = vn;
            return vn;
        }
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
            eachBlock(n, t, BLOCK, (lo, hi) -> backwardF32((float[]) gs, (float[]) gvs, (float[]) gvl, (float[]) H, (float[]) VS, (float[]) V0,
                    (float[]) GX, (float[]) GV0, decaySums, t, n, lo, hi, (float) k, spec));
        } else {
            eachBlock(n, t, BLOCK, (lo, hi) -> backwardF64((double[]) gs, (double[]) gvs, (double[]) gvl, (double[]) H, (double[]) VS, (double[]) V0,
                    (double[]) GX, (double[]) GV0, decaySums, t, n, lo, hi, k, spec));
        }
        if (decaySums != null) {
            double sum = 0;
            for (double b : decaySums) sum += b;
            Scalars.setDouble(CpuBackend.array(gradDecay), gradDecay.dtype(), gradDecay.offset(), sum);
        }
    }

    /**
     * Per block, t = T−1 … 0, with c[i] = α_V dL/dH[t+1] + dL/dV[t] carried in L1 (it starts as
     * dL/dV_last): σ' of the row into an L1 array (one loop per surrogate, {@link SurrogateLanes}),
     * then dL/dH = dL/dS σ' + c dV/dH with dV/dH = (1 − h S) + d σ' (h (V_reset − H) + (1 − h)(−V_th)),
     * h = 1 for a hard reset, d = 1 when the reset is not detached (exactly the four forms of §3.4),
     * then PLIF's dL/dk from the row's dL/dH. No vector is carried through a phi.
     */
    private static void backwardF32(float[] gs, float[] gvs, float[] gvl, float[] h, float[] vSeq, float[] v0, float[] gx, float[] gv0,
                                    double[] decaySums, int T, int N, int lo, int hi, float k, LifSpec spec) {
        Surrogate sur = spec.surrogate();
        boolean hard = spec.hardReset(), lif = spec.kind() == LifSpec.Kind.LIF;
        float vth = (float) spec.vThreshold(), vReset = hard ? (float) spec.vReset() : 0f, vr = (float) spec.restingValue();
        float hardF = hard ? 1f : 0f, softF = hard ? 0f : 1f, keepF = spec.detachReset() ? 0f : 1f;
        float alphaV = spec.detachTemporal() ? 0f : (float) spec.membraneFactor(k), c0 = (float) spec.inputFactor(k);
        int len = hi - lo, bound = F.loopBound(len);
        float[] c = new float[len], sg = new float[len], gh = decaySums == null ? null : new float[len];
        if (gvl != null) System.arraycopy(gvl, lo, c, 0, len);
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        double dk = 0;
        for (int t = T - 1; t >= 0; t--) {
            int row = t * N + lo;
            if (gvs != null) for (int i = 0; i < len; i++) c[i] += gvs[row + i];
            SurrogateLanes.fill(sur, h, row, vth, sg, len);
            for (int i = 0; i < bound; i += FL) {
                int e = row + i;
                FloatVector hv = FloatVector.fromArray(F, h, e), sgv = FloatVector.fromArray(F, sg, i);
                FloatVector si = zero.blend(one, hv.compare(VectorOperators.GE, vth));
                FloatVector resetPath = hv.neg().add(vReset).mul(hardF).add(softF * -vth);
                FloatVector dvdh = si.mul(hardF).neg().add(1f).add(sgv.mul(keepF).mul(resetPath));
                FloatVector ghv = FloatVector.fromArray(F, gs, e).mul(sgv).add(FloatVector.fromArray(F, c, i).mul(dvdh));
                ghv.mul(c0).intoArray(gx, e);
                ghv.mul(alphaV).intoArray(c, i);
                if (gh != null) ghv.intoArray(gh, i);
            }
            for (int i = bound, e = row + bound; i < len; i++, e++) {
                float hv = h[e], si = hv >= vth ? 1f : 0f;
                float dvdh = (-(si * hardF) + 1f) + sg[i] * keepF * ((-hv + vReset) * hardF + softF * -vth);
                float g = gs[e] * sg[i] + c[i] * dvdh;
                gx[e] = g * c0;
                c[i] = g * alphaV;
                if (gh != null) gh[i] = g;
            }
            if (gh != null && lif) dk += decayRow(gh, h, vSeq, v0, row, N, lo, len, t == 0, spec.decayInput(), k, vr);
        }
        System.arraycopy(c, 0, gv0, lo, len);
        if (decaySums != null && lif) decaySums[lo / BLOCK] = dk;
    }

    /**
     * One row's Σ dL/dH[t] ∂H[t]/∂k (§3.5): (H − V[t−1]) / k with input decay (H − V = (X − (V − V_r)) k),
     * else V_r − V[t−1]; in float lanes, summed in lane order.
     */
    private static double decayRow(float[] gh, float[] h, float[] vSeq, float[] v0, int row, int N, int lo, int len, boolean first,
                                   boolean decayInput, float k, float vr) {
        float[] prev = first ? v0 : vSeq;
        int prevAt = first ? lo : row - N, bound = F.loopBound(len);
        float[] lanes = new float[F.length()];
        if (decayInput)
            for (int i = 0; i < bound; i += FL) {
                FloatVector term = FloatVector.fromArray(F, h, row + i).sub(FloatVector.fromArray(F, prev, prevAt + i)).div(k);
                FloatVector.fromArray(F, lanes, 0).add(FloatVector.fromArray(F, gh, i).mul(term)).intoArray(lanes, 0);
            }
        else
            for (int i = 0; i < bound; i += FL) {
                FloatVector term = FloatVector.fromArray(F, prev, prevAt + i).neg().add(vr);
                FloatVector.fromArray(F, lanes, 0).add(FloatVector.fromArray(F, gh, i).mul(term)).intoArray(lanes, 0);
            }
        double sum = 0;
        for (float l : lanes) sum += l;
        for (int i = bound; i < len; i++) sum += gh[i] * (decayInput ? (h[row + i] - prev[prevAt + i]) / k : -prev[prevAt + i] + vr);
        return sum;
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
    private static void eachBlock(int n, int t, int block, Block body) {
        int blocks = Math.ceilDiv(n, block);
        int grain = Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1, block * t));
        Parallel.forRange(blocks, grain, (b0, b1) -> {
            for (int b = b0; b < b1; b++) body.run(b * block, Math.min(n, (b + 1) * block));
        });
    }

    private static float[] floats(Operand o) { return (float[]) CpuBackend.array(o); }

    private static double[] doubles(Operand o) { return (double[]) CpuBackend.array(o); }
}
