package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Delays;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.DelaySpec;
import dev.galvani.tensor.backend.DelaySpec.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The fused delay ops' gradients (their rules call the kernel family's backward) against autograd
 * through the composed forms (the recorded reference path), in F32 within 1e-5 and F64 within 1e-10
 * of each tensor's scale, on the CPU and {@code check:0}; and every op against central differences
 * in F64 ({@link GradCheck}), first and second order.
 */
class DelayFusedTest {

    static final List<Device> DEVICES = List.of(Device.CPU, new Device("check", 0));

    /** Positions whose centres μ = P + ⌊D/2⌋ keep a distance of at least 0.1 from every window edge {@code k ± r} (no jump under finite differences). */
    static Tensor positions(Generator gen, int cout, int cin, int taps, double radius) {
        double[] p = new double[cout * cin];
        int half = taps / 2;
        java.util.Random draws = new java.util.Random(Tensor.randint(gen, 0, 1 << 30, 1).toLongArray()[0]);
        for (int s = 0; s < p.length; s++) {
            double v;
            do v = draws.nextDouble() * 2 * half - half;
            while (nearEdge(v + half, radius));
            p[s] = v;
        }
        return Tensor.of(p, 1, cout, cin, 1);
    }

    static boolean nearEdge(double mu, double radius) {
        if (radius == Double.POSITIVE_INFINITY) return false;
        for (double edge : new double[]{mu - radius, mu + radius}) {
            double frac = edge - Math.floor(edge);
            if (frac < 0.1 || frac > 0.9) return true;
        }
        return false;
    }

    static void close(Tensor expected, Tensor actual, double rel, String what) {
        if (expected == null && actual == null) return;                     // an input the profile ignores (σ of V1, V0)
        assertNotNull(expected, what + ": the reference has no gradient");
        assertNotNull(actual, what + ": no gradient");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what);
        double scale = 0, err = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            err = Math.max(err, Math.abs(e[i] - a[i]));
        }
        assertTrue(err <= rel * Math.max(scale, 1e-300), what + ": error " + err + " against scale " + scale);
    }

    /** Output and input gradients of {@code f} under the loss Σ y·g. */
    static List<Tensor> valueAndGrads(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Generator gen) {
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor t : inputs) leaves.add(t == null ? null : t.detach().requiresGrad(true));
        Tensor y = f.apply(leaves);
        Tensor g = Tensor.randn(gen, DType.F64, y.shape().dims()).to(y.dtype()).to(y.device());
        y.mul(g).sum().backward();
        List<Tensor> out = new ArrayList<>();
        out.add(y.detach());
        for (Tensor t : leaves) out.add(t == null ? null : t.grad());
        return out;
    }

    static void compare(String name, Function<List<Tensor>, Tensor> fused, Function<List<Tensor>, Tensor> reference, List<Tensor> inputs) {
        for (Device device : DEVICES)
            for (DType dt : List.of(DType.F32, DType.F64)) {
                List<Tensor> on = new ArrayList<>();
                for (Tensor t : inputs) on.add(t.dtype().isFloatingPoint() ? t.to(dt).to(device) : t.to(device));
                List<Tensor> a = valueAndGrads(fused, on, new Generator(99)), b = valueAndGrads(reference, on, new Generator(99));
                double tol = dt == DType.F32 ? 1e-5 : 1e-10;
                for (int i = 0; i < a.size(); i++)
                    if (i == 0 || inputs.get(i - 1).dtype().isFloatingPoint())
                        close(b.get(i), a.get(i), tol, name + " " + dt + " on " + device + (i == 0 ? ": value" : ": gradient of input " + (i - 1)));
            }
    }

    @Test void denseKernelGradientsAreTheReductionsOfSectionTen() {
        int cout = 5, cin = 19, taps = 9;
        Generator gen = new Generator(1);
        for (Profile profile : Profile.values())
            for (double sigma : new double[]{0.23, 3.1, -0.7}) {
                DelaySpec spec = DelaySpec.of(profile, taps);
                List<Tensor> in = List.of(Tensor.randn(gen, DType.F64, cout, cin, 1), positions(gen, cout, cin, taps, 1.0),
                        Tensor.full(DType.F64, sigma, 1, cout, cin, 1));
                compare(profile + " kernel σ = " + sigma, v -> Delays.kernel(spec, v.get(0), v.get(1), v.get(2)),
                        v -> Delays.kernelComposed(spec, v.get(0), v.get(1), v.get(2)), in);
            }
    }

    /** The GEMM form end to end (fused kernel, fused correlation) against the recorded path: values, dx, dW, dP, dσ. */
    @Test void theGemmFormMatchesTheRecordedPath() {
        for (int[] size : new int[][]{{9, 5, 21, 6, 7}, {2, 17, 3, 4, 7}, {16, 8, 12, 3, 25}}) {
            int steps = size[0], batch = size[1], cin = size[2], cout = size[3], taps = size[4];
            Generator gen = new Generator(steps);
            DelaySpec spec = DelaySpec.of(Profile.GAUSS, taps);
            List<Tensor> in = List.of(Tensor.randn(gen, DType.F64, steps, batch, cin), Tensor.randn(gen, DType.F64, cout, cin, 1),
                    positions(gen, cout, cin, taps, 1.0), Tensor.full(DType.F64, 1.4, 1, cout, cin, 1));
            compare("GEMM form " + java.util.Arrays.toString(size), v -> Delays.correlate(v.get(0), Delays.kernel(spec, v.get(1), v.get(2), v.get(3))),
                    v -> Delays.correlateComposed(v.get(0), Delays.kernelComposed(spec, v.get(1), v.get(2), v.get(3))), in);
        }
    }

    @Test void sparseTapGradientsMatchTheMaskedRecordedPath() {
        int steps = 10, batch = 19, cin = 21, cout = 5, taps = 11;
        for (Profile profile : Profile.values())
            for (double radius : new double[]{1.3, DelaySpec.gaussRadius(0.5, 1e-3), Double.POSITIVE_INFINITY}) {
                Generator gen = new Generator(3);
                DelaySpec spec = new DelaySpec(profile, taps, radius);
                List<Tensor> in = List.of(Tensor.randn(gen, DType.F64, steps, batch, cin), Tensor.randn(gen, DType.F64, cout, cin, 1),
                        positions(gen, cout, cin, taps, radius), Tensor.full(DType.F64, 0.23, 1, cout, cin, 1));
                compare(profile + " sparse r = " + radius, v -> Delays.sparseTaps(v.get(0), v.get(1), v.get(2), v.get(3), spec),
                        v -> Delays.sparseTapsComposed(v.get(0), v.get(1), v.get(2), v.get(3), spec), in);
            }
    }

    /** Also on a shape whose F32 lane copies take whole 16 x 16 tiles (batch 35, 40 inputs, 18 outputs), forward and backward. */
    @Test void integerDelayGradientsMatchTheOneHotRecordedPath() {
        integerDelayGradients(12, 19, 21, 6, 9);
        integerDelayGradients(18, 35, 40, 18, 9);
    }

    private static void integerDelayGradients(int steps, int batch, int cin, int cout, int taps) {
        Generator gen = new Generator(4);
        Tensor d = Tensor.randint(gen, 0, taps, cout, cin);
        compare("integer delays", v -> Delays.integerDelays(v.get(0), v.get(1), d.to(v.get(0).device()), taps),
                v -> Delays.integerDelaysComposed(v.get(0), v.get(1), d.to(v.get(0).device()), taps),
                List.of(Tensor.randn(gen, DType.F64, steps, batch, cin), Tensor.randn(gen, DType.F64, cout, cin)));
    }

    /** Central differences in F64 for every fused op and every differentiable input, on small sizes. */
    @Test void everyFusedOpPassesAGradientCheck() {
        int steps = 5, batch = 3, cin = 4, cout = 3, taps = 5;
        Generator gen = new Generator(5);
        Tensor x = Tensor.randn(gen, DType.F64, steps, batch, cin).requiresGrad(true);
        Tensor w = Tensor.randn(gen, DType.F64, cout, cin, 1).requiresGrad(true);
        Tensor s = Tensor.full(DType.F64, 0.6, 1, cout, cin, 1).requiresGrad(true);
        for (Profile profile : List.of(Profile.GAUSS, Profile.V0)) {
            double radius = DelaySpec.gaussRadius(0.87, 1e-2);
            Tensor p = positions(gen, cout, cin, taps, radius).requiresGrad(true);
            DelaySpec dense = DelaySpec.of(profile, taps), sparse = new DelaySpec(profile, taps, radius);
            GradCheck.of(v -> Delays.correlate(v.get(0), Delays.kernel(dense, v.get(1), v.get(2), v.get(3))), List.of(x, w, p, s)).run().orThrow();
            GradCheck.of(v -> Delays.sparseTaps(v.get(0), v.get(1), v.get(2), v.get(3), sparse), List.of(x, w, p, s)).run().orThrow();
        }
        Tensor d = Tensor.randint(gen, 0, taps, cout, cin);
        Tensor w2 = Tensor.randn(gen, DType.F64, cout, cin).requiresGrad(true);
        GradCheck.of(v -> Delays.integerDelays(v.get(0), v.get(1), d, taps), List.of(x, w2)).run().orThrow();
    }

    /** Second derivatives: the rules differentiate the composed forms when the backward pass is recorded. */
    @Test void secondDerivativesGoThroughTheComposedForms() {
        int steps = 4, batch = 2, cin = 3, cout = 2, taps = 5;
        Generator gen = new Generator(6);
        Tensor x = Tensor.randn(gen, DType.F64, steps, batch, cin).requiresGrad(true);
        Tensor w = Tensor.randn(gen, DType.F64, cout, cin, 1).requiresGrad(true);
        Tensor p = positions(gen, cout, cin, taps, 1.5).requiresGrad(true);
        Tensor s = Tensor.full(DType.F64, 0.4, 1, cout, cin, 1);
        DelaySpec spec = new DelaySpec(Profile.GAUSS, taps, 1.5);
        GradCheck.of(v -> {
            try (var _ = GradMode.enable()) {                                // GradCheck evaluates with recording off
                Tensor y = Delays.sparseTaps(v.get(0), v.get(1), v.get(2), s, spec);
                List<Tensor> g = Autograd.grad(List.of(y.square().sum()), List.of(v.get(1), v.get(2)), null, true, true, false);
                return g.get(0).square().sum().add(g.get(1).square().sum());
            }
        }, List.of(x, w, p)).run().orThrow();
        GradCheck.of(v -> {
            try (var _ = GradMode.enable()) {
                Tensor y = Delays.correlate(v.get(0), Delays.kernel(DelaySpec.of(Profile.GAUSS, taps), v.get(1), v.get(2), s));
                List<Tensor> g = Autograd.grad(List.of(y.square().sum()), List.of(v.get(0)), null, true, true, false);
                return g.get(0).square().sum().add(v.get(0).sum().mul(0.0));
            }
        }, List.of(x, w, p)).run().orThrow();
    }
}
