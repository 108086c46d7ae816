package dev.galvani.operators;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * The Gaussian random field of the Darcy data sets, in its cosine (Neumann-Laplacian
 * Karhunen–Loève) form (operators.md §5.1, FNO's {@code GRF.m}): on an {@code s × s} grid,
 *
 * <pre>
 * ξ ~ N(0, 1)^{s×s};   c(k1, k2) = τ^{α−1} (π²(k1² + k2²) + τ²)^{−α/2},  k1, k2 = 0 … s−1
 * L = s · c ⊙ ξ;   L[0, 0] = 0;   U = idct2(L)   (orthonormal inverse 2-D DCT-II, MATLAB's idct2)
 * </pre>
 *
 * so the covariance is proportional to {@code τ^{2α−2}(−Δ + τ²)^{−α}} with Neumann boundary
 * conditions and the mean is zero. The inverse DCT is done as two dense products with the
 * orthonormal cosine basis {@code D[k][n] = w_k cos(π(2n + 1)k / (2s))} ({@code w_0 = √(1/s)}, else
 * {@code √(2/s)}): {@code U = Dᵀ L D}, O(s³) per sample in double precision, no FFT needed.
 */
public final class GaussianRandomField {

    /** Points per axis. */
    public final int size;
    /** The smoothness α and the inverse length scale τ. */
    public final double alpha, tau;
    private final double[] scale;   // s · c(k1, k2), 0 at (0, 0)
    private final double[] basis;   // D[k][n]

    /** The field on an {@code s × s} grid with parameters α, τ (the Darcy sets use α = 2, τ = 3). */
    public GaussianRandomField(int s, double alpha, double tau) {
        if (s < 2) throw new IllegalArgumentException("GaussianRandomField: grid size must be at least 2, got " + s);
        if (!(alpha > 0) || !(tau > 0)) throw new IllegalArgumentException("GaussianRandomField: alpha and tau must be positive, got " + alpha + ", " + tau);
        this.size = s;
        this.alpha = alpha;
        this.tau = tau;
        scale = new double[s * s];
        for (int k1 = 0; k1 < s; k1++)
            for (int k2 = 0; k2 < s; k2++)
                scale[k1 * s + k2] = s * Math.pow(tau, alpha - 1) * Math.pow(Math.PI * Math.PI * ((double) k1 * k1 + (double) k2 * k2) + tau * tau, -alpha / 2);
        scale[0] = 0;
        basis = dctBasis(s);
    }

    /** The orthonormal DCT-II basis {@code D[k][n] = w_k cos(π(2n + 1)k / (2s))}, row-major [k][n]; {@code D Dᵀ = I}. */
    public static double[] dctBasis(int s) {
        double[] d = new double[s * s];
        for (int k = 0; k < s; k++) {
            double w = Math.sqrt((k == 0 ? 1.0 : 2.0) / s);
            for (int n = 0; n < s; n++) d[k * s + n] = w * Math.cos(Math.PI * ((2L * n + 1) * k % (4L * s)) / (2.0 * s));
        }
        return d;
    }

    /** The coefficient scale {@code s · c(k1, k2)} (0 at the constant mode), row-major; a copy. */
    public double[] scales() { return scale.clone(); }

    /** One sample U, row-major {@code s × s}, its normals ξ drawn from {@code gen}. */
    public double[] sample(Generator gen) {
        double[] xi = Tensor.randn(gen, DType.F64, size, size).toDoubleArray();
        for (int i = 0; i < xi.length; i++) xi[i] *= scale[i];
        return inverseDct2(xi);
    }

    /** {@code Dᵀ L D}: MATLAB's {@code idct2} of {@code l} (row-major {@code s × s}). */
    public double[] inverseDct2(double[] l) {
        int s = size;
        if (l.length != s * s) throw new IllegalArgumentException("inverseDct2: expected " + s * s + " coefficients, got " + l.length);
        double[] t = new double[s * s], u = new double[s * s];
        // t = Dᵀ L: t[n][k2] = Σ_k1 D[k1][n] L[k1][k2]  (rows of L streamed, i-k-j order)
        for (int k1 = 0; k1 < s; k1++)
            for (int n = 0; n < s; n++) {
                double d = basis[k1 * s + n];
                if (d == 0) continue;
                int tr = n * s, lr = k1 * s;
                for (int k2 = 0; k2 < s; k2++) t[tr + k2] += d * l[lr + k2];
            }
        // u = t D: u[n1][n2] = Σ_k2 t[n1][k2] D[k2][n2]
        for (int n1 = 0; n1 < s; n1++)
            for (int k2 = 0; k2 < s; k2++) {
                double v = t[n1 * s + k2];
                if (v == 0) continue;
                int ur = n1 * s, dr = k2 * s;
                for (int n2 = 0; n2 < s; n2++) u[ur + n2] += v * basis[dr + n2];
            }
        return u;
    }

    /**
     * The variance of U at grid point (n1, n2): {@code Σ_k (s c_k)² D[k1][n1]² D[k2][n2]²}, what
     * {@link #sample} draws from.
     */
    public double variance(int n1, int n2) {
        double v = 0;
        for (int k1 = 0; k1 < size; k1++)
            for (int k2 = 0; k2 < size; k2++) {
                double a = scale[k1 * size + k2] * basis[k1 * size + n1] * basis[k2 * size + n2];
                v += a * a;
            }
        return v;
    }
}
