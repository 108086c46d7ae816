package dev.galvani.operators;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * The periodic Gaussian random field of the Navier–Stokes data sets (operators.md §5.3, FNO's
 * {@code GaussianRF(2, s, α, τ)} in {@code random_fields.py}), the initial vorticity: on the
 * {@code s × s} grid of the unit torus, with wavenumbers {@code k} in FFT order,
 *
 * <pre>
 * σ = τ^{0.5(2α − 2)};   √λ_k = s² √2 σ (4π²|k|² + τ²)^{−α/2},   √λ_0 = 0
 * w = Re(ifft2(√λ ⊙ (a + i b))),   a, b ~ N(0, 1)^{s×s}   (ifft2 with norm "backward", i.e. divided by s²)
 * </pre>
 *
 * The original code draws the real and the imaginary parts as two standard normals
 * ({@code torch.randn(N, s, s, 2)}), which this follows, so the variance is
 * {@code Σ_{k≠0} 2σ²(4π²|k|² + τ²)^{−α}} and the DFT of a sample has {@code E|ŵ_k|² = λ_k}. The
 * reference's sets use α = 2.5, τ = 7 ({@link #navierStokes}); the paper writes the covariance as
 * {@code 7^{3/2}(−Δ + 49)^{−2.5}} while the code's variance factor is {@code σ² = 7³}: the code is
 * followed (§5.3).
 */
public final class PeriodicRandomField2d {

    /** Points per axis. */
    public final int size;
    /** The smoothness α and the inverse length scale τ. */
    public final double alpha, tau;
    /** σ = τ^{0.5(2α − 2)}. */
    public final double sigma;
    private final double[] sqrtEig;   // √λ_k, row-major s × s in FFT order

    /**
     * The field on an {@code s × s} grid with parameters α and τ.
     * @param s points per axis
     * @param alpha α
     * @param tau τ
     */
    public PeriodicRandomField2d(int s, double alpha, double tau) {
        if (s < 2) throw new IllegalArgumentException("PeriodicRandomField2d: the grid size must be at least 2, got " + s);
        if (!(alpha > 0) || !(tau > 0)) throw new IllegalArgumentException("PeriodicRandomField2d: alpha and tau must be positive, got " + alpha + ", " + tau);
        this.size = s;
        this.alpha = alpha;
        this.tau = tau;
        this.sigma = Math.pow(tau, 0.5 * (2 * alpha - 2));
        sqrtEig = new double[s * s];
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++) {
                double k1 = Fourier.wavenumber(i, s), k2 = Fourier.wavenumber(j, s);
                sqrtEig[i * s + j] = (double) s * s * Math.sqrt(2) * sigma * Math.pow(4 * Math.PI * Math.PI * (k1 * k1 + k2 * k2) + tau * tau, -alpha / 2);
            }
        sqrtEig[0] = 0;
    }

    /** The reference's initial vorticity (§5.3): α = 2.5, τ = 7 on {@code s × s}. */
    public static PeriodicRandomField2d navierStokes(int s) { return new PeriodicRandomField2d(s, 2.5, 7); }

    /** {@code λ_k}, the expected {@code |ŵ_k|²} of bin (i, j) (FFT order). */
    public double eigenvalue(int i, int j) { return sqrtEig[i * size + j] * sqrtEig[i * size + j]; }

    /** The pointwise variance {@code Σ_k λ_k / s⁴}. */
    public double variance() {
        double v = 0;
        for (double e : sqrtEig) v += e * e;
        return v / ((double) size * size * size * size);
    }

    /** One sample, row-major {@code s × s}, its normals drawn from {@code gen} as an [s, s, 2] block (real, imaginary), as the reference. */
    public double[] sample(Generator gen) {
        int n = size * size;
        double[] z = Tensor.randn(gen, DType.F64, size, size, 2).toDoubleArray();
        double[] re = new double[n], im = new double[n];
        for (int p = 0; p < n; p++) {
            re[p] = sqrtEig[p] * z[2 * p];
            im[p] = sqrtEig[p] * z[2 * p + 1];
        }
        return Fourier.ifft2Real(re, im, size);
    }
}
