package dev.galvani.delay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.GradCheck;
import dev.galvani.delay.DelayKernel.Version;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kernel construction against the DCLS reference's test vectors (§14) and its analytic gradients (§10). */
class DelayKernelTest {

    private static Tensor one(double v) { return Tensor.full(DType.F64, v, 1, 1, 1, 1); }

    private static double[] taps(Version version, double p, double sigma, int d) {
        return DelayKernel.build(version, Tensor.ones(DType.F64, 1, 1, 1), one(p), one(sigma), d).toDoubleArray();
    }

    @Test void gaussAtItsFloorMatchesTheReferenceVector() {
        double[] k = taps(Version.GAUSS, 0.3, 0.23, 25);       // effective width 0.5
        assertEquals(0.027287, k[11], 5e-7);
        assertEquals(0.669425, k[12], 5e-7);
        assertEquals(0.300792, k[13], 5e-7);
        assertEquals(0.002475, k[14], 5e-7);
        for (int i = 0; i < 25; i++) if (i < 11 || i > 14) assertTrue(k[i] < 1e-4, "tap " + i + " = " + k[i]);
        assertEquals(0.9999999, java.util.Arrays.stream(k).sum(), 5e-8);
    }

    @Test void wideGaussMatchesTheReferenceVector() {
        double[] k = taps(Version.GAUSS, 0, 12, 25);            // effective width 12.27
        assertEquals(0.029133, k[0], 5e-7);
        assertEquals(0.046998, k[12], 5e-7);
        assertEquals(0.029133, k[24], 5e-7);
        assertEquals(1.0, java.util.Arrays.stream(k).sum(), 1e-6);
    }

    @Test void maxWithZeroSigmaIsOneHotAtAnIntegerPosition() {
        for (int p = -3; p <= 3; p++) {
            double[] k = taps(Version.MAX, p, 0, 7);
            for (int i = 0; i < 7; i++) assertEquals(i == p + 3 ? 1 / (1 + 1e-7) : 0, k[i], 1e-15, "P = " + p + ", tap " + i);
        }
        // σ = 1: a triangle of half-width 2, normalised: 1, 2, 1 over 4 (+1e-7) around the centre.
        double[] k = taps(Version.MAX, 0, 1, 7);
        double s = 1 + 2 + 1 + 1e-7;
        assertArrayEquals(new double[]{0, 0, 1 / s, 2 / s, 1 / s, 0, 0}, k, 1e-15);
    }

    @Test void linearVersionsSplitAFractionalPositionBetweenTwoTaps() {
        double s = 1 + 1e-7;
        for (Version v : List.of(Version.V1, Version.V0)) {
            double[] k = taps(v, 0.25, 5, 5);                    // μ = 2.25: taps 2 and 3
            assertArrayEquals(new double[]{0, 0, 0.75 / s, 0.25 / s, 0}, k, 1e-15, v.name());
            double[] edge = taps(v, -2, 5, 5);                   // μ = 0: one-hot at tap 0
            assertArrayEquals(new double[]{1 / s, 0, 0, 0, 0}, edge, 1e-15, v.name());
        }
    }

    @Test void kernelElementsOfOneSynapseAdd() {
        Tensor w = Tensor.of(new double[]{2, 3}, 1, 1, 2);
        Tensor p = Tensor.of(new double[]{-1, 1}, 1, 1, 1, 2);
        double[] k = DelayKernel.build(Version.MAX, w, p, p.zerosLike(), 5).toDoubleArray();
        double s = 1 + 1e-7;
        assertArrayEquals(new double[]{0, 2 / s, 0, 3 / s, 0}, k, 1e-15);
    }

    /**
     * Autograd's dW, dP, dσ through the construction against the formulas of reference §10, worked
     * per synapse with loops, and against central differences.
     */
    @Test void gradientsAreTheAnalyticOnes() {
        int cout = 2, cin = 3, d = 7;
        Generator gen = new Generator(5);
        Tensor w = Tensor.randn(gen, DType.F64, cout, cin, 1).requiresGrad(true);
        Tensor p = Tensor.rand(gen, DType.F64, 1, cout, cin, 1).mul(6).sub(3).requiresGrad(true);
        Tensor sig = Tensor.rand(gen, DType.F64, 1, cout, cin, 1).mul(3).sub(1.5).requiresGrad(true);  // both signs of σ
        Tensor g = Tensor.randn(gen, DType.F64, cout, cin, d);
        DelayKernel.build(Version.GAUSS, w, p, sig, d).mul(g).sum().backward();

        double[] W = w.detach().toDoubleArray(), P = p.detach().toDoubleArray(), SIG = sig.detach().toDoubleArray(), G = g.toDoubleArray();
        double[] dW = new double[W.length], dP = new double[W.length], dS = new double[W.length];
        for (int syn = 0; syn < W.length; syn++) {
            double mu = P[syn] + d / 2, s = Math.abs(SIG[syn]) + 0.27;
            double[] gk = new double[d], dgP = new double[d], dgS = new double[d];
            double sum = 1e-7, sumP = 0, sumS = 0;
            for (int k = 0; k < d; k++) {
                gk[k] = Math.exp(-(k - mu) * (k - mu) / (2 * s * s));
                dgP[k] = gk[k] * (k - mu) / (s * s);
                dgS[k] = gk[k] * (k - mu) * (k - mu) / (s * s * s);
                sum += gk[k];
                sumP += dgP[k];
                sumS += dgS[k];
            }
            for (int k = 0; k < d; k++) {
                double gOut = G[syn * d + k];
                dW[syn] += gOut * gk[k] / sum;
                dP[syn] += W[syn] * gOut * (dgP[k] / sum - gk[k] * sumP / (sum * sum));
                dS[syn] += W[syn] * gOut * (dgS[k] / sum - gk[k] * sumS / (sum * sum)) * Math.signum(SIG[syn]);
            }
        }
        assertArrayEquals(dW, w.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(dP, p.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(dS, sig.grad().toDoubleArray(), 1e-12);

        GradCheck.of(in -> DelayKernel.build(Version.GAUSS, in.get(0), in.get(1), in.get(2), d).mul(g).sum(),
                List.of(w.detach().requiresGrad(true), p.detach().requiresGrad(true), sig.detach().requiresGrad(true))).run().orThrow();
    }

    @Test void badShapesAndLengthsAreNamed() {
        Tensor w = Tensor.ones(DType.F64, 2, 3, 1);
        var even = assertThrows(IllegalArgumentException.class, () -> DelayKernel.build(Version.GAUSS, w, Tensor.zeros(DType.F64, 1, 2, 3, 1), Tensor.zeros(DType.F64, 1, 2, 3, 1), 24));
        assertTrue(even.getMessage().contains("odd"), even.getMessage());
        var shape = assertThrows(IllegalArgumentException.class, () -> DelayKernel.build(Version.GAUSS, w, Tensor.zeros(DType.F64, 2, 3, 1), Tensor.zeros(DType.F64, 1, 2, 3, 1), 5));
        assertTrue(shape.getMessage().contains("positions must be [1, 2, 3, 1]"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DelayKernel.build(Version.MAX, w, Tensor.zeros(DType.F64, 1, 2, 3, 1), null, 5));
    }
}
