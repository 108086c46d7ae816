package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.Generator;
import org.junit.jupiter.api.Test;

/** The Darcy solver (operators.md §5.1) against a manufactured solution, and its residual checked by an independent stencil. */
class DarcySolverTest {

    // u = sin(πx) sin(πy) vanishes on the boundary; a = 2 + sin(2πx) cos(πy) lies in [1, 3].
    static double u(double x, double y) { return Math.sin(Math.PI * x) * Math.sin(Math.PI * y); }
    static double a(double x, double y) { return 2 + Math.sin(2 * Math.PI * x) * Math.cos(Math.PI * y); }

    /** f = −∇·(a∇u) = −a_x u_x − a_y u_y − a Δu, worked out by hand for the functions above. */
    static double f(double x, double y) {
        double pi = Math.PI;
        double ux = pi * Math.cos(pi * x) * Math.sin(pi * y), uy = pi * Math.sin(pi * x) * Math.cos(pi * y);
        double ax = 2 * pi * Math.cos(2 * pi * x) * Math.cos(pi * y), ay = -pi * Math.sin(2 * pi * x) * Math.sin(pi * y);
        return -ax * ux - ay * uy + 2 * pi * pi * a(x, y) * u(x, y);
    }

    static double maxError(int k, DarcySolver.Preconditioner pc) {
        double h = 1.0 / (k - 1);
        double[] av = new double[k * k], fv = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) {
                av[i * k + j] = a(i * h, j * h);
                fv[i * k + j] = f(i * h, j * h);
            }
        var r = DarcySolver.solve(av, fv, k, 1e-12, 100_000, pc);
        double err = 0;
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) err = Math.max(err, Math.abs(r.u()[i * k + j] - u(i * h, j * h)));
        return err;
    }

    @Test void convergesAtSecondOrderToAManufacturedSolution() {
        int[] sizes = {17, 33, 65, 129};
        double[] errors = new double[sizes.length];
        for (int s = 0; s < sizes.length; s++) errors[s] = maxError(sizes[s], DarcySolver.Preconditioner.SSOR);
        StringBuilder report = new StringBuilder("Darcy solver, manufactured solution, max error and observed order:\n");
        for (int s = 0; s < sizes.length; s++) {
            report.append(String.format("  K = %4d  h = 1/%-4d  error %.3e", sizes[s], sizes[s] - 1, errors[s]));
            if (s > 0) report.append(String.format("  order %.3f", Math.log(errors[s - 1] / errors[s]) / Math.log(2)));
            report.append('\n');
        }
        System.out.print(report);
        for (int s = 1; s < sizes.length; s++) {
            double order = Math.log(errors[s - 1] / errors[s]) / Math.log(2);
            assertTrue(order > 1.9 && order < 2.1, report.toString());
        }
        assertEquals(errors[2], maxError(65, DarcySolver.Preconditioner.JACOBI), 1e-9, "both preconditioners reach the same discrete solution");
    }

    @Test void theToleranceIsHonouredOnAPiecewiseConstantCoefficient() {
        int k = 61;
        var grf = new GaussianRandomField(k, 2, 3);
        double[] field = grf.sample(new Generator(11)), av = new double[k * k], fv = new double[k * k];
        for (int i = 0; i < av.length; i++) {
            av[i] = field[i] >= 0 ? 12 : 3;
            fv[i] = 1;
        }
        for (double tol : new double[]{1e-4, 1e-8, 1e-11}) {
            var r = DarcySolver.solve(av, fv, k, tol, 100_000, DarcySolver.Preconditioner.SSOR);
            double independent = residual(av, fv, r.u(), k);
            assertTrue(independent <= tol, "tolerance " + tol + ": residual " + independent);
            assertEquals(independent, r.relativeResidual(), 1e-6 * tol + 1e-14);
            for (int i = 0; i < k; i++) assertTrue(r.u()[i] == 0 && r.u()[i * k] == 0 && r.u()[(k - 1) * k + i] == 0 && r.u()[i * k + k - 1] == 0);
        }
        var jacobi = DarcySolver.solve(av, fv, k, 1e-8, 100_000, DarcySolver.Preconditioner.JACOBI);
        var ssor = DarcySolver.solve(av, fv, k, 1e-8, 100_000, DarcySolver.Preconditioner.SSOR);
        assertTrue(ssor.iterations() < jacobi.iterations() / 2, "SSOR " + ssor.iterations() + " vs Jacobi " + jacobi.iterations() + " iterations");
        assertThrows(IllegalStateException.class, () -> DarcySolver.solve(av, fv, k, 1e-12, 3, DarcySolver.Preconditioner.JACOBI));
        av[5 * k + 5] = 0;
        assertThrows(IllegalArgumentException.class, () -> DarcySolver.solve(av, fv, k, 1e-8, 1000, DarcySolver.Preconditioner.SSOR));
    }

    /** ‖f − A u‖ / ‖f‖ over the interior, from the stencil of §5.1 written out again (times h²). */
    static double residual(double[] a, double[] f, double[] u, int k) {
        double h = 1.0 / (k - 1), num = 0, den = 0;
        for (int i = 1; i < k - 1; i++)
            for (int j = 1; j < k - 1; j++) {
                double c = a[i * k + j], uij = u[i * k + j];
                double lhs = (c + a[(i + 1) * k + j]) / 2 * (uij - u[(i + 1) * k + j]) + (c + a[(i - 1) * k + j]) / 2 * (uij - u[(i - 1) * k + j])
                        + (c + a[i * k + j + 1]) / 2 * (uij - u[i * k + j + 1]) + (c + a[i * k + j - 1]) / 2 * (uij - u[i * k + j - 1]);
                double rhs = f[i * k + j] * h * h;
                num += (rhs - lhs) * (rhs - lhs);
                den += rhs * rhs;
            }
        return Math.sqrt(num / den);
    }
}
