package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.galvani.tensor.ComplexTensor;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.FFT;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gradients through complex arithmetic and Fourier transforms beyond the operation table's rows:
 * longer odd and even real transforms (every conjugate-pair bin of operators reference §1.5 is
 * perturbed), the FNO spectral convolution of §1.2 end to end (rfft2, two corners of modes, the
 * channel mixing, irfft2) with respect to the input and both complex weights, and |z| at 0.
 */
class SpectralGradientTest {

    private static Tensor randn(long seed, int... shape) { return Tensor.randn(new Generator(seed), DType.F64, shape).requiresGrad(true); }

    @Test
    void realTransformsOfOddAndEvenLengthAgainstFiniteDifferences() {
        for (int n : new int[]{15, 16, 63, 64}) {
            Tensor x = randn(n, 2, n), re = randn(n + 1, 2, n / 2 + 1), im = randn(n + 2, 2, n / 2 + 1);
            GradCheck.of(in -> FFT.rfft(in.get(0), -1, -1, "ortho").viewAsReal(), List.of(x)).maxElements(200).run().orThrow();
            GradCheck.of(in -> FFT.irfft(ComplexTensor.of(in.get(0), in.get(1)), n, -1, null), List.of(re, im)).maxElements(200).run().orThrow();
            GradCheck.of(in -> FFT.ifft(ComplexTensor.of(in.get(0), in.get(1)), n + 3, -1, "forward").viewAsReal(), List.of(re, im)).maxElements(200).run().orThrow();
        }
    }

    /** operators reference §1.2: y = irfft2(ŷ, s = (H, W)), ŷ the two corners of einsum(x̂, w) over m1 × m2 modes. */
    static Tensor spectralConv2d(Tensor x, Tensor w1, Tensor w2, int m1, int m2) {
        int h = x.size(2), w = x.size(3), co = w1.size(1);
        ComplexTensor xh = FFT.rfft2(x);
        ComplexTensor top = ComplexTensor.channelMix(xh.narrow(2, 0, m1).narrow(3, 0, m2), w1.viewAsComplex());
        ComplexTensor bottom = ComplexTensor.channelMix(xh.narrow(2, h - m1, m1).narrow(3, 0, m2), w2.viewAsComplex());
        ComplexTensor middle = ComplexTensor.zeros(x.dtype(), x.device(), x.size(0), co, h - 2 * m1, m2);
        ComplexTensor modes = ComplexTensor.cat(2, top, middle, bottom).pad(0, w / 2 + 1 - m2);
        return FFT.irfft2(modes, new int[]{h, w}, null, null);
    }

    @Test
    void fnoSpectralConvolutionEndToEnd() {
        int b = 2, ci = 3, co = 2, h = 8, w = 7, m1 = 2, m2 = 3;
        Tensor x = randn(1, b, ci, h, w), w1 = randn(2, ci, co, m1, m2, 2), w2 = randn(3, ci, co, m1, m2, 2);
        GradCheck.of(in -> spectralConv2d(in.get(0), in.get(1), in.get(2), m1, m2), List.of(x, w1, w2)).maxElements(60).run().orThrow();
    }

    @Test
    void absHasGradientZeroAtZeroAsPyTorch() {
        Tensor re = Tensor.of(new double[]{0, 3, -1}).requiresGrad(true), im = Tensor.of(new double[]{0, 4, 0}).requiresGrad(true);
        ComplexTensor.of(re, im).abs().sum().backward();
        assertArrayEquals(new double[]{0, 0.6, -1}, re.grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[]{0, 0.8, 0}, im.grad().toDoubleArray(), 1e-15);
        Tensor a = randn(4, 3, 2), c = randn(5, 3, 2);
        GradCheck.of(in -> in.get(0).viewAsComplex().div(in.get(1).viewAsComplex()).abs(), List.of(a, c)).run().orThrow();
        GradCheck.of(in -> in.get(0).viewAsComplex().angle(), List.of(a)).run().orThrow();
    }

    @Test
    void secondDerivativesThroughATransform() {
        // L = Σ |rfft(x)|⁴ is quartic in x: its Hessian-vector product against finite differences of the gradient.
        Tensor x = randn(6, 9);
        GradCheck.of(in -> {
            try (var _ = dev.galvani.tensor.GradMode.enable()) {        // GradCheck evaluates with recording off
                Tensor v = in.get(0);
                Tensor loss = FFT.rfft(v).absSquare().square().sum();
                return Autograd.grad(List.of(loss), List.of(v), null, true, true, false).get(0);
            }
        }, List.of(x)).run().orThrow();
    }

    @Test
    void theCheckingDevicesGiveTheCpuGradients() {
        Tensor x = randn(7, 3, 10);
        double[] cpu = gradOf(x, Device.CPU);
        for (Device d : new Device[]{new Device("check", 0), new Device("check", 1)})
            assertArrayEquals(cpu, gradOf(x, d), 1e-12, d.toString());
    }

    private static double[] gradOf(Tensor x, Device device) {
        Tensor v = x.to(device).detach().requiresGrad(true);
        FFT.irfft(FFT.rfft(v, -1, -1, null).mul(FFT.rfft(v.square(), -1, -1, null)), 10, -1, null).sum().backward();
        return v.grad().toDoubleArray();
    }
}
