package dev.galvani.tensor.backend;

/**
 * What a DCLS delay kernel needs besides its operands (DCLS reference §2–§3): how a synapse's
 * continuous position is spread over the taps, the kernel length D, and, for the sparse-tap kernel,
 * how far from its position the sparse-tap kernel looks.
 *
 * <p>Per synapse, with {@code μ = P + ⌊D/2⌋}, tap {@code k} gets the profile value {@code g_k} of
 * {@link Profile}, normalised as {@code n_k = g_k / (Σ_j g_j + 1e-7)}; the kernel is
 * {@code K[o, i, k] = W[o, i] n_k}. Tap {@code k} carries delay {@code D − 1 − k}.
 *
 * @param profile   how a position is spread over the taps
 * @param taps      D, the kernel length (odd, positive)
 * @param radius    for the sparse-tap kernel: each synapse keeps the taps with {@code |k − μ| ≤ radius}
 *                  (positive infinity: all of them; the dense kernels ignore it). Choose it for a gauss
 *                  width with {@link #gaussRadius}, which bounds the dropped share of the tap mass;
 *                  MAX, V1 and V0 lose nothing once it covers their support (|σ| + 1, 1 and 1)
 */
public record DelaySpec(Profile profile, int taps, double radius) {

    /** How a position is spread over the taps (reference §2). */
    public enum Profile {
        /** {@code g_k = exp(−(k − μ)² / (2 s²))}, {@code s = |σ| + 0.27}: DCLS's default, used for training. */
        GAUSS,
        /** {@code g_k = max(0, |σ| + 1 − |k − μ|)}; one-hot at an integer μ when σ = 0 (evaluation, §7). */
        MAX,
        /** {@code g_k = max(0, 1 − |k − μ|)}; σ is ignored. */
        V1,
        /** Bilinear between taps {@code ⌊μ⌋} and {@code ⌊μ⌋ + 1}; σ is ignored. */
        V0;

        /** Whether the profile reads σ. */
        public boolean usesSigma() { return this == GAUSS || this == MAX; }
    }

    /** The width offset of the gauss profile, hard-coded in DCLS: {@code s = |σ| + 0.27}. */
    public static final double GAUSS_WIDTH_OFFSET = 0.27;
    /** Added to each synapse's tap sum before normalising (DCLS). */
    public static final double NORMALISATION_EPSILON = 1e-7;

    /** Checks the arguments. */
    public DelaySpec {
        if (profile == null) throw new IllegalArgumentException("DelaySpec: profile is null");
        if (taps < 1 || taps % 2 == 0) throw new IllegalArgumentException("DelaySpec: the kernel length D must be odd and positive, got " + taps);
        if (!(radius >= 0)) throw new IllegalArgumentException("DelaySpec: the radius must be non-negative, got " + radius);
    }

    /** A spec that keeps every tap. */
    public static DelaySpec of(Profile profile, int taps) { return new DelaySpec(profile, taps, Double.POSITIVE_INFINITY); }

    /** Whether the sparse-tap kernel keeps every tap. */
    public boolean keepsAllTaps() { return radius == Double.POSITIVE_INFINITY; }

    /** {@code (D − 1)/2}: the steps every layer adds to the sequence (the right padding of §3). */
    public int half() { return (taps - 1) / 2; }

    /**
     * An upper bound of the share of a gauss synapse's normalised tap mass that lies farther than
     * {@code radius} from its centre μ, for a width {@code s} and μ within the taps ([0, D − 1], as
     * the clamped positions are).
     *
     * <p>Derivation: the dropped taps on one side lie at distances {@code δ₀ + m} (m = 0, 1, …) with
     * {@code δ₀ > r}; since {@code (r + m)² ≥ r² + 2rm}, their profile sum is at most
     * {@code Σ_m exp(−(r + m)²/(2s²)) ≤ exp(−r²/(2s²)) / (1 − exp(−r/s²))}, twice that for both sides.
     * The normaliser {@code Σ_j g_j + 1e-7} is at least the profile at the nearest tap, which lies
     * within 1/2 of μ: {@code ≥ exp(−1/(8s²))}. Hence
     * {@code ε(r, s) = 2 exp(−(r² − 1/4)/(2s²)) / (1 − exp(−r/s²))}.
     *
     * @param radius r, positive
     * @param s      the effective width {@code |σ| + 0.27}
     * @return ε(r, s), capped at 1
     */
    public static double gaussTailBound(double radius, double s) {
        if (!(radius > 0)) return 1;
        double bound = 2 * Math.exp(-(radius * radius - 0.25) / (2 * s * s)) / -Math.expm1(-radius / (s * s));
        return Math.min(1, bound);
    }

    /**
     * The smallest radius r (to 1e-9) whose {@link #gaussTailBound} is at most {@code tolerance} for
     * width s; infinite when the tolerance is 0 (keep every tap).
     */
    public static double gaussRadius(double s, double tolerance) {
        if (tolerance <= 0) return Double.POSITIVE_INFINITY;
        double lo = 0, hi = 1;
        while (gaussTailBound(hi, s) > tolerance) hi *= 2;                 // the bound falls monotonically in r
        while (hi - lo > 1e-9) {
            double mid = 0.5 * (lo + hi);
            if (gaussTailBound(mid, s) > tolerance) lo = mid;
            else hi = mid;
        }
        return hi;
    }
}
