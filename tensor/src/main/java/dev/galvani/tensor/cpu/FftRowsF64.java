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

    /**
     * Whether rows of length n take Bluestein's form here ({@link FftPlan.Bluestein#forRows}, its two
     * transforms in the four-step form): long lengths with a large prime factor, whose convolution
     * buffers for W rows in lanes would outgrow the L2 cache.
     */
    static boolean fitsBluestein(int n) { return n >= 32 * W && FftPlan.of(n).bluestein != null; }

    /** Whether real rows of length n take it: n even and its half-length complex transform fitting. */
    static boolean fitsReal(int n) { return n % 2 == 0 && fits(n / 2); }

    private static DoubleVector load(double[] a, int i) { return DoubleVector.fromArray(S, a, i); }

    /** Per-thread buffers for one row. */
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
        if (!fits(n)) {
            bluestein(re, reOff, im, imOff, outRe, outReOff, outIm, outImOff, rows, n, n, scale);
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
     * The real-input transform of rows x [rows, n] of odd length (Bluestein's form, {@link
     * #fitsBluestein}) into bins 0 to (n − 1)/2, (outRe, outIm) [rows, (n + 1)/2], scaled; bin 0 is real.
     */
    static void rfftOdd(double[] x, int xOff, double[] outRe, int outReOff, double[] outIm, int outImOff, int rows, int n, double scale) {
        int bins = n / 2 + 1;
        bluestein(x, xOff, null, 0, outRe, outReOff, outIm, outImOff, rows, n, bins, scale);
        for (int row = 0; row < rows; row++) outIm[outImOff + row * bins] = 0;
    }

    /**
     * Rows by Bluestein's form (see {@link FftPlan.Bluestein}): a = x·w zero-padded to m, A = DFT_m(a),
     * A·B, c = IDFT_m(A B) (the forward transform with the parts swapped), X = w·c; bins 0 to
     * {@code count} of each row go to the output, rows {@code count} apart, scaled. {@code im} null:
     * real rows.
     */
    private static void bluestein(double[] re, int reOff, double[] im, int imOff, double[] outRe, int outReOff, double[] outIm, int outImOff,
                                  int rows, int n, int count, double scale) {
        FftPlan.Bluestein bs = FftPlan.Bluestein.forRows(n, W);
        double[][] tables = bs.doubles();
        double[] cr = tables[0], ci = tables[1], kr = tables[2], ki = tables[3];
        int m = bs.m, whole = n - n % W, wholeOut = count - count % W;
        FftPlan.FourStep f = FftPlan.FourStep.of(m, W);
        Parallel.forRange(rows, grain(m), (lo, hi) -> {
            Buffers b = buffers(f);
            for (int row = lo; row < hi; row++) {
                int xr0 = reOff + row * n, xi0 = imOff + row * n;
                for (int j = 0; j < whole; j += W) {
                    DoubleVector xr = load(re, xr0 + j), xi = im == null ? DoubleVector.zero(S) : load(im, xi0 + j);
                    DoubleVector wr = load(cr, j), wi = load(ci, j);
                    xr.mul(wr).sub(xi.mul(wi)).intoArray(b.ar, j);
                    xr.mul(wi).add(xi.mul(wr)).intoArray(b.ai, j);
                }
                for (int j = whole; j < n; j++) {
                    double xr = re[xr0 + j], xi = im == null ? 0 : im[xi0 + j];
                    b.ar[j] = xr * cr[j] - xi * ci[j];
                    b.ai[j] = xr * ci[j] + xi * cr[j];
                }
                java.util.Arrays.fill(b.ar, n, m, 0);
                java.util.Arrays.fill(b.ai, n, m, 0);
                innerAndTwiddles(f, b);
                outer(f, b, 1, b.zr, 0, b.zi, 0);
                for (int k = 0; k < m; k += W) {       // A·B, its parts swapped for the inverse
                    DoubleVector ar = load(b.zr, k), ai = load(b.zi, k), br = load(kr, k), bi = load(ki, k);
                    ar.mul(br).sub(ai.mul(bi)).intoArray(b.ai, k);
                    ar.mul(bi).add(ai.mul(br)).intoArray(b.ar, k);
                }
                innerAndTwiddles(f, b);
                outer(f, b, 1, b.zr, 0, b.zi, 0);      // c: its real part in zi, its imaginary part in zr
                int o0r = outReOff + row * count, o0i = outImOff + row * count;
                for (int k = 0; k < wholeOut; k += W) {
                    DoubleVector zr = load(b.zi, k), zi = load(b.zr, k), wr = load(cr, k), wi = load(ci, k);
                    zr.mul(wr).sub(zi.mul(wi)).mul(scale).intoArray(outRe, o0r + k);
                    zr.mul(wi).add(zi.mul(wr)).mul(scale).intoArray(outIm, o0i + k);
                }
                for (int k = wholeOut; k < count; k++) {
                    double zr = b.zi[k], zi = b.zr[k];
                    outRe[o0r + k] = (zr * cr[k] - zi * ci[k]) * scale;
                    outIm[o0i + k] = (zr * ci[k] + zi * cr[k]) * scale;
                }
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
