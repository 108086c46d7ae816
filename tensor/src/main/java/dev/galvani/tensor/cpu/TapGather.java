package dev.galvani.tensor.cpu;

import static dev.galvani.tensor.cpu.Simd.F;
import static dev.galvani.tensor.cpu.Simd.FL;

import java.lang.ref.SoftReference;
import jdk.incubator.vector.FloatVector;

/**
 * Applies a {@link TapTable} to a time-major sequence: {@code out[t, b, r] = Σ_e val_e z[t + off_e − lead, b, col_e]}
 * (zero outside the sequence), and the per-entry dot products its weight gradient needs. The sparse
 * taps, the integer delays and both their input gradients are this one kernel with different tables
 * (reference §13: a gather with the cost of one linear layer per kept tap).
 *
 * <p><b>F32 layout.</b> The sequence is first copied to <em>lanes</em>:
 * {@code Z[c][b / L][lead + t][b mod L]} (L = the vector length), each channel's batch in vectors
 * of L and its time steps consecutive, zero-padded before and after. An entry then reads, for 8
 * consecutive output steps, 8 consecutive vectors of its column at its offset: one broadcast and 8
 * fused multiply-adds into 8 accumulators that stay in registers while the entries of one column
 * block (16 channels, 32 KiB of inputs at D = 25, in L1) are swept; then the next row. Threads take
 * (batch vector, 8-step chunk) units. The weight gradient of an entry is the dot product of its
 * row's output gradient with its column's input at its offset, over all steps and the batch, in
 * lanes (4 independent accumulators, lanes summed in a fixed order, batch vectors in order):
 * threads take rows, so no two write one entry and the sums do not depend on the thread count.
 *
 * <p><b>Why a gather, not synapses grouped by delay.</b> With learned (spread) delays every delay
 * value holds about 1/D of each output's synapses, so grouping makes D products with masked dense
 * weights, D times a linear layer, or D sparse products with this kernel's access pattern anyway.
 * The gather does one multiply-add per kept tap. Measured on the 2-core development machine (shared,
 * indicative only): integer delays 700 → 256, T = 100, B = 64, about 3.8× the time of the linear
 * layer's GEMM (40 ms against 10.5 ms); 16 steps per accumulator set instead of 8 measured the same.
 *
 * <p><b>F64</b> runs plain loops over the natural layout (tests and gradient checks).
 */
final class TapGather {

    private TapGather() {}

    /** Output steps per accumulator set. */
    static final int STEPS = 8;

    // ---- scratch: a call's large buffers (roles 0–2: lanes; 3–4: the GEMM form's transposed kernels), kept per thread for the next call

    private static final ThreadLocal<SoftReference<float[]>[]> SCRATCH = ThreadLocal.withInitial(() -> {
        @SuppressWarnings("unchecked") SoftReference<float[]>[] refs = new SoftReference[5];
        return refs;
    });

    /** A per-thread buffer of at least n floats for a role in [0, 5); contents undefined. */
    static float[] scratch(int role, int n) {
        SoftReference<float[]>[] refs = SCRATCH.get();
        float[] a = refs[role] == null ? null : refs[role].get();
        if (a == null || a.length < n) {
            a = new float[n];
            refs[role] = new SoftReference<>(a);
        }
        return a;
    }

    /** {@code n} rounded up to a multiple of {@link #STEPS}. */
    static int roundSteps(int n) { return Math.ceilDiv(n, STEPS) * STEPS; }

    /** Batch vectors: ⌈B / L⌉. */
    static int batchVectors(int batch) { return Math.ceilDiv(batch, FL); }

    /**
     * Copies z [steps, batch, channels] (from offset zOff) to lanes {@code Z[c][bv][lead + t][lane]}
     * with {@code span} steps per (channel, batch vector), zeros elsewhere, into role's buffer.
     */
    static float[] toLanes(int role, float[] z, int zOff, int steps, int batch, int channels, int lead, int span) {
        int nb = batchVectors(batch), plane = span * FL, size = channels * nb * plane;
        float[] Z = scratch(role, size);
        Parallel.forRange(Math.ceilDiv(channels, 16), 1, (q0, q1) -> {
            for (int c0 = q0 * 16, cEnd = Math.min(channels, q1 * 16); c0 < cEnd; c0 += 16) {
                int c1 = Math.min(cEnd, c0 + 16);
                java.util.Arrays.fill(Z, c0 * nb * plane, c1 * nb * plane, 0f);
                for (int t = 0; t < steps; t++)
                    for (int b = 0; b < batch; b++) {
                        int src = zOff + (t * batch + b) * channels, dst = (b / FL) * plane + (lead + t) * FL + b % FL;
                        for (int c = c0; c < c1; c++) Z[c * nb * plane + dst] = z[src + c];
                    }
            }
        });
        return Z;
    }

    /** The first {@code steps} steps of lanes O [rows][bv][span][lane] into out [steps, batch, rows] (from outOff). */
    static void fromLanes(float[] O, int rows, int batch, int span, float[] out, int outOff, int steps) {
        int nb = batchVectors(batch), plane = span * FL;
        Parallel.forRange(steps, 1, (t0, t1) -> {
            for (int t = t0; t < t1; t++)
                for (int b = 0; b < batch; b++) {
                    int dst = outOff + (t * batch + b) * rows, src = (b / FL) * plane + t * FL + b % FL;
                    for (int r = 0; r < rows; r++) out[dst + r] = O[r * nb * plane + src];
                }
        });
    }

    /** Entry sources in lanes Z: {@code col · (nb · span · L) + off · L}. */
    static int[] sources(TapTable table, int nb, int span) {
        int[] src = new int[table.size()];
        for (int e = 0; e < src.length; e++) src[e] = table.col[e] * nb * span * FL + table.off[e] * FL;
        return src;
    }

    /** Entry values in float. */
    static float[] floatValues(TapTable table) {
        float[] v = new float[table.size()];
        for (int e = 0; e < v.length; e++) v[e] = (float) table.val[e];
        return v;
    }

    /**
     * {@code O[r][bv][t] = Σ_e val_e Z[col_e][bv][t + off_e]} for t in [0, outSpan) (a multiple of
     * {@link #STEPS}); Z has {@code zSpan} steps per plane, every read within it. O goes to role's buffer.
     */
    static float[] gather(int role, float[] Z, int zSpan, int nb, TapTable table, float[] val, int[] src, int outSpan) {
        int rows = table.rows, chunks = outSpan / STEPS, blocks = table.blocks, outPlane = outSpan * FL;
        float[] O = scratch(role, rows * nb * outPlane);
        Parallel.forRange(nb * chunks, 1, (u0, u1) -> {
            for (int u = u0; u < u1; u++) {
                int bv = u / chunks, t0 = (u % chunks) * STEPS;
                int zBase = bv * zSpan * FL + t0 * FL;
                for (int r = 0; r < rows; r++) java.util.Arrays.fill(O, (r * nb + bv) * outPlane + t0 * FL, (r * nb + bv) * outPlane + (t0 + STEPS) * FL, 0f);
                for (int q = 0; q < blocks; q++)
                    for (int r = 0; r < rows; r++) {
                        int at = r * (blocks + 1) + q, e0 = table.ptr[at], e1 = table.ptr[at + 1];
                        if (e0 < e1) accumulate(Z, zBase, val, src, e0, e1, O, (r * nb + bv) * outPlane + t0 * FL);
                    }
            }
        });
        return O;
    }

    /**
     * The micro-kernel: 8 vectors of one row's output (8 steps of one batch vector) plus the entries
     * e0 … e1, each one broadcast and 8 fused multiply-adds on consecutive vectors of its column.
     * Straight-line accumulators in locals (no vector chosen by a branch), so C2 keeps them in registers.
     */
    private static void accumulate(float[] Z, int zBase, float[] val, int[] src, int e0, int e1, float[] O, int o) {
        final int l = FL;
        FloatVector a0 = FloatVector.fromArray(F, O, o), a1 = FloatVector.fromArray(F, O, o + l);
        FloatVector a2 = FloatVector.fromArray(F, O, o + 2 * l), a3 = FloatVector.fromArray(F, O, o + 3 * l);
        FloatVector a4 = FloatVector.fromArray(F, O, o + 4 * l), a5 = FloatVector.fromArray(F, O, o + 5 * l);
        FloatVector a6 = FloatVector.fromArray(F, O, o + 6 * l), a7 = FloatVector.fromArray(F, O, o + 7 * l);
        for (int e = e0; e < e1; e++) {
            FloatVector v = FloatVector.broadcast(F, val[e]);
            int p = zBase + src[e];
            a0 = FloatVector.fromArray(F, Z, p).fma(v, a0);
            a1 = FloatVector.fromArray(F, Z, p + l).fma(v, a1);
            a2 = FloatVector.fromArray(F, Z, p + 2 * l).fma(v, a2);
            a3 = FloatVector.fromArray(F, Z, p + 3 * l).fma(v, a3);
            a4 = FloatVector.fromArray(F, Z, p + 4 * l).fma(v, a4);
            a5 = FloatVector.fromArray(F, Z, p + 5 * l).fma(v, a5);
            a6 = FloatVector.fromArray(F, Z, p + 6 * l).fma(v, a6);
            a7 = FloatVector.fromArray(F, Z, p + 7 * l).fma(v, a7);
        }
        a0.intoArray(O, o);
        a1.intoArray(O, o + l);
        a2.intoArray(O, o + 2 * l);
        a3.intoArray(O, o + 3 * l);
        a4.intoArray(O, o + 4 * l);
        a5.intoArray(O, o + 5 * l);
        a6.intoArray(O, o + 6 * l);
        a7.intoArray(O, o + 7 * l);
    }

    /**
     * {@code grad[e] = Σ_bv Σ_{t < span} G[row_e][bv][t] · Z[col_e][bv][t + off_e]}: the gradient of
     * each entry's value, G being the output gradient in lanes ({@code gSpan} steps per plane, zero
     * past the output) and {@code span} a multiple of {@link #STEPS}.
     */
    static double[] dots(float[] G, int gSpan, float[] Z, int zSpan, int nb, TapTable table, int[] src, int span) {
        double[] grad = new double[table.size()];
        int rows = table.rows, blocks = table.blocks, len = span * FL;
        Parallel.forRange(rows, 4, (r0, r1) -> {
            for (int bv = 0; bv < nb; bv++)
                for (int q = 0; q < blocks; q++)
                    for (int r = r0; r < r1; r++) {
                        int at = r * (blocks + 1) + q, g = (r * nb + bv) * gSpan * FL, zBase = bv * zSpan * FL;
                        for (int e = table.ptr[at], e1 = table.ptr[at + 1]; e < e1; e++) grad[e] += dot(G, g, Z, zBase + src[e], len);
                    }
        });
        return grad;
    }

    /** ⟨a[ao ..], b[bo ..]⟩ over len elements (a multiple of 4 vectors), lanes summed in a fixed order. */
    private static float dot(float[] a, int ao, float[] b, int bo, int len) {
        final int l = FL;
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
        for (int i = 0; i < len; i += 4 * l) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
            s1 = FloatVector.fromArray(F, a, ao + i + l).fma(FloatVector.fromArray(F, b, bo + i + l), s1);
            s2 = FloatVector.fromArray(F, a, ao + i + 2 * l).fma(FloatVector.fromArray(F, b, bo + i + 2 * l), s2);
            s3 = FloatVector.fromArray(F, a, ao + i + 3 * l).fma(FloatVector.fromArray(F, b, bo + i + 3 * l), s3);
        }
        return Simd.sumLanes(s0.add(s1).add(s2.add(s3)));
    }

    // ---- F64: plain loops on the natural layout ------------------------------------------------------

    /**
     * {@code out[t, b, r] = Σ_e val_e z[t + off_e − lead, b, col_e]} for t in [0, outSteps), reads
     * outside [0, zSteps) taken as zero; out [outSteps, batch, rows] overwritten.
     */
    static void gather(double[] z, int zOff, int zSteps, int batch, int lead, TapTable table, double[] out, int outOff, int outSteps) {
        int rows = table.rows, cols = table.cols;
        Parallel.forRange(rows, 4, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                for (int t = 0; t < outSteps; t++)
                    for (int b = 0; b < batch; b++) out[outOff + (t * batch + b) * rows + r] = 0;
                for (int e = table.rowStart(r), end = table.rowEnd(r); e < end; e++) {
                    int shift = table.off[e] - lead, c = table.col[e];
                    double v = table.val[e];
                    for (int t = Math.max(0, -shift), tEnd = Math.min(outSteps, zSteps - shift); t < tEnd; t++)
                        for (int b = 0; b < batch; b++)
                            out[outOff + (t * batch + b) * rows + r] += v * z[zOff + ((t + shift) * batch + b) * cols + c];
                }
            }
        });
    }

    /** {@code grad[e] = Σ_t Σ_b g[t, b, row_e] z[t + off_e − lead, b, col_e]} over g's steps, in the natural layout. */
    static double[] dots(double[] g, int gOff, int gSteps, double[] z, int zOff, int zSteps, int batch, int lead, TapTable table) {
        double[] grad = new double[table.size()];
        int rows = table.rows, cols = table.cols;
        Parallel.forRange(rows, 4, (r0, r1) -> {
            for (int r = r0; r < r1; r++)
                for (int e = table.rowStart(r), end = table.rowEnd(r); e < end; e++) {
                    int shift = table.off[e] - lead, c = table.col[e];
                    double s = 0;
                    for (int t = Math.max(0, -shift), tEnd = Math.min(gSteps, zSteps - shift); t < tEnd; t++)
                        for (int b = 0; b < batch; b++) s += g[gOff + (t * batch + b) * rows + r] * z[zOff + ((t + shift) * batch + b) * cols + c];
                    grad[e] = s;
                }
        });
        return grad;
    }
}
