package dev.galvani.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 Fourier transforms, W independent sequences at a time, one per vector lane. A block of W
 * sequences is copied into per-thread lane buffers (element j of lane l at {@code j W + l}), so every
 * butterfly is plain vector arithmetic on whole vectors with the twiddles broadcast, whatever the
 * length; then the result is copied out, scaled. Blocks are spread over Galvani's threads; each
 * sequence is transformed by the same operations whichever lane and thread it lands in, so results
 * do not depend on the batch size or the thread count.
 *
 * <p>{@link FftLanesF64} is this file with float replaced by double ({@code FftLanesSyncTest}
 * checks that the two stay the same program).
 */
final class FftLanesF32 {

    private FftLanesF32() {}

    private static final VectorSpecies<Float> S = Simd.F;
    /** Lanes per vector: sequences per block. */
    static final int W = Simd.FL;

    // ======================================== one block: the transform on lane buffers

    /**
     * The forward transform of the W sequences in (ar, ai); (br, bi) is work space, all four of
     * length {@code plan.workLength() * W}. Returns true when the result is in b, false when in a.
     */
    static boolean forward(FftPlan plan, float[] ar, float[] ai, float[] br, float[] bi) {
        return plan.bluestein != null ? bluestein(plan, ar, ai, br, bi) : stages(plan, ar, ai, br, bi);
    }

    /** The inverse (unnormalised) transform: the forward one with real and imaginary parts swapped. */
    static boolean inverse(FftPlan plan, float[] ar, float[] ai, float[] br, float[] bi) {
        return forward(plan, ai, ar, bi, br);
    }

    /** The Stockham stages, ping-ponging between a and b. */
    private static boolean stages(FftPlan plan, float[] ar, float[] ai, float[] br, float[] bi) {
        float[][] twr = plan.twRe32(), twi = plan.twIm32();
        int s = 1, len = plan.n;
        boolean inB = false;
        for (int t = 0; t < plan.radices.length; t++) {
            int r = plan.radices[t], m = len / r, sw = s * W;
            float[] xr = inB ? br : ar, xi = inB ? bi : ai, yr = inB ? ar : br, yi = inB ? ai : bi;
            switch (r) {
                case 2 -> radix2(sw, m, twr[t], twi[t], xr, xi, yr, yi);
                case 3 -> radix3(sw, m, twr[t], twi[t], xr, xi, yr, yi);
                case 4 -> radix4(sw, m, twr[t], twi[t], xr, xi, yr, yi);
                case 5 -> radix5(sw, m, twr[t], twi[t], xr, xi, yr, yi);
                default -> generic(r, sw, m, twr[t], twi[t], plan.rootRe32()[t], plan.rootIm32()[t], xr, xi, yr, yi);
            }
            s *= r;
            len = m;
            inB = !inB;
        }
        return inB;
    }

    private static FloatVector load(float[] a, int i) { return FloatVector.fromArray(S, a, i); }

    /**
     * y[o] = (xr + i xi)(wr + i wi). Also where the twiddle is 1 (p = 0): skipping the product there
     * behind a flag made every stage twice as slow (measured, n = 128 to 4096), as the JIT then
     * kept the loop's vectors in memory.
     */
    private static void storeTimes(FloatVector xr, FloatVector xi, float wr, float wi, float[] yr, float[] yi, int o) {
        xr.mul(wr).sub(xi.mul(wi)).intoArray(yr, o);
        xr.mul(wi).add(xi.mul(wr)).intoArray(yi, o);
    }

    private static void radix2(int sw, int m, float[] twr, float[] twi, float[] xr, float[] xi, float[] yr, float[] yi) {
        for (int p = 0; p < m; p++) {
            float wr = twr[p], wi = twi[p];
            int i0 = p * sw, i1 = (p + m) * sw, o0 = 2 * p * sw, o1 = o0 + sw;
            for (int v = 0; v < sw; v += W) {
                FloatVector a0r = load(xr, i0 + v), a0i = load(xi, i0 + v), a1r = load(xr, i1 + v), a1i = load(xi, i1 + v);
                a0r.add(a1r).intoArray(yr, o0 + v);
                a0i.add(a1i).intoArray(yi, o0 + v);
                storeTimes(a0r.sub(a1r), a0i.sub(a1i), wr, wi, yr, yi, o1 + v);
            }
        }
    }

    /** b1 = a0 − (a1 + a2)/2 − i (√3/2)(a1 − a2), b2 its conjugate partner (ω₃ = −1/2 − i √3/2). */
    private static void radix3(int sw, int m, float[] twr, float[] twi, float[] xr, float[] xi, float[] yr, float[] yi) {
        final float h = (float) Math.sqrt(0.75);
        for (int p = 0; p < m; p++) {
            float w1r = twr[2 * p], w1i = twi[2 * p], w2r = twr[2 * p + 1], w2i = twi[2 * p + 1];
            int i0 = p * sw, i1 = (p + m) * sw, i2 = (p + 2 * m) * sw, o0 = 3 * p * sw, o1 = o0 + sw, o2 = o1 + sw;
            for (int v = 0; v < sw; v += W) {
                FloatVector a0r = load(xr, i0 + v), a0i = load(xi, i0 + v);
                FloatVector a1r = load(xr, i1 + v), a1i = load(xi, i1 + v), a2r = load(xr, i2 + v), a2i = load(xi, i2 + v);
                FloatVector tr = a1r.add(a2r), ti = a1i.add(a2i), nr = a1r.sub(a2r).mul(h), ni = a1i.sub(a2i).mul(h);
                a0r.add(tr).intoArray(yr, o0 + v);
                a0i.add(ti).intoArray(yi, o0 + v);
                FloatVector mr = a0r.sub(tr.mul(0.5f)), mi = a0i.sub(ti.mul(0.5f));
                storeTimes(mr.add(ni), mi.sub(nr), w1r, w1i, yr, yi, o1 + v);        // m − i n
                storeTimes(mr.sub(ni), mi.add(nr), w2r, w2i, yr, yi, o2 + v);        // m + i n
            }
        }
    }

    /** ω₄ = −i: b0 = t0 + t2, b2 = t0 − t2, b1 = t1 − i t3, b3 = t1 + i t3 with t0 = a0 + a2, t1 = a0 − a2, t2 = a1 + a3, t3 = a1 − a3. */
    private static void radix4(int sw, int m, float[] twr, float[] twi, float[] xr, float[] xi, float[] yr, float[] yi) {
        for (int p = 0; p < m; p++) {
            float w1r = twr[3 * p], w1i = twi[3 * p], w2r = twr[3 * p + 1], w2i = twi[3 * p + 1], w3r = twr[3 * p + 2], w3i = twi[3 * p + 2];
            int i0 = p * sw, i1 = (p + m) * sw, i2 = (p + 2 * m) * sw, i3 = (p + 3 * m) * sw;
            int o0 = 4 * p * sw, o1 = o0 + sw, o2 = o1 + sw, o3 = o2 + sw;
            for (int v = 0; v < sw; v += W) {
                FloatVector a0r = load(xr, i0 + v), a0i = load(xi, i0 + v), a1r = load(xr, i1 + v), a1i = load(xi, i1 + v);
                FloatVector a2r = load(xr, i2 + v), a2i = load(xi, i2 + v), a3r = load(xr, i3 + v), a3i = load(xi, i3 + v);
                FloatVector t0r = a0r.add(a2r), t0i = a0i.add(a2i), t1r = a0r.sub(a2r), t1i = a0i.sub(a2i);
                FloatVector t2r = a1r.add(a3r), t2i = a1i.add(a3i), t3r = a1r.sub(a3r), t3i = a1i.sub(a3i);
                t0r.add(t2r).intoArray(yr, o0 + v);
                t0i.add(t2i).intoArray(yi, o0 + v);
                storeTimes(t1r.add(t3i), t1i.sub(t3r), w1r, w1i, yr, yi, o1 + v);    // t1 − i t3
                storeTimes(t0r.sub(t2r), t0i.sub(t2i), w2r, w2i, yr, yi, o2 + v);
                storeTimes(t1r.sub(t3i), t1i.add(t3r), w3r, w3i, yr, yi, o3 + v);    // t1 + i t3
            }
        }
    }

    /**
     * With t1 = a1 + a4, t2 = a2 + a3, d1 = a1 − a4, d2 = a2 − a3, c_k = cos(2πk/5), s_k = sin(2πk/5):
     * b1, b4 = a0 + c1 t1 + c2 t2 ∓ i (s1 d1 + s2 d2); b2, b3 = a0 + c2 t1 + c1 t2 ∓ i (s2 d1 − s1 d2).
     */
    private static void radix5(int sw, int m, float[] twr, float[] twi, float[] xr, float[] xi, float[] yr, float[] yi) {
        final float c1 = (float) Math.cos(2 * Math.PI / 5), c2 = (float) Math.cos(4 * Math.PI / 5);
        final float s1 = (float) Math.sin(2 * Math.PI / 5), s2 = (float) Math.sin(4 * Math.PI / 5);
        for (int p = 0; p < m; p++) {
            int tw = 4 * p;
            int i0 = p * sw, i1 = (p + m) * sw, i2 = (p + 2 * m) * sw, i3 = (p + 3 * m) * sw, i4 = (p + 4 * m) * sw;
            int o0 = 5 * p * sw, o1 = o0 + sw, o2 = o1 + sw, o3 = o2 + sw, o4 = o3 + sw;
            for (int v = 0; v < sw; v += W) {
                FloatVector a0r = load(xr, i0 + v), a0i = load(xi, i0 + v);
                FloatVector a1r = load(xr, i1 + v), a1i = load(xi, i1 + v), a4r = load(xr, i4 + v), a4i = load(xi, i4 + v);
                FloatVector a2r = load(xr, i2 + v), a2i = load(xi, i2 + v), a3r = load(xr, i3 + v), a3i = load(xi, i3 + v);
                FloatVector t1r = a1r.add(a4r), t1i = a1i.add(a4i), d1r = a1r.sub(a4r), d1i = a1i.sub(a4i);
                FloatVector t2r = a2r.add(a3r), t2i = a2i.add(a3i), d2r = a2r.sub(a3r), d2i = a2i.sub(a3i);
                a0r.add(t1r).add(t2r).intoArray(yr, o0 + v);
                a0i.add(t1i).add(t2i).intoArray(yi, o0 + v);
                FloatVector m1r = a0r.add(t1r.mul(c1)).add(t2r.mul(c2)), m1i = a0i.add(t1i.mul(c1)).add(t2i.mul(c2));
                FloatVector m2r = a0r.add(t1r.mul(c2)).add(t2r.mul(c1)), m2i = a0i.add(t1i.mul(c2)).add(t2i.mul(c1));
                FloatVector n1r = d1r.mul(s1).add(d2r.mul(s2)), n1i = d1i.mul(s1).add(d2i.mul(s2));
                FloatVector n2r = d1r.mul(s2).sub(d2r.mul(s1)), n2i = d1i.mul(s2).sub(d2i.mul(s1));
                storeTimes(m1r.add(n1i), m1i.sub(n1r), twr[tw], twi[tw], yr, yi, o1 + v);
                storeTimes(m2r.add(n2i), m2i.sub(n2r), twr[tw + 1], twi[tw + 1], yr, yi, o2 + v);
                storeTimes(m2r.sub(n2i), m2i.add(n2r), twr[tw + 2], twi[tw + 2], yr, yi, o3 + v);
                storeTimes(m1r.sub(n1i), m1i.add(n1r), twr[tw + 3], twi[tw + 3], yr, yi, o4 + v);
            }
        }
    }

    /**
     * An odd radix r by its definition, in conjugate pairs: with t_j = a_j + a_{r−j}, d_j = a_j − a_{r−j}
     * and h = (r − 1)/2, b_k, b_{r−k} = a0 + Σ_{j ≤ h} cos(2πjk/r) t_j ∓ i Σ_{j ≤ h} sin(2πjk/r) d_j.
     * The two sums accumulate in the output slots of b_k and b_{r−k} (stored and reloaded, so no
     * vector is carried around the j loop), then are combined and twiddled in place.
     */
    private static void generic(int r, int sw, int m, float[] twr, float[] twi, float[] rootRe, float[] rootIm,
                                float[] xr, float[] xi, float[] yr, float[] yi) {
        int h = (r - 1) / 2;
        for (int p = 0; p < m; p++) {
            int o0 = r * p * sw;
            for (int v = 0; v < sw; v += W) {
                FloatVector a0r = load(xr, p * sw + v), a0i = load(xi, p * sw + v);
                a0r.intoArray(yr, o0 + v);
                a0i.intoArray(yi, o0 + v);
                for (int j = 1; j < r; j++) {
                    int ij = (p + j * m) * sw + v;
                    load(yr, o0 + v).add(load(xr, ij)).intoArray(yr, o0 + v);
                    load(yi, o0 + v).add(load(xi, ij)).intoArray(yi, o0 + v);
                }
                for (int k = 1; k <= h; k++) {
                    int ok = o0 + k * sw + v, on = o0 + (r - k) * sw + v;
                    load(xr, p * sw + v).intoArray(yr, ok);
                    load(xi, p * sw + v).intoArray(yi, ok);
                    FloatVector.zero(S).intoArray(yr, on);
                    FloatVector.zero(S).intoArray(yi, on);
                    for (int j = 1; j <= h; j++) {
                        int jk = j * k % r, ia = (p + j * m) * sw + v, ib = (p + (r - j) * m) * sw + v;
                        float c = rootRe[jk], s = -rootIm[jk];
                        FloatVector ar = load(xr, ia), ai = load(xi, ia), br = load(xr, ib), bi = load(xi, ib);
                        load(yr, ok).add(ar.add(br).mul(c)).intoArray(yr, ok);
                        load(yi, ok).add(ai.add(bi).mul(c)).intoArray(yi, ok);
                        load(yr, on).add(ar.sub(br).mul(s)).intoArray(yr, on);
                        load(yi, on).add(ai.sub(bi).mul(s)).intoArray(yi, on);
                    }
                    FloatVector mr = load(yr, ok), mi = load(yi, ok), nr = load(yr, on), ni = load(yi, on);
                    int tk = p * (r - 1) + k - 1, tn = p * (r - 1) + r - k - 1;
                    storeTimes(mr.add(ni), mi.sub(nr), twr[tk], twi[tk], yr, yi, ok);       // m − i n
                    storeTimes(mr.sub(ni), mi.add(nr), twr[tn], twi[tn], yr, yi, on);       // m + i n
                }
            }
        }
    }

    /**
     * Bluestein: a = x·w (in place, zero-padded to m), A = DFT_m(a), A·B, c = IDFT_m(A B), X = w·c,
     * each sequence in its lane. The buffers hold {@code m} elements.
     */
    private static boolean bluestein(FftPlan plan, float[] ar, float[] ai, float[] br, float[] bi) {
        FftPlan.Bluestein bs = plan.bluestein;
        float[][] tables = bs.floats();
        float[] cr = tables[0], ci = tables[1], kr = tables[2], ki = tables[3];
        int n = plan.n, m = bs.m;
        for (int j = 0; j < n; j++) {
            int o = j * W;
            storeTimes(load(ar, o), load(ai, o), cr[j], ci[j], ar, ai, o);
        }
        java.util.Arrays.fill(ar, n * W, m * W, 0);
        java.util.Arrays.fill(ai, n * W, m * W, 0);
        boolean inB = stages(bs.sub, ar, ai, br, bi);
        float[] xr = inB ? br : ar, xi = inB ? bi : ai, yr = inB ? ar : br, yi = inB ? ai : bi;
        for (int k = 0; k < m; k++) {
            int o = k * W;
            storeTimes(load(xr, o), load(xi, o), kr[k], ki[k], xr, xi, o);
        }
        boolean inY = stages(bs.sub, xi, xr, yi, yr);            // the inverse: parts swapped
        float[] zr = inY ? yr : xr, zi = inY ? yi : xi;
        for (int k = 0; k < n; k++) {
            int o = k * W;
            storeTimes(load(zr, o), load(zi, o), cr[k], ci[k], zr, zi, o);
        }
        return zr == br;
    }

    // ======================================== real transforms of even length on lane buffers

    /**
     * Splits Z = DFT_{n/2}(x_even + i x_odd) (in zr, zi) into bins 0 to n/2 of the real signal's
     * spectrum (into xr, xi): with E = (Z_k + conj Z_{h−k})/2 and O = −i (Z_k − conj Z_{h−k})/2,
     * X_k = E + ω^k O; X_0 = Re Z_0 + Im Z_0 and X_h = Re Z_0 − Im Z_0 are real.
     */
    static void splitReal(FftPlan.Real real, float[] zr, float[] zi, float[] xr, float[] xi) {
        float[] wr = real.wr32(), wi = real.wi32();
        int h = wr.length - 1;
        FloatVector z0r = load(zr, 0), z0i = load(zi, 0);
        z0r.add(z0i).intoArray(xr, 0);
        z0r.sub(z0i).intoArray(xr, h * W);
        FloatVector.zero(S).intoArray(xi, 0);
        FloatVector.zero(S).intoArray(xi, h * W);
        for (int k = 1; k < h; k++) {
            int a = k * W, b = (h - k) * W;
            FloatVector ar = load(zr, a), ai = load(zi, a), br = load(zr, b), bi = load(zi, b);
            FloatVector er = ar.add(br).mul(0.5f), ei = ai.sub(bi).mul(0.5f);
            FloatVector or = ai.add(bi).mul(0.5f), oi = br.sub(ar).mul(0.5f);
            float c = wr[k], s = wi[k];
            er.add(or.mul(c)).sub(oi.mul(s)).intoArray(xr, a);
            ei.add(oi.mul(c)).add(or.mul(s)).intoArray(xi, a);
        }
    }

    /**
     * Joins bins 0 to n/2 (in xr, xi; the imaginary parts of bins 0 and n/2 ignored) into
     * Z_k = (X_k + conj X_{h−k}) + i ω^{−k} (X_k − conj X_{h−k}), k in [0, n/2), whose unnormalised
     * inverse has the even samples in its real parts and the odd ones in its imaginary parts.
     */
    static void joinReal(FftPlan.Real real, float[] xr, float[] xi, float[] zr, float[] zi) {
        float[] wr = real.wr32(), wi = real.wi32();
        int h = wr.length - 1;
        FloatVector.zero(S).intoArray(xi, 0);
        FloatVector.zero(S).intoArray(xi, h * W);
        for (int k = 0; k < h; k++) {
            int a = k * W, b = (h - k) * W;
            FloatVector ar = load(xr, a), ai = load(xi, a), br = load(xr, b), bi = load(xi, b);
            FloatVector pr = ar.add(br), pi = ai.sub(bi), qr = ar.sub(br), qi = ai.add(bi);
            float c = wr[k], s = wi[k];
            FloatVector rr = qr.mul(c).add(qi.mul(s)), ri = qi.mul(c).sub(qr.mul(s));     // ω^{−k} q
            pr.sub(ri).intoArray(zr, a);
            pi.add(rr).intoArray(zi, a);
        }
    }

    // ======================================== blocks of sequences: copies in and out, threads

    /** Per-thread lane buffers, grown on demand. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][0]);

    /** Four lane buffers of at least {@code elements} elements per lane. */
    private static float[][] scratch(int elements) {
        float[][] s = SCRATCH.get();
        if (s[0].length < elements * W)
            for (int i = 0; i < 4; i++) s[i] = new float[elements * W];
        return s;
    }

    /** The complex transform: (re, im) to (outRe, outIm), [outer, n, inner] each, scaled. */
    static void fft(float[] re, int reOff, float[] im, int imOff, float[] outRe, int outReOff, float[] outIm, int outImOff,
                    int outer, int n, int inner, boolean inverse, float scale) {
        if (inner == 1 && (FftRowsF32.fits(n) || FftRowsF32.fitsBluestein(n))) {
            FftRowsF32.fft(re, reOff, im, imOff, outRe, outReOff, outIm, outImOff, outer, n, inverse, scale);
            return;
        }
        FftPlan plan = FftPlan.of(n);
        FftBlocks blocks = new FftBlocks(outer, inner, W);
        int work = plan.workLength();
        Parallel.forRange(blocks.count(), blocks.grain(n), (lo, hi) -> {
            float[][] s = scratch(work);
            FftBlocks.Lanes lanes = blocks.lanes();
            for (int b = lo; b < hi; b++) {
                blocks.fill(b, lanes);
                gather(re, lanes, reOff, n, inner, 0, inner, s[0], n);
                gather(im, lanes, imOff, n, inner, 0, inner, s[1], n);
                boolean inB = inverse ? inverse(plan, s[0], s[1], s[2], s[3]) : forward(plan, s[0], s[1], s[2], s[3]);
                scatter(inB ? s[2] : s[0], n, scale, outRe, lanes, outReOff, n, inner, 0, inner);
                scatter(inB ? s[3] : s[1], n, scale, outIm, lanes, outImOff, n, inner, 0, inner);
            }
        });
    }

    /** The real-input transform: x [outer, n, inner] to bins 0 to n/2, (outRe, outIm) [outer, n/2 + 1, inner], scaled. */
    static void rfft(float[] x, int xOff, float[] outRe, int outReOff, float[] outIm, int outImOff, int outer, int n, int inner, float scale) {
        if (inner == 1 && FftRowsF32.fitsReal(n)) {
            FftRowsF32.rfft(x, xOff, outRe, outReOff, outIm, outImOff, outer, n, scale);
            return;
        }
        if (inner == 1 && n % 2 == 1 && FftRowsF32.fitsBluestein(n)) {
            FftRowsF32.rfftOdd(x, xOff, outRe, outReOff, outIm, outImOff, outer, n, scale);
            return;
        }
        int bins = n / 2 + 1;
        boolean even = n % 2 == 0 && n > 1;
        FftPlan.Real real = even ? FftPlan.Real.of(n) : null;
        FftPlan plan = even ? real.half : FftPlan.of(n);
        FftBlocks blocks = new FftBlocks(outer, inner, W);
        int work = Math.max(plan.workLength(), bins);
        Parallel.forRange(blocks.count(), blocks.grain(n), (lo, hi) -> {
            float[][] s = scratch(work);
            FftBlocks.Lanes lanes = blocks.lanes();
            for (int b = lo; b < hi; b++) {
                blocks.fill(b, lanes);
                float[] resultRe, resultIm;
                if (even) {
                    // x_even + i x_odd: every other sample, starting at 0 and at 1
                    gatherPairs(x, lanes, xOff, n, inner, s[0], s[1], n / 2);
                    boolean inB = forward(plan, s[0], s[1], s[2], s[3]);
                    float[] zr = inB ? s[2] : s[0], zi = inB ? s[3] : s[1], xr = inB ? s[0] : s[2], xi = inB ? s[1] : s[3];
                    splitReal(real, zr, zi, xr, xi);
                    resultRe = xr;
                    resultIm = xi;
                } else {
                    gather(x, lanes, xOff, n, inner, 0, inner, s[0], n);
                    java.util.Arrays.fill(s[1], 0, n * W, 0);
                    boolean inB = forward(plan, s[0], s[1], s[2], s[3]);
                    resultRe = inB ? s[2] : s[0];
                    resultIm = inB ? s[3] : s[1];
                    java.util.Arrays.fill(resultIm, 0, W, 0);         // bin 0 of a real signal is real
                }
                scatter(resultRe, bins, scale, outRe, lanes, outReOff, bins, inner, 0, inner);
                scatter(resultIm, bins, scale, outIm, lanes, outImOff, bins, inner, 0, inner);
            }
        });
    }

    /** The inverse of a half-spectrum: (re, im) [outer, n/2 + 1, inner] to the real out [outer, n, inner], scaled. */
    static void irfft(float[] re, int reOff, float[] im, int imOff, float[] out, int outOff, int outer, int n, int inner, float scale) {
        int bins = n / 2 + 1;
        boolean even = n % 2 == 0 && n > 1;
        FftPlan.Real real = even ? FftPlan.Real.of(n) : null;
        FftPlan plan = even ? real.half : FftPlan.of(n);
        FftBlocks blocks = new FftBlocks(outer, inner, W);
        int work = Math.max(plan.workLength(), Math.max(bins, n));
        Parallel.forRange(blocks.count(), blocks.grain(n), (lo, hi) -> {
            float[][] s = scratch(work);
            FftBlocks.Lanes lanes = blocks.lanes();
            for (int b = lo; b < hi; b++) {
                blocks.fill(b, lanes);
                if (even) {
                    gather(re, lanes, reOff, bins, inner, 0, inner, s[2], bins);
                    gather(im, lanes, imOff, bins, inner, 0, inner, s[3], bins);
                    joinReal(real, s[2], s[3], s[0], s[1]);
                    boolean inB = inverse(plan, s[0], s[1], s[2], s[3]);
                    scatterPairs(inB ? s[2] : s[0], inB ? s[3] : s[1], n / 2, scale, out, lanes, outOff, n, inner);
                } else {
                    gather(re, lanes, reOff, bins, inner, 0, inner, s[0], bins);
                    gather(im, lanes, imOff, bins, inner, 0, inner, s[1], bins);
                    java.util.Arrays.fill(s[1], 0, W, 0);            // bin 0's imaginary part has no counterpart
                    for (int k = 1; k < bins; k++) {                  // X_{n−k} = conj X_k
                        load(s[0], k * W).intoArray(s[0], (n - k) * W);
                        load(s[1], k * W).neg().intoArray(s[1], (n - k) * W);
                    }
                    boolean inB = inverse(plan, s[0], s[1], s[2], s[3]);
                    scatter(inB ? s[2] : s[0], n, scale, out, lanes, outOff, n, inner, 0, inner);
                }
            }
        });
    }

    /**
     * Lane buffer element j of lane l = {@code mem[off + start_l + shift + j step]} for j in
     * [0, count), where start_l is where lane l's sequence starts in an operand [outer, len, inner];
     * lanes beyond the block's are zero. Neighbouring lanes (columns) are one vector load per row.
     */
    private static void gather(float[] mem, FftBlocks.Lanes lanes, int off, int len, int inner, int shift, int step, float[] buf, int count) {
        int first = off + shift + lanes.offset(0, len, inner), apart = lanes.laneStride(len, inner);
        if (lanes.count == W && apart == 1) {
            for (int j = 0, e = first; j < count; j++, e += step) FloatVector.fromArray(S, mem, e).intoArray(buf, j * W);
        } else if (lanes.count == W && apart > 0 && step == 1) {
            // Lanes a fixed distance apart (rows of the last dimension): W × W tiles transposed in registers,
            // each lane reading one vector of W neighbouring elements, then the rest one by one.
            // (Vector gathers across the lanes were slower: rows 2^k floats apart share L1 sets.)
            int full = count - count % W;
            float[] tile = tile();
            for (int j0 = 0; j0 < full; j0 += W) transpose(mem, first + j0, apart, 1, buf, j0 * W, W, tile);
            for (int l = 0; l < W; l++)
                for (int j = full; j < count; j++) buf[j * W + l] = mem[first + l * apart + j];
        } else if (lanes.count == W && apart > 0) {
            // The same with a step: scalar copies in tiles, the buffer's W rows staying in L1 while the lanes' reads stream.
            for (int j0 = 0; j0 < count; j0 += W) {
                int jn = Math.min(W, count - j0);
                for (int l = 0; l < W; l++) {
                    int e = first + l * apart + j0 * step, o = j0 * W + l;
                    for (int jj = 0; jj < jn; jj++, e += step, o += W) buf[o] = mem[e];
                }
            }
        } else {
            for (int l = 0; l < W; l++) {
                if (l >= lanes.count) {
                    for (int j = 0; j < count; j++) buf[j * W + l] = 0;
                    continue;
                }
                int e = off + shift + lanes.offset(l, len, inner);
                for (int j = 0; j < count; j++, e += step) buf[j * W + l] = mem[e];
            }
        }
    }

    /** The inverse of {@link #gather} for the block's lanes, each value multiplied by {@code scale}. */
    private static void scatter(float[] buf, int count, float scale, float[] mem, FftBlocks.Lanes lanes, int off, int len, int inner, int shift, int step) {
        int first = off + shift + lanes.offset(0, len, inner), apart = lanes.laneStride(len, inner);
        if (lanes.count == W && apart == 1) {
            for (int j = 0, e = first; j < count; j++, e += step) load(buf, j * W).mul(scale).intoArray(mem, e);
        } else if (lanes.count == W && apart > 0 && step == 1) {
            int full = count - count % W;
            float[] tile = tile();
            for (int j0 = 0; j0 < full; j0 += W) transpose(buf, j0 * W, W, scale, mem, first + j0, apart, tile);
            for (int l = 0; l < W; l++)
                for (int j = full; j < count; j++) mem[first + l * apart + j] = buf[j * W + l] * scale;
        } else if (lanes.count == W && apart > 0) {
            for (int j0 = 0; j0 < count; j0 += W) {
                int jn = Math.min(W, count - j0);
                for (int l = 0; l < W; l++) {
                    int e = first + l * apart + j0 * step, o = j0 * W + l;
                    for (int jj = 0; jj < jn; jj++, e += step, o += W) mem[e] = buf[o] * scale;
                }
            }
        } else {
            for (int l = 0; l < lanes.count; l++) {
                int e = off + shift + lanes.offset(l, len, inner);
                for (int j = 0; j < count; j++, e += step) mem[e] = buf[j * W + l] * scale;
            }
        }
    }

    /**
     * The even and the odd elements of each lane's sequence (the real transform's x_even + i x_odd):
     * lane buffer element j of lane l = {@code mem[off + start_l + 2 j inner]} in {@code re} and
     * {@code mem[off + start_l + (2 j + 1) inner]} in {@code im}, j in [0, count). Rows of the last
     * dimension split each pair of vectors into evens and odds, then transpose them in tiles.
     */
    private static void gatherPairs(float[] mem, FftBlocks.Lanes lanes, int off, int len, int inner, float[] re, float[] im, int count) {
        int first = off + lanes.offset(0, len, inner), apart = lanes.laneStride(len, inner);
        if (lanes.count < W || inner != 1 || apart <= 0) {
            gather(mem, lanes, off, len, inner, 0, 2 * inner, re, count);
            gather(mem, lanes, off, len, inner, inner, 2 * inner, im, count);
            return;
        }
        int full = count - count % W;
        float[] tile = tile(), evens = pairTile(0), odds = pairTile(1);
        FloatVector pickEven = load(PICK_EVEN, 0), pickOdd = load(PICK_ODD, 0);
        for (int j0 = 0; j0 < full; j0 += W) {
            for (int l = 0; l < W; l++) {
                int e = first + l * apart + 2 * j0;
                FloatVector lo = load(mem, e), hi = load(mem, e + W);
                pickEven.selectFrom(lo, hi).intoArray(evens, l * W);
                pickOdd.selectFrom(lo, hi).intoArray(odds, l * W);
            }
            transpose(evens, 0, W, 1, re, j0 * W, W, tile);
            transpose(odds, 0, W, 1, im, j0 * W, W, tile);
        }
        for (int l = 0; l < W; l++)
            for (int j = full; j < count; j++) {
                re[j * W + l] = mem[first + l * apart + 2 * j];
                im[j * W + l] = mem[first + l * apart + 2 * j + 1];
            }
    }

    /** The inverse of {@link #gatherPairs}, each value multiplied by {@code scale}. */
    private static void scatterPairs(float[] re, float[] im, int count, float scale, float[] mem, FftBlocks.Lanes lanes, int off, int len, int inner) {
        int first = off + lanes.offset(0, len, inner), apart = lanes.laneStride(len, inner);
        if (lanes.count < W || inner != 1 || apart <= 0) {
            scatter(re, count, scale, mem, lanes, off, len, inner, 0, 2 * inner);
            scatter(im, count, scale, mem, lanes, off, len, inner, inner, 2 * inner);
            return;
        }
        int full = count - count % W;
        float[] tile = tile(), evens = pairTile(0), odds = pairTile(1);
        FloatVector lower = load(INTERLEAVE_LOWER, 0), upper = load(INTERLEAVE_UPPER, 0);
        for (int j0 = 0; j0 < full; j0 += W) {
            transpose(re, j0 * W, W, scale, evens, 0, W, tile);
            transpose(im, j0 * W, W, scale, odds, 0, W, tile);
            for (int l = 0; l < W; l++) {
                int e = first + l * apart + 2 * j0;
                FloatVector ev = load(evens, l * W), od = load(odds, l * W);
                lower.selectFrom(ev, od).intoArray(mem, e);
                upper.selectFrom(ev, od).intoArray(mem, e + W);
            }
        }
        for (int l = 0; l < W; l++)
            for (int j = full; j < count; j++) {
                mem[first + l * apart + 2 * j] = re[j * W + l] * scale;
                mem[first + l * apart + 2 * j + 1] = im[j * W + l] * scale;
            }
    }

    // ======================================== W × W transposition in registers

    /**
     * Lane indexes for {@code selectFrom(a, b)} (index i below W picks a's lane i, W + i picks b's):
     * per transposition stage t (lanes swapped h = W / 2^(t+1) apart), the new rows a and a + h.
     */
    private static final float[][] SWAP_LOWER = new float[Integer.numberOfTrailingZeros(W)][W], SWAP_UPPER = new float[SWAP_LOWER.length][W];
    /** The even and the odd lanes of two vectors a, b taken as one sequence of 2 W elements. */
    static final float[] PICK_EVEN = new float[W], PICK_ODD = new float[W];
    /** The first and the second W elements of the sequence a_0, b_0, a_1, b_1, ... */
    private static final float[] INTERLEAVE_LOWER = new float[W], INTERLEAVE_UPPER = new float[W];

    static {
        for (int t = 0, h = W / 2; h >= 1; t++, h /= 2)
            for (int i = 0; i < W; i++) {
                boolean upperHalf = (i & h) != 0;
                SWAP_LOWER[t][i] = upperHalf ? W + i - h : i;
                SWAP_UPPER[t][i] = upperHalf ? W + i : i + h;
            }
        for (int i = 0; i < W; i++) {
            PICK_EVEN[i] = 2 * i;
            PICK_ODD[i] = 2 * i + 1;
            INTERLEAVE_LOWER[i] = i % 2 == 0 ? i / 2 : W + i / 2;
            INTERLEAVE_UPPER[i] = i % 2 == 0 ? (W + i) / 2 : W + (W + i) / 2;
        }
    }

    /**
     * dst row j lane l = src row l lane j × scale, for a W × W tile whose rows start {@code sStride}
     * and {@code dStride} apart: log2 W stages each swap one bit of the row index with the same bit
     * of the lane index, exchanging halves of row pairs with two-vector lane selections. Stages run
     * two at a time on quadruples of rows held in registers (one alone first when their number is
     * odd); the passes between the first and the last go through {@code tile}. Exact: values are
     * only moved (and the scale applied once).
     */
    static void transpose(float[] src, int sOff, int sStride, float scale, float[] dst, int dOff, int dStride, float[] tile) {
        int stages = SWAP_LOWER.length, t = 0;
        while (t < stages) {
            int step = stages - t == 1 || (t == 0 && stages % 2 == 1) ? 1 : 2;
            boolean firstPass = t == 0, lastPass = t + step == stages;
            float[] from = firstPass ? src : tile, to = lastPass ? dst : tile;
            int fromOff = firstPass ? sOff : 0, fromStride = firstPass ? sStride : W;
            int toOff = lastPass ? dOff : 0, toStride = lastPass ? dStride : W;
            float factor = lastPass ? scale : 1;
            if (step == 1) swapPairs(t, from, fromOff, fromStride, to, toOff, toStride, factor);
            else swapQuadruples(t, from, fromOff, fromStride, to, toOff, toStride, factor);
            t += step;
        }
    }

    /** Transposition stage t alone: rows a and a + h, h = W / 2^(t+1). */
    private static void swapPairs(int t, float[] from, int fromOff, int fromStride, float[] to, int toOff, int toStride, float factor) {
        int h = W >> (t + 1);
        FloatVector lower = load(SWAP_LOWER[t], 0), upper = load(SWAP_UPPER[t], 0);
        for (int a = 0; a < W; a++) {
            if ((a & h) != 0) continue;
            FloatVector ra = load(from, fromOff + a * fromStride), rb = load(from, fromOff + (a + h) * fromStride);
            lower.selectFrom(ra, rb).mul(factor).intoArray(to, toOff + a * toStride);
            upper.selectFrom(ra, rb).mul(factor).intoArray(to, toOff + (a + h) * toStride);
        }
    }

    /** Transposition stages t and t + 1 together: rows a, a + q, a + h, a + h + q (h = W / 2^(t+1), q = h / 2) in registers. */
    private static void swapQuadruples(int t, float[] from, int fromOff, int fromStride, float[] to, int toOff, int toStride, float factor) {
        int h = W >> (t + 1), q = h / 2;
        FloatVector lower = load(SWAP_LOWER[t], 0), upper = load(SWAP_UPPER[t], 0);
        FloatVector lower2 = load(SWAP_LOWER[t + 1], 0), upper2 = load(SWAP_UPPER[t + 1], 0);
        for (int a = 0; a < W; a++) {
            if ((a & (h | q)) != 0) continue;
            FloatVector r0 = load(from, fromOff + a * fromStride), r1 = load(from, fromOff + (a + q) * fromStride);
            FloatVector r2 = load(from, fromOff + (a + h) * fromStride), r3 = load(from, fromOff + (a + h + q) * fromStride);
            FloatVector s0 = lower.selectFrom(r0, r2), s2 = upper.selectFrom(r0, r2);
            FloatVector s1 = lower.selectFrom(r1, r3), s3 = upper.selectFrom(r1, r3);
            lower2.selectFrom(s0, s1).mul(factor).intoArray(to, toOff + a * toStride);
            upper2.selectFrom(s0, s1).mul(factor).intoArray(to, toOff + (a + q) * toStride);
            lower2.selectFrom(s2, s3).mul(factor).intoArray(to, toOff + (a + h) * toStride);
            upper2.selectFrom(s2, s3).mul(factor).intoArray(to, toOff + (a + h + q) * toStride);
        }
    }

    /** Per-thread W × W tiles: the transposition's work tile and two for the even and odd elements. */
    private static final ThreadLocal<float[][]> TILES = ThreadLocal.withInitial(() -> new float[3][W * W]);

    private static float[] tile() { return TILES.get()[2]; }

    private static float[] pairTile(int which) { return TILES.get()[which]; }

    /** One sequence (lane 0 of a block), for building tables: its forward transform as {re, im}. */
    static float[][] transformOne(FftPlan plan, float[] re, float[] im) {
        int work = plan.workLength();
        float[] ar = new float[work * W], ai = new float[work * W], br = new float[work * W], bi = new float[work * W];
        for (int j = 0; j < plan.n; j++) {
            ar[j * W] = re[j];
            ai[j * W] = im[j];
        }
        boolean inB = forward(plan, ar, ai, br, bi);
        float[] xr = inB ? br : ar, xi = inB ? bi : ai;
        float[] outRe = new float[plan.n], outIm = new float[plan.n];
        for (int k = 0; k < plan.n; k++) {
            outRe[k] = xr[k * W];
            outIm[k] = xi[k * W];
        }
        return new float[][]{outRe, outIm};
    }
}
