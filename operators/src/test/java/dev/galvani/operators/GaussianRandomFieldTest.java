package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.Generator;
import org.junit.jupiter.api.Test;

/** The cosine-form random field of operators.md §5.1. */
class GaussianRandomFieldTest {

    @Test void theDctBasisIsOrthonormal() {
        for (int s : new int[]{5, 8, 13}) {
            double[] d = GaussianRandomField.dctBasis(s);
            for (int a = 0; a < s; a++)
                for (int b = 0; b < s; b++) {
                    double dot = 0;
                    for (int n = 0; n < s; n++) dot += d[a * s + n] * d[b * s + n];
                    assertEquals(a == b ? 1 : 0, dot, 1e-12);
                }
        }
    }

    @Test void oneCoefficientSynthesisesOneCosineProduct() {
        // idct2 of a single coefficient at (k1, k2) is w_k1 w_k2 cos(π(2n1+1)k1/2s) cos(π(2n2+1)k2/2s).
        int s = 7, k1 = 2, k2 = 5;
        var grf = new GaussianRandomField(s, 2, 3);
        double[] l = new double[s * s];
        l[k1 * s + k2] = 1;
        double[] u = grf.inverseDct2(l);
        double w = Math.sqrt(2.0 / s) * Math.sqrt(2.0 / s);
        for (int n1 = 0; n1 < s; n1++)
            for (int n2 = 0; n2 < s; n2++)
                assertEquals(w * Math.cos(Math.PI * (2 * n1 + 1) * k1 / (2.0 * s)) * Math.cos(Math.PI * (2 * n2 + 1) * k2 / (2.0 * s)), u[n1 * s + n2], 1e-14);
    }

    @Test void theScalesAreTheSpectrumOfTheReference() {
        int s = 9;
        double alpha = 2, tau = 3;
        double[] c = new GaussianRandomField(s, alpha, tau).scales();
        assertEquals(0, c[0], "the constant mode is removed");
        // (k1, k2) = (1, 2): s τ^{α−1} (π² · 5 + τ²)^{−α/2} = 9 · 3 / (5π² + 9).
        assertEquals(9 * 3 / (5 * Math.PI * Math.PI + 9), c[1 * s + 2], 1e-14);
    }

    @Test void samplesHaveZeroMeanAndThePredictedVariance() {
        int s = 16, samples = 600;
        var grf = new GaussianRandomField(s, 2, 3);
        int[][] points = {{0, 0}, {3, 11}, {8, 8}};
        double[] sum = new double[points.length], sumSq = new double[points.length];
        for (int i = 0; i < samples; i++) {
            double[] u = grf.sample(new Generator(100, (long) i << 32));
            for (int p = 0; p < points.length; p++) {
                double v = u[points[p][0] * s + points[p][1]];
                sum[p] += v;
                sumSq[p] += v * v;
            }
        }
        for (int p = 0; p < points.length; p++) {
            double var = grf.variance(points[p][0], points[p][1]), mean = sum[p] / samples, second = sumSq[p] / samples;
            // Standard errors for 600 Gaussian draws: mean ±sqrt(var/600), second moment ±var·sqrt(2/600) (about 6 %).
            assertTrue(Math.abs(mean) < 4 * Math.sqrt(var / samples), "mean " + mean + " at point " + p);
            assertTrue(Math.abs(second / var - 1) < 4 * Math.sqrt(2.0 / samples), "second moment " + second + " vs variance " + var + " at point " + p);
        }
    }
}
