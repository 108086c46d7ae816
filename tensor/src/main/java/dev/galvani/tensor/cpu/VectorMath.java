package dev.galvani.tensor.cpu;

import dev.galvani.tensor.backend.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, expm1, log, log1p, tanh, sigmoid and silu over arrays, built only from operations IEEE 754
 * rounds exactly (add, mul, fma, div, bit moves).
 *
 * <p>Why not the Vector API's own {@code EXP} lanes: the interpreter evaluates them lane by lane with
 * {@code Math}, compiled code calls a vector library, and the two differ in the last bit, so a result
 * depended on JIT warm-up (the same forward pass gave different sums before and after compilation).
 * These give the same bits interpreted or compiled, on any machine.
 *
 * <p>Accuracy, measured against {@code StrictMath} in {@code VectorMathTest}: exp, expm1, log and
 * log1p within 1 ulp in F64; tanh, sigmoid and silu within 2 ulp of the reference formula. F32 is
 * evaluated in double and rounded once, so float results are the correctly rounded ones except where
 * the true value lies within about 2^-52 (relative) of a midpoint between two floats.
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
 *   <li>tanh(x) = sign(x) e / (e + 2), e = expm1(2|x|); sigmoid(x) = 1 / (1 + e^-x); silu(x) =
 *       x / (1 + e^-x). The sum and the quotient are corrected by their exact rounding errors.
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
    /** Per-thread rows: [0] an intermediate, [1] and [2] F32 operands widened to double. */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[3][BLOCK]);

    /** Whether {@link #apply} evaluates op. */
    static boolean handles(UnaryOp op) {
        return switch (op) {
            case EXP, EXPM1, LOG, LOG1P, TANH, SIGMOID, SILU -> true;
            default -> false;
        };
    }

    /** res[ro, ro + n) = op(in[io, io + n)); in and res may be the same array. */
    static void apply(UnaryOp op, double[] in, int io, double[] res, int ro, int n) {
        double[] t = SCRATCH.get()[0];
        for (int b = 0; b < n; b += BLOCK) block(op, in, io + b, res, ro + b, Math.min(BLOCK, n - b), t);
    }

    /** The float version: widened to double, evaluated, rounded once. */
    static void apply(UnaryOp op, float[] in, int io, float[] res, int ro, int n) {
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
            case EXPM1 -> expm1Pass(in, io, res, ro, n, false);
            case LOG -> logPass(in, io, res, ro, n, false);
            case LOG1P -> {
                logPass(in, io, t, 0, n, true);
                log1pFinish(in, io, t, res, ro, n);
            }
            case TANH -> {
                expm1Pass(in, io, t, 0, n, true);
                tanhFinish(in, io, t, res, ro, n);
            }
            case SIGMOID -> {
                expPass(in, io, t, 0, n, true);
                quotientPass(null, 0, t, res, ro, n);
            }
            case SILU -> {
                expPass(in, io, t, 0, n, true);
                quotientPass(in, io, t, res, ro, n);
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

    /** res = exp(x), or exp(-x) when negate. */
    private static void expPass(double[] in, int io, double[] res, int ro, int n, boolean negate) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m);
            exp(negate ? x.neg() : x).intoArray(res, ro + i, m);
        }
    }

    /** res = expm1(x), or expm1(2|x|) for tanh (whose argument may stay clamped at 40: tanh(20) is 1 to double precision). */
    private static void expm1Pass(double[] in, int io, double[] res, int ro, int n, boolean forTanh) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m);
            if (forTanh) x = x.abs().mul(TWO);
            expm1(x).intoArray(res, ro + i, m);
        }
        // Above 40, e^x - 1 rounds to e^x: recompute those lanes with exp, which handles overflow.
        if (!forTanh) {
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

    /** res = sign(x) e / (e + 2) from e = expm1(2|x|); keeps -0 and NaN. */
    private static void tanhFinish(double[] in, int io, double[] t, double[] res, int ro, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m), e = DoubleVector.fromArray(D, t, i, m);
            DoubleVector y = quotient(e, e, TWO);
            y = y.blend(y.neg(), x.compare(VectorOperators.LT, ZERO));
            y.blend(x, x.compare(VectorOperators.EQ, ZERO).or(x.compare(VectorOperators.NE, x))).intoArray(res, ro + i, m);
        }
    }

    /** res = num / (1 + e), num = in (silu) or 1 (sigmoid, in null). */
    private static void quotientPass(double[] in, int io, double[] t, double[] res, int ro, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector num = in == null ? ONE : DoubleVector.fromArray(D, in, io + i, m);
            quotient(num, DoubleVector.fromArray(D, t, i, m), ONE).intoArray(res, ro + i, m);
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

    /** e^x - 1 for x up to 40 (callers take exp above); accurate near 0. */
    static DoubleVector expm1(DoubleVector x) {
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
        return sum.add(err.add(lo.mul(scale))).blend(x, x.compare(VectorOperators.NE, x));
    }

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
     * n / (e + c) with the rounding of the sum and of the quotient both corrected (TwoSum for the sum,
     * the exact fma residual n - q d for the quotient): about one rounding in all instead of three.
     * Where the correction is NaN (n or d infinite) the plain quotient stands.
     */
    private static DoubleVector quotient(DoubleVector n, DoubleVector e, DoubleVector c) {
        DoubleVector d = e.add(c), ev = d.sub(c);
        DoubleVector dLo = e.sub(ev).add(c.sub(d.sub(ev)));              // d + dLo = e + c exactly
        DoubleVector q = n.div(d);
        DoubleVector residual = q.neg().fma(d, n);                      // n - q d, exact
        DoubleVector corrected = q.add(residual.sub(q.mul(dLo)).div(d));
        return corrected.blend(q, corrected.compare(VectorOperators.NE, corrected));
    }
}
