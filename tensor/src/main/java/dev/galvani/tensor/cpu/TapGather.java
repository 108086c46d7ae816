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
 * <p><b>F32 layout.</b> The sequence is first copied to <em>lanes</em> ({@link Lanes}):
 * {@code Z[b / L][c][lead + t][b mod L]} (L = the vector length), each channel's batch in vectors
 * of L and its time steps consecutive, zero-padded before and after, by 16 x 16 register
 * transposes. An entry then reads, for 16 consecutive output steps, 16 consecutive vectors of its
 * column at its offset: one broadcast and 16 fused multiply-adds into 16 accumulators that stay in
 * registers while the entries of one column block (16 channels, 40 KiB of inputs at D = 25, in L1)
 * are swept; then the next row. Threads take (batch vector, 16-step chunk) units. The weight
 * gradient of an entry is the dot product of its row's output gradient with its column's input at
 * its offset, over all steps and the batch, in lanes (4 independent accumulators, lanes summed in a
 * fixed order, batch vectors in order): threads take rows, so no two write one entry and the sums
 * do not depend on the thread count.
 *
 * <p><b>Why a gather, not synapses grouped by delay.</b> With learned (spread) delays every delay
 * value holds about 1/D of each output's synapses, so grouping makes D products with masked dense
 * weights, D times a linear layer, or D sparse products with this kernel's access pattern anyway.
 * The gather does one multiply-add per kept tap, and one load per multiply-add, so it runs at L1
 * speed only: hence the cache-set-friendly strides, the aligned buffers and the column blocks.
 * Measured on one core of the development machine (thread CPU time, integer delays 700 → 256,
 * T = 100, B = 256): gather 125 ms, copies in and out 40 ms, against 70 ms for the linear
 * layer's GEMM; before the layout work 211 ms, 50 ms and 72 ms.
 *
 * <p><b>F64</b> runs plain loops over the natural layout (tests and gradient checks).
 */
final class TapGather {

    private TapGather() {}

    /** Output steps per accumulator set. */
    static final int STEPS = 16;

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
     * A sequence in lanes: {@code data[(bv · channels + c) · stride + t · L + lane]} holds step t of
     * channel c for batch entry {@code bv · L + lane}. Batch vectors are outermost, so one unit of
     * work (a batch vector) reads one contiguous region, and a channel's plane of {@code span} steps
     * is padded to an odd number of 64-byte lines, so consecutive channels start in different cache
     * sets: with the stride a multiple of many lines the channels of a column block shared a few L1
     * sets (and the output rows a few L2 sets) and the kernel missed on data that fits.
     */
    /**
     * Where a lane buffer's data starts: 12 floats in, which is a 64-byte boundary for the large
     * buffers of real problems on HotSpot's defaults (a G1 humongous array starts on a region
     * boundary and its elements 16 bytes later). Every vector load of the kernel is then one cache
     * line instead of two: measured 1.4x faster gathers (integer delays 700 → 256 on this
     * machine). Elsewhere only the speed changes, never a result.
     */
    static final int BASE = 12;

    record Lanes(float[] data, int channels, int nb, int span, int stride) {
        /** Where step t of channel c of batch vector bv starts. */
        int at(int bv, int c, int t) { return BASE + (bv * channels + c) * stride + t * FL; }

        /** Lanes of {@code channels × ⌈batch / L⌉} planes of {@code span} steps in role's buffer (contents undefined). */
        static Lanes allocate(int role, int channels, int batch, int span) {
            int nb = batchVectors(batch), stride = (Math.ceilDiv(span * FL, 16) | 1) * 16;
            return new Lanes(scratch(role, BASE + nb * channels * stride), channels, nb, span, stride);
        }
    }

    /**
     * Copies z [steps, batch, channels] (from offset zOff) to lanes with {@code span} steps per
     * plane, step t at {@code lead + t}, zeros elsewhere. Full 16 × 16 tiles (16 batch entries ×
     * 16 channels of one step) go through a register transpose, one 64-byte store per channel.
     */
    static Lanes toLanes(int role, float[] z, int zOff, int steps, int batch, int channels, int lead, int span) {
        Lanes lanes = Lanes.allocate(role, channels, batch, span);
        float[] Z = lanes.data;
        int nb = lanes.nb, blocks = Math.ceilDiv(channels, 16);
        Parallel.forRange(nb * blocks, 1, (u0, u1) -> {
            for (int u = u0; u < u1; u++) {
                int bv = u / blocks, c0 = (u % blocks) * 16, c1 = Math.min(channels, c0 + 16);
                int b0 = bv * FL, lanesUsed = Math.min(FL, batch - b0);
                boolean tiles = TileTranspose.SUPPORTED && lanesUsed == 16 && c1 - c0 == 16;
                for (int c = c0; c < c1; c++) {
                    int p = lanes.at(bv, c, 0);
                    if (tiles) {
                        java.util.Arrays.fill(Z, p, p + lead * FL, 0f);
                        java.util.Arrays.fill(Z, p + (lead + steps) * FL, p + span * FL, 0f);
                    } else {
                        java.util.Arrays.fill(Z, p, p + span * FL, 0f);
                    }
                }
                for (int t = 0; t < steps; t++) {
                    int src = zOff + (t * batch + b0) * channels;
                    if (tiles) {
                        TileTranspose.transpose16x16(z, src + c0, channels, Z, lanes.at(bv, c0, lead + t), lanes.stride);
                        continue;
                    }
                    for (int lane = 0; lane < lanesUsed; lane++)
                        for (int c = c0; c < c1; c++) Z[lanes.at(bv, c, lead + t) + lane] = z[src + lane * channels + c];
                }
            }
        });
        return lanes;
    }

    /** The first {@code steps} steps of lanes O into out [steps, batch, O.channels] (from outOff). */
    static void fromLanes(Lanes O, int batch, float[] out, int outOff, int steps) {
        int rows = O.channels, nb = O.nb, blocks = Math.ceilDiv(rows, 16);
        float[] src = O.data;
        Parallel.forRange(nb * blocks, 1, (u0, u1) -> {
            for (int u = u0; u < u1; u++) {
                int bv = u / blocks, r0 = (u % blocks) * 16, r1 = Math.min(rows, r0 + 16);
                int b0 = bv * FL, lanesUsed = Math.min(FL, batch - b0);
                boolean tiles = TileTranspose.SUPPORTED && lanesUsed == 16 && r1 - r0 == 16;
                for (int t = 0; t < steps; t++) {
                    int dst = outOff + (t * batch + b0) * rows;
                    if (tiles) {
                        TileTranspose.transpose16x16(src, O.at(bv, r0, t), O.stride, out, dst + r0, rows);
                        continue;
                    }
                    for (int lane = 0; lane < lanesUsed; lane++)
                        for (int r = r0; r < r1; r++) out[dst + lane * rows + r] = src[O.at(bv, r, t) + lane];
                }
            }
        });
    }

    /** Entry sources relative to the start of a batch vector's region of Z: {@code col · stride + off · L}. */
    static int[] sources(TapTable table, Lanes Z) {
        int[] src = new int[table.size()];
        for (int e = 0; e < src.length; e++) src[e] = table.col[e] * Z.stride + table.off[e] * FL;
        return src;
    }

    /** Entry values in float. */
    static float[] floatValues(TapTable table) {
        float[] v = new float[table.size()];
        for (int e = 0; e < v.length; e++) v[e] = (float) table.val[e];
        return v;
    }

    /**
     * {@code O[bv][r][t] = Σ_e val_e Z[bv][col_e][t + off_e]} for t in [0, outSpan) (a multiple of
     * {@link #STEPS}), every read within Z's span. O goes to role's buffer.
     */
    static Lanes gather(int role, Lanes Z, TapTable table, int outSpan, int batch) {
        float[] val = floatValues(table);
        int[] src = sources(table, Z);
        Lanes O = Lanes.allocate(role, table.rows, batch, outSpan);
        int rows = table.rows, chunks = outSpan / STEPS, blocks = table.blocks;
        Parallel.forRange(Z.nb * chunks, 1, (u0, u1) -> {
            for (int u = u0; u < u1; u++) {
                int bv = u / chunks, t0 = (u % chunks) * STEPS;
                int zBase = Z.at(bv, 0, t0);
                for (int r = 0; r < rows; r++) java.util.Arrays.fill(O.data, O.at(bv, r, t0), O.at(bv, r, t0 + STEPS), 0f);
                for (int q = 0; q < blocks; q++)
                    for (int r = 0; r < rows; r++) {
                        int at = r * (blocks + 1) + q, e0 = table.ptr[at], e1 = table.ptr[at + 1];
                        if (e0 < e1) accumulate(Z.data, zBase, val, src, e0, e1, O.data, O.at(bv, r, t0));
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
        FloatVector a0 = FloatVector.fromArray(F, O, o + 0 * l);
        FloatVector a1 = FloatVector.fromArray(F, O, o + 1 * l);
        FloatVector a2 = FloatVector.fromArray(F, O, o + 2 * l);
        FloatVector a3 = FloatVector.fromArray(F, O, o + 3 * l);
        FloatVector a4 = FloatVector.fromArray(F, O, o + 4 * l);
        FloatVector a5 = FloatVector.fromArray(F, O, o + 5 * l);
        FloatVector a6 = FloatVector.fromArray(F, O, o + 6 * l);
        FloatVector a7 = FloatVector.fromArray(F, O, o + 7 * l);
        FloatVector a8 = FloatVector.fromArray(F, O, o + 8 * l);
        FloatVector a9 = FloatVector.fromArray(F, O, o + 9 * l);
        FloatVector a10 = FloatVector.fromArray(F, O, o + 10 * l);
        FloatVector a11 = FloatVector.fromArray(F, O, o + 11 * l);
        FloatVector a12 = FloatVector.fromArray(F, O, o + 12 * l);
        FloatVector a13 = FloatVector.fromArray(F, O, o + 13 * l);
        FloatVector a14 = FloatVector.fromArray(F, O, o + 14 * l);
        FloatVector a15 = FloatVector.fromArray(F, O, o + 15 * l);
        for (int e = e0; e < e1; e++) {
            FloatVector v = FloatVector.broadcast(F, val[e]);
            int p = zBase + src[e];
            a0 = FloatVector.fromArray(F, Z, p + 0 * l).fma(v, a0);
            a1 = FloatVector.fromArray(F, Z, p + 1 * l).fma(v, a1);
            a2 = FloatVector.fromArray(F, Z, p + 2 * l).fma(v, a2);
            a3 = FloatVector.fromArray(F, Z, p + 3 * l).fma(v, a3);
            a4 = FloatVector.fromArray(F, Z, p + 4 * l).fma(v, a4);
            a5 = FloatVector.fromArray(F, Z, p + 5 * l).fma(v, a5);
            a6 = FloatVector.fromArray(F, Z, p + 6 * l).fma(v, a6);
            a7 = FloatVector.fromArray(F, Z, p + 7 * l).fma(v, a7);
            a8 = FloatVector.fromArray(F, Z, p + 8 * l).fma(v, a8);
            a9 = FloatVector.fromArray(F, Z, p + 9 * l).fma(v, a9);
            a10 = FloatVector.fromArray(F, Z, p + 10 * l).fma(v, a10);
            a11 = FloatVector.fromArray(F, Z, p + 11 * l).fma(v, a11);
            a12 = FloatVector.fromArray(F, Z, p + 12 * l).fma(v, a12);
            a13 = FloatVector.fromArray(F, Z, p + 13 * l).fma(v, a13);
            a14 = FloatVector.fromArray(F, Z, p + 14 * l).fma(v, a14);
            a15 = FloatVector.fromArray(F, Z, p + 15 * l).fma(v, a15);
        }
        a0.intoArray(O, o + 0 * l);
        a1.intoArray(O, o + 1 * l);
        a2.intoArray(O, o + 2 * l);
        a3.intoArray(O, o + 3 * l);
        a4.intoArray(O, o + 4 * l);
        a5.intoArray(O, o + 5 * l);
        a6.intoArray(O, o + 6 * l);
        a7.intoArray(O, o + 7 * l);
        a8.intoArray(O, o + 8 * l);
        a9.intoArray(O, o + 9 * l);
        a10.intoArray(O, o + 10 * l);
        a11.intoArray(O, o + 11 * l);
        a12.intoArray(O, o + 12 * l);
        a13.intoArray(O, o + 13 * l);
        a14.intoArray(O, o + 14 * l);
        a15.intoArray(O, o + 15 * l);
    }

    /**
     * {@code grad[e] = Σ_bv Σ_{t < span} G[bv][row_e][t] · Z[bv][col_e][t + off_e]}: the gradient of
     * each entry's value, G being the output gradient in lanes (zero past the output) and
     * {@code span} a multiple of {@link #STEPS}.
     */
    static double[] dots(Lanes G, Lanes Z, TapTable table, int span) {
        double[] grad = new double[table.size()];
        int[] src = sources(table, Z);
        int rows = table.rows, blocks = table.blocks, len = span * FL;
        Parallel.forRange(rows, 4, (r0, r1) -> {
            for (int bv = 0; bv < Z.nb; bv++)
                for (int q = 0; q < blocks; q++)
                    for (int r = r0; r < r1; r++) {
                        int at = r * (blocks + 1) + q, g = G.at(bv, r, 0), zBase = Z.at(bv, 0, 0);
                        for (int e = table.ptr[at], e1 = table.ptr[at + 1]; e < e1; e++) grad[e] += dot(G.data, g, Z.data, zBase + src[e], len);
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
