package dev.galvani.tensor.cpu;

import dev.galvani.tensor.backend.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, expm1, log, log1p, tanh, sigmoid and silu over arrays, built only from operations IEEE 754
 * rounds exactly (add, mul, fma, div, bit moves); erf and GELU are routed to {@link ErfLanes}, which
 * builds on this class's exp.
 *
 * <p>Why not the Vector API's own {@code EXP} lanes: the interpreter evaluates them lane by lane with
 * {@code Math}, compiled code calls a vector library, and the two differ in the last bit, so a result
 * depended on JIT warm-up (the same forward pass gave different sums before and after compilation).
 * These give the same bits interpreted or compiled, on any machine.
 *
 * <p>Accuracy, measured against {@code StrictMath} in {@code VectorMathTest} (tanh against mpmath): exp,
 * expm1, log and log1p within 1 ulp in F64; tanh, sigmoid and silu within 2 ulp. F32 runs in float
 * lanes: exp and log within 1 ulp of the correctly rounded float, expm1, log1p, tanh, sigmoid and silu
 * within 2.
 *
 * <p>Method (Cody and Waite's reduction, as in fdlibm's e_exp.c, s_expm1.c and e_log.c):
 * <ul>
 *   <li>exp(x) = 2^k exp(r), k = round(x / ln 2), r = x - k ln 2 with ln 2 split in two parts so that
 *       k ln2_hi is exact; |r| <= ln(2)/2, where the Taylor series of exp to degree 13 is exact to
 *       2^-57.
 *   <li>expm1(x) = 2^k expm1(r) + (2^k - 1), with the reduction error and the final sum carried to
 *       twice double precision, so no cancellation; expm1(r) by the same Taylor series.
 *   <li>log(x) = e ln 2 + log(1 + f), x = 2^e (1 + f), 1 + f in [sqrt(1/2), sqrt(2)); with
 *       s = f / (2 + f), log(1 + f) = 2 atanh(s) = 2s + 2s^3/3 + 2s^5/5 + ..., |s| < 0.172, so 11
 *       terms reach 2^-57. Summed as f - (f^2/2 - s (f^2/2 + R)), which keeps the large part f exact.
 *   <li>log1p(x) = log(u) - ((u - 1) - x) / u with u = 1 + x: the second term restores what rounding
 *       1 + x lost (Goldberg, "What every computer scientist should know about floating-point", 1991).
 *   <li>tanh(|x|) = e / (e + 2), e = expm1(2|x|) = 2^k (1 + p) - 1 from exp's reduction, as
 *       (2^k p + 2^k - 1) / (2^k p + 2^k + 1) with both sums and the one division corrected by their
 *       exact rounding errors, or 1 - 2 / (2^k p + 2^k + 1) from |x| = 0.55; one pass, about the cost
 *       of exp (see {@code tanhPass}). sigmoid(x) = 1 / (1 + t) for x >= 0 and t / (1 + t) below,
 *       t = e^-|x|; silu(x) = x sigmoid(x) on the same quotient. The sum and the quotient are
 *       corrected by their exact rounding errors.
 * </ul>
 * Polynomials use Estrin's scheme (a tree of depth 4 rather than a chain of a dozen dependent fmas).
 *
 * <p>Shape of the code: every function is one small loop over a block, and composite functions are
 * two such passes over an L1-resident block. C2 stops inlining once a method's graph passes a fixed
 * node count, and a Vector API call not inlined boxes its vectors on the heap (ten times slower); small
 * loops stay under that limit.
 */
final class VectorMath {

    private VectorMath() {}

    private static final VectorSpecies<Double> D = Simd.D;
    private static final int L = D.length();
    /** Elements per pass: two double rows of this stay in L1 next to the operands. */
    private static final int BLOCK = 512;
    /** Per-thread rows: [0] an intermediate, [1] and [2] F32 operands widened to double, [3] a low part. */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[4][BLOCK]);
    private static final ThreadLocal<float[]> FLOAT_SCRATCH = ThreadLocal.withInitial(() -> new float[BLOCK]);

    /** Whether {@link #apply} evaluates op. */
    static boolean handles(UnaryOp op) {
        return switch (op) {
            case EXP, EXPM1, LOG, LOG1P, TANH, SIGMOID, SILU, ERF, GELU -> true;
            default -> false;
        };
    }

    /** res[ro, ro + n) = op(in[io, io + n)); in and res may be the same array. */
    static void apply(UnaryOp op, double[] in, int io, double[] res, int ro, int n) {
        if (op == UnaryOp.ERF || op == UnaryOp.GELU) {
            ErfLanes.apply(op == UnaryOp.ERF ? ErfLanes.Kind.ERF : ErfLanes.Kind.GELU, null, 0, in, io, res, ro, n);
            return;
        }
        double[] t = SCRATCH.get()[0];
        for (int b = 0; b < n; b += BLOCK) block(op, in, io + b, res, ro + b, Math.min(BLOCK, n - b), t);
    }

    /**
     * The float version: every function runs in float lanes (twice the lanes and shorter
     * polynomials than in double); erf and GELU in {@link ErfLanes}.
     */
    static void apply(UnaryOp op, float[] in, int io, float[] res, int ro, int n) {
        switch (op) {
            case ERF -> { ErfLanes.apply(ErfLanes.Kind.ERF, null, 0, in, io, res, ro, n); return; }
            case GELU -> { ErfLanes.apply(ErfLanes.Kind.GELU, null, 0, in, io, res, ro, n); return; }
            case EXP -> { expPass(in, io, res, ro, n, false); return; }
            case EXPM1 -> { expm1Pass(in, io, res, ro, n); return; }
            case LOG -> { logPass(in, io, res, ro, n); return; }
            case LOG1P -> { log1pPass(in, io, res, ro, n); return; }
            case TANH -> { tanhPass(in, io, res, ro, n); return; }
            case SIGMOID, SILU -> {
                float[] t = FLOAT_SCRATCH.get();
                for (int b = 0; b < n; b += BLOCK) {
                    int m = Math.min(BLOCK, n - b);
                    expPass(in, io + b, t, 0, m, true);
                    sigmoidFinish(in, io + b, t, res, ro + b, m, op == UnaryOp.SILU);
                }
                return;
            }
            default -> { }
        }
        double[][] s = SCRATCH.get();
        double[] t = s[0], x = s[1], y = s[2];
        for (int b = 0; b < n; b += BLOCK) {
            int m = Math.min(BLOCK, n - b);
            for (int i = 0; i < m; i++) x[i] = in[io + b + i];        // plain loops: C2 vectorises the conversions
            block(op, x, 0, y, 0, m, t);
            for (int i = 0; i < m; i++) res[ro + b + i] = (float) y[i];
        }
    }

    /** One block of at most BLOCK elements; t is a scratch row for two-pass functions. */
    private static void block(UnaryOp op, double[] in, int io, double[] res, int ro, int n, double[] t) {
        switch (op) {
            case EXP -> expPass(in, io, res, ro, n, false);
            case EXPM1 -> expm1Pass(in, io, res, ro, n);
            case LOG -> logPass(in, io, res, ro, n, false);
            case LOG1P -> {
                logPass(in, io, t, 0, n, true);
                log1pFinish(in, io, t, res, ro, n);
            }
            case TANH -> tanhPass(in, io, res, ro, n);
            case SIGMOID, SILU -> {
                expPass(in, io, t, 0, n, true);
                sigmoidFinish(in, io, t, res, ro, n, op == UnaryOp.SILU);
            }
            default -> throw new IllegalArgumentException("VectorMath does not evaluate " + op);
        }
    }

    // ---- constants ------------------------------------------------------------------------------

    private static DoubleVector v(double c) { return DoubleVector.broadcast(D, c); }

    private static final DoubleVector ZERO = v(0), HALF = v(0.5), ONE = v(1), TWO = v(2), INF = v(Double.POSITIVE_INFINITY),
            NEG_INF = v(Double.NEGATIVE_INFINITY), NAN = v(Double.NaN);
    private static final DoubleVector LOG2E = v(1.4426950408889634), ROUNDER = v(0x1.8p52);
    /** ln 2 in two parts: the high part has 32 significant bits, so k ln2_hi is exact for |k| < 2^20. */
    private static final DoubleVector NEG_LN2_HI = v(-6.93147180369123816490e-01), LN2_HI = v(6.93147180369123816490e-01),
            LN2_LO = v(1.90821492927058770002e-10);
    /**
     * exp's input range: above the top exp overflows, below the bottom it rounds to 0. Clamping to
     * one past each lets the ordinary formula produce inf and 0 there (2^k in two factors).
     */
    private static final DoubleVector EXP_LO = v(-746.2), EXP_HI = v(710.8);
    private static final DoubleVector EXPM1_LO = v(-40), EXPM1_HI = v(40);
    private static final DoubleVector SQRT2 = v(1.4142135623730951), MIN_NORMAL = v(Double.MIN_NORMAL), TWO_54 = v(0x1p54), FIFTY_FOUR = v(54);

    /** E_j = 1/(j+2)!: exp(r) = 1 + r + r^2 sum_j E_j r^j, to degree 13. */
    private static final DoubleVector E0 = v(1 / 2.0), E1 = v(1 / 6.0), E2 = v(1 / 24.0), E3 = v(1 / 120.0), E4 = v(1 / 720.0),
            E5 = v(1 / 5040.0), E6 = v(1 / 40320.0), E7 = v(1 / 362880.0), E8 = v(1 / 3628800.0), E9 = v(1 / 39916800.0),
            E10 = v(1 / 479001600.0), E11 = v(1 / 6227020800.0);
    /** L_j = 2/(2j+3): log(1+f) = 2s + s z sum_j L_j z^j, z = s^2, to s^23. */
    private static final DoubleVector L0 = v(2 / 3.0), L1 = v(2 / 5.0), L2 = v(2 / 7.0), L3 = v(2 / 9.0), L4 = v(2 / 11.0),
            L5 = v(2 / 13.0), L6 = v(2 / 15.0), L7 = v(2 / 17.0), L8 = v(2 / 19.0), L9 = v(2 / 21.0), L10 = v(2 / 23.0);

    // ---- passes ---------------------------------------------------------------------------------
    // Each loops over whole vectors and masks the last, partial one, so every element takes one path.

    /** res = exp(x) over a block (in and res may be the same row): for {@link ErfLanes}. */
    static void expBlock(double[] in, int io, double[] res, int ro, int n) { expPass(in, io, res, ro, n, false); }

    /** The float version of {@link #expBlock(double[], int, double[], int, int)}. */
    static void expBlock(float[] in, int io, float[] res, int ro, int n) { expPass(in, io, res, ro, n, false); }

    /** res = exp(x), or exp(-|x|) when negAbs (for sigmoid and silu). */
    private static void expPass(double[] in, int io, double[] res, int ro, int n, boolean negAbs) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m);
            exp(negAbs ? x.abs().neg() : x).intoArray(res, ro + i, m);
        }
    }

    /** res = expm1(x). */
    private static void expm1Pass(double[] in, int io, double[] res, int ro, int n) {
        double[] unused = SCRATCH.get()[3];
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            expm1(DoubleVector.fromArray(D, in, io + i, m), unused, i, m).intoArray(res, ro + i, m);
        }
        // Above 40, e^x - 1 rounds to e^x: recompute those lanes with exp, which handles overflow.
        for (int i = 0; i < n; i++) {
            if (in[io + i] > 40) {
                VectorMask<Double> m = D.indexInRange(i, n);
                DoubleVector x = DoubleVector.fromArray(D, in, io + i, m);
                VectorMask<Double> big = x.compare(VectorOperators.GT, EXPM1_HI);
                DoubleVector.fromArray(D, res, ro + i, m).blend(exp(x), big).intoArray(res, ro + i, m);
                i += L - 1;
            }
        }
    }

    /**
     * res = tanh(x) in one pass. With a = |x| and e^(2a) = 2^k (1 + p), p = expm1(r) on exp's reduction
     * of 2a: tanh(a) = (2^k p + 2^k - 1) / (2^k p + 2^k + 1) = num / den, the quotient
     * expm1(2a) / (expm1(2a) + 2) without forming expm1 (den - num = 2). Both sums are taken halved
     * (2^(k-1) from the exponent bits: no extra multiply) and split exactly into a rounded value and its
     * error (Fast2Sum: |2^k - 1| and |2^k + 1| are at least |2^k p| for k &ge; 1; exact for k = 0). The
     * one division is corrected by the residual num - q den, exact by an fma, and the two errors, times
     * 1 / den = (1 - q) / 2: no second division. The errors matter at k = 1, where num = 1 + 2p cancels
     * (p down to -0.29): dropping either error leaves 2.1-2.2 ulp there. From |x| = 0.55 (tanh
     * &gt; 0.5) the quotient is 1 - 2 / den instead: no cancellation, and no 2^k - 1, inexact past
     * k = 53. |x| is clamped at 22, where both give 1. The sign of x is put back last (-0 stays -0, NaN
     * stays NaN). Within 1.7 ulp of mpmath ({@code VectorMathTest}).
     */
    private static void tanhPass(double[] in, int io, double[] res, int ro, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m), a = x.abs().min(TANH_ARG_HI);
            DoubleVector kr = a.fma(TWO_LOG2E, ROUNDER), k = kr.sub(ROUNDER);          // k = round(2a / ln 2)
            DoubleVector r = k.fma(NEG_HALF_LN2_HI, a).fma(TWO, k.mul(NEG_LN2_LO));     // 2a - k ln 2, as exp's r
            DoubleVector p = r.mul(r).fma(expTail(r), r);                                // expm1(r)
            DoubleVector h = kr.reinterpretAsLongs().add(1022).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();  // 2^(k-1)
            DoubleVector hp = h.mul(p);
            DoubleVector c1 = h.sub(HALF), num = c1.add(hp), numLo = c1.sub(num).add(hp);     // num / 2
            DoubleVector c2 = h.add(HALF), den = c2.add(hp), denLo = c2.sub(den).add(hp);     // den / 2
            VectorMask<Double> large = a.compare(VectorOperators.GE, TANH_LARGE);
            DoubleVector q = num.blend(ONE, large).div(den), oneMinusQ = ONE.sub(q);
            DoubleVector residual = q.neg().fma(denLo, q.neg().fma(den, num).add(numLo));
            DoubleVector y = residual.fma(oneMinusQ, q).blend(oneMinusQ, large);
            y.reinterpretAsLongs().or(x.reinterpretAsLongs().and(SIGN_BIT)).reinterpretAsDoubles().intoArray(res, ro + i, m);
        }
    }

    /** res = log(x), or log(1 + x) (rounded sum) when plusOne. */
    private static void logPass(double[] in, int io, double[] res, int ro, int n, boolean plusOne) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m);
            log(plusOne ? x.add(ONE) : x).intoArray(res, ro + i, m);
        }
    }

    /** res = log1p(x) from t = log(u), u = 1 + x rounded. */
    private static void log1pFinish(double[] in, int io, double[] t, double[] res, int ro, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m), u = x.add(ONE);
            DoubleVector y = DoubleVector.fromArray(D, t, i, m).sub(u.sub(ONE).sub(x).div(u));
            // |x| below half an ulp of 1 (u = 1): log1p(x) = x; x = -1: -inf; x = +inf: +inf (the correction is NaN there).
            y = y.blend(x, u.compare(VectorOperators.EQ, ONE).or(x.compare(VectorOperators.EQ, INF)));
            y.blend(NEG_INF, u.compare(VectorOperators.EQ, ZERO)).intoArray(res, ro + i, m);
        }
    }

    /**
     * sigmoid(x) = 1 / (1 + t) for x >= 0 and t / (1 + t) below, from t = e^-|x|: t never overflows,
     * so sigmoid keeps its tiny values for very negative x instead of flushing to 0. silu is x times
     * that numerator over the same sum.
     */
    private static void sigmoidFinish(double[] in, int io, double[] t, double[] res, int ro, int n, boolean silu) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m), e = DoubleVector.fromArray(D, t, i, m);
            DoubleVector num = ONE.blend(e, x.compare(VectorOperators.LT, ZERO)), numLo = ZERO;
            if (silu) {                                    // x num as an exact hi + lo pair
                DoubleVector hi = num.mul(x);
                numLo = num.fma(x, hi.neg());
                num = hi;
            }
            quotient(num, numLo, e, ZERO, ONE).intoArray(res, ro + i, m);
        }
    }

    // ---- functions on one vector ----------------------------------------------------------------

    /** Index k = round(x / ln 2), by the adder's own round-to-nearest-even (|x / ln 2| < 2^51). */
    private static DoubleVector nearestK(DoubleVector x) {
        return x.fma(LOG2E, ROUNDER).sub(ROUNDER);
    }

    /** 2^k for integral k in [-1022, 1023], from its exponent bits. */
    private static DoubleVector pow2(LongVector k) {
        return k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
    }

    /** sum_j E_j r^j (Estrin). */
    private static DoubleVector expTail(DoubleVector r) {
        DoubleVector r2 = r.mul(r), r4 = r2.mul(r2), r8 = r4.mul(r4);
        DoubleVector b0 = r.fma(E3, E2).fma(r2, r.fma(E1, E0));
        DoubleVector b1 = r.fma(E7, E6).fma(r2, r.fma(E5, E4));
        DoubleVector b2 = r.fma(E11, E10).fma(r2, r.fma(E9, E8));
        return b2.fma(r8, b1.fma(r4, b0));
    }

    /** sum_j L_j z^j (Estrin). */
    private static DoubleVector logSeries(DoubleVector z) {
        DoubleVector z2 = z.mul(z), z4 = z2.mul(z2), z8 = z4.mul(z4);
        DoubleVector b0 = z.fma(L3, L2).fma(z2, z.fma(L1, L0));
        DoubleVector b1 = z.fma(L7, L6).fma(z2, z.fma(L5, L4));
        DoubleVector b2 = z.fma(L10, L9).fma(z, L8);
        return b2.fma(z8, b1.fma(z4, b0));
    }

    /** e^x. NaN propagates through the clamp and the polynomial. */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector xc = x.max(EXP_LO).min(EXP_HI);
        DoubleVector k = nearestK(xc);
        DoubleVector r = k.fma(NEG_LN2_HI, xc).sub(k.mul(LN2_LO));
        DoubleVector p = r.mul(r).fma(expTail(r), r).add(ONE);       // 1 + (r + r^2 tail): the small part first
        // 2^k as two factors, each a normal number: results in the subnormal range round once, and past
        // the clamps the product overflows to inf or rounds to 0 as it should.
        LongVector kl = (LongVector) k.convert(VectorOperators.D2L, 0), half = kl.lanewise(VectorOperators.ASHR, 1);
        return p.mul(pow2(half)).mul(pow2(kl.sub(half)));
    }

    /**
     * e^x - 1 for x up to 40 (callers take exp above); accurate near 0. The result is rounded from a
     * hi + lo pair; lo (what rounding lost) is stored in loOut at the masked lanes, for callers that
     * divide by it.
     */
    static DoubleVector expm1(DoubleVector x, double[] loOut, int at, VectorMask<Double> m) {
        DoubleVector xc = x.max(EXPM1_LO).min(EXPM1_HI);             // below -40 the result rounds to -1
        DoubleVector k = nearestK(xc);
        // r + c = x - k ln 2 to twice double precision: c would otherwise be scaled by 2^k below.
        DoubleVector rHi = k.fma(NEG_LN2_HI, xc), kLo = k.mul(LN2_LO);
        DoubleVector r = rHi.sub(kLo), c = rHi.sub(r).sub(kLo);
        // expm1(r + c) = r + [r^2 tail + c (1 + expm1(r))], as hi + lo: when k = 1 the result shares a
        // binade with expm1(r), so each rounding error of it would count twice.
        DoubleVector tail = r.mul(r).mul(expTail(r));
        tail = tail.add(c.fma(r.add(tail), c));
        DoubleVector hi = r.add(tail), lo = r.sub(hi).add(tail);                // Fast2Sum: |r| >= |tail|
        // 2^k (hi + lo) + (2^k - 1): 2^k hi is exact, and its sum with 2^k - 1 is split exactly (TwoSum).
        DoubleVector scale = pow2((LongVector) k.convert(VectorOperators.D2L, 0)), a = scale.sub(ONE), b = hi.mul(scale);
        DoubleVector sum = a.add(b), bv = sum.sub(a), err = a.sub(sum.sub(bv)).add(b.sub(bv));
        DoubleVector low = err.add(lo.mul(scale)), y = sum.add(low);
        low.sub(y.sub(sum)).intoArray(loOut, at, m);                                  // Fast2Sum: |sum| >= |low|
        return y.blend(x, x.compare(VectorOperators.NE, x));
    }

    /** tanh's constants: |x| clamped at 22 (tanh is 1 from 19.1), the switch to 1 - 2 / den at |x| = 0.55. */
    private static final DoubleVector TANH_ARG_HI = v(22), TANH_LARGE = v(0.55), TWO_LOG2E = v(2 * 1.4426950408889634),
            NEG_HALF_LN2_HI = v(-6.93147180369123816490e-01 / 2), NEG_LN2_LO = v(-1.90821492927058770002e-10);
    private static final long SIGN_BIT = Long.MIN_VALUE;

    /** Natural logarithm: NaN below 0, -inf at 0, +inf at +inf. */
    static DoubleVector log(DoubleVector x) {
        // Subnormals: scaled into the normal range first, and the 54 taken back from the exponent.
        VectorMask<Double> tiny = x.compare(VectorOperators.LT, MIN_NORMAL);
        DoubleVector xs = x.blend(x.mul(TWO_54), tiny);
        LongVector bits = xs.reinterpretAsLongs();
        DoubleVector e = (DoubleVector) bits.lanewise(VectorOperators.LSHR, 52).sub(1023L).convert(VectorOperators.L2D, 0);
        e = e.sub(ZERO.blend(FIFTY_FOUR, tiny));
        DoubleVector m = bits.and(0x000f_ffff_ffff_ffffL).or(0x3ff0_0000_0000_0000L).reinterpretAsDoubles();  // in [1, 2)
        VectorMask<Double> high = m.compare(VectorOperators.GT, SQRT2);
        m = m.blend(m.mul(HALF), high);
        e = e.add(ZERO.blend(ONE, high));
        DoubleVector f = m.sub(ONE);                                   // exact: m and 1 are within a factor 2
        DoubleVector s = f.div(f.add(TWO)), z = s.mul(s);
        DoubleVector rr = logSeries(z).mul(z);                          // log(1 + f) = 2s + s R
        DoubleVector hfsq = f.mul(f).mul(HALF);
        DoubleVector y = e.fma(LN2_HI, f.sub(hfsq.sub(s.mul(hfsq.add(rr)).add(e.mul(LN2_LO)))));
        y = y.blend(NEG_INF, x.compare(VectorOperators.EQ, ZERO));
        y = y.blend(NAN, x.compare(VectorOperators.LT, ZERO));
        return y.blend(x, x.compare(VectorOperators.EQ, INF).or(x.compare(VectorOperators.NE, x)));
    }

    /**
     * (n + nLo) / (e + eLo + c) with the rounding of the sum and of the quotient both corrected
     * (TwoSum for the sum, the exact fma residual n - q d for the quotient): about one rounding in all
     * instead of three. Where the correction is NaN (n or d infinite) the plain quotient stands.
     */
    private static DoubleVector quotient(DoubleVector n, DoubleVector nLo, DoubleVector e, DoubleVector eLo, DoubleVector c) {
        DoubleVector d = e.add(c), ev = d.sub(c);
        DoubleVector dLo = e.sub(ev).add(c.sub(d.sub(ev))).add(eLo);     // d + dLo = e + eLo + c (TwoSum)
        DoubleVector q = n.div(d);
        DoubleVector residual = q.neg().fma(d, n).add(nLo);             // n + nLo - q d (the fma part exact)
        DoubleVector corrected = q.add(residual.sub(q.mul(dLo)).div(d));
        return corrected.blend(q, corrected.compare(VectorOperators.NE, corrected));
    }

    // ---- float lanes ----------------------------------------------------------------------------
    // exp in float: the same reduction with float constants, and the Taylor series to degree 7
    // (|r| <= ln(2)/2: truncation 2^-27, below a quarter of a float ulp). Within 1 ulp of the
    // correctly rounded result (VectorMathTest).

    private static final VectorSpecies<Float> F = Simd.F;
    private static final int FL = F.length();

    private static FloatVector f(float c) { return FloatVector.broadcast(F, c); }

    private static final FloatVector F_ZERO = f(0), F_ONE = f(1), F_LOG2E = f(1.44269504f), F_ROUNDER = f(0x1.8p23f),
            F_NEG_LN2_HI = f(-0.693145752f), F_NEG_LN2_LO = f(-1.42860677e-6f),
            F_EXP_LO = f(-104), F_EXP_HI = f(89),
            F_C2 = f(1 / 2f), F_C3 = f(1 / 6f), F_C4 = f(1 / 24f), F_C5 = f(1 / 120f), F_C6 = f(1 / 720f), F_C7 = f(1 / 5040f);

    /** e^x in float lanes; the clamps make the two-factor scaling overflow to inf and round to 0 where it should. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(F_EXP_LO).min(F_EXP_HI);
        FloatVector k = xc.fma(F_LOG2E, F_ROUNDER).sub(F_ROUNDER);
        // ln 2 = LN2_HI + LN2_LO with LN2_HI of 16 significant bits: k LN2_HI is exact for |k| < 256.
        FloatVector r = k.fma(F_NEG_LN2_HI, xc).add(k.mul(F_NEG_LN2_LO));
        FloatVector r2 = r.mul(r);
        FloatVector tail = r.fma(F_C3, F_C2).add(r2.mul(r.fma(F_C5, F_C4).add(r2.mul(r.fma(F_C7, F_C6)))));
        FloatVector p = r2.fma(tail, r).add(F_ONE);
        IntVector ki = (IntVector) k.convert(VectorOperators.F2I, 0), half = ki.lanewise(VectorOperators.ASHR, 1);
        return p.mul(pow2(half)).mul(pow2(ki.sub(half)));
    }

    private static FloatVector pow2(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /** res = exp(x), or exp(-|x|) when negAbs. */
    private static void expPass(float[] in, int io, float[] res, int ro, int n, boolean negAbs) {
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(F, in, io + i, m);
            exp(negAbs ? x.abs().neg() : x).intoArray(res, ro + i, m);
        }
    }

    /** As the double version: sigmoid or silu from t = e^-|x|, the sum and the quotient corrected. */
    private static void sigmoidFinish(float[] in, int io, float[] t, float[] res, int ro, int n, boolean silu) {
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(F, in, io + i, m), e = FloatVector.fromArray(F, t, i, m);
            FloatVector num = F_ONE.blend(e, x.compare(VectorOperators.LT, 0f)), numLo = F_ZERO;
            if (silu) {
                FloatVector hi = num.mul(x);
                numLo = num.fma(x, hi.neg());
                num = hi;
            }
            quotient(num, numLo, e).intoArray(res, ro + i, m);
        }
    }

    /** (n + nLo) / (e + 1), both roundings corrected: the float twin of the double {@code quotient}. */
    private static FloatVector quotient(FloatVector n, FloatVector nLo, FloatVector e) {
        FloatVector d = e.add(F_ONE), ev = d.sub(F_ONE);
        FloatVector dLo = e.sub(ev).add(F_ONE.sub(d.sub(ev)));
        FloatVector q = n.div(d);
        FloatVector corrected = q.add(q.neg().fma(d, n).add(nLo).sub(q.mul(dLo)).div(d));
        return corrected.blend(q, corrected.compare(VectorOperators.NE, corrected));
    }

    /** tanh's float constants: |x| clamped at 11 (tanh is 1 in float from 9.01), the switch at |x| = 0.55. */
    private static final FloatVector F_TWO = f(2), F_TANH_ABS_HI = f(11), F_TANH_LARGE = f(0.55f), F_TWO_LOG2E = f(2 * 1.44269504f),
            F_NEG_HALF_LN2_HI = f(-0.693145752f / 2);

    /**
     * res = tanh(x) in float lanes: the double version's quotient (see the double {@code tanhPass}) on
     * exp's float reduction and its series to degree 7, in one pass. Within 1 ulp of the correctly
     * rounded float against mpmath ({@code VectorMathTest}).
     */
    private static void tanhPass(float[] in, int io, float[] res, int ro, int n) {
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(F, in, io + i, m), a = x.abs().min(F_TANH_ABS_HI);
            FloatVector kr = a.fma(F_TWO_LOG2E, F_ROUNDER), k = kr.sub(F_ROUNDER);
            FloatVector r = k.fma(F_NEG_HALF_LN2_HI, a).fma(F_TWO, k.mul(F_NEG_LN2_LO)), r2 = r.mul(r);     // 2a - k ln 2
            FloatVector tail = r.fma(F_C3, F_C2).add(r2.mul(r.fma(F_C5, F_C4).add(r2.mul(r.fma(F_C7, F_C6)))));
            FloatVector p = r2.fma(tail, r);                                                                  // expm1(r)
            FloatVector h = kr.reinterpretAsInts().add(126).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();  // 2^(k-1)
            FloatVector hp = h.mul(p);
            FloatVector c1 = h.sub(F_HALF), num = c1.add(hp), numLo = c1.sub(num).add(hp);
            FloatVector c2 = h.add(F_HALF), den = c2.add(hp), denLo = c2.sub(den).add(hp);
            VectorMask<Float> large = a.compare(VectorOperators.GE, F_TANH_LARGE);
            FloatVector q = num.blend(F_ONE, large).div(den), oneMinusQ = F_ONE.sub(q);
            FloatVector residual = q.neg().fma(denLo, q.neg().fma(den, num).add(numLo));
            FloatVector y = residual.fma(oneMinusQ, q).blend(oneMinusQ, large);
            y.reinterpretAsInts().or(x.reinterpretAsInts().and(Integer.MIN_VALUE)).reinterpretAsFloats().intoArray(res, ro + i, m);
        }
    }

    // log in float: the same decomposition as the double log, and the atanh series to s^11
    // (|s| < 0.172: truncation below 2^-30 of the result).
    private static final FloatVector F_HALF = f(0.5f), F_SQRT2 = f(1.41421356f), F_MIN_NORMAL = f(Float.MIN_NORMAL),
            F_TWO_25 = f(0x1p25f), F_TWENTY_FIVE = f(25), F_LN2_HI = f(0.693145752f), F_LN2_LO = f(1.42860677e-6f),
            F_INF = f(Float.POSITIVE_INFINITY), F_NEG_INF = f(Float.NEGATIVE_INFINITY), F_NAN = f(Float.NaN),
            FL0 = f(2 / 3f), FL1 = f(2 / 5f), FL2 = f(2 / 7f), FL3 = f(2 / 9f), FL4 = f(2 / 11f);

    /** Natural logarithm in float lanes: NaN below 0, -inf at 0, +inf at +inf. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, F_MIN_NORMAL);     // subnormals: scale up first
        FloatVector xs = x.blend(x.mul(F_TWO_25), tiny);
        IntVector bits = xs.reinterpretAsInts();
        FloatVector e = (FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(127).convert(VectorOperators.I2F, 0);
        e = e.sub(F_ZERO.blend(F_TWENTY_FIVE, tiny));
        FloatVector m = bits.and(0x007f_ffff).or(0x3f80_0000).reinterpretAsFloats();    // in [1, 2)
        VectorMask<Float> high = m.compare(VectorOperators.GT, F_SQRT2);
        m = m.blend(m.mul(F_HALF), high);
        e = e.add(F_ZERO.blend(F_ONE, high));
        FloatVector f = m.sub(F_ONE);
        FloatVector s = f.div(f.add(F_TWO)), z = s.mul(s), z2 = z.mul(z);
        FloatVector series = z.fma(FL1, FL0).add(z2.mul(z.fma(FL3, FL2))).add(z2.mul(z2).mul(FL4));
        FloatVector hfsq = f.mul(f).mul(F_HALF);
        return logSpecials(x, e.fma(F_LN2_HI, f.sub(hfsq.sub(s.mul(hfsq.add(series.mul(z))).add(e.mul(F_LN2_LO))))));
    }

    /**
     * log's results at 0, below 0, +inf and NaN. A method of its own to keep log under C2's inlining
     * size (325 bytes of bytecode); past it log would be called, not inlined, and box its vectors.
     */
    private static FloatVector logSpecials(FloatVector x, FloatVector y) {
        y = y.blend(F_NEG_INF, x.compare(VectorOperators.EQ, F_ZERO));
        y = y.blend(F_NAN, x.compare(VectorOperators.LT, F_ZERO));
        return y.blend(x, x.compare(VectorOperators.EQ, F_INF).or(x.compare(VectorOperators.NE, x)));
    }

    // expm1 in float: the reduction of exp, then expm1(x) = 2^k expm1(r) + (2^k - 1) as one fma (the
    // product exact inside it), so expm1(r)'s rounding is the only error scaled by 2^k. expm1(r) =
    // r + r^2 (1/2 + r/6 + ... + r^5/5040), |r| <= ln(2)/2: truncation 2^-26 of r.
    private static final FloatVector F_EXPM1_LO = f(-20), F_EXPM1_HI = f(20);

    /** e^x - 1 in float lanes for x up to 20 (callers take exp above: the -1 no longer counts); -0 kept. */
    static FloatVector expm1(FloatVector x) {
        FloatVector xc = x.max(F_EXPM1_LO).min(F_EXPM1_HI);                         // below -17.4 the result rounds to -1
        FloatVector k = xc.fma(F_LOG2E, F_ROUNDER).sub(F_ROUNDER);
        FloatVector r = k.fma(F_NEG_LN2_HI, xc).add(k.mul(F_NEG_LN2_LO)), r2 = r.mul(r);
        FloatVector tail = r.fma(F_C3, F_C2).add(r2.mul(r.fma(F_C5, F_C4).add(r2.mul(r.fma(F_C7, F_C6)))));
        FloatVector p = r2.fma(tail, r);
        FloatVector scale = pow2((IntVector) k.convert(VectorOperators.F2I, 0));
        FloatVector y = scale.fma(p, scale.sub(F_ONE));
        return y.blend(x, x.compare(VectorOperators.EQ, F_ZERO));                      // expm1(-0) = -0
    }

    private static void expm1Pass(float[] in, int io, float[] res, int ro, int n) {
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(F, in, io + i, m);
            FloatVector y = expm1(x);
            VectorMask<Float> big = x.compare(VectorOperators.GT, F_EXPM1_HI);
            if (big.anyTrue()) y = y.blend(exp(x), big);                               // rare: exp's two-factor scaling overflows right
            y.intoArray(res, ro + i, m);
        }
    }

    /**
     * log1p(x) = log(u) - ((u - 1) - x) / u, u = 1 + x rounded, in float lanes: the correction
     * restores what rounding 1 + x lost (the double version's method).
     */
    private static void log1pPass(float[] in, int io, float[] res, int ro, int n) {
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(F, in, io + i, m), u = x.add(F_ONE);
            FloatVector y = log(u).sub(u.sub(F_ONE).sub(x).div(u));
            // |x| below half an ulp of 1 (u = 1): log1p(x) = x (keeps -0); x = -1: -inf; x = +inf: +inf.
            y = y.blend(x, u.compare(VectorOperators.EQ, F_ONE).or(x.compare(VectorOperators.EQ, F_INF)));
            y.blend(F_NEG_INF, u.compare(VectorOperators.EQ, F_ZERO)).intoArray(res, ro + i, m);
        }
    }

    private static void logPass(float[] in, int io, float[] res, int ro, int n) {
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            log(FloatVector.fromArray(F, in, io + i, m)).intoArray(res, ro + i, m);
        }
    }
}
