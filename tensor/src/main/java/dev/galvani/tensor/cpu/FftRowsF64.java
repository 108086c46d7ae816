package dev.galvani.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * F64 transforms of rows vectorised within each row by the four-step form: the same program as
 * {@link FftRowsF32} (see there) in double precision. Edit that file and repeat the edit here with
 * float written double; {@code FftLanesSyncTest} fails while the two differ in anything else.
 */
final class FftRowsF64 {

    private FftRowsF64() {}

    private static final VectorSpecies<Double> S = Simd.D;
    /** Lanes per vector. */
    static final int W = Simd.DL;
    /** Lane i takes lane W − 1 − i: a vector of Z_{h−k} read backwards. */
    private static final VectorShuffle<Double> REVERSE = VectorShuffle.fromOp(S, i -> W - 1 - i);

    /** Whether complex rows of length n take this path. */
    static boolean fits(int n) { return FftPlan.FourStep.fits(n, W); }

    /** Whether real rows of length n take it: n even and its half-length complex transform fitting. */
    static boolean fitsReal(int n) { return n % 2 == 0 && fits(n / 2); }

    private static DoubleVector load(double[] a, int i) { return DoubleVector.fromArray(S, a, i); }

    /** Per-thread buffers for one group of rows. */
    private static final class Buffers {
        /** The inner transforms' lane buffers, the twiddled row, the tile and its transform, the row's Z (padded by W). */
        final double[] ar, ai, br, bi, gr, gi, tr, ti, ur, ui, tile, zr, zi;

        Buffers(FftPlan.FourStep f) {
            int lanes = f.inner.workLength() * W, z = f.n + W;
            ar = new double[lanes];
            ai = new double[lanes];
            br = new double[lanes];
            bi = new double[lanes];
            gr = new double[f.n];
            gi = new double[f.n];
            tr = new double[W * W];
            ti = new double[W * W];
            ur = new double[W * W];
            ui = new double[W * W];
            tile = new double[W * W];
            zr = new double[z];
            zi = new double[z];
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
    static void fft(double[] re, int reOff, double[] im, int imOff, double[] outRe, int outReOff, double[] outIm, int outImOff,
                    int rows, int n, boolean inverse, double scale) {
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
    static void rfft(double[] x, int xOff, double[] outRe, int outReOff, double[] outIm, int outImOff, int rows, int n, double scale) {
        FftPlan.Real real = FftPlan.Real.of(n);
        int h = n / 2, bins = h + 1;
        FftPlan.FourStep f = FftPlan.FourStep.of(h, W);
        Parallel.forRange(rows, grain(n), (lo, hi) -> {
            Buffers b = buffers(f);
            DoubleVector pickEven = load(FftLanesF64.PICK_EVEN, 0), pickOdd = load(FftLanesF64.PICK_ODD, 0);
            for (int row = lo; row < hi; row++) {
                // z = x_even + i x_odd, a pair of vectors at a time
                int at = xOff + row * n;
                for (int j = 0; j < h; j += W) {
                    DoubleVector first = load(x, at + 2 * j), second = load(x, at + 2 * j + W);
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
        boolean inB = FftLanesF64.forward(f.inner, b.ar, b.ai, b.br, b.bi);
        double[] yr = inB ? b.br : b.ar, yi = inB ? b.bi : b.ai, twr = f.twRe, twi = f.twIm;
        for (int o = 0; o < f.n; o += W) {
            DoubleVector xr = load(yr, o), xi = load(yi, o), wr = load(twr, o), wi = load(twi, o);
            xr.mul(wr).sub(xi.mul(wi)).intoArray(b.gr, o);
            xr.mul(wi).add(xi.mul(wr)).intoArray(b.gi, o);
        }
    }

    /**
     * The transforms across the lanes: each W × W tile of (gr, gi) transposed (lanes: W neighbouring
     * k2), transformed along its W rows (k1), and stored, scaled, as elements k2 + n2 k1 of (zr, zi).
     */
    private static void outer(FftPlan.FourStep f, Buffers b, double scale, double[] zr, int zrOff, double[] zi, int ziOff) {
        int n2 = f.n2, tiles = n2 / W;
        for (int t = 0; t < tiles; t++) {
            FftLanesF64.transpose(b.gr, t * W * W, W, 1, b.tr, 0, W, b.tile);
            FftLanesF64.transpose(b.gi, t * W * W, W, 1, b.ti, 0, W, b.tile);
            boolean inU = FftLanesF64.forward(f.outer, b.tr, b.ti, b.ur, b.ui);
            double[] ur = inU ? b.ur : b.tr, ui = inU ? b.ui : b.ti;
            for (int k1 = 0; k1 < W; k1++) {
                load(ur, k1 * W).mul(scale).intoArray(zr, zrOff + k1 * n2 + t * W);
                load(ui, k1 * W).mul(scale).intoArray(zi, ziOff + k1 * n2 + t * W);
            }
        }
    }

    /**
     * The real signal's bins from Z = DFT_h(x_even + i x_odd) (natural order, h = n/2), as
     * {@link FftLanesF64#splitReal} but along the row, W bins at a time: with Z_h = Z_0,
     * X_k = (Z_k + conj Z_{h−k})/2 − i ω^k (Z_k − conj Z_{h−k})/2 for k in [0, h), Z_{h−k} read as a
     * reversed vector; X_h = Re Z_0 − Im Z_0 (real).
     */
    private static void split(FftPlan.Real real, double[] zr, double[] zi, double scale, double[] outRe, int reOff, double[] outIm, int imOff) {
        double[] wr = real.wr, wi = real.wi;
        int h = wr.length - 1;
        zr[h] = zr[0];
        zi[h] = zi[0];
        for (int k = 0; k < h; k += W) {
            int back = h - k - W + 1;
            DoubleVector ar = load(zr, k), ai = load(zi, k);
            DoubleVector br = load(zr, back).rearrange(REVERSE), bi = load(zi, back).rearrange(REVERSE);
            DoubleVector er = ar.add(br).mul(0.5), ei = ai.sub(bi).mul(0.5);
            DoubleVector or = ai.add(bi).mul(0.5), oi = br.sub(ar).mul(0.5);
            DoubleVector c = load(wr, k), s = load(wi, k);
            er.add(or.mul(c)).sub(oi.mul(s)).mul(scale).intoArray(outRe, reOff + k);
            ei.add(oi.mul(c)).add(or.mul(s)).mul(scale).intoArray(outIm, imOff + k);
        }
        outRe[reOff + h] = (zr[0] - zi[0]) * scale;
        outIm[imOff + h] = 0;
    }
}
