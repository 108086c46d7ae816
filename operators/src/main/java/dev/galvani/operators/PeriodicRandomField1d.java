package dev.galvani.operators;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * The periodic Gaussian random field of the Burgers data sets (operators.md §5.2, FNO's
 * {@code GRF1.m}): on the grid {@code x_j = j/s} of the unit circle, zero mean,
 *
 * <pre>
 * u(x) = Σ_{k=1}^{s/2} e_k (ξ_k cos 2πkx + η_k sin 2πkx),   e_k = √2 |σ| ((2πk)² + τ²)^{−γ/2},   ξ_k, η_k ~ N(0, 1)
 * </pre>
 *
 * the Karhunen–Loève expansion of {@code N(0, σ²(−Δ + τ²)^{−γ})} in the orthonormal basis
 * {@code √2 cos 2πkx, √2 sin 2πkx}: the covariance is {@code C(x − y) = Σ_k e_k² cos 2πk(x − y)}.
 * The paper's {@code burgers_data_R10} uses σ = 25, τ = 5, γ = 2 ({@link #burgers}). The sum is one
 * inverse real FFT of the bins {@code X_k = e_k (ξ_k − iη_k)/2} (k &lt; s/2) and {@code X_{s/2} = e_{s/2} ξ_{s/2}}
 * (sin πj vanishes on the grid), scaled by s. The reference evaluates with a half-period shift,
 * which leaves the distribution of this stationary field unchanged (§5.2), so it is left out.
 */
public final class PeriodicRandomField1d {

    /** Grid points (even). */
    public final int size;
    /** The amplitude σ, the inverse length scale τ and the smoothness γ. */
    public final double sigma, tau, gamma;
    private final double[] amplitude;   // e_k, k = 0 … s/2 (e_0 = 0)

    /**
     * The field on {@code s} points with parameters σ, τ, γ.
     * @param s grid points, even
     * @param sigma σ
     * @param tau τ
     * @param gamma γ
     */
    public PeriodicRandomField1d(int s, double sigma, double tau, double gamma) {
        if (s < 2 || s % 2 != 0) throw new IllegalArgumentException("PeriodicRandomField1d: the grid size must be even and at least 2, got " + s);
        if (!(tau >= 0) || !(gamma > 0) || !Double.isFinite(sigma)) throw new IllegalArgumentException("PeriodicRandomField1d: need finite sigma, tau >= 0, gamma > 0, got " + sigma + ", " + tau + ", " + gamma);
        this.size = s;
        this.sigma = sigma;
        this.tau = tau;
        this.gamma = gamma;
        amplitude = new double[s / 2 + 1];
        for (int k = 1; k <= s / 2; k++) amplitude[k] = Math.sqrt(2) * Math.abs(sigma) * Math.pow(square(2 * Math.PI * k) + tau * tau, -gamma / 2);
    }

    /** The paper's Burgers initial condition (§5.2): {@code N(0, 625(−Δ + 25)^{−2})}, σ = 25, τ = 5, γ = 2, on {@code s} points. */
    public static PeriodicRandomField1d burgers(int s) { return new PeriodicRandomField1d(s, 25, 5, 2); }

    /** The KL amplitude {@code e_k} of mode k (0 for k = 0 and beyond s/2). */
    public double amplitude(int k) { return k >= 1 && k < amplitude.length ? amplitude[k] : 0; }

    /** The covariance {@code C(d) = Σ_{k=1}^{s/2} e_k² cos 2πkd} of the field on the grid, the grid points d apart; C(0) is the variance. */
    public double covariance(double d) {
        double c = 0;
        for (int k = 1; k < amplitude.length; k++) c += amplitude[k] * amplitude[k] * Math.cos(2 * Math.PI * k * d);
        return c;
    }

    /**
     * One sample on the grid, its normals drawn from {@code gen} as an [s/2, 2] block: row k − 1
     * holds {@code (ξ_k, η_k)}.
     */
    public double[] sample(Generator gen) {
        int h = size / 2;
        double[] z = Tensor.randn(gen, DType.F64, h, 2).toDoubleArray();
        double[] re = new double[h + 1], im = new double[h + 1];
        for (int k = 1; k <= h; k++) {
            // irfft ("backward") computes (1/s)(X_0 + 2 Re Σ_{0<k<s/2} X_k e^{2πikj/s} + X_{s/2}(−1)^j), hence the factor s/2 (s at the Nyquist bin).
            double scale = k < h ? 0.5 * size : size;
            re[k] = scale * amplitude[k] * z[2 * (k - 1)];
            im[k] = k < h ? -scale * amplitude[k] * z[2 * (k - 1) + 1] : 0;
        }
        return Fourier.irfft(re, im, size);
    }

    private static double square(double v) { return v * v; }
}
