package dev.galvani.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * erf, the exact GELU x Φ(x) and GELU's derivative Φ(x) + x φ(x) in vector lanes (F64 in double
 * lanes, F32 in float lanes), from exactly rounded operations and {@link VectorMath#exp} only, so
 * they give the same bits interpreted or compiled.
 *
 * <p>Method, on a = |z| (z = x for erf, x / sqrt 2 for GELU), with polynomials fitted by
 * {@code tensor/src/test/resources/reference/erf_coefficients.py} (mpmath, Chebyshev nodes):
 * <ul>
 *   <li>a &lt; 1/2: erf(z) = z P(z^2), P(w) = erf(sqrt w) / sqrt w of degree 8 (F64) or 4 (F32);
 *   <li>a &ge; 1/2: erfc(a) = e^(-a^2) G(t) / (1 + 2a) with t = (a - k) / (a + k), the change of
 *       variable of Shepherd and Laframboise (Math. Comp. 36, 1981) that makes G smooth on the whole
 *       half-line (degree 21, k = 3, a up to 28 in F64; degree 10, k = 2, a up to 10.5 in F32, where
 *       erfc has underflowed); erf = 1 - erfc there. The boundary is 1/2, not 1, because
 *       Φ = (1 + erf(z)) / 2 for negative z cancels: at z = -1 it would lose 5.4 times erf's error, at
 *       -1/2 it loses 2 times.
 * </ul>
 * e^(-a^2) is taken from a^2 = h + l split exactly (h = a a rounded, l = fma(a, a, -h)) as
 * e^(-h) (1 - l): the rounding of a^2 would otherwise be multiplied by 2a^2 in the result. For GELU,
 * a^2 = x^2 / 2 is split from x directly. Φ for negative arguments is erfc(a) / 2, not
 * (1 + erf(z)) / 2, so GELU keeps its relative accuracy in the negative tail (where the definition
 * {@code 0.5 x (1 + erf(x / sqrt 2))} cancels to 0); at -inf both give NaN, as PyTorch does.
 *
 * <p>Accuracy against mpmath ({@code ErfLanesTest}, measured): F64 erf within 3.5e-16 relative, GELU
 * within 6.3e-16 relative down to -37 (where it is 1e-300), GELU's derivative within 3.7e-16 of the
 * size of its terms; F32 erf within 2.4 ulp of the correctly rounded float, GELU 3.7 ulp, its
 * derivative 3.4 ulp.
 *
 * <p>Shape of the code: per block of 512 elements, a pass for -a^2 into a scratch row, VectorMath's
 * exp over it, a pass for the correction and erfc in the large region, and one that finishes each
 * function. Each pass is one loop with no vector helper calls of its own (see below).
 */
final class ErfLanes {

    private ErfLanes() {}

    /** The functions the finishing pass computes. */
    enum Kind {
        /** erf(x). */
        ERF,
        /** x Φ(x) = x/2 (1 + erf(x / sqrt 2)). */
        GELU,
        /** g (Φ(x) + x φ(x)): GELU's derivative times an incoming gradient. */
        GELU_BACKWARD
    }

    private static final int BLOCK = 512;
    private static final double INV_SQRT2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    // ---- coefficients (erf_coefficients.py; lowest degree first) ------------------------------------

    static final double[] F64_ERF_SMALL = {1.1283791670955126, -0.37612638903183476, 0.11283791670925353, -0.026866170632887928,
            0.00522397737302147, -0.0008548297753674966, 0.00012053335124353741, -1.4845849259707869e-05, 1.4725865480556744e-06};
    static final double[] F64_ERFC_LARGE = {1.2530080582697296, -0.13562110612458134, -0.04756229435345058, 0.1296451587027835,
            -0.11927366341532432, 0.06830802734307077, -0.023770514918036445, 0.002529391832675186, 0.0018886903466049378,
            -0.0007798324398793133, -0.0001051596522473519, 0.00012510037313823361, 4.9484535339192485e-06, -2.0104454851557477e-05,
            -7.270603109882931e-07, 3.481686983452046e-06, 3.4482536968247793e-07, -6.299129103282541e-07, -1.2169240627639653e-07,
            1.1177528463195771e-07, 2.292393009921899e-08, -1.541055292474667e-08};
    static final float[] F32_ERF_SMALL = {1.1283791065216064f, -0.37612608075141907f, 0.1128283143043518f, -0.026757732033729553f,
            0.004719082731753588f};
    static final float[] F32_ERFC_LARGE = {1.2769783735275269f, -0.09276381880044937f, -0.16603033244609833f, 0.16405075788497925f,
            -0.054221510887145996f, -0.00802641175687313f, 0.008734219707548618f, 0.0012244489043951035f, -0.0014919550158083439f,
            -0.00032248374191112816f, 0.00024112718529067934f};

    // ---- double lanes -------------------------------------------------------------------------------

    private static final VectorSpecies<Double> D = Simd.D;
    private static final int L = D.length();
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[2][BLOCK]);

    private static DoubleVector v(double c) { return DoubleVector.broadcast(D, c); }

    private static final DoubleVector ZERO = v(0), HALF = v(0.5), ONE = v(1), TWO = v(2), K = v(3), A_MAX = v(28), CAP = v(60),
            SCALE = v(INV_SQRT2), PDF = v(INV_SQRT_2PI);
    private static final DoubleVector P0 = v(F64_ERF_SMALL[0]), P1 = v(F64_ERF_SMALL[1]), P2 = v(F64_ERF_SMALL[2]),
            P3 = v(F64_ERF_SMALL[3]), P4 = v(F64_ERF_SMALL[4]), P5 = v(F64_ERF_SMALL[5]), P6 = v(F64_ERF_SMALL[6]),
            P7 = v(F64_ERF_SMALL[7]), P8 = v(F64_ERF_SMALL[8]);
    private static final DoubleVector G0 = v(F64_ERFC_LARGE[0]), G1 = v(F64_ERFC_LARGE[1]), G2 = v(F64_ERFC_LARGE[2]),
            G3 = v(F64_ERFC_LARGE[3]), G4 = v(F64_ERFC_LARGE[4]), G5 = v(F64_ERFC_LARGE[5]), G6 = v(F64_ERFC_LARGE[6]),
            G7 = v(F64_ERFC_LARGE[7]), G8 = v(F64_ERFC_LARGE[8]), G9 = v(F64_ERFC_LARGE[9]), G10 = v(F64_ERFC_LARGE[10]),
            G11 = v(F64_ERFC_LARGE[11]), G12 = v(F64_ERFC_LARGE[12]), G13 = v(F64_ERFC_LARGE[13]), G14 = v(F64_ERFC_LARGE[14]),
            G15 = v(F64_ERFC_LARGE[15]), G16 = v(F64_ERFC_LARGE[16]), G17 = v(F64_ERFC_LARGE[17]), G18 = v(F64_ERFC_LARGE[18]),
            G19 = v(F64_ERFC_LARGE[19]), G20 = v(F64_ERFC_LARGE[20]), G21 = v(F64_ERFC_LARGE[21]);

    /**
     * res = kind(x) over n elements; g is the incoming gradient for {@link Kind#GELU_BACKWARD} (else
     * unused). res may be in or g.
     */
    static void apply(Kind kind, double[] g, int go, double[] in, int io, double[] res, int ro, int n) {
        double[][] s = SCRATCH.get();
        boolean gelu = kind != Kind.ERF;
        double half = gelu ? 0.5 : 1, scale = gelu ? INV_SQRT2 : 1;              // a^2 = x^2 half, a = |x| scale
        for (int b = 0; b < n; b += BLOCK) {
            int m = Math.min(BLOCK, n - b);
            negSquarePass(in, io + b, s[0], m, half);
            VectorMath.expBlock(s[0], 0, s[0], 0, m);
            erfcPass(in, io + b, s[0], s[1], m, half, scale);
            switch (kind) {
                case ERF -> erfFinish(in, io + b, s[1], res, ro + b, m);
                case GELU -> geluFinish(in, io + b, s[1], res, ro + b, m);
                case GELU_BACKWARD -> geluBackwardFinish(g, go + b, in, io + b, s[0], s[1], res, ro + b, m);
            }
        }
    }

    // Every pass below is one loop with its polynomials written out: a vector helper method that C2
    // does not inline (it judges a call site cold, or the callee already compiled and large) boxes its
    // vectors, and the perf guard measured GELU ten times slower that way.

    /** e = -h, h = a^2 rounded (|x| capped at 60, where e^(-h) has long underflowed; l stays finite at inf). */
    private static void negSquarePass(double[] in, int io, double[] e, int n, double half) {
        DoubleVector hv = v(half);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m).abs().min(CAP);
            x.mul(x).mul(hv).neg().intoArray(e, i, m);                           // halving is exact
        }
    }

    /**
     * From e = e^(-h): e = e^(-h) (1 - l) = e^(-a^2), l = a^2 - h the exact rounding error of the square;
     * c = erfc(a) = e G(t) / (1 + 2a) for a clamped into [1/2, 28] (other lanes are overwritten later).
     */
    private static void erfcPass(double[] in, int io, double[] e, double[] c, int n, double half, double scale) {
        DoubleVector hv = v(half), sv = v(scale);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector ax = DoubleVector.fromArray(D, in, io + i, m).abs(), xc = ax.min(CAP);
            DoubleVector l = xc.fma(xc, xc.mul(xc).neg()).mul(hv);
            DoubleVector ev = DoubleVector.fromArray(D, e, i, m).mul(ONE.sub(l));
            ev.intoArray(e, i, m);
            DoubleVector a = ax.mul(sv).max(HALF).min(A_MAX);                      // NaN stays NaN
            DoubleVector t = a.sub(K).div(a.add(K)), t2 = t.mul(t), t4 = t2.mul(t2), t8 = t4.mul(t4);
            // G(t) by Estrin's scheme: a tree of depth 5 instead of a chain of 21 fmas.
            DoubleVector g0 = t.fma(G1, G0).add(t2.mul(t.fma(G3, G2)));
            DoubleVector g1 = t.fma(G5, G4).add(t2.mul(t.fma(G7, G6)));
            DoubleVector g2 = t.fma(G9, G8).add(t2.mul(t.fma(G11, G10)));
            DoubleVector g3 = t.fma(G13, G12).add(t2.mul(t.fma(G15, G14)));
            DoubleVector g4 = t.fma(G17, G16).add(t2.mul(t.fma(G19, G18))).add(t4.mul(t.fma(G21, G20)));
            DoubleVector low = g1.fma(t4, g0).add(g3.fma(t4, g2).mul(t8));
            DoubleVector poly = g4.fma(t8.mul(t8), low);
            ev.mul(poly).div(a.fma(TWO, ONE)).intoArray(c, i, m);
        }
    }

    /** erf(z) = z P(z^2) for |z| below 1/2 (keeps -0), sign(z) (1 - erfc(|z|)) above. */
    private static void erfFinish(double[] in, int io, double[] c, double[] res, int ro, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector z = DoubleVector.fromArray(D, in, io + i, m);
            DoubleVector w = z.mul(z), w2 = w.mul(w), w4 = w2.mul(w2);
            DoubleVector p0 = w.fma(P1, P0).add(w2.mul(w.fma(P3, P2))), p1 = w.fma(P5, P4).add(w2.mul(w.fma(P7, P6)));
            DoubleVector small = z.mul(w4.fma(P8, p1).fma(w4, p0));
            DoubleVector large = ONE.sub(DoubleVector.fromArray(D, c, i, m));
            large = large.blend(large.neg(), z.compare(VectorOperators.LT, ZERO));
            small.blend(large, z.abs().compare(VectorOperators.GE, HALF).or(z.compare(VectorOperators.NE, z))).intoArray(res, ro + i, m);
        }
    }

    /**
     * Φ(x) = (1 + erf(z)) / 2, z = x / sqrt 2, into res: 1/2 + z P(z^2) / 2 for |z| below 1/2, 1 - erfc / 2
     * above and erfc / 2 below -1/2; then x Φ (GELU) or g (Φ + x e / sqrt(2 pi)) (its backward).
     */
    private static void geluFinish(double[] in, int io, double[] c, double[] res, int ro, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m), z = x.mul(SCALE);
            DoubleVector w = z.mul(z), w2 = w.mul(w), w4 = w2.mul(w2);
            DoubleVector p0 = w.fma(P1, P0).add(w2.mul(w.fma(P3, P2))), p1 = w.fma(P5, P4).add(w2.mul(w.fma(P7, P6)));
            DoubleVector small = z.mul(w4.fma(P8, p1).fma(w4, p0)).fma(HALF, HALF);
            DoubleVector half = DoubleVector.fromArray(D, c, i, m).mul(HALF);
            DoubleVector large = ONE.sub(half).blend(half, z.compare(VectorOperators.LT, ZERO));
            DoubleVector cdf = small.blend(large, z.abs().compare(VectorOperators.GE, HALF).or(z.compare(VectorOperators.NE, z)));
            x.mul(cdf).intoArray(res, ro + i, m);
        }
    }

    private static void geluBackwardFinish(double[] g, int go, double[] in, int io, double[] e, double[] c, double[] res, int ro, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromArray(D, in, io + i, m), z = x.mul(SCALE);
            DoubleVector w = z.mul(z), w2 = w.mul(w), w4 = w2.mul(w2);
            DoubleVector p0 = w.fma(P1, P0).add(w2.mul(w.fma(P3, P2))), p1 = w.fma(P5, P4).add(w2.mul(w.fma(P7, P6)));
            DoubleVector small = z.mul(w4.fma(P8, p1).fma(w4, p0)).fma(HALF, HALF);
            DoubleVector half = DoubleVector.fromArray(D, c, i, m).mul(HALF);
            DoubleVector large = ONE.sub(half).blend(half, z.compare(VectorOperators.LT, ZERO));
            DoubleVector cdf = small.blend(large, z.abs().compare(VectorOperators.GE, HALF).or(z.compare(VectorOperators.NE, z)));
            DoubleVector d = x.fma(DoubleVector.fromArray(D, e, i, m).mul(PDF), cdf);
            DoubleVector.fromArray(D, g, go + i, m).mul(d).intoArray(res, ro + i, m);
        }
    }

    // ---- float lanes --------------------------------------------------------------------------------

    private static final VectorSpecies<Float> F = Simd.F;
    private static final int FL = F.length();
    private static final ThreadLocal<float[][]> FLOAT_SCRATCH = ThreadLocal.withInitial(() -> new float[2][BLOCK]);

    private static FloatVector f(float c) { return FloatVector.broadcast(F, c); }

    private static final FloatVector F_ZERO = f(0), F_HALF = f(0.5f), F_ONE = f(1), F_TWO = f(2), F_K = f(2), F_A_MAX = f(10.5f), F_CAP = f(16),
            F_SCALE = f((float) INV_SQRT2), F_PDF = f((float) INV_SQRT_2PI);
    private static final FloatVector FP0 = f(F32_ERF_SMALL[0]), FP1 = f(F32_ERF_SMALL[1]), FP2 = f(F32_ERF_SMALL[2]),
            FP3 = f(F32_ERF_SMALL[3]), FP4 = f(F32_ERF_SMALL[4]);
    private static final FloatVector FG0 = f(F32_ERFC_LARGE[0]), FG1 = f(F32_ERFC_LARGE[1]), FG2 = f(F32_ERFC_LARGE[2]),
            FG3 = f(F32_ERFC_LARGE[3]), FG4 = f(F32_ERFC_LARGE[4]), FG5 = f(F32_ERFC_LARGE[5]), FG6 = f(F32_ERFC_LARGE[6]),
            FG7 = f(F32_ERFC_LARGE[7]), FG8 = f(F32_ERFC_LARGE[8]), FG9 = f(F32_ERFC_LARGE[9]), FG10 = f(F32_ERFC_LARGE[10]);

    /** The float version of {@link #apply(Kind, double[], int, double[], int, double[], int, int)}. */
    static void apply(Kind kind, float[] g, int go, float[] in, int io, float[] res, int ro, int n) {
        float[][] s = FLOAT_SCRATCH.get();
        boolean gelu = kind != Kind.ERF;
        float half = gelu ? 0.5f : 1, scale = gelu ? (float) INV_SQRT2 : 1;
        for (int b = 0; b < n; b += BLOCK) {
            int m = Math.min(BLOCK, n - b);
            negSquarePass(in, io + b, s[0], m, half);
            VectorMath.expBlock(s[0], 0, s[0], 0, m);
            erfcPass(in, io + b, s[0], s[1], m, half, scale);
            switch (kind) {
                case ERF -> erfFinish(in, io + b, s[1], res, ro + b, m);
                case GELU -> geluFinish(in, io + b, s[1], res, ro + b, m);
                case GELU_BACKWARD -> geluBackwardFinish(g, go + b, in, io + b, s[0], s[1], res, ro + b, m);
            }
        }
    }

    private static void negSquarePass(float[] in, int io, float[] e, int n, float half) {
        FloatVector hv = f(half);
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(F, in, io + i, m).abs().min(F_CAP);
            x.mul(x).mul(hv).neg().intoArray(e, i, m);
        }
    }

    private static void erfcPass(float[] in, int io, float[] e, float[] c, int n, float half, float scale) {
        FloatVector hv = f(half), sv = f(scale);
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector ax = FloatVector.fromArray(F, in, io + i, m).abs(), xc = ax.min(F_CAP);
            FloatVector l = xc.fma(xc, xc.mul(xc).neg()).mul(hv);
            FloatVector ev = FloatVector.fromArray(F, e, i, m).mul(F_ONE.sub(l));
            ev.intoArray(e, i, m);
            FloatVector a = ax.mul(sv).max(F_HALF).min(F_A_MAX);
            FloatVector t = a.sub(F_K).div(a.add(F_K)), t2 = t.mul(t), t4 = t2.mul(t2);
            FloatVector p = t.fma(FG1, FG0).add(t2.mul(t.fma(FG3, FG2)))
                    .add(t4.mul(t.fma(FG5, FG4).add(t2.mul(t.fma(FG7, FG6)))))
                    .add(t4.mul(t4).mul(t.fma(FG10, FG9).fma(t, FG8)));
            ev.mul(p).div(a.fma(F_TWO, F_ONE)).intoArray(c, i, m);
        }
    }

    private static void erfFinish(float[] in, int io, float[] c, float[] res, int ro, int n) {
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(F, in, io + i, m);
            FloatVector w = z.mul(z), w2 = w.mul(w);
            FloatVector small = z.mul(w.fma(FP1, FP0).add(w2.mul(w.fma(FP3, FP2))).add(w2.mul(w2).mul(FP4)));
            FloatVector large = F_ONE.sub(FloatVector.fromArray(F, c, i, m));
            large = large.blend(large.neg(), z.compare(VectorOperators.LT, F_ZERO));
            small.blend(large, z.abs().compare(VectorOperators.GE, F_HALF).or(z.compare(VectorOperators.NE, z))).intoArray(res, ro + i, m);
        }
    }

    private static void geluFinish(float[] in, int io, float[] c, float[] res, int ro, int n) {
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(F, in, io + i, m), z = x.mul(F_SCALE);
            FloatVector w = z.mul(z), w2 = w.mul(w);
            FloatVector small = z.mul(w.fma(FP1, FP0).add(w2.mul(w.fma(FP3, FP2))).add(w2.mul(w2).mul(FP4))).fma(F_HALF, F_HALF);
            FloatVector half = FloatVector.fromArray(F, c, i, m).mul(F_HALF);
            FloatVector large = F_ONE.sub(half).blend(half, z.compare(VectorOperators.LT, F_ZERO));
            FloatVector cdf = small.blend(large, z.abs().compare(VectorOperators.GE, F_HALF).or(z.compare(VectorOperators.NE, z)));
            x.mul(cdf).intoArray(res, ro + i, m);
        }
    }

    private static void geluBackwardFinish(float[] g, int go, float[] in, int io, float[] e, float[] c, float[] res, int ro, int n) {
        for (int i = 0; i < n; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(F, in, io + i, m), z = x.mul(F_SCALE);
            FloatVector w = z.mul(z), w2 = w.mul(w);
            FloatVector small = z.mul(w.fma(FP1, FP0).add(w2.mul(w.fma(FP3, FP2))).add(w2.mul(w2).mul(FP4))).fma(F_HALF, F_HALF);
            FloatVector half = FloatVector.fromArray(F, c, i, m).mul(F_HALF);
            FloatVector large = F_ONE.sub(half).blend(half, z.compare(VectorOperators.LT, F_ZERO));
            FloatVector cdf = small.blend(large, z.abs().compare(VectorOperators.GE, F_HALF).or(z.compare(VectorOperators.NE, z)));
            FloatVector d = x.fma(FloatVector.fromArray(F, e, i, m).mul(F_PDF), cdf);
            FloatVector.fromArray(F, g, go + i, m).mul(d).intoArray(res, ro + i, m);
        }
    }
}
