package dev.galvani.delay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.Autograd;
import dev.galvani.autograd.GradCheck;
import dev.galvani.nn.BatchNorm;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delay layer: the reference's impulse vectors, padding and delay direction, both kernels against naive loops, counts, clamping. */
class DelayedLinearTest {

    private static void set(Parameter p, double[] values) {
        try (var _ = Autograd.noGrad()) {
            p.value().copyFrom(Tensor.of(values, p.shape()).to(p.value().dtype()));
        }
    }

    @Test void anImpulseComesOutAtTheRoundedDelay() {
        // Reference §14: D = 25, T = 30, impulse at t = 0, W = 1, max version with σ = 0.
        double[] ps = {-12, -5, 0, 7, 12};
        var layer = new DelayedLinear(1, ps.length, 25, new Generator(0));
        layer.to(DType.F64);
        set(layer.weight, new double[]{1, 1, 1, 1, 1});
        set(layer.positions, ps);
        layer.eval();
        Tensor x = Tensor.zeros(DType.F64, 30, 1, 1);
        try (var _ = Autograd.noGrad()) {
            x.narrow(0, 0, 1).fill(1);
        }
        Tensor y = layer.forward(x);
        assertArrayEquals(new int[]{42, 1, 5}, y.shape().dims(), "T + (D - 1)/2 steps");
        for (int o = 0; o < ps.length; o++) {
            double[] trace = y.select(2, o).select(1, 0).toDoubleArray();
            int at = 12 - (int) ps[o];
            for (int t = 0; t < trace.length; t++) assertEquals(t == at ? 0.9999999 : 0, trace[t], 1e-9, "P = " + ps[o] + ", t = " + t);
        }
        assertArrayEquals(new long[]{24, 17, 12, 5, 0}, layer.delays().toLongArray());
    }

    /** The naive cross-correlation of reference §3: y[t, b, o] = Σ_i Σ_k K[o, i, k] x[t + k − (D − 1), b, i]. */
    private static double[] naive(double[] x, double[] k, int steps, int batch, int cin, int cout, int d) {
        int outSteps = steps + (d - 1) / 2;
        double[] y = new double[outSteps * batch * cout];
        for (int t = 0; t < outSteps; t++)
            for (int b = 0; b < batch; b++)
                for (int o = 0; o < cout; o++) {
                    double s = 0;
                    for (int i = 0; i < cin; i++)
                        for (int tap = 0; tap < d; tap++) {
                            int src = t + tap - (d - 1);
                            if (src >= 0 && src < steps) s += k[(o * cin + i) * d + tap] * x[(src * batch + b) * cin + i];
                        }
                    y[(t * batch + b) * cout + o] = s;
                }
        return y;
    }

    @Test void trainingAndEvaluationFormsEqualTheNaiveConvolution() {
        int steps = 9, batch = 2, cin = 3, cout = 4, d = 7;
        var layer = new DelayedLinear(cin, cout, d, new Generator(3));
        layer.to(DType.F64);
        try (var _ = Autograd.noGrad()) {
            layer.sigma.value().fill(1.3);
        }
        Tensor x = Tensor.randn(new Generator(4), DType.F64, steps, batch, cin);
        layer.train();
        double[] k = layer.kernel().detach().toDoubleArray();
        assertArrayEquals(naive(x.toDoubleArray(), k, steps, batch, cin, cout, d), layer.forward(x).detach().toDoubleArray(), 1e-12);

        // Evaluation: one tap per synapse at the rounded delay, W / (1 + 1e-7) (reference §13's gather form).
        layer.eval();
        long[] delays = layer.delays().toLongArray();
        double[] w = layer.weight.value().toDoubleArray(), xs = x.toDoubleArray();
        int outSteps = steps + (d - 1) / 2;
        double[] want = new double[outSteps * batch * cout];
        for (int t = 0; t < outSteps; t++)
            for (int b = 0; b < batch; b++)
                for (int o = 0; o < cout; o++)
                    for (int i = 0; i < cin; i++) {
                        long src = t - delays[o * cin + i];
                        if (src >= 0 && src < steps) want[(t * batch + b) * cout + o] += w[o * cin + i] / (1 + 1e-7) * xs[(int) ((src * batch + b) * cin + i)];
                    }
        assertArrayEquals(want, layer.forward(x).toDoubleArray(), 1e-12);
    }

    @Test void gradientsOfTheLayerPassAGradientCheck() {
        var layer = new DelayedLinear(2, 3, 5, new Generator(8));
        layer.to(DType.F64);
        try (var _ = Autograd.noGrad()) {
            layer.sigma.value().fill(0.8);
        }
        Tensor x = Tensor.randn(new Generator(9), DType.F64, 4, 2, 2).requiresGrad(true);
        GradCheck.of(in -> layer.forward(in.get(0)).square().sum(), List.of(x)).run().orThrow();
        GradCheck.of(in -> DelayedLinear.correlate(x.detach(), DelayKernel.build(DelayKernel.Version.GAUSS, in.get(0), in.get(1),
                layer.sigma.value(), 5), 5).square().sum(),
                List.of(layer.weight.value().detach().requiresGrad(true), layer.positions.value().detach().requiresGrad(true))).run().orThrow();
    }

    @Test void theShdConfigurationHasThePublishedParameterCount() {
        // Reference §9: 140 → 256 → 256 → 20 delay layers, batch norm after the two hidden ones; σ is frozen.
        Generator gen = new Generator(0);
        List<Module> layers = List.of(new DelayedLinear(140, 256, 25, gen), new BatchNorm.BatchNorm1d(256),
                new DelayedLinear(256, 256, 25, gen), new BatchNorm.BatchNorm1d(256), new DelayedLinear(256, 20, 25, gen));
        long trainable = layers.stream().flatMap(m -> m.parameters().stream()).filter(Parameter::requiresGrad).mapToLong(Parameter::numel).sum();
        assertEquals(214_016, trainable);
        // SSC/GSC: 3 × 512 hidden, 35 outputs.
        List<Module> ssc = List.of(new DelayedLinear(140, 512, 31, gen), new BatchNorm.BatchNorm1d(512), new DelayedLinear(512, 512, 31, gen),
                new BatchNorm.BatchNorm1d(512), new DelayedLinear(512, 512, 31, gen), new BatchNorm.BatchNorm1d(512), new DelayedLinear(512, 35, 31, gen));
        assertEquals(1_230_848, ssc.stream().flatMap(m -> m.parameters().stream()).filter(Parameter::requiresGrad).mapToLong(Parameter::numel).sum());
    }

    @Test void initialisationAndClampingFollowSnnDelays() {
        var layer = new DelayedLinear(140, 256, 25, new Generator(1));
        double[] p = layer.positions.value().toDoubleArray();
        long atFloor = java.util.Arrays.stream(p).filter(v -> v == -12).count();
        for (double v : p) assertTrue(v >= -12 && v <= 12, "P = " + v);
        // U(-13, 12) clamped: 1/25 of the positions sit at -12 (35,840 draws: expect 1,434 ± 37).
        assertTrue(atFloor > 1434 - 5 * 37 && atFloor < 1434 + 5 * 37, atFloor + " positions at -12");
        double bound = Math.sqrt(6.0 / 140);
        for (double w : layer.weight.value().toDoubleArray()) assertTrue(Math.abs(w) <= bound);
        for (double s : layer.sigma.value().toDoubleArray()) assertEquals(12, s);
        assertTrue(!layer.sigma.requiresGrad() && layer.positions.requiresGrad());

        try (var _ = Autograd.noGrad()) {
            layer.positions.value().copyFrom(layer.positions.value().mul(3.0));
        }
        layer.clampPositions();
        for (double v : layer.positions.value().toDoubleArray()) assertTrue(v >= -12 && v <= 12);
    }

    @Test void badInputsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DelayedLinear(4, 4, 24, new Generator(0))).getMessage().contains("use 25"));
        var layer = new DelayedLinear(4, 2, 5, new Generator(0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.zeros(3, 4))).getMessage().contains("[T, B, 4]"));
    }
}
