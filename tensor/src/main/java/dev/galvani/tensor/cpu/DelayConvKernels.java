package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.DelaySpec;
import dev.galvani.tensor.backend.Operand;

/**
 * The CPU's {@link dev.galvani.tensor.backend.DelayKernels}: per-synapse tap math from
 * {@link DelayTaps}, the dense GEMM form from {@link DelayGemm}, the sparse taps and integer delays
 * as {@link TapTable}s applied by {@link TapGather}. Shapes and layouts are the family's
 * ([T, B, C] sequences, [Cout, Cin] synapse tensors, [Cout, Cin, D] kernels, contiguous).
 */
final class DelayConvKernels {

    private DelayConvKernels() {}

    // ---- dense kernel ------------------------------------------------------------------------------

    static void buildKernel(Operand weight, Operand positions, Operand sigma, Operand kernel, DelaySpec spec) {
        int cout = weight.size(0), cin = weight.size(1), taps = spec.taps();
        Values w = new Values(weight), p = new Values(positions), s = sigma == null ? null : new Values(sigma), k = new Values(kernel);
        Parallel.forRange(cout, 4, (o0, o1) -> {
            DelayTaps t = new DelayTaps(spec);
            for (int syn = o0 * cin; syn < o1 * cin; syn++) {
                t.compute(p.get(syn), s == null ? 0 : s.get(syn), false);
                double wv = w.get(syn);
                for (int tap = 0; tap < taps; tap++) k.set(syn * taps + tap, wv * t.n[tap]);
            }
        });
    }

    static void kernelBackward(Operand gradKernel, Operand weight, Operand positions, Operand sigma,
                               Operand gradWeight, Operand gradPositions, Operand gradSigma, DelaySpec spec) {
        int cout = weight.size(0), cin = weight.size(1), taps = spec.taps();
        Values g = new Values(gradKernel), w = new Values(weight), p = new Values(positions), s = sigma == null ? null : new Values(sigma);
        Values dw = gradWeight == null ? null : new Values(gradWeight), dp = gradPositions == null ? null : new Values(gradPositions),
                ds = gradSigma == null ? null : new Values(gradSigma);
        Parallel.forRange(cout, 4, (o0, o1) -> {
            DelayTaps t = new DelayTaps(spec);
            for (int syn = o0 * cin; syn < o1 * cin; syn++) {
                t.compute(p.get(syn), s == null ? 0 : s.get(syn), dp != null || ds != null);
                double sw = 0, sp = 0, ss = 0;
                for (int tap = 0; tap < taps; tap++) {                    // reference §10
                    double gk = g.get(syn * taps + tap);
                    sw += gk * t.n[tap];
                    sp += gk * t.dnP[tap];
                    ss += gk * t.dnS[tap];
                }
                double wv = w.get(syn);
                if (dw != null) dw.set(syn, sw);
                if (dp != null) dp.set(syn, wv * sp);
                if (ds != null) ds.set(syn, wv * ss);
            }
        });
    }

    static void correlate(Operand x, Operand kernel, Operand out, DelaySpec spec) {
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), cout = kernel.size(0);
        if (x.dtype() == DType.F32)
            DelayGemm.forward(floats(x), x.offset(), floats(kernel), kernel.offset(), floats(out), out.offset(), steps, batch, cin, cout, spec.taps());
        else
            DelayGemm.forward(doubles(x), x.offset(), doubles(kernel), kernel.offset(), doubles(out), out.offset(), steps, batch, cin, cout, spec.taps());
    }

    static void correlateBackward(Operand gradOut, Operand x, Operand kernel, Operand gradX, Operand gradKernel, DelaySpec spec) {
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), cout = kernel.size(0);
        if (x.dtype() == DType.F32)
            DelayGemm.backward(floats(gradOut), gradOut.offset(), floats(x), x.offset(), floats(kernel), kernel.offset(),
                    gradX == null ? null : floats(gradX), gradX == null ? 0 : gradX.offset(),
                    gradKernel == null ? null : floats(gradKernel), gradKernel == null ? 0 : gradKernel.offset(), steps, batch, cin, cout, spec.taps());
        else
            DelayGemm.backward(doubles(gradOut), gradOut.offset(), doubles(x), x.offset(), doubles(kernel), kernel.offset(),
                    gradX == null ? null : doubles(gradX), gradX == null ? 0 : gradX.offset(),
                    gradKernel == null ? null : doubles(gradKernel), gradKernel == null ? 0 : gradKernel.offset(), steps, batch, cin, cout, spec.taps());
    }

    // ---- sparse taps -------------------------------------------------------------------------------

    /** The forward table of the sparse taps: row o, column i, offset = tap k, value W n_k, for the taps of each synapse's window. */
    private static TapTable sparseTable(Operand weight, Operand positions, Operand sigma, DelaySpec spec) {
        int cout = weight.size(0), cin = weight.size(1);
        Values w = new Values(weight), p = new Values(positions), s = sigma == null ? null : new Values(sigma);
        int[] counts = new int[cout];
        Parallel.forRange(cout, 16, (o0, o1) -> {
            DelayTaps t = new DelayTaps(spec);
            for (int o = o0; o < o1; o++)
                for (int i = 0, syn = o * cin; i < cin; i++, syn++) {
                    t.window(p.get(syn), s == null ? 0 : s.get(syn));
                    counts[o] += Math.max(0, t.hi - t.lo + 1);
                }
        });
        return TapTable.build(cout, cin, counts, (o, start, col, off, val) -> {
            DelayTaps t = new DelayTaps(spec);
            int e = start;
            for (int i = 0, syn = o * cin; i < cin; i++, syn++) {
                double pv = p.get(syn), sv = s == null ? 0 : s.get(syn);
                t.window(pv, sv);
                if (t.lo > t.hi) continue;
                t.compute(pv, sv, false);
                double wv = w.get(syn);
                for (int k = t.lo; k <= t.hi; k++, e++) {
                    col[e] = i;
                    off[e] = k;
                    val[e] = wv * t.n[k];
                }
            }
        });
    }

    static void sparseForward(Operand x, Operand weight, Operand positions, Operand sigma, Operand out, DelaySpec spec) {
        apply(x, sparseTable(weight, positions, sigma, spec), out, spec);
    }

    static void sparseBackward(Operand gradOut, Operand x, Operand weight, Operand positions, Operand sigma,
                               Operand gradX, Operand gradWeight, Operand gradPositions, Operand gradSigma, DelaySpec spec) {
        TapTable table = sparseTable(weight, positions, sigma, spec);
        boolean synapseGrads = gradWeight != null || gradPositions != null || gradSigma != null;
        double[] dv = applyBackward(gradOut, x, table, gradX, synapseGrads, spec);
        if (!synapseGrads) return;
        int cout = weight.size(0), cin = weight.size(1);
        Values w = new Values(weight), p = new Values(positions), s = sigma == null ? null : new Values(sigma);
        Values dw = gradWeight == null ? null : new Values(gradWeight), dp = gradPositions == null ? null : new Values(gradPositions),
                ds = gradSigma == null ? null : new Values(gradSigma);
        Parallel.forRange(cout, 4, (o0, o1) -> {
            DelayTaps t = new DelayTaps(spec);
            for (int o = o0; o < o1; o++) {
                int e = table.rowStart(o), end = table.rowEnd(o);
                for (int i = 0, syn = o * cin; i < cin; i++, syn++) {
                    double sw = 0, sp = 0, ss = 0;
                    if (e < end && table.col[e] == i) {
                        t.compute(p.get(syn), s == null ? 0 : s.get(syn), dp != null || ds != null);
                        for (; e < end && table.col[e] == i; e++) {           // reference §10 over the kept taps
                            int k = table.off[e];
                            sw += dv[e] * t.n[k];
                            sp += dv[e] * t.dnP[k];
                            ss += dv[e] * t.dnS[k];
                        }
                    }
                    double wv = w.get(syn);
                    if (dw != null) dw.set(syn, sw);
                    if (dp != null) dp.set(syn, wv * sp);
                    if (ds != null) ds.set(syn, wv * ss);
                }
            }
        });
    }

    // ---- integer delays ----------------------------------------------------------------------------

    /** One entry per synapse: offset = tap {@code D − 1 − d}, value W. */
    private static TapTable integerTable(Operand weight, Operand delays, DelaySpec spec) {
        int cout = weight.size(0), cin = weight.size(1), taps = spec.taps();
        Values w = new Values(weight);
        int[] d = ints(delays);
        int dOff = delays.offset();
        int[] counts = new int[cout];
        java.util.Arrays.fill(counts, cin);
        return TapTable.build(cout, cin, counts, (o, start, col, off, val) -> {
            for (int i = 0, syn = o * cin; i < cin; i++, syn++) {
                int delay = d[dOff + syn];
                if (delay < 0 || delay >= taps)
                    throw new IllegalArgumentException("integer delays: delay " + delay + " of synapse (" + o + ", " + i + ") is outside [0, " + taps + ")");
                col[start + i] = i;
                off[start + i] = taps - 1 - delay;
                val[start + i] = w.get(syn);
            }
        });
    }

    static void integerForward(Operand x, Operand weight, Operand delays, Operand out, DelaySpec spec) {
        apply(x, integerTable(weight, delays, spec), out, spec);
    }

    static void integerBackward(Operand gradOut, Operand x, Operand weight, Operand delays, Operand gradX, Operand gradWeight, DelaySpec spec) {
        TapTable table = integerTable(weight, delays, spec);
        double[] dv = applyBackward(gradOut, x, table, gradX, gradWeight != null, spec);
        if (gradWeight == null) return;
        Values dw = new Values(gradWeight);
        for (int e = 0; e < dv.length; e++) dw.set(e, dv[e]);          // one entry per synapse, in synapse order
    }

    static void integerStep(Operand ring, int newest, Operand weight, Operand delays, Operand out, DelaySpec spec) {
        int taps = spec.taps(), cin = ring.size(1), batch = ring.size(2), cout = weight.size(0);
        Values w = new Values(weight), r = new Values(ring), y = new Values(out);
        int[] d = ints(delays);
        int dOff = delays.offset();
        Parallel.forRange(cout, 16, (o0, o1) -> {
            double[] acc = new double[batch];
            for (int o = o0; o < o1; o++) {
                java.util.Arrays.fill(acc, 0);
                for (int i = 0, syn = o * cin; i < cin; i++, syn++) {
                    int delay = d[dOff + syn];
                    if (delay < 0 || delay >= taps)
                        throw new IllegalArgumentException("integer delays: delay " + delay + " of synapse (" + o + ", " + i + ") is outside [0, " + taps + ")");
                    int slot = Math.floorMod(newest - delay, taps), at = (slot * cin + i) * batch;
                    double wv = w.get(syn);
                    for (int b = 0; b < batch; b++) acc[b] += wv * r.get(at + b);
                }
                for (int b = 0; b < batch; b++) y.set(b * cout + o, acc[b]);
            }
        });
    }

    // ---- tables applied ----------------------------------------------------------------------------

    /** out [T + (D − 1)/2, B, Cout] = the forward table applied to x [T, B, Cin]. */
    private static void apply(Operand x, TapTable table, Operand out, DelaySpec spec) {
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), taps = spec.taps(), outSteps = steps + spec.half();
        if (x.dtype() == DType.F32) {
            int span = TapGather.roundSteps(outSteps), xSpan = span + taps - 1;
            TapGather.Lanes lanes = TapGather.toLanes(0, floats(x), x.offset(), steps, batch, cin, taps - 1, xSpan);
            TapGather.fromLanes(TapGather.gather(1, lanes, table, span, batch), batch, floats(out), out.offset(), outSteps);
        } else {
            TapGather.gather(doubles(x), x.offset(), steps, batch, taps - 1, table, doubles(out), out.offset(), outSteps);
        }
    }

    /** dx (when gradX is not null) and, when asked, the gradient of every entry's value. */
    private static double[] applyBackward(Operand gradOut, Operand x, TapTable table, Operand gradX, boolean entryGrads, DelaySpec spec) {
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), cout = table.rows, taps = spec.taps(), outSteps = steps + spec.half();
        TapTable inputTable = gradX == null ? null : table.transpose(k -> taps - 1 - k);
        if (x.dtype() == DType.F32) {
            int span = TapGather.roundSteps(outSteps), xSpan = span + taps - 1;
            int inSpan = TapGather.roundSteps(steps), gSpan = Math.max(span, inSpan + taps - 1);
            TapGather.Lanes g = TapGather.toLanes(2, floats(gradOut), gradOut.offset(), outSteps, batch, cout, 0, gSpan);
            if (inputTable != null)
                TapGather.fromLanes(TapGather.gather(1, g, inputTable, inSpan, batch), batch, floats(gradX), gradX.offset(), steps);
            if (!entryGrads) return null;
            TapGather.Lanes lanes = TapGather.toLanes(0, floats(x), x.offset(), steps, batch, cin, taps - 1, xSpan);
            return TapGather.dots(g, lanes, table, span);
        }
        double[] dy = doubles(gradOut);
        if (inputTable != null) TapGather.gather(dy, gradOut.offset(), outSteps, batch, 0, inputTable, doubles(gradX), gradX.offset(), steps);
        return entryGrads ? TapGather.dots(dy, gradOut.offset(), outSteps, doubles(x), x.offset(), steps, batch, taps - 1, table) : null;
    }

    // ---- element access ----------------------------------------------------------------------------

    /** A contiguous F32 or F64 operand read and written as doubles by flat index. */
    private static final class Values {
        private final float[] f;
        private final double[] d;
        private final int offset;

        Values(Operand o) {
            f = o.dtype() == DType.F32 ? floats(o) : null;
            d = f == null ? doubles(o) : null;
            offset = o.offset();
        }

        double get(int i) { return f != null ? f[offset + i] : d[offset + i]; }

        void set(int i, double v) {
            if (f != null) f[offset + i] = (float) v;
            else d[offset + i] = v;
        }
    }

    private static float[] floats(Operand o) { return (float[]) CpuBackend.array(o); }

    private static double[] doubles(Operand o) { return (double[]) CpuBackend.array(o); }

    private static int[] ints(Operand o) { return (int[]) CpuBackend.array(o); }
}
