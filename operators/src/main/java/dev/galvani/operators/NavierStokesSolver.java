package dev.galvani.operators;

import java.util.function.IntConsumer;

/**
 * The two-dimensional Navier–Stokes equations in vorticity form on the unit torus (operators.md §5.3,
 * FNO's {@code ns_2d.py}):
 *
 * <pre>
 * ∂_t w + u·∇w = νΔw + f,   −Δψ = w,   u = (ψ_y, −ψ_x)
 * </pre>
 *
 * on the {@code s × s} grid {@code x_i = i/s} (first axis x, second y), pseudo-spectral with the
 * real half-spectrum {@code ŵ} ({@code [s, s/2 + 1]}, wavenumbers in FFT order). One step of size
 * dt, exactly the reference's scheme (Crank–Nicolson for the viscosity, explicit advection and
 * forcing), with {@code |k|² = 4π²(k_x² + k_y²)}:
 *
 * <pre>
 * ψ̂ = ŵ / |k|²  (|k|² taken as 1 at k = 0);   u = ψ_y, v = −ψ_x, w_x, w_y by spectral derivatives
 * F = u w_x + v w_y on the grid, F̂ zeroed outside the 2/3 mask |k_x|, |k_y| ≤ (2/3)(s/2)
 * ŵ ← (−dt F̂ + dt f̂ + (1 − ½ dt ν|k|²) ŵ) / (1 + ½ dt ν|k|²)
 * </pre>
 *
 * The viscous part is second order in dt; the explicit advection makes the scheme first order
 * when the flow is nonlinear (both are printed by the tests). The reference's forcing is
 * {@link #referenceForcing}; dt = 1e-4.
 */
public final class NavierStokesSolver {

    /** The reference's time step (§5.3). */
    public static final double REFERENCE_DT = 1e-4;

    /** Points per axis. */
    public final int size;
    /** The viscosity ν. */
    public final double viscosity;
    /** The time step. */
    public final double dt;
    private final int half;               // s/2 + 1 columns
    private final double[] kx, ky;        // 2π k_x, 2π k_y per bin of [s, s/2 + 1]
    private final double[] laplacian;     // |k|², 1 at k = 0
    private final boolean[] kept;         // the 2/3 mask
    private final double[] forcingRe, forcingIm;

    /**
     * A solver on {@code s × s} with viscosity ν, time step dt and a time-independent forcing.
     * @param s points per axis (even)
     * @param viscosity ν, positive
     * @param dt the time step
     * @param forcing f on the grid, row-major {@code s × s}, or null for none
     */
    public NavierStokesSolver(int s, double viscosity, double dt, double[] forcing) {
        if (s < 4 || s % 2 != 0) throw new IllegalArgumentException("NavierStokesSolver: the grid size must be even and at least 4, got " + s);
        if (!(viscosity > 0) || !(dt > 0)) throw new IllegalArgumentException("NavierStokesSolver: viscosity and dt must be positive, got " + viscosity + ", " + dt);
        if (forcing != null && forcing.length != s * s) throw new IllegalArgumentException("NavierStokesSolver: expected a forcing of " + s * s + " points, got " + forcing.length);
        this.size = s;
        this.viscosity = viscosity;
        this.dt = dt;
        half = s / 2 + 1;
        int n = s * half;
        kx = new double[n];
        ky = new double[n];
        laplacian = new double[n];
        kept = new boolean[n];
        for (int i = 0; i < s; i++)
            for (int j = 0; j < half; j++) {
                int p = i * half + j, a = Fourier.wavenumber(i, s), b = Fourier.wavenumber(j, s);
                kx[p] = 2 * Math.PI * a;
                ky[p] = 2 * Math.PI * b;
                laplacian[p] = kx[p] * kx[p] + ky[p] * ky[p];
                kept[p] = 3 * Math.abs(a) <= s && 3 * Math.abs(b) <= s;   // |k| ≤ (2/3) k_max, k_max = s/2
            }
        laplacian[0] = 1;
        if (forcing != null) {
            double[][] f = Fourier.rfft2(forcing, s);
            forcingRe = f[0];
            forcingIm = f[1];
        } else {
            forcingRe = new double[n];
            forcingIm = new double[n];
        }
    }

    /** The reference's forcing {@code f = 0.1 (sin 2π(x + y) + cos 2π(x + y))} on {@code linspace(0, 1, s + 1)[:-1]}, row-major (x first). */
    public static double[] referenceForcing(int s) {
        double[] f = new double[s * s];
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++) {
                double phase = 2 * Math.PI * ((double) i / s + (double) j / s);
                f[i * s + j] = 0.1 * (Math.sin(phase) + Math.cos(phase));
            }
        return f;
    }

    /**
     * Advances {@code w0} by {@code steps} steps, recording w after every {@code recordEvery} steps.
     * @param w0 the initial vorticity, row-major {@code s × s}
     * @param steps time steps
     * @param recordEvery steps between records (a divisor of steps)
     * @param onStep called with the step count after each step (progress), or null
     * @return the {@code steps / recordEvery} recorded fields, at times {@code r · recordEvery · dt}, r = 1, 2, …
     */
    public double[][] solve(double[] w0, int steps, int recordEvery, IntConsumer onStep) {
        if (w0.length != size * size) throw new IllegalArgumentException("NavierStokesSolver: expected " + size * size + " points, got " + w0.length);
        if (steps < 1 || recordEvery < 1 || steps % recordEvery != 0)
            throw new IllegalArgumentException("NavierStokesSolver: recordEvery must divide steps, got " + steps + ", " + recordEvery);
        double[][] w = Fourier.rfft2(w0, size);
        double[][] records = new double[steps / recordEvery][];
        for (int n = 1; n <= steps; n++) {
            step(w[0], w[1]);
            if (n % recordEvery == 0) records[n / recordEvery - 1] = Fourier.irfft2(w[0], w[1], size);
            if (onStep != null) onStep.accept(n);
        }
        return records;
    }

    /** One step of §5.3's scheme on the half-spectrum {@code (re, im)}, in place. */
    void step(double[] re, double[] im) {
        double[][] f = advection(re, im);
        for (int p = 0; p < re.length; p++) {
            double nuK = 0.5 * dt * viscosity * (p == 0 ? 0 : laplacian[p]);
            double fr = kept[p] ? f[0][p] : 0, fi = kept[p] ? f[1][p] : 0;
            re[p] = (-dt * fr + dt * forcingRe[p] + (1 - nuK) * re[p]) / (1 + nuK);
            im[p] = (-dt * fi + dt * forcingIm[p] + (1 - nuK) * im[p]) / (1 + nuK);
        }
    }

    /** The half-spectrum of {@code F = u w_x + v w_y} (before the mask) for the vorticity spectrum {@code (re, im)}. */
    double[][] advection(double[] re, double[] im) {
        int n = re.length;
        double[] ur = new double[n], ui = new double[n], vr = new double[n], vi = new double[n];
        double[] xr = new double[n], xi = new double[n], yr = new double[n], yi = new double[n];
        for (int p = 0; p < n; p++) {
            double pr = re[p] / laplacian[p], pi = im[p] / laplacian[p];
            // ∂ ↦ i k:  i k (a + ib) = −k b + i k a
            ur[p] = -ky[p] * pi;  ui[p] = ky[p] * pr;     // u = ψ_y
            vr[p] = kx[p] * pi;   vi[p] = -kx[p] * pr;    // v = −ψ_x
            xr[p] = -kx[p] * im[p]; xi[p] = kx[p] * re[p]; // w_x
            yr[p] = -ky[p] * im[p]; yi[p] = ky[p] * re[p]; // w_y
        }
        double[] u = Fourier.irfft2(ur, ui, size), v = Fourier.irfft2(vr, vi, size);
        double[] wx = Fourier.irfft2(xr, xi, size), wy = Fourier.irfft2(yr, yi, size);
        for (int q = 0; q < u.length; q++) u[q] = u[q] * wx[q] + v[q] * wy[q];
        return Fourier.rfft2(u, size);
    }
}
