package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.Generator;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The vorticity solver of operators.md §5.3 against exact solutions: the advection term against
 * a hand-derived two-mode case; the reference's forcing from rest and a decaying Taylor–Green-type
 * flow (one Laplacian shell, so u·∇w = 0 exactly although each product is not), where only the
 * Crank–Nicolson viscosity errs (order 2); and a random, fully nonlinear flow by self-convergence,
 * where the explicit advection makes the scheme first order. The observed orders are printed.
 */
class NavierStokesSolverTest {

    static double log2(double v) { return Math.log(v) / Math.log(2); }

    @Test void theAdvectionTermIsUDotGradW() {
        // w = A sin 2πx + B cos 4πy: ψ = A sin 2πx/(4π²) + B cos 4πy/(16π²), u = ψ_y = −B sin 4πy/(4π),
        // v = −ψ_x = −A cos 2πx/(2π), so u w_x + v w_y = (−½ + 2) AB cos 2πx sin 4πy.
        int s = 16;
        double a = 0.7, b = -1.3;
        double[] w = new double[s * s];
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++) w[i * s + j] = a * Math.sin(2 * Math.PI * i / s) + b * Math.cos(4 * Math.PI * j / s);
        var solver = new NavierStokesSolver(s, 1e-3, 1e-3, null);
        double[][] wh = Fourier.rfft2(w, s);
        double[][] f = solver.advection(wh[0], wh[1]);
        double[] adv = Fourier.irfft2(f[0], f[1], s);
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++)
                assertEquals(1.5 * a * b * Math.cos(2 * Math.PI * i / s) * Math.sin(4 * Math.PI * j / s), adv[i * s + j], 1e-12, i + ", " + j);
    }

    @Test void theReferenceForcingFromRestConvergesAtSecondOrder() {
        // f depends on x + y only, so is w and u·∇w = ψ'w' − ψ'w' = 0: w = f (1 − e^{−νKt})/(νK), K = 4π²·2.
        int s = 16;
        double nu = 0.01, time = 1, k2 = 8 * Math.PI * Math.PI;
        double[] f = NavierStokesSolver.referenceForcing(s);
        int[] steps = {10, 20, 40, 80};
        double[] err = new double[steps.length];
        for (int r = 0; r < steps.length; r++) {
            var solver = new NavierStokesSolver(s, nu, time / steps[r], f);
            double[] w = solver.solve(new double[s * s], steps[r], steps[r], null)[0];
            double factor = (1 - Math.exp(-nu * k2 * time)) / (nu * k2);
            for (int p = 0; p < w.length; p++) err[r] = Math.max(err[r], Math.abs(w[p] - f[p] * factor));
        }
        assertOrder("NS forced from rest (reference forcing, nu = 0.01, T = 1)", steps, err, 2);
    }

    @Test void aOneShellFlowDecaysExactlyAtSecondOrder() {
        // Modes with |k|² = 5 only: −Δψ = w gives ψ = w/(20π²), u·∇w = 0, w(t) = w0 e^{−20π²νt}.
        int s = 16;
        double nu = 0.005, time = 1, decay = Math.exp(-20 * Math.PI * Math.PI * nu * time);
        double[] w0 = new double[s * s];
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++) {
                double x = (double) i / s, y = (double) j / s;
                w0[i * s + j] = Math.cos(2 * Math.PI * (x + 2 * y)) + Math.sin(2 * Math.PI * (2 * x - y)) + 0.5 * Math.cos(2 * Math.PI * (2 * x + y) + 0.3);
            }
        var check = new NavierStokesSolver(s, nu, 0.01, null);
        double[][] wh = Fourier.rfft2(w0, s);
        double[][] adv = check.advection(wh[0], wh[1]);
        double[] a = Fourier.irfft2(adv[0], adv[1], s);
        for (double v : a) assertEquals(0, v, 1e-10, "u·∇w vanishes on one shell");
        int[] steps = {10, 20, 40, 80};
        double[] err = new double[steps.length];
        for (int r = 0; r < steps.length; r++) {
            double[] w = new NavierStokesSolver(s, nu, time / steps[r], null).solve(w0, steps[r], steps[r], null)[0];
            for (int p = 0; p < w.length; p++) err[r] = Math.max(err[r], Math.abs(w[p] - w0[p] * decay));
        }
        assertOrder("NS one-shell decay (nu = 0.005, T = 1)", steps, err, 2);
    }

    @Test void aRandomForcedFlowConvergesAtFirstOrder() {
        // Self-convergence: differences of solutions at dt, dt/2, dt/4, … shrink by 2^{order}.
        int s = 32;
        double nu = 1e-3, time = 1;
        double[] w0 = PeriodicRandomField2d.navierStokes(s).sample(new Generator(2, 0));
        int[] steps = {25, 50, 100, 200};
        double[][] w = new double[steps.length][];
        for (int r = 0; r < steps.length; r++)
            w[r] = new NavierStokesSolver(s, nu, time / steps[r], NavierStokesSolver.referenceForcing(s)).solve(w0, steps[r], steps[r], null)[0];
        int[] pairs = new int[steps.length - 1];
        double[] diff = new double[steps.length - 1];
        for (int r = 0; r + 1 < steps.length; r++) {
            pairs[r] = steps[r];
            for (int p = 0; p < w[r].length; p++) diff[r] = Math.max(diff[r], Math.abs(w[r][p] - w[r + 1][p]));
        }
        assertOrder("NS random forced flow, self-convergence (s = 32, nu = 1e-3, T = 1)", pairs, diff, 1);
    }

    @Test void recordsAreTakenEveryRecordInterval() {
        int s = 8;
        double[] w0 = PeriodicRandomField2d.navierStokes(s).sample(new Generator(4, 0));
        var solver = new NavierStokesSolver(s, 1e-3, 1e-2, NavierStokesSolver.referenceForcing(s));
        double[][] records = solver.solve(w0, 12, 4, null);
        assertEquals(3, records.length);
        double[] direct = solver.solve(w0, 8, 8, null)[0];
        for (int p = 0; p < direct.length; p++) assertEquals(direct[p], records[1][p], 0, "record 2 is the field after 8 steps");
    }

    static void assertOrder(String what, int[] steps, double[] err, double expected) {
        StringBuilder report = new StringBuilder(what).append(": max errors");
        for (int r = 0; r < steps.length; r++) report.append(String.format(Locale.ROOT, " %d steps %.3e", steps[r], err[r]));
        report.append("; observed orders");
        for (int r = 1; r < steps.length; r++) report.append(String.format(Locale.ROOT, " %.2f", log2(err[r - 1] / err[r])));
        System.out.println(report);
        for (int r = 1; r < steps.length; r++) {
            double order = log2(err[r - 1] / err[r]);
            assertTrue(Math.abs(order - expected) < 0.25, report.toString());
        }
    }
}
