package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The random factories: the documented element mapping (recomputed here from the raw Philox block,
 * not through {@link Philox}'s helpers), reproducibility and counter continuation, statistics with
 * stated tolerances (all seeds fixed, so these tests are deterministic), and argument errors.
 *
 * <p>Tolerances: for n independent draws a sample mean is off by more than 5 standard errors with
 * probability below 1e-6; chi-square bounds are the mean ± 5 standard deviations of the chi-square
 * law (a normal approximation, fine at these degrees of freedom); the Kolmogorov–Smirnov bound
 * 1.95 / sqrt(n) is the 0.1% critical value.
 */
class RandomTest {

    // ---- the mapping, recomputed independently --------------------------------------------------

    /** The block of element i of a fill at offset o under seed s, spelled out word by word. */
    private static int[] block(long seed, long counter) {
        int[] c = {(int) (counter & 0xffffffffL), (int) (counter >>> 32), 0, 0};
        int[] k = {(int) (seed & 0xffffffffL), (int) (seed >>> 32)};
        return Philox.block(c, k);   // the block function itself is pinned by PhiloxTest's KAT vectors
    }

    private static long u32(int w) { return w & 0xffffffffL; }

    private static long raw64(int[] w) { return u32(w[0]) << 32 | u32(w[1]); }

    private static float refUniformF32(int[] w) { return (float) ((u32(w[0]) >> 8) / 16777216.0); }

    private static double refUniformF64(int[] w) { return (raw64(w) >>> 11) / 9007199254740992.0; }

    private static float refNormalF32(int[] w) {
        double u1 = (u32(w[0]) + 1) / 4294967296.0, u2 = u32(w[1]) / 4294967296.0;
        return (float) (StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2));
    }

    private static double refNormalF64(int[] w) {
        double u1 = ((raw64(w) >>> 11) + 1) / 9007199254740992.0;
        double u2 = ((u32(w[2]) << 32 | u32(w[3])) >>> 11) / 9007199254740992.0;
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }

    /** low + floor(bits * (high - low) / 2^64) with bits and the range unsigned, via BigInteger. */
    private static long refInteger(int[] w, long low, long high) {
        var two64 = java.math.BigInteger.ONE.shiftLeft(64);
        var bits = java.math.BigInteger.valueOf(raw64(w)).mod(two64);
        var range = java.math.BigInteger.valueOf(high).subtract(java.math.BigInteger.valueOf(low));
        return java.math.BigInteger.valueOf(low).add(bits.multiply(range).shiftRight(64)).longValueExact();
    }

    @Test
    void uniformF32ElementIUsesCounterOffsetPlusI() {
        long seed = 0x0123_4567_89ab_cdefL;
        Generator g = new Generator(seed);
        g.setOffset(0xffff_fff0L);                        // the fill crosses 2^32: the counter's high word changes
        int n = 100_003;                                  // several parallel chunks
        float[] got = Tensor.rand(g, n).toFloatArray();
        for (int i = 0; i < n; i++) {
            float want = refUniformF32(block(seed, 0xffff_fff0L + i));
            if (got[i] != want) throw new AssertionError("element " + i + ": " + got[i] + " != " + want);
        }
        assertEquals(0xffff_fff0L + n, g.offset());
    }

    @Test
    void uniformF64ElementIUsesCounterOffsetPlusI() {
        long seed = -5;                                   // high key word 0xffffffff
        Generator g = new Generator(seed, 77);
        double[] got = Tensor.rand(g, DType.F64, 300, 101).toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            double want = refUniformF64(block(seed, 77 + i));
            if (got[i] != want) throw new AssertionError("element " + i + ": " + got[i] + " != " + want);
        }
        assertEquals(77 + 300 * 101, g.offset());
    }

    @Test
    void normalElementIUsesCounterOffsetPlusI() {
        long seed = 42;
        Generator g = new Generator(seed);
        float[] f = Tensor.randn(g, 50_000).toFloatArray();
        double[] d = Tensor.randn(g, DType.F64, 50_000).toDoubleArray();
        for (int i = 0; i < f.length; i++) {
            float want = refNormalF32(block(seed, i));
            if (Float.floatToIntBits(f[i]) != Float.floatToIntBits(want)) throw new AssertionError("F32 element " + i + ": " + f[i] + " != " + want);
        }
        for (int i = 0; i < d.length; i++) {
            double want = refNormalF64(block(seed, 50_000 + i));
            if (Double.doubleToLongBits(d[i]) != Double.doubleToLongBits(want)) throw new AssertionError("F64 element " + i + ": " + d[i] + " != " + want);
        }
        assertEquals(100_000, g.offset());
    }

    @Test
    void randintElementIUsesLemireOnTheRaw64Bits() {
        long seed = 9;
        long[][] ranges = {{-3, 7}, {0, 1}, {Long.MIN_VALUE, Long.MAX_VALUE}, {-(3L << 61), 3L << 61}, {1_000_000_007L, 1_000_000_019L}};
        Generator g = new Generator(seed);
        long offset = 0;
        for (long[] r : ranges) {
            long[] got = Tensor.randint(g, r[0], r[1], 4000).toLongArray();
            for (int i = 0; i < got.length; i++) {
                long want = refInteger(block(seed, offset + i), r[0], r[1]);
                assertEquals(want, got[i], "range [" + r[0] + ", " + r[1] + ") element " + i);
                assertTrue(got[i] >= r[0] && got[i] < r[1]);
            }
            offset += got.length;
        }
        assertEquals(offset, g.offset());
    }

    @Test
    void bernoulliIsTheF64UniformBelowP() {
        long seed = 5;
        Generator g = new Generator(seed);
        Tensor b = Tensor.bernoulli(g, 0.37, 20_000);
        assertEquals(DType.F32, b.dtype());
        float[] got = b.toFloatArray();
        for (int i = 0; i < got.length; i++)
            assertEquals(refUniformF64(block(seed, i)) < 0.37 ? 1f : 0f, got[i], "element " + i);
        assertEquals(20_000, g.offset());
    }

    @Test
    void bernoulliOfATensorUsesEachElementsProbability() {
        long seed = 6;
        double[] p = new double[6000];
        for (int i = 0; i < p.length; i++) p[i] = (i % 7) / 6.0;           // 0, 1/6, .., 1
        Tensor probs = Tensor.of(p, 60, 100);
        Generator g = new Generator(seed, 10);
        Tensor b = probs.bernoulli(g);
        assertEquals(DType.F64, b.dtype());
        assertArrayEquals(new int[]{60, 100}, b.shape().dims());
        double[] got = b.toDoubleArray();
        for (int i = 0; i < p.length; i++)
            assertEquals(refUniformF64(block(seed, 10 + i)) < p[i] ? 1.0 : 0.0, got[i], "element " + i);
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) assertEquals(0.0, got[i]);
            if (p[i] == 1) assertEquals(1.0, got[i]);
        }
        assertEquals(10 + 6000, g.offset());
        // F32 probabilities give F32 results; a non-contiguous view is read by its logical order
        Tensor pf = Tensor.of(new float[]{0f, 1f, 0f, 1f, 0f, 1f}, 2, 3).transpose(0, 1);   // [[0, 1], [1, 0], [0, 1]]
        float[] bf = pf.bernoulli(new Generator(1)).toFloatArray();
        assertEquals(DType.F32, pf.bernoulli(new Generator(1)).dtype());
        assertArrayEquals(pf.toFloatArray(), bf);                            // probabilities 0 and 1 are exact
    }

    @Test
    void randpermIsFisherYatesOverTheRawWords() {
        long seed = 11;
        int n = 1000;
        Generator g = new Generator(seed, 3);
        long[] got = Tensor.randperm(g, n).toLongArray();
        long[] want = new long[n];
        for (int i = 0; i < n; i++) want[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = (int) refInteger(block(seed, 3 + i), 0, i + 1);
            long t = want[i]; want[i] = want[j]; want[j] = t;
        }
        assertArrayEquals(want, got);
        assertEquals(3 + n, g.offset());
        long[] sorted = got.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) assertEquals(i, sorted[i]);
    }

    // ---- reproducibility --------------------------------------------------------------------------

    @Test
    void sameSeedSameNumbersAndDrawsContinueTheCounter() {
        Generator g = new Generator(1234);
        float[] two = Tensor.rand(g, 2).toFloatArray();
        float[] three = Tensor.rand(g, 3).toFloatArray();
        assertEquals(5, g.offset());
        float[] five = Tensor.rand(new Generator(1234), 5).toFloatArray();
        assertArrayEquals(Arrays.copyOfRange(five, 0, 2), two);
        assertArrayEquals(Arrays.copyOfRange(five, 2, 5), three);

        Generator h = new Generator(1234);
        float[] n23 = concat(Tensor.randn(h, 2).toFloatArray(), Tensor.randn(h, 1, 3).toFloatArray());
        assertArrayEquals(Tensor.randn(new Generator(1234), 5).toFloatArray(), n23);

        assertArrayEquals(Tensor.randn(new Generator(7), DType.F64, 4, 5).toDoubleArray(),
                Tensor.randn(new Generator(7), DType.F64, 4, 5).toDoubleArray());
        assertArrayEquals(Tensor.randint(new Generator(7), 0, 100, 50).toLongArray(),
                Tensor.randint(new Generator(7), 0, 100, 50).toLongArray());
        assertArrayEquals(Tensor.randperm(new Generator(7), 50).toLongArray(),
                Tensor.randperm(new Generator(7), 50).toLongArray());
        assertNotEquals(Arrays.toString(Tensor.rand(new Generator(7), 8).toFloatArray()),
                Arrays.toString(Tensor.rand(new Generator(8), 8).toFloatArray()));

        // manualSeed restarts the stream
        Generator m = new Generator(99);
        float[] first = Tensor.rand(m, 4).toFloatArray();
        Tensor.rand(m, 10);
        m.manualSeed(99);
        assertArrayEquals(first, Tensor.rand(m, 4).toFloatArray());
    }

    @Test
    void f32UniformIsTheF64UniformTruncatedTo24Bits() {
        float[] f = Tensor.rand(new Generator(31), 10_000).toFloatArray();
        double[] d = Tensor.rand(new Generator(31), DType.F64, 10_000).toDoubleArray();
        for (int i = 0; i < f.length; i++) assertEquals((float) (Math.floor(d[i] * 0x1p24) * 0x1p-24), f[i]);
    }

    @Test
    void shapesDtypesAndEmptyFills() {
        Generator g = new Generator(0);
        Tensor r = Tensor.rand(g, 2, 3, 4);
        assertArrayEquals(new int[]{2, 3, 4}, r.shape().dims());
        assertEquals(DType.F32, r.dtype());
        assertEquals(DType.F64, Tensor.rand(g, DType.F64, 2).dtype());
        assertEquals(DType.I64, Tensor.randint(g, 0, 3, 2).dtype());
        assertEquals(DType.I64, Tensor.randperm(g, 2).dtype());
        long before = g.offset();
        assertEquals(0, Tensor.rand(g, 0, 5).numel());
        assertEquals(0, Tensor.randperm(g, 0).numel());
        assertEquals(before, g.offset());
        assertArrayEquals(new long[]{0}, Tensor.randperm(g, 1).toLongArray());
        assertEquals(0, Tensor.rand(g).shape().dims().length);                // a 0-d tensor: one draw
        assertEquals(before + 2, g.offset());
        long[] one = Tensor.randint(g, 41, 42, 10).toLongArray();
        for (long v : one) assertEquals(41, v);
    }

    // ---- statistics -------------------------------------------------------------------------------

    private static final int N = 1_000_000;

    @Test
    void uniformMomentsAndChiSquare() {
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            double[] u = Tensor.rand(new Generator(2024), dt, N).toDoubleArray();
            double mean = 0, m2 = 0, min = 1, max = 0;
            for (double x : u) { mean += x; min = Math.min(min, x); max = Math.max(max, x); }
            mean /= N;
            for (double x : u) m2 += (x - mean) * (x - mean);
            double var = m2 / (N - 1);
            // mean: sd sqrt(1/12 / N) = 2.9e-4; variance: sd sqrt((1/80 - 1/144) / N) = 7.5e-5
            assertEquals(0.5, mean, 5 * Math.sqrt(1.0 / 12 / N), dt + " mean");
            assertEquals(1.0 / 12, var, 5 * Math.sqrt((1.0 / 80 - 1.0 / 144) / N), dt + " variance");
            assertTrue(min >= 0 && max < 1, dt + " range [" + min + ", " + max + "]");
            // chi-square over 1000 equal bins: 999 degrees of freedom, mean 999, sd sqrt(2 * 999) = 44.7
            int bins = 1000;
            long[] count = new long[bins];
            for (double x : u) count[(int) (x * bins)]++;
            double expected = (double) N / bins, chi2 = 0;
            for (long c : count) chi2 += (c - expected) * (c - expected) / expected;
            double sd = Math.sqrt(2.0 * (bins - 1));
            assertTrue(Math.abs(chi2 - (bins - 1)) < 5 * sd, dt + " chi-square " + chi2);
            // Kolmogorov–Smirnov against the uniform CDF
            double[] s = u.clone();
            Arrays.sort(s);
            assertTrue(ksStatistic(s, x -> x) < 1.95 / Math.sqrt(N), dt + " KS");
        }
    }

    @Test
    void normalMomentsAndKolmogorovSmirnov() {
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            double[] z = Tensor.randn(new Generator(777), dt, N).toDoubleArray();
            double mean = 0, m2 = 0, m3 = 0, m4 = 0;
            for (double x : z) {
                assertTrue(Double.isFinite(x), dt + " non-finite normal");
                mean += x;
            }
            mean /= N;
            for (double x : z) { double d = x - mean, d2 = d * d; m2 += d2; m3 += d2 * d; m4 += d2 * d2; }
            double var = m2 / N, skew = m3 / N / Math.pow(var, 1.5), kurt = m4 / N / (var * var);
            // standard errors for N(0,1): mean 1/sqrt(N), variance sqrt(2/N), skewness sqrt(6/N), kurtosis sqrt(24/N)
            assertEquals(0, mean, 5 / Math.sqrt(N), dt + " mean");
            assertEquals(1, var, 5 * Math.sqrt(2.0 / N), dt + " variance");
            assertEquals(0, skew, 5 * Math.sqrt(6.0 / N), dt + " skewness");
            assertEquals(3, kurt, 5 * Math.sqrt(24.0 / N), dt + " kurtosis");
            double[] s = z.clone();
            Arrays.sort(s);
            assertTrue(ksStatistic(s, RandomTest::normalCdf) < 1.95 / Math.sqrt(N), dt + " KS");
        }
    }

    @Test
    void randintCoversTheRangeUniformly() {
        int n = 100_000;
        long[] v = Tensor.randint(new Generator(3), -3, 7, n).toLongArray();
        long[] count = new long[10];
        for (long x : v) {
            assertTrue(x >= -3 && x < 7, "value " + x);
            count[(int) (x + 3)]++;
        }
        double expected = n / 10.0, chi2 = 0;
        for (long c : count) chi2 += (c - expected) * (c - expected) / expected;
        // 9 degrees of freedom: P(chi2 > 40) is about 7e-6
        assertTrue(chi2 < 40, "chi-square " + chi2 + " counts " + Arrays.toString(count));
        // a huge range still lands on both halves about equally
        long[] w = Tensor.randint(new Generator(4), Long.MIN_VALUE, Long.MAX_VALUE, n).toLongArray();
        long negative = Arrays.stream(w).filter(x -> x < 0).count();
        assertEquals(0.5, (double) negative / n, 5 * Math.sqrt(0.25 / n));
    }

    @Test
    void bernoulliFrequency() {
        for (double p : new double[]{0.3, 0.5, 0.999}) {
            float[] b = Tensor.bernoulli(new Generator(17), p, N).toFloatArray();
            long ones = 0;
            for (float x : b) {
                assertTrue(x == 0f || x == 1f);
                if (x == 1f) ones++;
            }
            assertEquals(p, (double) ones / N, 5 * Math.sqrt(p * (1 - p) / N), "p = " + p);
        }
        for (float x : Tensor.bernoulli(new Generator(1), 0.0, 1000).toFloatArray()) assertEquals(0f, x);
        for (float x : Tensor.bernoulli(new Generator(1), 1.0, 1000).toFloatArray()) assertEquals(1f, x);
    }

    @Test
    void randpermOfThreeIsUniformOverTheSixOrders() {
        Generator g = new Generator(8);
        int trials = 60_000;
        java.util.Map<String, Integer> count = new java.util.HashMap<>();
        for (int t = 0; t < trials; t++) count.merge(Arrays.toString(Tensor.randperm(g, 3).toLongArray()), 1, Integer::sum);
        assertEquals(6, count.size());
        double expected = trials / 6.0, chi2 = 0;
        for (int c : count.values()) chi2 += (c - expected) * (c - expected) / expected;
        // 5 degrees of freedom: P(chi2 > 30) is about 1.5e-5
        assertTrue(chi2 < 30, "chi-square " + chi2 + " " + count);
    }

    // ---- argument errors --------------------------------------------------------------------------

    @Test
    void argumentErrors() {
        Generator g = new Generator(0);
        assertMessage("shape", () -> Tensor.rand(g, 2, -1));
        assertMessage("shape", () -> Tensor.randn(g, -3));
        assertMessage("dtype", () -> Tensor.rand(g, DType.I64, 3));
        assertMessage("dtype", () -> Tensor.randn(g, DType.BOOL, 3));
        assertMessage("low", () -> Tensor.randint(g, 5, 5, 3));
        assertMessage("low", () -> Tensor.randint(g, 6, 5, 3));
        assertMessage("probability", () -> Tensor.bernoulli(g, -0.1, 3));
        assertMessage("probability", () -> Tensor.bernoulli(g, 1.5, 3));
        assertMessage("probability", () -> Tensor.bernoulli(g, Double.NaN, 3));
        assertMessage("[0, 1]", () -> Tensor.of(new float[]{0.5f, 1.5f}).bernoulli(g));
        assertMessage("[0, 1]", () -> Tensor.of(new double[]{-0.25, 0.5}).bernoulli(g));
        assertMessage("[0, 1]", () -> Tensor.of(new double[]{Double.NaN, 0.5}).bernoulli(g));
        assertMessage("floating-point", () -> Tensor.of(new long[]{0, 1}).bernoulli(g));
        assertMessage("non-negative", () -> Tensor.randperm(g, -1));
        assertMessage("generator", () -> Tensor.rand(null, 3));
        assertEquals(0, g.offset(), "a rejected call must not consume counters");
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(fragment),
                () -> "message \"" + e.getMessage() + "\" should mention \"" + fragment + "\"");
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** sup |F_n - F| for sorted samples. */
    private static double ksStatistic(double[] sorted, java.util.function.DoubleUnaryOperator cdf) {
        int n = sorted.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(sorted[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        return d;
    }

    /**
     * The standard normal CDF by Marsaglia's Taylor series (J. Stat. Software 11(4), 2004):
     * Phi(x) = 1/2 + phi(x) (x + x^3/3 + x^5/(3*5) + ...), absolute error far below 1e-9 for |x| &lt; 8.
     */
    private static double normalCdf(double x) {
        if (x < -8) return 0;
        if (x > 8) return 1;
        double s = x, t = 0, b = x, q = x * x;
        for (int i = 1; s != t; ) {
            t = s;
            i += 2;
            b *= q / i;
            s = t + b;
        }
        return 0.5 + s * Math.exp(-0.5 * q - 0.91893853320467274178);
    }
}
