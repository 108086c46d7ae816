package dev.galvani.nn.dendrites;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * The probability that a random sparse pattern falsely matches a dendritic segment (Ahmad &amp;
 * Hawkins, arXiv 1601.00720; bio reference §3.1): of {@code n} cells {@code a} are active, a segment
 * has {@code s} synapses and fires when at least {@code θ} of them are active:
 * {@code P = Σ_{b=θ}^{s} C(s, b) C(n − s, a − b) / C(n, a)}. Computed with exact integers and rounded
 * once, so values like 1e-17 come out to every printed digit.
 */
public final class FalseMatch {

    private FalseMatch() {}

    /** P_fp(n, a, s, θ), rounded from the exact rational. */
    public static double probability(int n, int a, int s, int theta) {
        if (n < 0 || a < 0 || s < 0 || a > n || s > n) throw new IllegalArgumentException("FalseMatch: need 0 <= a <= n and 0 <= s <= n, got n " + n + ", a " + a + ", s " + s);
        if (theta < 0) throw new IllegalArgumentException("FalseMatch: the threshold must be non-negative, got " + theta);
        BigInteger matches = BigInteger.ZERO;
        for (int b = theta; b <= Math.min(s, a); b++) matches = matches.add(choose(s, b).multiply(choose(n - s, a - b)));
        return new BigDecimal(matches).divide(new BigDecimal(choose(n, a)), MathContext.DECIMAL128).doubleValue();
    }

    /** The binomial coefficient C(n, k), exactly (0 outside {@code 0 <= k <= n}). */
    public static BigInteger choose(int n, int k) {
        if (k < 0 || k > n) return BigInteger.ZERO;
        k = Math.min(k, n - k);
        BigInteger c = BigInteger.ONE;
        for (int i = 1; i <= k; i++) c = c.multiply(BigInteger.valueOf(n - k + i)).divide(BigInteger.valueOf(i));    // exact at every step
        return c;
    }
}
