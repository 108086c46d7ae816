package dev.galvani.operators;

import java.util.Arrays;

/**
 * Viscous Burgers' equation {@code u_t + (u²/2)_x = ν u_xx} on the periodic unit interval (operators.md
 * §5.2), pseudo-spectral in space and ETDRK4 in time, in double precision.
 *
 * <p>Space: the real half-spectrum {@code v_m} of u on {@code s} points {@code x_j = j/s}, wavenumbers
 * {@code k_m = 2πm}, m = 0 … s/2. The linear part {@code L = −ν k²} is diagonal; the nonlinear part
 * {@code N(v) = −½ i k · F[(F⁻¹ v)²]} is the square taken on the grid with the 2/3 rule: bins with
 * {@code 3m > s} of the product are zeroed, so what the square aliases onto the kept bins is removed.
 *
 * <p>Time: the exponential time differencing RK4 of Cox and Matthews, with the coefficients
 * {@code f1, f2, f3, Q} evaluated by Kassam and Trefethen's contour integral (the mean over the circle
 * of radius 1 around each {@code Lh}; L is real, so the upper half-circle's M = 32 points and the real
 * part suffice), which avoids the cancellation of their closed forms for small {@code |Lh|}; step h:
 *
 * <pre>
 * a = E₂v + Q N(v);   b = E₂v + Q N(a);   c = E₂a + Q (2N(b) − N(v))
 * v ← E v + f1 N(v) + 2 f2 (N(a) + N(b)) + f3 N(c),    E = e^{Lh}, E₂ = e^{Lh/2}
 * Q = h⟨(e^{z/2} − 1)/z⟩,  f1 = h⟨(−4 − z + e^z(4 − 3z + z²))/z³⟩,  f2 = h⟨(2 + z + e^z(z − 2))/z³⟩,
 * f3 = h⟨(−4 − 3z − z² + e^z(4 − z))/z³⟩,   z = Lh + e^{iθ}
 * </pre>
 *
 * Fourth order in h (the test prints the observed order against the Cole–Hopf solution). The
 * reference's chebfun {@code spin} is the same kind of method (Fourier spectral, ETDRK4).
 */
public final class BurgersSolver {

    /** Points of the contour integral on the upper half-circle (Kassam and Trefethen use 16 there). */
    static final int CONTOUR_POINTS = 32;

    /** Grid points (even). */
    public final int size;
    /** The viscosity ν. */
    public final double viscosity;
    private final double[] k;      // 2πm, m = 0 … s/2
    private final boolean[] kept;  // the 2/3 rule's bins

    /**
     * A solver on {@code s} points with viscosity ν.
     * @param s grid points, even
     * @param viscosity ν, positive
     */
    public BurgersSolver(int s, double viscosity) {
        if (s < 4 || s % 2 != 0) throw new IllegalArgumentException("BurgersSolver: the grid size must be even and at least 4, got " + s);
        if (!(viscosity > 0)) throw new IllegalArgumentException("BurgersSolver: the viscosity must be positive, got " + viscosity);
        this.size = s;
        this.viscosity = viscosity;
        k = new double[s / 2 + 1];
        kept = new boolean[s / 2 + 1];
        for (int m = 0; m <= s / 2; m++) {
            k[m] = 2 * Math.PI * m;
            kept[m] = 3 * m <= s;
        }
    }

    /**
     * u at {@code time} from {@code u0}, in {@code steps} ETDRK4 steps.
     * @param u0 the initial condition on the grid {@code x_j = j/s}
     * @param time the final time
     * @param steps the number of time steps
     * @return u(·, time) on the grid
     */
    public double[] solve(double[] u0, double time, int steps) {
        return solve(new double[][]{u0}, time, steps)[0];
    }

    /**
     * Several initial conditions at once, each exactly as {@link #solve(double[], double, int)} alone:
     * the FFTs transform one sequence per vector lane (a single sequence leaves the other lanes
     * idle), and each sequence's result does not depend on its lane or neighbours.
     * @param u0 the initial conditions, each on the grid
     * @param time the final time
     * @param steps the number of time steps
     * @return u(·, time) per initial condition
     */
    public double[][] solve(double[][] u0, double time, int steps) {
        if (!(time >= 0) || steps < 1) throw new IllegalArgumentException("BurgersSolver: need time >= 0 and steps >= 1, got " + time + ", " + steps);
        int rows = u0.length, h = size / 2 + 1, n = rows * h;
        double[] flat = new double[rows * size];
        for (int r = 0; r < rows; r++) {
            if (u0[r].length != size) throw new IllegalArgumentException("BurgersSolver: expected " + size + " points, got " + u0[r].length);
            System.arraycopy(u0[r], 0, flat, r * size, size);
        }
        Coefficients c = new Coefficients(time / steps);
        double[][] v = Fourier.rfftRows(flat, rows, size);
        double[][] a = new double[2][n], b = new double[2][n], cc = new double[2][n];
        for (int step = 0; step < steps; step++) {
            double[][] nv = nonlinear(v, rows);
            for (int p = 0; p < 2; p++) for (int i = 0; i < n; i++) a[p][i] = c.e2[i % h] * v[p][i] + c.q[i % h] * nv[p][i];
            double[][] na = nonlinear(a, rows);
            for (int p = 0; p < 2; p++) for (int i = 0; i < n; i++) b[p][i] = c.e2[i % h] * v[p][i] + c.q[i % h] * na[p][i];
            double[][] nb = nonlinear(b, rows);
            for (int p = 0; p < 2; p++) for (int i = 0; i < n; i++) cc[p][i] = c.e2[i % h] * a[p][i] + c.q[i % h] * (2 * nb[p][i] - nv[p][i]);
            double[][] nc = nonlinear(cc, rows);
            for (int p = 0; p < 2; p++)
                for (int i = 0; i < n; i++) {
                    int m = i % h;
                    v[p][i] = c.e[m] * v[p][i] + c.f1[m] * nv[p][i] + 2 * c.f2[m] * (na[p][i] + nb[p][i]) + c.f3[m] * nc[p][i];
                }
        }
        double[] u = Fourier.irfftRows(v[0], v[1], rows, size);
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) out[r] = Arrays.copyOfRange(u, r * size, (r + 1) * size);
        return out;
    }

    /** {@code N(v) = −½ i k F[(F⁻¹ v)²]} with the 2/3 rule, on {@code rows} half-spectra {@code {re, im}} ({@code [rows, s/2 + 1]}). */
    double[][] nonlinear(double[][] v, int rows) {
        double[] u = Fourier.irfftRows(v[0], v[1], rows, size);
        for (int j = 0; j < u.length; j++) u[j] *= u[j];
        double[][] sq = Fourier.rfftRows(u, rows, size);
        double[] re = sq[0], im = sq[1];
        for (int i = 0; i < re.length; i++) {
            int m = i % k.length;
            double r = re[i], im0 = im[i], w = kept[m] ? -0.5 * k[m] : 0;
            re[i] = -w * im0;   // −½ i k (r + i·im0) = ½ k im0 − ½ i k r
            im[i] = w * r;
        }
        return sq;
    }

    /** The ETDRK4 coefficients of one step size, per bin (all real: L is real and the contour symmetric). */
    private final class Coefficients {
        final double[] e, e2, q, f1, f2, f3;

        Coefficients(double h) {
            int n = k.length;
            e = new double[n]; e2 = new double[n]; q = new double[n]; f1 = new double[n]; f2 = new double[n]; f3 = new double[n];
            for (int m = 0; m < n; m++) {
                double lh = -viscosity * k[m] * k[m] * h;
                e[m] = Math.exp(lh);
                e2[m] = Math.exp(lh / 2);
                double sq = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int j = 1; j <= CONTOUR_POINTS; j++) {
                    double theta = Math.PI * (j - 0.5) / CONTOUR_POINTS;
                    Complex z = new Complex(lh + Math.cos(theta), Math.sin(theta));
                    Complex ez = z.exp(), ez2 = z.scale(0.5).exp(), z3 = z.times(z).times(z);
                    sq += ez2.plus(-1).div(z).re;
                    s1 += z.scale(-1).plus(-4).plus(ez.times(z.times(z).plus(z.scale(-3)).plus(4))).div(z3).re;
                    s2 += z.plus(2).plus(ez.times(z.plus(-2))).div(z3).re;
                    s3 += z.times(z).scale(-1).plus(z.scale(-3)).plus(-4).plus(ez.times(z.scale(-1).plus(4))).div(z3).re;
                }
                // The points come in conjugate pairs, so each mean is real: keep the real parts.
                q[m] = h * sq / CONTOUR_POINTS;
                f1[m] = h * s1 / CONTOUR_POINTS;
                f2[m] = h * s2 / CONTOUR_POINTS;
                f3[m] = h * s3 / CONTOUR_POINTS;
            }
        }
    }

    /** Just enough complex arithmetic for the contour integral. */
    private record Complex(double re, double im) {
        Complex plus(double v) { return new Complex(re + v, im); }
        Complex plus(Complex o) { return new Complex(re + o.re, im + o.im); }
        Complex scale(double v) { return new Complex(re * v, im * v); }
        Complex times(Complex o) { return new Complex(re * o.re - im * o.im, re * o.im + im * o.re); }
        Complex div(Complex o) {
            double d = o.re * o.re + o.im * o.im;
            return new Complex((re * o.re + im * o.im) / d, (im * o.re - re * o.im) / d);
        }
        Complex exp() {
            double r = Math.exp(re);
            return new Complex(r * Math.cos(im), r * Math.sin(im));
        }
    }
}
