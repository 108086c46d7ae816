package dev.galvani.delay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.Autograd;
import dev.galvani.autograd.GradCheck;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The convolutional delay layer against a naive 3-D (time × space) cross-correlation, its gradients, and rounded delays. */
class DelayedConv2dTest {

    @Test void forwardIsTheNaiveSpaceTimeCorrelation() {
        int steps = 4, batch = 2, cin = 2, cout = 3, side = 4, ks = 3, pad = 1, d = 5;
        var layer = new DelayedConv2d(cin, cout, ks, 1, pad, d, new Generator(2));
        layer.to(DType.F64);
        try (var _ = Autograd.noGrad()) {
            layer.sigma.value().fill(0.9);
        }
        Tensor x = Tensor.randn(new Generator(3), DType.F64, steps, batch, cin, side, side);
        double[] prof = layer.profile().toDoubleArray(), w = layer.weight.value().toDoubleArray(), xs = x.toDoubleArray();
        int outSteps = steps + (d - 1) / 2;
        double[] want = new double[outSteps * batch * cout * side * side];
        for (int t = 0; t < outSteps; t++) for (int b = 0; b < batch; b++) for (int o = 0; o < cout; o++)
            for (int r = 0; r < side; r++) for (int c = 0; c < side; c++) {
                double s = 0;
                for (int i = 0; i < cin; i++) for (int k = 0; k < d; k++) {
                    int src = t + k - (d - 1);
                    if (src < 0 || src >= steps) continue;
                    for (int kr = 0; kr < ks; kr++) for (int kc = 0; kc < ks; kc++) {
                        int rr = r + kr - pad, cc = c + kc - pad;
                        if (rr < 0 || rr >= side || cc < 0 || cc >= side) continue;
                        s += prof[(o * cin + i) * d + k] * w[((o * cin + i) * ks + kr) * ks + kc]
                                * xs[(((src * batch + b) * cin + i) * side + rr) * side + cc];
                    }
                }
                want[(((t * batch + b) * cout + o) * side + r) * side + c] = s;
            }
        Tensor y = layer.forward(x);
        assertArrayEquals(new int[]{outSteps, batch, cout, side, side}, y.shape().dims());
        assertArrayEquals(want, y.detach().toDoubleArray(), 1e-11);
    }

    @Test void gradientsPassAGradientCheck() {
        var layer = new DelayedConv2d(2, 2, 3, 1, 1, 3, new Generator(4));
        layer.to(DType.F64);
        try (var _ = Autograd.noGrad()) {
            layer.sigma.value().fill(0.7);
        }
        Tensor x = Tensor.randn(new Generator(5), DType.F64, 3, 1, 2, 3, 3).requiresGrad(true);
        GradCheck.of(in -> layer.forward(in.get(0)).square().sum(), List.of(x)).run().orThrow();
        assertTrue(layer.forward(x).sum().requiresGrad());
        layer.forward(x).square().sum().backward();
        assertTrue(layer.positions.grad() != null && layer.weight.grad() != null, "positions and weights learn");
    }

    @Test void evaluationDelaysAnImpulseByTheRoundedDelay() {
        var layer = new DelayedConv2d(1, 1, 1, 1, 0, 7, new Generator(0));
        layer.to(DType.F64);
        try (var _ = Autograd.noGrad()) {
            layer.weight.value().fill(1);
            layer.positions.value().fill(-1.4);                    // rounds to -1: delay (7 - 1)/2 + 1 = 4
        }
        layer.eval();
        Tensor x = Tensor.zeros(DType.F64, 6, 1, 1, 2, 2);
        try (var _ = Autograd.noGrad()) {
            x.narrow(0, 0, 1).fill(1);
        }
        double[] y = layer.forward(x).select(4, 0).select(3, 0).select(2, 0).select(1, 0).toDoubleArray();
        for (int t = 0; t < y.length; t++) assertEquals(t == 4 ? 1 / (1 + 1e-7) : 0, y[t], 1e-12, "t = " + t);
    }
}
