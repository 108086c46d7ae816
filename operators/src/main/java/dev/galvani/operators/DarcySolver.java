package dev.galvani.operators;

/**
 * Solves {@code −∇·(a∇u) = f} on {@code (0, 1)²} with {@code u = 0} on the boundary, as the Darcy data
 * sets do (operators.md §5.1, {@code solve_gwf.m}), on the vertex grid {@code {0, h, …, 1}²},
 * {@code h = 1/(K − 1)}, with a and f given at the {@code K × K} vertices. The 5-point scheme on the
 * {@code (K − 2)²} interior nodes:
 *
 * <pre>
 * [a_{i+½,j}(u_ij − u_{i+1,j}) + a_{i−½,j}(u_ij − u_{i−1,j}) + a_{i,j+½}(u_ij − u_{i,j+1}) + a_{i,j−½}(u_ij − u_{i,j−1})] / h² = f_ij
 * </pre>
 *
 * with each face coefficient the arithmetic mean of its two nodal values (§5.1). The matrix is
 * symmetric positive definite, so it is solved by preconditioned conjugate gradients in double
 * precision instead of the reference's sparse direct solve: SSOR (symmetric Gauss–Seidel with
 * over-relaxation, the default: 182 iterations and 0.7 s for a 421 × 421 sample, against Jacobi's
 * 1810 and 2.2 s) or Jacobi. The
 * iteration stops when the true residual {@code ‖f − A u‖₂ / ‖f‖₂} is at most the tolerance.
 * Single-threaded: callers run samples in parallel.
 */
public final class DarcySolver {

    private DarcySolver() {}

    /** The preconditioner of the conjugate gradients. */
    public enum Preconditioner {
        /** The diagonal. */
        JACOBI,
        /** Symmetric successive over-relaxation with {@link #SSOR_OMEGA}. */
        SSOR
    }

    /**
     * SSOR's relaxation factor. Measured on the Darcy coefficients (12 / 3) at K = 421: 374 iterations with
     * 1.5, 228 with 1.8, 182 with 1.9, 186 with 1.95 (Jacobi: 1810); at K = 61 1.9 is as good as any.
     */
    public static final double SSOR_OMEGA = 1.9;

    /**
     * The solution and how it was reached.
     * @param u the solution on the {@code K × K} vertices (row-major), zero on the boundary
     * @param iterations conjugate-gradient iterations
     * @param relativeResidual {@code ‖f − A u‖₂ / ‖f‖₂} over the interior, recomputed from u
     */
    public record Result(double[] u, int iterations, double relativeResidual) {}

    /**
     * Solves on a {@code k × k} vertex grid.
     * @param a the coefficient at the vertices (positive), row-major {@code k × k}
     * @param f the right-hand side at the vertices (boundary values unused)
     * @param k vertices per axis (at least 3)
     * @param tolerance the relative residual to reach
     * @param maxIterations a bound on the iterations; reaching it throws
     * @param preconditioner SSOR or Jacobi
     * @return u with its iteration count and residual
     */
    public static Result solve(double[] a, double[] f, int k, double tolerance, int maxIterations, Preconditioner preconditioner) {
        if (k < 3) throw new IllegalArgumentException("DarcySolver: needs at least 3 vertices per axis, got " + k);
        if (a.length != k * k || f.length != k * k)
            throw new IllegalArgumentException("DarcySolver: a and f must have " + k + " x " + k + " values, got " + a.length + " and " + f.length);
        if (!(tolerance > 0)) throw new IllegalArgumentException("DarcySolver: tolerance must be positive, got " + tolerance);
        Operator op = new Operator(a, k);
        int m = k - 2, n = m * m;
        double h = 1.0 / (k - 1);
        double[] b = new double[n];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) b[i * m + j] = f[(i + 1) * k + j + 1] * h * h;   // the equations times h²
        double bNorm = Math.sqrt(dot(b, b));
        double[] x = new double[n];
        int iterations = 0;
        double residual = 0;
        if (bNorm > 0) {
            // CG's recurrence can drift from the true residual; restart from x until the true one is below the tolerance.
            for (int restart = 0; ; restart++) {
                iterations += cg(op, b, x, tolerance * bNorm, maxIterations - iterations, preconditioner);
                residual = trueResidual(op, b, x) / bNorm;
                if (residual <= tolerance) break;
                if (iterations >= maxIterations || restart == 5)
                    throw new IllegalStateException("DarcySolver: no convergence to " + tolerance + " in " + iterations + " iterations (residual " + residual + ")");
            }
        }
        double[] u = new double[k * k];
        for (int i = 0; i < m; i++) System.arraycopy(x, i * m, u, (i + 1) * k + 1, m);
        return new Result(u, iterations, residual);
    }

    /** The 5-point operator (times h²) on the interior, by its four face coefficients per node. */
    static final class Operator {
        final int m;
        final double[] diag, east, south;   // east[p]: coupling of p and p + 1; south[p]: of p and p + m (0 at the boundary)

        Operator(double[] a, int k) {
            m = k - 2;
            int n = m * m;
            diag = new double[n];
            east = new double[n];
            south = new double[n];
            for (int i = 1; i <= m; i++)
                for (int j = 1; j <= m; j++) {
                    int p = (i - 1) * m + (j - 1);
                    double c = a[i * k + j];
                    if (!(c > 0)) throw new IllegalArgumentException("DarcySolver: the coefficient must be positive, got " + c + " at (" + i + ", " + j + ")");
                    double ae = 0.5 * (c + a[i * k + j + 1]), aw = 0.5 * (c + a[i * k + j - 1]);
                    double as = 0.5 * (c + a[(i + 1) * k + j]), an = 0.5 * (c + a[(i - 1) * k + j]);
                    diag[p] = ae + aw + as + an;                       // faces to the boundary count here; their u is 0
                    east[p] = j < m ? ae : 0;
                    south[p] = i < m ? as : 0;
                }
        }

        /** y = A x. */
        void apply(double[] x, double[] y) {
            int n = m * m;
            for (int p = 0; p < n; p++) {
                double v = diag[p] * x[p];
                if (p + 1 < n) v -= east[p] * x[p + 1];
                if (p >= 1) v -= east[p - 1] * x[p - 1];
                if (p + m < n) v -= south[p] * x[p + m];
                if (p >= m) v -= south[p - m] * x[p - m];
                y[p] = v;
            }
        }

        /** z = M⁻¹ r for the preconditioner. */
        void precondition(Preconditioner kind, double[] r, double[] z) {
            int n = m * m;
            if (kind == Preconditioner.JACOBI) {
                for (int p = 0; p < n; p++) z[p] = r[p] / diag[p];
                return;
            }
            // SSOR: M = (D + ωL) D⁻¹ (D + ωU) / (ω(2 − ω)); forward sweep, scale by D, backward sweep.
            double w = SSOR_OMEGA;
            for (int p = 0; p < n; p++) {
                double v = r[p];
                if (p >= 1) v += w * east[p - 1] * z[p - 1];
                if (p >= m) v += w * south[p - m] * z[p - m];
                z[p] = v / diag[p];
            }
            for (int p = 0; p < n; p++) z[p] *= diag[p];
            double scale = w * (2 - w);
            for (int p = n - 1; p >= 0; p--) {
                double v = z[p];
                if (p + 1 < n) v += w * east[p] * z[p + 1];
                if (p + m < n) v += w * south[p] * z[p + m];
                z[p] = v / diag[p];
            }
            for (int p = 0; p < n; p++) z[p] *= scale;
        }
    }

    /** Preconditioned CG from x until the recurrence's residual is at most {@code target}; returns the iterations. */
    private static int cg(Operator op, double[] b, double[] x, double target, int maxIterations, Preconditioner kind) {
        int n = b.length;
        double[] r = new double[n], z = new double[n], p = new double[n], q = new double[n];
        op.apply(x, q);
        for (int i = 0; i < n; i++) r[i] = b[i] - q[i];
        if (Math.sqrt(dot(r, r)) <= target) return 0;
        op.precondition(kind, r, z);
        System.arraycopy(z, 0, p, 0, n);
        double rz = dot(r, z);
        for (int it = 1; it <= maxIterations; it++) {
            op.apply(p, q);
            double alpha = rz / dot(p, q);
            double rr = 0;
            for (int i = 0; i < n; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * q[i];
                rr += r[i] * r[i];
            }
            if (Math.sqrt(rr) <= target) return it;
            op.precondition(kind, r, z);
            double rzNext = dot(r, z), beta = rzNext / rz;
            rz = rzNext;
            for (int i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
        }
        return maxIterations;
    }

    private static double trueResidual(Operator op, double[] b, double[] x) {
        double[] ax = new double[b.length];
        op.apply(x, ax);
        double s = 0;
        for (int i = 0; i < b.length; i++) s += (b[i] - ax[i]) * (b[i] - ax[i]);
        return Math.sqrt(s);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
