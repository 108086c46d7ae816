package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.galvani.nn.F;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Relative L2 and H1 (operators.md §6) against hand-worked values and a naive DFT. */
class OperatorLossesTest {

    @Test void relativeL2IsPerSampleThenReduced() {
        // Sample 0: target (3, 4), |y| = 5, error (0.5, 1.2), |e| = 1.3: 0.26. Sample 1: target (6, 8), |y| = 10, error (-3, 4): 0.5.
        Tensor y = Tensor.of(new double[]{3, 4, 6, 8}, 2, 1, 2);
        Tensor p = Tensor.of(new double[]{3.5, 5.2, 3, 12}, 2, 1, 2);
        assertArrayEquals(new double[]{0.26, 0.5}, OperatorLosses.relativeL2(p, y, F.Reduction.NONE).toDoubleArray(), 1e-12);
        assertEquals(0.38, OperatorLosses.relativeL2(p, y).itemDouble(), 1e-12);
        assertEquals(0.76, OperatorLosses.relativeL2(p, y, F.Reduction.SUM).itemDouble(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> OperatorLosses.relativeL2(p, y.reshape(2, 2)));
    }

    @Test void wavenumbersFollowTheReferenceOrder() {
        // n = 6: 0 1 2 -3 -2 -1; n = 5 (arange(0, 2), arange(-3, 0)): 0 1 -3 -2 -1.
        int[] even = new int[6], odd = new int[5];
        for (int j = 0; j < 6; j++) even[j] = OperatorLosses.wavenumber(j, 6, 0);
        for (int j = 0; j < 5; j++) odd[j] = OperatorLosses.wavenumber(j, 5, 0);
        assertArrayEquals(new int[]{0, 1, 2, 3, 2, 1}, even);
        assertArrayEquals(new int[]{0, 1, 3, 2, 1}, odd);
        assertEquals(0, OperatorLosses.wavenumber(3, 6, 3), "|k| >= maxK counts as 0");
        assertEquals(2, OperatorLosses.wavenumber(2, 6, 3));
    }

    @Test void relativeH1MatchesANaiveDft() {
        Generator gen = new Generator(7);
        for (int maxK : new int[]{0, 3}) {
            int b = 3, c = 2, h = 7, w = 6;
            Tensor y = Tensor.randn(gen, DType.F64, b, c, h, w), p = y.add(Tensor.randn(gen, DType.F64, b, c, h, w).mul(0.3));
            double[] got = OperatorLosses.relativeH1(p, y, maxK, F.Reduction.NONE).toDoubleArray();
            double[] yd = y.toDoubleArray(), pd = p.toDoubleArray();
            for (int s = 0; s < b; s++) {
                double num = 0, den = 0;
                for (int ch = 0; ch < c; ch++)
                    for (int k1 = 0; k1 < h; k1++)
                        for (int k2 = 0; k2 < w; k2++) {
                            double er = 0, ei = 0, yr = 0, yi = 0;
                            for (int i = 0; i < h; i++)
                                for (int j = 0; j < w; j++) {
                                    double angle = -2 * Math.PI * ((double) k1 * i / h + (double) k2 * j / w);
                                    int at = ((s * c + ch) * h + i) * w + j;
                                    double e = pd[at] - yd[at];
                                    er += e * Math.cos(angle);
                                    ei += e * Math.sin(angle);
                                    yr += yd[at] * Math.cos(angle);
                                    yi += yd[at] * Math.sin(angle);
                                }
                            double kx = Math.abs(k1 < h / 2 ? k1 : k1 - h), ky = Math.abs(k2 < w / 2 ? k2 : k2 - w);
                            if (maxK > 0 && kx >= maxK) kx = 0;
                            if (maxK > 0 && ky >= maxK) ky = 0;
                            double weight = 1 + kx * kx + ky * ky;
                            num += weight * (er * er + ei * ei);
                            den += weight * (yr * yr + yi * yi);
                        }
                assertEquals(Math.sqrt(num / den), got[s], 1e-12, "sample " + s + ", maxK " + maxK);
            }
        }
    }

    @Test void relativeH1WithEveryWeightOneIsRelativeL2ByParseval() {
        Generator gen = new Generator(8);
        Tensor y = Tensor.randn(gen, DType.F64, 4, 1, 9, 9), p = Tensor.randn(gen, DType.F64, 4, 1, 9, 9);
        // maxK = 1 sends every |k| >= 1 to 0: all weights are 1, and the spectral norm is the L2 norm times sqrt(n).
        assertArrayEquals(OperatorLosses.relativeL2(p, y, F.Reduction.NONE).toDoubleArray(),
                OperatorLosses.relativeH1(p, y, 1, F.Reduction.NONE).toDoubleArray(), 1e-12);
    }

    @Test void relativeH1WeighsRoughErrorsMoreThanRelativeL2() {
        // The same L2 error as a smooth and as a checkerboard pattern: H1 sees the checkerboard's high wavenumbers.
        int n = 8;
        double[] y = new double[n * n], smooth = new double[n * n], rough = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                y[i * n + j] = 1 + Math.cos(2 * Math.PI * i / n);
                smooth[i * n + j] = y[i * n + j] + 0.1;
                rough[i * n + j] = y[i * n + j] + 0.1 * ((i + j) % 2 == 0 ? 1 : -1);
            }
        Tensor t = Tensor.of(y, 1, n, n);
        double l2Smooth = OperatorLosses.relativeL2(Tensor.of(smooth, 1, n, n), t).itemDouble();
        double l2Rough = OperatorLosses.relativeL2(Tensor.of(rough, 1, n, n), t).itemDouble();
        assertEquals(l2Smooth, l2Rough, 1e-12);
        double h1Smooth = OperatorLosses.relativeH1(Tensor.of(smooth, 1, n, n), t, 0, F.Reduction.MEAN).itemDouble();
        double h1Rough = OperatorLosses.relativeH1(Tensor.of(rough, 1, n, n), t, 0, F.Reduction.MEAN).itemDouble();
        // Error spectra: the constant sits at k = 0 (weight 1); the checkerboard at (4, 4) (FFT order: -4, weight 33).
        // Target spectrum: energy n^2 at k = 0 and n^2/4 at kx = ±1 (weight 2), so the squared norm is n^2 (1 + 2 · 2/4) = 2 n^2.
        double errorEnergy = 0.01 * n * n * n * n;
        assertEquals(Math.sqrt(errorEnergy / (2.0 * n * n * n * n)), h1Smooth, 1e-12);
        assertEquals(Math.sqrt(33 * errorEnergy / (2.0 * n * n * n * n)), h1Rough, 1e-12);
    }
}
