package dev.galvani.tensor.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How to transform one length n: either a sequence of radix stages (Stockham autosort, decimation in
 * frequency, natural order in and out) with their twiddle factors, or, when n has a large prime
 * factor, Bluestein's chirp-z algorithm over a smooth length m ≥ 2n − 1. Plans hold the forward
 * direction only (exp(−2πi jk/n)); the inverse is the forward transform with the real and imaginary
 * parts swapped on the way in and out (swap(z) = i·conj(z), and swap(DFT₋(swap(x))) = DFT₊(x)).
 * Every table is computed in double from exact integer angles ({@link #unitRoot}); F32 kernels read
 * rounded copies. Plans are cached per n and shared by all threads (immutable once built).
 *
 * <p>Stage {@code t} has radix {@code r = radices[t]} and runs on sub-transforms of length
 * {@code N_t = n / (r_0 ... r_{t−1})} with {@code m = N_t / r}: for each p in [0, m) it takes
 * a_j = x[p + j m] (j in [0, r)), computes the r-point DFT b_k and writes b_k ω_{N_t}^{pk} to
 * position r p + k, with a stride s = r_0 ... r_{t−1} between interleaved sub-transforms. The
 * twiddles ω_{N_t}^{pk} (k in [1, r)) of stage t are stored at {@code p (r − 1) + k − 1}.
 */
final class FftPlan {

    /** Radices with a written-out butterfly; other primes use the generic odd-radix butterfly. */
    static final int[] SPECIAL = {4, 2, 3, 5};

    /** The transform length. */
    final int n;
    /** The stage radices in order (empty for n = 1 and for Bluestein plans). */
    final int[] radices;
    /** Per stage, the twiddles' real and imaginary parts (see the class comment). */
    final double[][] twRe, twIm;
    /** Per stage with a generic radix r: cos(2π t / r) and −sin(2π t / r) for t in [0, r); null for special radices. */
    final double[][] rootRe, rootIm;
    /** The chirp-z form, or null when the stages transform directly. */
    final Bluestein bluestein;

    private volatile float[][] twRe32, twIm32, rootRe32, rootIm32;

    private static final ConcurrentHashMap<Integer, FftPlan> CACHE = new ConcurrentHashMap<>();

    /** The plan for length n (built once, then shared). */
    static FftPlan of(int n) {
        if (n < 1) throw new IllegalArgumentException("FFT length must be positive, got " + n);
        FftPlan p = CACHE.get(n);
        if (p != null) return p;
        p = build(n);                         // outside the map: a Bluestein plan builds its length-m plan first
        FftPlan raced = CACHE.putIfAbsent(n, p);
        return raced != null ? raced : p;
    }

    private static FftPlan build(int n) {
        List<Integer> factors = factor(n);
        if (n > 1 && bluesteinCost(n) < directCost(factors)) return new FftPlan(n, new int[0], new Bluestein(n));
        return new FftPlan(n, stages(factors), null);
    }

    private FftPlan(int n, int[] radices, Bluestein bluestein) {
        this.n = n;
        this.radices = radices;
        this.bluestein = bluestein;
        int stages = radices.length;
        twRe = new double[stages][];
        twIm = new double[stages][];
        rootRe = new double[stages][];
        rootIm = new double[stages][];
        int len = n;
        for (int t = 0; t < stages; t++) {
            int r = radices[t], m = len / r;
            double[] re = new double[m * (r - 1)], im = new double[m * (r - 1)];
            for (int p = 0; p < m; p++)
                for (int k = 1; k < r; k++) {
                    double[] w = unitRoot(-(long) p * k, len);
                    re[p * (r - 1) + k - 1] = w[0];
                    im[p * (r - 1) + k - 1] = w[1];
                }
            twRe[t] = re;
            twIm[t] = im;
            if (!isSpecial(r)) {
                rootRe[t] = new double[r];
                rootIm[t] = new double[r];
                for (int j = 0; j < r; j++) {
                    double[] w = unitRoot(-j, r);
                    rootRe[t][j] = w[0];
                    rootIm[t][j] = w[1];
                }
            }
            len = m;
        }
    }

    static boolean isSpecial(int r) { return r == 2 || r == 3 || r == 4 || r == 5; }

    /** The tables rounded to float, made on first use. */
    float[][] twRe32() { ensureFloats(); return twRe32; }

    float[][] twIm32() { ensureFloats(); return twIm32; }

    float[][] rootRe32() { ensureFloats(); return rootRe32; }

    float[][] rootIm32() { ensureFloats(); return rootIm32; }

    private void ensureFloats() {
        if (twRe32 != null) return;
        synchronized (this) {
            if (twRe32 != null) return;
            rootRe32 = toFloats(rootRe);
            rootIm32 = toFloats(rootIm);
            twIm32 = toFloats(twIm);
            twRe32 = toFloats(twRe);            // last: its being set publishes the others
        }
    }

    static float[][] toFloats(double[][] v) {
        float[][] f = new float[v.length][];
        for (int i = 0; i < v.length; i++) f[i] = toFloats(v[i]);
        return f;
    }

    static float[] toFloats(double[] v) {
        if (v == null) return null;
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    /** The length of the lane buffers a transform of this plan needs (Bluestein works at length m). */
    int workLength() { return bluestein == null ? n : Math.max(n, bluestein.m); }

    /**
     * (cos, sin) of 2π k / n, from k mod n reduced to the first octant with exact integer
     * arithmetic, so the quarter and half turns are exact and symmetric angles give symmetric values.
     */
    static double[] unitRoot(long k, long n) {
        long a = Math.floorMod(k, n);
        // Units of 1/8n of a turn: t in [0, 8n).
        long t = 8 * a;
        double sinSign = 1, cosSign = 1;
        if (t > 4 * n) {              // (π, 2π): reflect through the real axis
            t = 8 * n - t;
            sinSign = -1;
        }
        if (t > 2 * n) {              // (π/2, π]: reflect through the imaginary axis
            t = 4 * n - t;
            cosSign = -1;
        }
        boolean swap = t > n;         // (π/4, π/2]: reflect through the diagonal
        if (swap) t = 2 * n - t;
        double angle = Math.PI * t / (4.0 * n);
        double c = Math.cos(angle), s = Math.sin(angle);
        if (t == 0) { c = 1; s = 0; }
        if (swap) { double x = c; c = s; s = x; }
        return new double[]{cosSign * c, sinSign * s};
    }

    /** The prime factors of n in ascending order. */
    static List<Integer> factor(int n) {
        List<Integer> f = new ArrayList<>();
        int x = n;
        for (int p = 2; (long) p * p <= x; p++)
            while (x % p == 0) {
                f.add(p);
                x /= p;
            }
        if (x > 1) f.add(x);
        return f;
    }

    /** Radix-4 stages for pairs of twos, then a two, threes, fives and the other primes in ascending order. */
    private static int[] stages(List<Integer> factors) {
        List<Integer> r = new ArrayList<>();
        int twos = (int) factors.stream().filter(p -> p == 2).count();
        for (int i = 0; i < twos / 2; i++) r.add(4);
        if (twos % 2 == 1) r.add(2);
        for (int p : factors) if (p != 2) r.add(p);
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Arithmetic per element, roughly: a special radix r costs r, a generic radix 2r (its O(r²) butterfly). */
    private static double directCost(List<Integer> factors) {
        double c = 0;
        for (int r : stages(factors)) c += isSpecial(r) ? r : 2.0 * r;
        return c;
    }

    /** Two transforms of length m per transform of length n, plus the chirp products. */
    private static double bluesteinCost(int n) {
        int m = Bluestein.length(n);
        return (2 * directCost(factor(m)) + 4) * m / (double) n;
    }

    /**
     * Bluestein's algorithm (the chirp-z transform): with w_j = exp(−πi j² / n),
     * X_k = w_k Σ_j (x_j w_j) conj(w_{k−j}), a circular convolution of length m ≥ 2n − 1 computed
     * with transforms of the smooth length m: X = w · IDFT_m(DFT_m(x w) · B) where B is the
     * transform of the chirp conj(w) laid out circularly, divided by m (so the inverse needs no
     * scaling).
     */
    static final class Bluestein {
        /** The convolution length: the smallest 2^a 3^b 5^c ≥ 2n − 1. */
        final int m;
        /** The plan of length m. */
        final FftPlan sub;
        /** The chirp w_j, j in [0, n). */
        final double[] chirpRe, chirpIm;
        /** DFT_m of the circular chirp conj(w), divided by m. */
        final double[] kernelRe, kernelIm;
        private volatile float[][] floats;

        Bluestein(int n) { this(n, length(n, 1)); }

        /** With the convolution length m (at least 2n − 1). */
        private Bluestein(int n, int m) {
            this.m = m;
            sub = FftPlan.of(m);
            chirpRe = new double[n];
            chirpIm = new double[n];
            for (int j = 0; j < n; j++) {
                // j² mod 2n, exactly: exp(−πi j² / n) = exp(−2πi (j² mod 2n) / 2n).
                double[] w = unitRoot(-Math.floorMod((long) j * j, 2L * n), 2L * n);
                chirpRe[j] = w[0];
                chirpIm[j] = w[1];
            }
            double[] br = new double[m], bi = new double[m];
            for (int j = 0; j < n; j++) {
                br[j] = chirpRe[j];
                bi[j] = -chirpIm[j];
                if (j > 0) {
                    br[m - j] = chirpRe[j];
                    bi[m - j] = -chirpIm[j];
                }
            }
            double[][] spectrum = FftLanesF64.transformOne(sub, br, bi);
            kernelRe = spectrum[0];
            kernelIm = spectrum[1];
            for (int k = 0; k < m; k++) {
                kernelRe[k] /= m;
                kernelIm[k] /= m;
            }
        }

        private static final ConcurrentHashMap<Long, Bluestein> FOR_ROWS = new ConcurrentHashMap<>();

        /**
         * The form of length n whose convolution length is a multiple of w², so that its transforms
         * take the four-step form of {@link FourStep} with w lanes (built once, then shared).
         */
        static Bluestein forRows(int n, int w) {
            long key = (long) n << 16 | w;
            Bluestein b = FOR_ROWS.get(key);
            if (b != null) return b;
            b = new Bluestein(n, length(n, w * w));
            Bluestein raced = FOR_ROWS.putIfAbsent(key, b);
            return raced != null ? raced : b;
        }

        /** {chirpRe, chirpIm, kernelRe, kernelIm}. */
        double[][] doubles() { return new double[][]{chirpRe, chirpIm, kernelRe, kernelIm}; }

        /** {chirpRe, chirpIm, kernelRe, kernelIm} rounded to float. */
        float[][] floats() {
            float[][] f = floats;
            if (f == null) floats = f = new float[][]{toFloats(chirpRe), toFloats(chirpIm), toFloats(kernelRe), toFloats(kernelIm)};
            return f;
        }

        /** The smallest 2^a 3^b 5^c that is at least 2n − 1. */
        static int length(int n) { return length(n, 1); }

        /** The smallest 2^a 3^b 5^c that is at least 2n − 1 and a multiple of the power of two {@code twos}. */
        static int length(int n, int twos) {
            long target = 2L * n - 1, best = Long.MAX_VALUE;
            for (long a = twos; a < 2 * target + twos; a *= 2)
                for (long b = a; b < 2 * target; b *= 3)
                    for (long c = b; c < 2 * target; c *= 5)
                        if (c >= target && c < best) best = c;
            if (best > Integer.MAX_VALUE / 2) throw new IllegalArgumentException("FFT length " + n + " is too large for Bluestein's algorithm");
            return (int) best;
        }
    }

    /**
     * The four-step form of a length n = W n2 for one contiguous sequence, W being the vector lanes:
     * with j = j1 + W j2 and k = k2 + n2 k1 (j1, k1 in [0, W); j2, k2 in [0, n2)),
     * X_k = Σ_{j1} ω_W^{j1 k1} [ω_n^{j1 k2} Σ_{j2} x_{j1 + W j2} ω_{n2}^{j2 k2}]. The sequence read W
     * elements at a time is already W interleaved sub-sequences of length n2, one per lane, so the
     * inner sums are lane transforms of length n2 with no transposition; the twiddles ω_n^{j1 k2} are
     * one vector per k2; and the outer sums are transforms of length W across the lanes, run as lane
     * transforms after W × W tiles are transposed, which also leaves X in natural order.
     */
    static final class FourStep {
        /** The length n, the lanes W and the inner length n2 = n / W. */
        final int n, w, n2;
        /** The plans of the inner (n2) and outer (W) transforms. */
        final FftPlan inner, outer;
        /** ω_n^{j1 k2} at {@code k2 W + j1}: cos and −sin of 2π j1 k2 / n. */
        final double[] twRe, twIm;
        private volatile float[][] floats;

        private static final ConcurrentHashMap<Long, FourStep> FOUR_STEP = new ConcurrentHashMap<>();

        private FourStep(int n, int w) {
            this.n = n;
            this.w = w;
            this.n2 = n / w;
            inner = FftPlan.of(n2);
            outer = FftPlan.of(w);
            twRe = new double[n];
            twIm = new double[n];
            for (int k2 = 0; k2 < n2; k2++)
                for (int j1 = 0; j1 < w; j1++) {
                    double[] t = unitRoot(-(long) j1 * k2, n);
                    twRe[k2 * w + j1] = t[0];
                    twIm[k2 * w + j1] = t[1];
                }
        }

        /** Whether a length n takes this form with w lanes: n2 = n / w a whole number of w × w tiles. */
        static boolean fits(int n, int w) { return n % (w * w) == 0; }

        /** The form of length n with w lanes (built once, then shared). */
        static FourStep of(int n, int w) {
            long key = (long) n << 16 | w;
            FourStep f = FOUR_STEP.get(key);
            if (f != null) return f;
            f = new FourStep(n, w);
            FourStep raced = FOUR_STEP.putIfAbsent(key, f);
            return raced != null ? raced : f;
        }

        float[] twRe32() { return floats()[0]; }

        float[] twIm32() { return floats()[1]; }

        private float[][] floats() {
            float[][] f = floats;
            if (f == null) floats = f = new float[][]{toFloats(twRe), toFloats(twIm)};
            return f;
        }
    }

    /**
     * The real transform of even length n as a complex transform of length n/2 (the even samples as
     * real parts, the odd ones as imaginary parts), with the twiddles ω^k = exp(−2πi k / n),
     * k in [0, n/2), that split its result into the spectrum of the real signal and join a
     * half-spectrum back into it.
     */
    static final class Real {
        /** The half-length plan. */
        final FftPlan half;
        /** cos and −sin of 2π k / n, k in [0, n/2] (the last is exactly −1 and 0). */
        final double[] wr, wi;
        private volatile float[][] floats;

        private static final ConcurrentHashMap<Integer, Real> REAL = new ConcurrentHashMap<>();

        private Real(int n) {
            half = FftPlan.of(n / 2);
            wr = new double[n / 2 + 1];
            wi = new double[n / 2 + 1];
            for (int k = 0; k <= n / 2; k++) {
                double[] w = unitRoot(-k, n);
                wr[k] = w[0];
                wi[k] = w[1];
            }
        }

        /** The plan of even length n. */
        static Real of(int n) {
            Real r = REAL.get(n);
            if (r != null) return r;
            r = new Real(n);
            Real raced = REAL.putIfAbsent(n, r);
            return raced != null ? raced : r;
        }

        float[] wr32() { return floats()[0]; }

        float[] wi32() { return floats()[1]; }

        private float[][] floats() {
            float[][] f = floats;
            if (f == null) floats = f = new float[][]{toFloats(wr), toFloats(wi)};
            return f;
        }
    }
}
