package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The periodic random fields of operators.md §5.2 (Burgers) and §5.3 (Navier–Stokes): each sample
 * equals the reference's sum written out with naive trigonometric loops, and the sample spectra,
 * measured by a naive DFT, match the analytic covariance within four standard errors of the mean
 * of N draws (|X|² of a complex Gaussian is exponential: relative standard error 1/√N; √2/√N for
 * a real one).
 */
class PeriodicRandomFieldTest {

    @Test void theBurgersFieldHasTheReferenceParameters() {
        var f = PeriodicRandomField1d.burgers(16);
        assertEquals(25, f.sigma);
        assertEquals(5, f.tau);
        assertEquals(2, f.gamma);
        // e_k = √2 σ ((2πk)² + τ²)^{−γ/2}: the KL amplitude of 625(−Δ + 25)^{−2} in the basis √2 cos, √2 sin.
        assertEquals(Math.sqrt(2) * 25 / (4 * Math.PI * Math.PI * 9 + 25), f.amplitude(3), 1e-15);
        assertEquals(0, f.amplitude(0));
    }

    @Test void aOneDimensionalSampleIsTheTrigonometricSumOfItsNormals() {
        int s = 24;
        var field = new PeriodicRandomField1d(s, 3, 2, 1.5);
        double[] u = field.sample(new Generator(5, 9));
        double[] z = Tensor.randn(new Generator(5, 9), DType.F64, s / 2, 2).toDoubleArray();
        for (int j = 0; j < s; j++) {
            double x = (double) j / s, expected = 0;
            for (int k = 1; k <= s / 2; k++)
                expected += field.amplitude(k) * (z[2 * (k - 1)] * Math.cos(2 * Math.PI * k * x) + z[2 * k - 1] * Math.sin(2 * Math.PI * k * x));
            assertEquals(expected, u[j], 1e-12, "point " + j);
        }
        assertArrayEquals(u, field.sample(new Generator(5, 9)), "a seed gives one sample");
    }

    @Test void oneDimensionalSpectraAndVarianceMatchTheCovariance() {
        int s = 32, n = 800;
        var field = PeriodicRandomField1d.burgers(s);
        double[] power = new double[s / 2 + 1];
        double second = 0;
        for (int i = 0; i < n; i++) {
            double[] u = field.sample(new Generator(11, (long) i << 32));
            for (int k = 0; k <= s / 2; k++) power[k] += naivePower1d(u, k) / n;
            for (double v : u) second += v * v / ((double) n * s);
        }
        assertEquals(0, power[0], 1e-20, "zero mean mode");
        double tol = 4 * Math.sqrt(2.0 / n);
        for (int k = 1; k <= s / 2; k++) {
            // X_k = (1/s) Σ u_j e^{−2πikj/s} = e_k (ξ − iη)/2, so E|X_k|² = e_k²/2; at k = s/2, X = e ξ and E|X|² = e².
            double expected = field.amplitude(k) * field.amplitude(k) * (k < s / 2 ? 0.5 : 1);
            assertEquals(1, power[k] / expected, tol, "bin " + k);
        }
        // The pointwise variance C(0) = Σ e_k²; s points per sample are correlated, so the same 4√(2/N) bound is generous.
        assertEquals(1, second / field.covariance(0), tol);
    }

    @Test void aTwoDimensionalSampleIsTheReferencesInverseDft() {
        int s = 8;
        var field = PeriodicRandomField2d.navierStokes(s);
        assertEquals(Math.pow(7, 1.5), field.sigma, 1e-12, "σ = τ^{0.5(2α − d)} = 7^{1.5}");
        double[] w = field.sample(new Generator(3, 4));
        double[] z = Tensor.randn(new Generator(3, 4), DType.F64, s, s, 2).toDoubleArray();
        for (int j1 = 0; j1 < s; j1++)
            for (int j2 = 0; j2 < s; j2++) {
                double expected = 0;
                for (int i1 = 0; i1 < s; i1++)
                    for (int i2 = 0; i2 < s; i2++) {
                        int k1 = i1 < s / 2 ? i1 : i1 - s, k2 = i2 < s / 2 ? i2 : i2 - s;
                        double sqrtLambda = k1 == 0 && k2 == 0 ? 0
                                : s * s * Math.sqrt(2) * Math.pow(7, 1.5) * Math.pow(4 * Math.PI * Math.PI * (k1 * k1 + k2 * k2) + 49, -1.25);
                        double theta = 2 * Math.PI * (i1 * j1 + i2 * j2) / s;
                        int p = i1 * s + i2;
                        expected += sqrtLambda * (z[2 * p] * Math.cos(theta) - z[2 * p + 1] * Math.sin(theta)) / (s * s);
                    }
                assertEquals(expected, w[j1 * s + j2], 1e-12 * Math.abs(expected) + 1e-14, "point " + j1 + ", " + j2);
            }
        assertArrayEquals(w, field.sample(new Generator(3, 4)), "a seed gives one sample");
    }

    @Test void twoDimensionalSpectraAndVarianceMatchTheEigenvalues() {
        int s = 8, n = 800;
        var field = new PeriodicRandomField2d(s, 2, 3);   // slower decay than the reference's, so every bin is well above rounding
        double[] power = new double[s * s];
        double second = 0;
        for (int i = 0; i < n; i++) {
            double[] w = field.sample(new Generator(17, (long) i << 32));
            for (int i1 = 0; i1 < s; i1++)
                for (int i2 = 0; i2 < s; i2++) power[i1 * s + i2] += naivePower2d(w, s, i1, i2) / n;
            for (double v : w) second += v * v / ((double) n * s * s);
        }
        assertEquals(0, power[0], 1e-20);
        double tol = 4 * Math.sqrt(2.0 / n);
        for (int i1 = 0; i1 < s; i1++)
            for (int i2 = 0; i2 < s; i2++)
                if (i1 + i2 > 0) assertEquals(1, power[i1 * s + i2] / field.eigenvalue(i1, i2), tol, "bin " + i1 + ", " + i2);
        // Σ_{k≠0} 2σ²(4π²|k|² + τ²)^{−α}, written out independently of the class.
        double variance = 0, sigma = 3;   // τ^{0.5(2α − 2)} with α = 2, τ = 3
        for (int k1 = -s / 2; k1 < s / 2; k1++)
            for (int k2 = -s / 2; k2 < s / 2; k2++)
                if (k1 != 0 || k2 != 0) variance += 2 * sigma * sigma * Math.pow(4 * Math.PI * Math.PI * (k1 * k1 + k2 * k2) + 9, -2);
        assertEquals(variance, field.variance(), 1e-12 * variance);
        assertEquals(1, second / variance, tol);
    }

    /** |(1/s) Σ_j u_j e^{−2πikj/s}|². */
    static double naivePower1d(double[] u, int k) {
        int s = u.length;
        double re = 0, im = 0;
        for (int j = 0; j < s; j++) {
            re += u[j] * Math.cos(2 * Math.PI * k * j / s) / s;
            im -= u[j] * Math.sin(2 * Math.PI * k * j / s) / s;
        }
        return re * re + im * im;
    }

    /** |Σ_j w_j e^{−2πi(i1 j1 + i2 j2)/s}|² (unnormalised, as the field's λ). */
    static double naivePower2d(double[] w, int s, int i1, int i2) {
        double re = 0, im = 0;
        for (int j1 = 0; j1 < s; j1++)
            for (int j2 = 0; j2 < s; j2++) {
                double theta = 2 * Math.PI * ((i1 * j1 + i2 * j2) % s) / s;
                re += w[j1 * s + j2] * Math.cos(theta);
                im -= w[j1 * s + j2] * Math.sin(theta);
            }
        return re * re + im * im;
    }
}
