package dev.galvani.tensor.backend;

/** Special functions the JDK lacks, in double precision. */
public final class SpecialFunctions {

    private SpecialFunctions() {}

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;

    /**
     * The error function to about 1e-15 relative. For |x| &lt; 2.5 the everywhere-positive series
     * erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)) (Abramowitz &amp; Stegun 7.1.6),
     * which has no cancellation; beyond, 1 - erfc(x) with erfc from its continued fraction (A&amp;S 7.1.14).
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax >= 6.0) return Math.copySign(1.0, x);
        double r;
        if (ax < 2.5) {
            double x2 = ax * ax, term = ax, sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= 2.0 * x2 / (2 * n + 1);
                sum += term;
                if (term < 1e-17 * sum) break;
            }
            r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
        } else {
            r = 1.0 - erfcLarge(ax);
        }
        return Math.copySign(r, x);
    }

    /** The complementary error function 1 - erf(x), without cancellation for large x. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        if (x < 2.5) return 1.0 - erf(x);
        return erfcLarge(x);
    }

    /**
     * erfc(x) = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated
     * bottom-up with a fixed depth that converges to double precision for x &gt;= 2.5.
     */
    private static double erfcLarge(double x) {
        double f = x;
        for (int k = 60; k >= 1; k--) f = x + (k / 2.0) / f;
        return Math.exp(-x * x) * ONE_OVER_SQRT_PI / f;
    }
}
