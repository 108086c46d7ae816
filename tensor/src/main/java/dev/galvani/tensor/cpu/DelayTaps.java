package dev.galvani.tensor.cpu;

import dev.galvani.tensor.backend.DelaySpec;

/**
 * One synapse's normalised taps and their derivatives (DCLS reference §2 and §10), in double
 * whatever the tensors' dtype: {@code n_k = g_k / S} with {@code S = Σ_j g_j + 1e-7}, and by the
 * quotient rule {@code ∂n_k/∂P = g'_k/S − g_k (Σ_j g'_j)/S²} (the same for σ). Every kernel of the
 * delay family (dense build and its backward, sparse taps and theirs) takes its numbers from here,
 * so they agree with each other exactly.
 *
 * <p>Each instance holds scratch rows of D taps: one per thread.
 */
final class DelayTaps {

    /** Gauss taps with {@code (k − μ)²/(2s²)} above this are left at 0: {@code exp(−50) ≈ 2e-22}, far below a double ulp of S. */
    private static final double GAUSS_CUTOFF = 50;

    final DelaySpec spec;
    final int taps;
    /** n_k, ∂n_k/∂P, ∂n_k/∂σ of the last {@link #compute} call (the derivatives only when asked). */
    final double[] n, dnP, dnS;
    private final double[] g, gP, gS;
    /** The window of the last {@link #window} call: taps lo … hi (empty when lo > hi). */
    int lo, hi;

    DelayTaps(DelaySpec spec) {
        this.spec = spec;
        this.taps = spec.taps();
        n = new double[taps];
        dnP = new double[taps];
        dnS = new double[taps];
        g = new double[taps];
        gP = new double[taps];
        gS = new double[taps];
    }

    /** The centre in tap coordinates, {@code μ = P + ⌊D/2⌋}. */
    double mu(double position) { return position + taps / 2; }

    /**
     * Fills {@link #n} (and with {@code derivatives}, {@link #dnP} and {@link #dnS}) for a synapse at
     * {@code position} with width parameter {@code sigma} (ignored by V1 and V0).
     */
    void compute(double position, double sigma, boolean derivatives) {
        double mu = mu(position), sum = 0, sumP = 0, sumS = 0;
        switch (spec.profile()) {
            case GAUSS -> {
                double s = Math.abs(sigma) + DelaySpec.GAUSS_WIDTH_OFFSET, inv2 = 1 / (s * s), sign = Math.signum(sigma);
                for (int k = 0; k < taps; k++) {
                    double u = k - mu, e = 0.5 * u * u * inv2;
                    double v = e > GAUSS_CUTOFF ? 0 : Math.exp(-e);
                    g[k] = v;
                    gP[k] = v * u * inv2;                                  // ∂g/∂μ = g (k − μ)/s²
                    gS[k] = v * u * u * inv2 / s * sign;                   // ∂g/∂σ = g (k − μ)²/s³ · sign(σ)
                }
            }
            case MAX, V1 -> {
                double a = spec.profile() == DelaySpec.Profile.MAX ? Math.abs(sigma) + 1 : 1;
                double sign = spec.profile() == DelaySpec.Profile.MAX ? Math.signum(sigma) : 0;
                for (int k = 0; k < taps; k++) {
                    double u = k - mu, v = a - Math.abs(u);
                    boolean on = v > 0;
                    g[k] = on ? v : 0;
                    gP[k] = on ? Math.signum(u) : 0;                       // −|k − μ| rises with μ below k
                    gS[k] = on ? sign : 0;
                }
            }
            case V0 -> {
                double floor = Math.floor(mu), frac = mu - floor;
                for (int k = 0; k < taps; k++) {
                    g[k] = k == floor ? 1 - frac : k == floor + 1 ? frac : 0;
                    gP[k] = k == floor ? -1 : k == floor + 1 ? 1 : 0;
                    gS[k] = 0;
                }
            }
        }
        for (int k = 0; k < taps; k++) {
            sum += g[k];
            sumP += gP[k];
            sumS += gS[k];
        }
        double S = sum + DelaySpec.NORMALISATION_EPSILON, inv = 1 / S;
        for (int k = 0; k < taps; k++) n[k] = g[k] * inv;
        if (!derivatives) return;
        for (int k = 0; k < taps; k++) {
            dnP[k] = gP[k] * inv - g[k] * sumP * inv * inv;
            dnS[k] = gS[k] * inv - g[k] * sumS * inv * inv;
        }
    }

    /**
     * Sets {@link #lo} … {@link #hi} to the taps the sparse kernel keeps for this synapse: those with
     * {@code |k − μ| ≤ radius} of the spec, less those outside the support of MAX, V1 and V0 (exactly
     * zero, so skipping them changes no value).
     */
    void window(double position, double sigma) {
        double mu = mu(position), r = spec.radius();
        double from = mu - r, to = mu + r;
        switch (spec.profile()) {
            case GAUSS -> { }
            case MAX, V1 -> {
                double a = spec.profile() == DelaySpec.Profile.MAX ? Math.abs(sigma) + 1 : 1;
                from = Math.max(from, Math.floor(mu - a) + 1);             // taps with |k − μ| < a
                to = Math.min(to, Math.ceil(mu + a) - 1);
            }
            case V0 -> {
                from = Math.max(from, Math.floor(mu));
                to = Math.min(to, Math.floor(mu) + 1);
            }
        }
        lo = (int) Math.max(0, Math.ceil(from));
        hi = (int) Math.min(taps - 1, Math.floor(to));
        if (Double.isNaN(mu)) {
            lo = 0;
            hi = taps - 1;
        }
    }
}
