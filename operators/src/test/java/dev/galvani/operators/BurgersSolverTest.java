package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.Generator;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The Burgers solver of operators.md §5.2 against the Cole–Hopf solution
 * {@code u = −2ν φ_x / φ} of the heat-equation solution {@code φ = a + b e^{−νk²t} cos kx}, k = 2π:
 *
 * <pre>
 * u(x, t) = 2νbk e^{−νk²t} sin kx / (a + b e^{−νk²t} cos kx)
 * </pre>
 *
 * (b/a = 0.9: a steep, strongly nonlinear profile). ETDRK4 is fourth order in time; the test prints
 * the observed orders.
 */
class BurgersSolverTest {

    static double coleHopf(double x, double t, double nu, double a, double b) {
        double k = 2 * Math.PI, decay = Math.exp(-nu * k * k * t);
        return 2 * nu * b * k * decay * Math.sin(k * x) / (a + b * decay * Math.cos(k * x));
    }

    static double maxError(double[] u, double t, double nu, double a, double b) {
        double e = 0;
        for (int j = 0; j < u.length; j++) e = Math.max(e, Math.abs(u[j] - coleHopf((double) j / u.length, t, nu, a, b)));
        return e;
    }

    @Test void convergesAtFourthOrderToTheColeHopfSolution() {
        int s = 256;
        double nu = 0.1, a = 1, b = 0.9, time = 0.5;
        double[] u0 = new double[s];
        for (int j = 0; j < s; j++) u0[j] = coleHopf((double) j / s, 0, nu, a, b);
        var solver = new BurgersSolver(s, nu);
        int[] steps = {8, 16, 32, 64};
        double[] err = new double[steps.length];
        for (int i = 0; i < steps.length; i++) err[i] = maxError(solver.solve(u0, time, steps[i]), time, nu, a, b);
        StringBuilder report = new StringBuilder("Burgers ETDRK4 vs Cole-Hopf (nu = 0.1, s = 256, T = 0.5): max errors");
        for (int i = 0; i < steps.length; i++) report.append(String.format(Locale.ROOT, " %d steps %.3e", steps[i], err[i]));
        report.append("; observed orders");
        for (int i = 1; i < steps.length; i++) report.append(String.format(Locale.ROOT, " %.2f", Math.log(err[i - 1] / err[i]) / Math.log(2)));
        System.out.println(report);
        for (int i = 1; i < steps.length; i++) {
            double order = Math.log(err[i - 1] / err[i]) / Math.log(2);
            assertTrue(order > 3.6 && order < 4.6, report.toString());
        }
        assertTrue(err[steps.length - 1] < 1e-7, report.toString());
    }

    @Test void theSolutionIsExactInSpaceWhenTheTimeStepIsSmall() {
        // The spatial error of the Fourier method decays like ρ^{s/3} with ρ = (a − √(a² − b²))/b ≈ 0.63 here.
        int s = 128;
        double nu = 0.1, a = 1, b = 0.9, time = 0.1;
        double[] u0 = new double[s];
        for (int j = 0; j < s; j++) u0[j] = coleHopf((double) j / s, 0, nu, a, b);
        assertEquals(0, maxError(new BurgersSolver(s, nu).solve(u0, time, 200), time, nu, a, b), 1e-9);
    }

    @Test void meanIsConservedAndEnergyDecaysOnARandomInitialCondition() {
        // ∫u is invariant ((u²/2)_x and u_xx integrate to zero); ∫u² decreases (d/dt ∫u²/2 = −ν∫u_x²).
        int s = 512;
        double[] u0 = PeriodicRandomField1d.burgers(s).sample(new Generator(1, 0));
        for (int j = 0; j < s; j++) u0[j] += 0.3;
        double[] u = new BurgersSolver(s, 0.1).solve(u0, 1, 200);
        double mean0 = 0, mean1 = 0, e0 = 0, e1 = 0;
        for (int j = 0; j < s; j++) {
            mean0 += u0[j] / s;
            mean1 += u[j] / s;
            e0 += u0[j] * u0[j] / s;
            e1 += u[j] * u[j] / s;
        }
        assertEquals(mean0, mean1, 1e-12);
        assertTrue(e1 < e0, e1 + " vs " + e0);
    }

    @Test void aBatchIsSolvedExactlyAsEachAlone() {
        int s = 64;
        var field = PeriodicRandomField1d.burgers(s);
        var solver = new BurgersSolver(s, 0.1);
        double[][] u0 = new double[3][];
        for (int i = 0; i < 3; i++) u0[i] = field.sample(new Generator(9, i));
        double[][] together = solver.solve(u0, 0.5, 10);
        for (int i = 0; i < 3; i++) assertArrayEquals(solver.solve(u0[i], 0.5, 10), together[i], "sample " + i);
    }
}
