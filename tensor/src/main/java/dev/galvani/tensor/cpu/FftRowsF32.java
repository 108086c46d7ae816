package dev.galvani.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 transforms of rows (sequences contiguous in memory: the last dimension) vectorised within each
 * row by the four-step form of {@link FftPlan.FourStep}: a row read W elements at a time is W
 * interleaved sub-sequences, one per lane, so it needs no transposition on the way in; W × W tiles
 * are transposed once, in registers, for the transforms across the lanes, which leave the result in
 * natural order for contiguous vector stores. A single long row uses every lane, and the real
 * transform's split into bins is one vector pass straight into the output row. Every row takes the
 * same operations whatever its batch and its thread, so results do not depend on the batch size or
 * the thread count. (Tiles shared by W / (n / W) shorter rows, with masked stores, were slower than
 * {@link FftLanesF32}'s rows in lanes for batches, so lengths below W² stay there.)
 *
 * <p>{@link FftRowsF64} is this file with float replaced by double ({@code FftLanesSyncTest}).
 */
final class FftRowsF32 {

    private FftRowsF32() {}

    private static final VectorSpecies<Float> S = Simd.F;
    /** Lanes per vector. */
    static final int W = Simd.FL;
    /** Lane i takes lane W − 1 − i: a vector of Z_{h−k} read backwards. */
    private static final VectorShuffle<Float> REVERSE = VectorShuffle.fromOp(S, i -> W - 1 - i);

    /** Whether complex rows of length n take this path. */
    static boolean fits(int n) { return FftPlan.FourStep.fits(n, W); }

    /** Whether real rows of length n take it: n even and its half-length complex transform fitting. */
    static boolean fitsReal(int n) { return n % 2 == 0 && fits(n / 2); }

    private static FloatVector load(float[] a, int i) { return FloatVector.fromArray(S, a, i); }

    /** Per-thread buffers for one group of rows. */
    private static final class Buffers {
        /** The inner transforms' lane buffers, the twiddled row, the tile and its transform, the row's Z (padded by W). */
        final float[] ar, ai, br, bi, gr, gi, tr, ti, ur, ui, tile, zr, zi;

        Buffers(FftPlan.FourStep f) {
            int lanes = f.inner.workLength() * W, z = f.n + W;
            ar = new float[lanes];
            ai = new float[lanes];
            br = new float[lanes];
            bi = new float[lanes];
            gr = new float[f.n];
            gi = new float[f.n];
            tr = new float[W * W];
            ti = new float[W * W];
            ur = new float[W * W];
            ui = new float[W * W];
            tile = new float[W * W];
            zr = new float[z];
            zi = new float[z];
        }

        boolean fit(FftPlan.FourStep f) { return ar.length >= f.inner.workLength() * W && gr.length >= f.n && zr.length >= f.n + W; }
    }

    private static final ThreadLocal<Buffers[]> BUFFERS = ThreadLocal.withInitial(() -> new Buffers[1]);

    private static Buffers buffers(FftPlan.FourStep f) {
        Buffers[] held = BUFFERS.get();
        if (held[0] == null || !held[0].fit(f)) held[0] = new Buffers(f);
        return held[0];
    }

    /** Rows per task: about 2^16 element operations. */
    private static int grain(int n) { return Math.max(1, (1 << 16) / n); }

    /** The complex transform of rows (re, im) [rows, n] into (outRe, outIm), scaled. */
    static void fft(float[] re, int reOff, float[] im, int imOff, float[] outRe, int outReOff, float[] outIm, int outImOff,
                    int rows, int n, boolean inverse, float scale) {
        if (inverse) {
            // The inverse is the forward transform with the real and imaginary parts swapped on the way in and out.
            fft(im, imOff, re, reOff, outIm, outImOff, outRe, outReOff, rows, n, false, scale);
            return;
        }
        FftPlan.FourStep f = FftPlan.FourStep.of(n, W);
        Parallel.forRange(rows, grain(n), (lo, hi) -> {
            Buffers b = buffers(f);
            for (int row = lo; row < hi; row++) {
                System.arraycopy(re, reOff + row * n, b.ar, 0, n);
                System.arraycopy(im, imOff + row * n, b.ai, 0, n);
                innerAndTwiddles(f, b);
                outer(f, b, scale, outRe, outReOff + row * n, outIm, outImOff + row * n);
            }
        });
    }

    /** The real-input transform of rows x [rows, n] (n even) into bins 0 to n/2, (outRe, outIm) [rows, n/2 + 1], scaled. */
    static void rfft(float[] x, int xOff, float[] outRe, int outReOff, float[] outIm, int outImOff, int rows, int n, float scale) {
        FftPlan.Real real = FftPlan.Real.of(n);
        int h = n / 2, bins = h + 1;
        FftPlan.FourStep f = FftPlan.FourStep.of(h, W);
        Parallel.forRange(rows, grain(n), (lo, hi) -> {
            Buffers b = buffers(f);
            FloatVector pickEven = load(FftLanesF32.PICK_EVEN, 0), pickOdd = load(FftLanesF32.PICK_ODD, 0);
            for (int row = lo; row < hi; row++) {
                // z = x_even + i x_odd, a pair of vectors at a time
                int at = xOff + row * n;
                for (int j = 0; j < h; j += W) {
                    FloatVector first = load(x, at + 2 * j), second = load(x, at + 2 * j + W);
                    pickEven.selectFrom(first, second).intoArray(b.ar, j);
                    pickOdd.selectFrom(first, second).intoArray(b.ai, j);
                }
                innerAndTwiddles(f, b);
                outer(f, b, 1, b.zr, 0, b.zi, 0);
                split(real, b.zr, b.zi, scale, outRe, outReOff + row * bins, outIm, outImOff + row * bins);
            }
        });
    }

    /**
     * The row in (ar, ai): its W lane sequences transformed (length n2) and multiplied by the
     * twiddles ω_n^{j1 k2}, into (gr, gi).
     */
    private static void innerAndTwiddles(FftPlan.FourStep f, Buffers b) {
        boolean inB = FftLanesF32.forward(f.inner, b.ar, b.ai, b.br, b.bi);
        float[] yr = inB ? b.br : b.ar, yi = inB ? b.bi : b.ai, twr = f.twRe32(), twi = f.twIm32();
        for (int o = 0; o < f.n; o += W) {
            FloatVector xr = load(yr, o), xi = load(yi, o), wr = load(twr, o), wi = load(twi, o);
            xr.mul(wr).sub(xi.mul(wi)).intoArray(b.gr, o);
            xr.mul(wi).add(xi.mul(wr)).intoArray(b.gi, o);
        }
    }

    /**
     * The transforms across the lanes: each W × W tile of (gr, gi) transposed (lanes: W neighbouring
     * k2), transformed along its W rows (k1), and stored, scaled, as elements k2 + n2 k1 of (zr, zi).
     */
    private static void outer(FftPlan.FourStep f, Buffers b, float scale, float[] zr, int zrOff, float[] zi, int ziOff) {
        int n2 = f.n2, tiles = n2 / W;
        for (int t = 0; t < tiles; t++) {
            FftLanesF32.transpose(b.gr, t * W * W, W, 1, b.tr, 0, W, b.tile);
            FftLanesF32.transpose(b.gi, t * W * W, W, 1, b.ti, 0, W, b.tile);
            boolean inU = FftLanesF32.forward(f.outer, b.tr, b.ti, b.ur, b.ui);
            float[] ur = inU ? b.ur : b.tr, ui = inU ? b.ui : b.ti;
            for (int k1 = 0; k1 < W; k1++) {
                load(ur, k1 * W).mul(scale).intoArray(zr, zrOff + k1 * n2 + t * W);
                load(ui, k1 * W).mul(scale).intoArray(zi, ziOff + k1 * n2 + t * W);
            }
        }
    }

    /**
     * The real signal's bins from Z = DFT_h(x_even + i x_odd) (natural order, h = n/2), as
     * {@link FftLanesF32#splitReal} but along the row, W bins at a time: with Z_h = Z_0,
     * X_k = (Z_k + conj Z_{h−k})/2 − i ω^k (Z_k − conj Z_{h−k})/2 for k in [0, h), Z_{h−k} read as a
     * reversed vector; X_h = Re Z_0 − Im Z_0 (real).
     */
    private static void split(FftPlan.Real real, float[] zr, float[] zi, float scale, float[] outRe, int reOff, float[] outIm, int imOff) {
        float[] wr = real.wr32(), wi = real.wi32();
        int h = wr.length - 1;
        zr[h] = zr[0];
        zi[h] = zi[0];
        for (int k = 0; k < h; k += W) {
            int back = h - k - W + 1;
            FloatVector ar = load(zr, k), ai = load(zi, k);
            FloatVector br = load(zr, back).rearrange(REVERSE), bi = load(zi, back).rearrange(REVERSE);
            FloatVector er = ar.add(br).mul(0.5f), ei = ai.sub(bi).mul(0.5f);
            FloatVector or = ai.add(bi).mul(0.5f), oi = br.sub(ar).mul(0.5f);
            FloatVector c = load(wr, k), s = load(wi, k);
            er.add(or.mul(c)).sub(oi.mul(s)).mul(scale).intoArray(outRe, reOff + k);
            ei.add(oi.mul(c)).add(or.mul(s)).mul(scale).intoArray(outIm, imOff + k);
        }
        outRe[reOff + h] = (zr[0] - zi[0]) * scale;
        outIm[imOff + h] = 0;
    }
}
