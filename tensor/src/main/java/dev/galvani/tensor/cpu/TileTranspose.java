package dev.galvani.tensor.cpu;

import static dev.galvani.tensor.cpu.Simd.D;
import static dev.galvani.tensor.cpu.Simd.DL;
import static dev.galvani.tensor.cpu.Simd.F;
import static dev.galvani.tensor.cpu.Simd.FL;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * 16 x 16 float and 8 x 8 double transposes in registers, for copies between layouts that run across each other
 * (GEMM packing, the lane layout of the delay kernels). Each of the four stages swaps the
 * off-diagonal blocks of size b (8, 4, 2, 1) of every 2b x 2b block with two-source permutes
 * ({@code vpermt2ps}); 16 loads, 64 permutes and 16 stores move 256 floats, where a scalar copy
 * with one side strided touches a different cache line per element.
 */
final class TileTranspose {

    private TileTranspose() {}

    /** Whether the transpose runs here: it needs 16 float lanes (AVX-512). */
    static final boolean SUPPORTED = FL == 16;

    /**
     * For each stage b (8, 4, 2, 1): the two permutes taking rows (i, i + b) to their first and
     * second outputs; {@link Gemm}'s 12 x 16 packing transpose uses them too.
     */
    static final FloatVector[] STAGES = swapIndices();

    private static FloatVector[] swapIndices() {
        if (!SUPPORTED) return new FloatVector[0];
        double[][] stages = stageIndices(16);
        FloatVector[] v = new FloatVector[stages.length];
        for (int i = 0; i < v.length; i++) {
            float[] lanes = new float[16];
            for (int j = 0; j < 16; j++) lanes[j] = (float) stages[i][j];
            v[i] = FloatVector.fromArray(F, lanes, 0);
        }
        return v;
    }

    /** Whether the double transpose runs here: it needs 8 double lanes (AVX-512). */
    static final boolean D_SUPPORTED = DL == 8;

    /** The double version of {@link #STAGES}: stages b = 4, 2, 1; {@link Gemm}'s 12 x 8 packing transpose uses them too. */
    static final DoubleVector[] D_STAGES = doubleSwapIndices();

    private static DoubleVector[] doubleSwapIndices() {
        if (!D_SUPPORTED) return new DoubleVector[0];
        double[][] stages = stageIndices(8);
        DoubleVector[] v = new DoubleVector[stages.length];
        for (int i = 0; i < v.length; i++) v[i] = DoubleVector.fromArray(D, stages[i], 0);
        return v;
    }

    /**
     * For a w x w transpose, per stage b (w/2, ..., 1), the two-source permutes taking rows (i, i + b)
     * to their first and second outputs; an index of w or more selects from the second vector.
     */
    private static double[][] stageIndices(int w) {
        int stages = Integer.numberOfTrailingZeros(w);
        double[][] v = new double[2 * stages][];
        int k = 0;
        for (int b = w / 2; b >= 1; b /= 2) {
            double[] lo = new double[w], hi = new double[w];
            for (int j = 0; j < w; j++) {
                lo[j] = (j & b) == 0 ? j : j - b + w;
                hi[j] = (j & b) == 0 ? j + b : j + w;
            }
            v[k++] = lo;
            v[k++] = hi;
        }
        return v;
    }

    /** dst[d0 + t * ds + r] = src[s0 + r * ss + t] for r, t in [0, 16). */
    static void transpose16x16(float[] src, int s0, int ss, float[] dst, int d0, int ds) {
        FloatVector v0 = FloatVector.fromArray(F, src, s0), v1 = FloatVector.fromArray(F, src, s0 + ss),
                v2 = FloatVector.fromArray(F, src, s0 + 2 * ss), v3 = FloatVector.fromArray(F, src, s0 + 3 * ss),
                v4 = FloatVector.fromArray(F, src, s0 + 4 * ss), v5 = FloatVector.fromArray(F, src, s0 + 5 * ss),
                v6 = FloatVector.fromArray(F, src, s0 + 6 * ss), v7 = FloatVector.fromArray(F, src, s0 + 7 * ss),
                v8 = FloatVector.fromArray(F, src, s0 + 8 * ss), v9 = FloatVector.fromArray(F, src, s0 + 9 * ss),
                va = FloatVector.fromArray(F, src, s0 + 10 * ss), vb = FloatVector.fromArray(F, src, s0 + 11 * ss),
                vc = FloatVector.fromArray(F, src, s0 + 12 * ss), vd = FloatVector.fromArray(F, src, s0 + 13 * ss),
                ve = FloatVector.fromArray(F, src, s0 + 14 * ss), vf = FloatVector.fromArray(F, src, s0 + 15 * ss);
        // The four stages, then row t of the transpose to dst[d0 + t * ds, + 16), in increasing t. Written
        // out here rather than shared: vectors passed to a method C2 does not inline are boxed.
        FloatVector[] x = STAGES;
        FloatVector lo = x[0], hi = x[1];
        FloatVector w0 = lo.selectFrom(v0, v8), w8 = hi.selectFrom(v0, v8), w1 = lo.selectFrom(v1, v9), w9 = hi.selectFrom(v1, v9),
                w2 = lo.selectFrom(v2, va), wa = hi.selectFrom(v2, va), w3 = lo.selectFrom(v3, vb), wb = hi.selectFrom(v3, vb),
                w4 = lo.selectFrom(v4, vc), wc = hi.selectFrom(v4, vc), w5 = lo.selectFrom(v5, vd), wd = hi.selectFrom(v5, vd),
                w6 = lo.selectFrom(v6, ve), we = hi.selectFrom(v6, ve), w7 = lo.selectFrom(v7, vf), wf = hi.selectFrom(v7, vf);
        lo = x[2];
        hi = x[3];
        v0 = lo.selectFrom(w0, w4); v4 = hi.selectFrom(w0, w4); v1 = lo.selectFrom(w1, w5); v5 = hi.selectFrom(w1, w5);
        v2 = lo.selectFrom(w2, w6); v6 = hi.selectFrom(w2, w6); v3 = lo.selectFrom(w3, w7); v7 = hi.selectFrom(w3, w7);
        v8 = lo.selectFrom(w8, wc); vc = hi.selectFrom(w8, wc); v9 = lo.selectFrom(w9, wd); vd = hi.selectFrom(w9, wd);
        va = lo.selectFrom(wa, we); ve = hi.selectFrom(wa, we); vb = lo.selectFrom(wb, wf); vf = hi.selectFrom(wb, wf);
        lo = x[4];
        hi = x[5];
        w0 = lo.selectFrom(v0, v2); w2 = hi.selectFrom(v0, v2); w1 = lo.selectFrom(v1, v3); w3 = hi.selectFrom(v1, v3);
        w4 = lo.selectFrom(v4, v6); w6 = hi.selectFrom(v4, v6); w5 = lo.selectFrom(v5, v7); w7 = hi.selectFrom(v5, v7);
        w8 = lo.selectFrom(v8, va); wa = hi.selectFrom(v8, va); w9 = lo.selectFrom(v9, vb); wb = hi.selectFrom(v9, vb);
        wc = lo.selectFrom(vc, ve); we = hi.selectFrom(vc, ve); wd = lo.selectFrom(vd, vf); wf = hi.selectFrom(vd, vf);
        lo = x[6];
        hi = x[7];
        lo.selectFrom(w0, w1).intoArray(dst, d0);           hi.selectFrom(w0, w1).intoArray(dst, d0 + ds);
        lo.selectFrom(w2, w3).intoArray(dst, d0 + 2 * ds);  hi.selectFrom(w2, w3).intoArray(dst, d0 + 3 * ds);
        lo.selectFrom(w4, w5).intoArray(dst, d0 + 4 * ds);  hi.selectFrom(w4, w5).intoArray(dst, d0 + 5 * ds);
        lo.selectFrom(w6, w7).intoArray(dst, d0 + 6 * ds);  hi.selectFrom(w6, w7).intoArray(dst, d0 + 7 * ds);
        lo.selectFrom(w8, w9).intoArray(dst, d0 + 8 * ds);  hi.selectFrom(w8, w9).intoArray(dst, d0 + 9 * ds);
        lo.selectFrom(wa, wb).intoArray(dst, d0 + 10 * ds); hi.selectFrom(wa, wb).intoArray(dst, d0 + 11 * ds);
        lo.selectFrom(wc, wd).intoArray(dst, d0 + 12 * ds); hi.selectFrom(wc, wd).intoArray(dst, d0 + 13 * ds);
        lo.selectFrom(we, wf).intoArray(dst, d0 + 14 * ds); hi.selectFrom(we, wf).intoArray(dst, d0 + 15 * ds);
    }


    /** dst[d0 + t * ds + r] = src[s0 + r * ss + t] for r, t in [0, 8). */
    static void transpose8x8(double[] src, int s0, int ss, double[] dst, int d0, int ds) {
        DoubleVector v0 = DoubleVector.fromArray(D, src, s0), v1 = DoubleVector.fromArray(D, src, s0 + ss),
                v2 = DoubleVector.fromArray(D, src, s0 + 2 * ss), v3 = DoubleVector.fromArray(D, src, s0 + 3 * ss),
                v4 = DoubleVector.fromArray(D, src, s0 + 4 * ss), v5 = DoubleVector.fromArray(D, src, s0 + 5 * ss),
                v6 = DoubleVector.fromArray(D, src, s0 + 6 * ss), v7 = DoubleVector.fromArray(D, src, s0 + 7 * ss);
        DoubleVector[] x = D_STAGES;
        DoubleVector lo = x[0], hi = x[1];
        DoubleVector w0 = lo.selectFrom(v0, v4), w4 = hi.selectFrom(v0, v4), w1 = lo.selectFrom(v1, v5), w5 = hi.selectFrom(v1, v5),
                w2 = lo.selectFrom(v2, v6), w6 = hi.selectFrom(v2, v6), w3 = lo.selectFrom(v3, v7), w7 = hi.selectFrom(v3, v7);
        lo = x[2];
        hi = x[3];
        v0 = lo.selectFrom(w0, w2); v2 = hi.selectFrom(w0, w2); v1 = lo.selectFrom(w1, w3); v3 = hi.selectFrom(w1, w3);
        v4 = lo.selectFrom(w4, w6); v6 = hi.selectFrom(w4, w6); v5 = lo.selectFrom(w5, w7); v7 = hi.selectFrom(w5, w7);
        lo = x[4];
        hi = x[5];
        lo.selectFrom(v0, v1).intoArray(dst, d0);          hi.selectFrom(v0, v1).intoArray(dst, d0 + ds);
        lo.selectFrom(v2, v3).intoArray(dst, d0 + 2 * ds); hi.selectFrom(v2, v3).intoArray(dst, d0 + 3 * ds);
        lo.selectFrom(v4, v5).intoArray(dst, d0 + 4 * ds); hi.selectFrom(v4, v5).intoArray(dst, d0 + 5 * ds);
        lo.selectFrom(v6, v7).intoArray(dst, d0 + 6 * ds); hi.selectFrom(v6, v7).intoArray(dst, d0 + 7 * ds);
    }
}
