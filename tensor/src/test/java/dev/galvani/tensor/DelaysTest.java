package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.backend.DelaySpec;
import dev.galvani.tensor.backend.DelaySpec.Profile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The delay kernel family's forward passes (DCLS reference §2, §3, §7, §13) against independent
 * loops and against the composed forms, on the CPU, {@code check:0} (the fused kernels, staged and
 * asynchronous) and {@code check:1} (no family: the composed forms themselves). Sizes leave vector
 * tails (batch 5 and 19 against 16 lanes), span two column blocks (21 inputs) and include a
 * sequence shorter than the right padding. The gradients are autograd's tests ({@code DelayFusedTest}).
 */
class DelaysTest {

    static final List<Device> DEVICES = List.of(Device.CPU, new Device("check", 0), new Device("check", 1));

    /** Weights [Cout, Cin, 1], positions and σ [1, Cout, Cin, 1] (positions uniform over the taps). */
    record Synapses(Tensor w, Tensor p, Tensor s) {
        Synapses to(DType dt, Device d) { return new Synapses(w.to(dt).to(d), p.to(dt).to(d), s.to(dt).to(d)); }
    }

    static Synapses synapses(long seed, int cout, int cin, int taps, double sigma) {
        Generator gen = new Generator(seed);
        int half = taps / 2;
        return new Synapses(Tensor.randn(gen, DType.F64, cout, cin, 1), Tensor.rand(gen, DType.F64, 1, cout, cin, 1).mul(2.0 * half).sub(half),
                Tensor.full(DType.F64, sigma, 1, cout, cin, 1));
    }

    /** max |a − e| ≤ rel · max |e|: the error relative to the tensor's scale. */
    static void close(double[] expected, double[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0, err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(err <= rel * scale, what + ": error " + err + " against scale " + scale + " (relative " + err / scale + " > " + rel + ")");
    }

    static double tolerance(DType dt) { return dt == DType.F32 ? 1e-5 : 1e-10; }

    /** Reference §2 per synapse, in loops: K[o, i, k] = W n_k. */
    static double[] naiveKernel(Profile profile, double[] w, double[] p, double[] s, int taps) {
        double[] k = new double[w.length * taps];
        for (int syn = 0; syn < w.length; syn++) {
            double mu = p[syn] + taps / 2, sum = 1e-7;
            double[] g = new double[taps];
            for (int t = 0; t < taps; t++) {
                double u = t - mu;
                g[t] = switch (profile) {
                    case GAUSS -> Math.exp(-u * u / (2 * Math.pow(Math.abs(s[syn]) + 0.27, 2)));
                    case MAX -> Math.max(0, Math.abs(s[syn]) + 1 - Math.abs(u));
                    case V1 -> Math.max(0, 1 - Math.abs(u));
                    case V0 -> t == Math.floor(mu) ? 1 - (mu - Math.floor(mu)) : t == Math.floor(mu) + 1 ? mu - Math.floor(mu) : 0;
                };
                sum += g[t];
            }
            for (int t = 0; t < taps; t++) k[syn * taps + t] = w[syn] * g[t] / sum;
        }
        return k;
    }

    /** Reference §3 in loops: y[t, b, o] = Σ_i Σ_k K[o, i, k] x[t + k − (D − 1), b, i], t in [0, T + (D − 1)/2). */
    static double[] naiveCorrelate(double[] x, double[] k, int steps, int batch, int cin, int cout, int taps) {
        int outSteps = steps + (taps - 1) / 2;
        double[] y = new double[outSteps * batch * cout];
        for (int t = 0; t < outSteps; t++)
            for (int b = 0; b < batch; b++)
                for (int o = 0; o < cout; o++) {
                    double sum = 0;
                    for (int i = 0; i < cin; i++)
                        for (int tap = 0; tap < taps; tap++) {
                            int src = t + tap - (taps - 1);
                            if (src >= 0 && src < steps) sum += k[(o * cin + i) * taps + tap] * x[(src * batch + b) * cin + i];
                        }
                    y[(t * batch + b) * cout + o] = sum;
                }
        return y;
    }

    @Test void theKernelIsReferenceTwoForEveryProfile() {
        int cout = 4, cin = 21, taps = 7;
        for (Profile profile : Profile.values())
            for (double sigma : new double[]{0, 0.23, 2.5, -1.3}) {
                Synapses syn = synapses(1, cout, cin, taps, sigma);
                double[] want = naiveKernel(profile, syn.w().toDoubleArray(), syn.p().toDoubleArray(), syn.s().toDoubleArray(), taps);
                for (Device device : DEVICES)
                    for (DType dt : List.of(DType.F32, DType.F64)) {
                        Synapses on = syn.to(dt, device);
                        Tensor k = Delays.kernel(DelaySpec.of(profile, taps), on.w(), on.p(), on.s());
                        close(want, k.toDoubleArray(), tolerance(dt), profile + " σ = " + sigma + " " + dt + " on " + device);
                    }
            }
    }

    @Test void theGemmFormIsTheCausalCorrelation() {
        for (int[] size : new int[][]{{9, 5, 21, 6, 7}, {2, 19, 3, 4, 7}, {30, 16, 17, 3, 25}}) {
            int steps = size[0], batch = size[1], cin = size[2], cout = size[3], taps = size[4];
            Tensor x = Tensor.randn(new Generator(steps), DType.F64, steps, batch, cin);
            Tensor k = Tensor.randn(new Generator(taps), DType.F64, cout, cin, taps);
            double[] want = naiveCorrelate(x.toDoubleArray(), k.toDoubleArray(), steps, batch, cin, cout, taps);
            for (Device device : DEVICES)
                for (DType dt : List.of(DType.F32, DType.F64)) {
                    Tensor y = Delays.correlate(x.to(dt).to(device), k.to(dt).to(device));
                    assertArrayEquals(new int[]{steps + taps / 2, batch, cout}, y.shape().dims());
                    close(want, y.toDoubleArray(), tolerance(dt), java.util.Arrays.toString(size) + " " + dt + " on " + device);
                    close(want, Delays.correlateComposed(x.to(dt).to(device), k.to(dt).to(device)).toDoubleArray(), tolerance(dt), "composed");
                }
        }
    }

    /** The sparse layer is the dense one with each synapse's kernel zero outside |k − μ| ≤ r: the naive loops with that mask. */
    @Test void sparseTapsAreTheMaskedKernel() {
        int steps = 9, batch = 19, cin = 21, cout = 5, taps = 9;
        Tensor x = Tensor.randn(new Generator(7), DType.F64, steps, batch, cin);
        for (Profile profile : Profile.values())
            for (double radius : new double[]{0.6, 1.7, 2.2}) {
                Synapses syn = synapses(2, cout, cin, taps, 0.23);
                double[] p = syn.p().toDoubleArray();
                double[] k = naiveKernel(profile, syn.w().toDoubleArray(), p, syn.s().toDoubleArray(), taps);
                for (int s = 0; s < p.length; s++)
                    for (int t = 0; t < taps; t++) if (Math.abs(t - (p[s] + taps / 2)) > radius) k[s * taps + t] = 0;
                double[] want = naiveCorrelate(x.toDoubleArray(), k, steps, batch, cin, cout, taps);
                DelaySpec spec = new DelaySpec(profile, taps, radius);
                for (Device device : DEVICES)
                    for (DType dt : List.of(DType.F32, DType.F64)) {
                        Synapses on = syn.to(dt, device);
                        Tensor y = Delays.sparseTaps(x.to(dt).to(device), on.w(), on.p(), on.s(), spec);
                        close(want, y.toDoubleArray(), tolerance(dt), profile + " r = " + radius + " " + dt + " on " + device);
                    }
            }
    }

    /**
     * Exact when nothing nonzero is dropped: MAX with σ = 0 at integer positions (one tap), V1 and V0
     * with r = 1 (their support), and gauss at its floor in F32 with r = 8 (taps beyond distance 7.2
     * underflow to 0 in float): the sparse layer equals the dense GEMM form.
     */
    @Test void sparseTapsAreExactWhenTheWindowHoldsEveryNonzeroTap() {
        int steps = 12, batch = 5, cin = 18, cout = 4, taps = 25;
        Tensor x = Tensor.randn(new Generator(8), DType.F64, steps, batch, cin);
        record Case(Profile profile, double sigma, double radius, boolean integer, DType dt) {}
        for (Case c : List.of(new Case(Profile.MAX, 0, 1, true, DType.F64), new Case(Profile.MAX, 0, 1, true, DType.F32),
                new Case(Profile.V1, 0, 1, false, DType.F64), new Case(Profile.V0, 0, 1, false, DType.F64), new Case(Profile.V0, 0, 1, false, DType.F32),
                new Case(Profile.GAUSS, 0.23, 8, false, DType.F32), new Case(Profile.GAUSS, 3.0, Double.POSITIVE_INFINITY, false, DType.F64))) {
            Synapses syn = synapses(3, cout, cin, taps, c.sigma());
            Tensor p = c.integer() ? syn.p().round() : syn.p();
            Synapses on = new Synapses(syn.w(), p, syn.s()).to(c.dt(), Device.CPU);
            Tensor xs = x.to(c.dt());
            Tensor dense = Delays.correlate(xs, Delays.kernel(DelaySpec.of(c.profile(), taps), on.w(), on.p(), on.s()));
            Tensor sparse = Delays.sparseTaps(xs, on.w(), on.p(), on.s(), new DelaySpec(c.profile(), taps, c.radius()));
            close(dense.toDoubleArray(), sparse.toDoubleArray(), tolerance(c.dt()), c.toString());
        }
    }

    /**
     * {@link DelaySpec#gaussTailBound}: for many centres and widths, the share of a synapse's
     * normalised taps beyond r is below the bound, the radius chosen for a tolerance meets it, and
     * the bound is not loose by more than a factor 100 at the floor width; the layer's output error
     * is within ε Σ_i |W[o, i]| max |x|.
     */
    @Test void theTruncationBoundHolds() {
        int taps = 25;
        for (double s : new double[]{0.5, 0.8, 1.6})
            for (double tol : new double[]{1e-2, 1e-3, 1e-5, 1e-7}) {
                double r = DelaySpec.gaussRadius(s, tol), bound = DelaySpec.gaussTailBound(r, s), worst = 0;
                assertTrue(bound <= tol && DelaySpec.gaussTailBound(r - 1e-6, s) > tol, "r = " + r + " is the smallest radius for " + tol);
                for (int m = 0; m <= 2400; m++) {
                    double mu = (taps - 1) * m / 2400.0, sum = 1e-7, dropped = 0;
                    for (int k = 0; k < taps; k++) {
                        double g = Math.exp(-(k - mu) * (k - mu) / (2 * s * s));
                        sum += g;
                        if (Math.abs(k - mu) > r) dropped += g;
                    }
                    worst = Math.max(worst, dropped / sum);
                }
                assertTrue(worst <= bound, "s = " + s + ", r = " + r + ": dropped " + worst + " > bound " + bound);
                if (s == 0.5) assertTrue(worst > bound / 100, "s = 0.5, r = " + r + ": the bound " + bound + " is loose (worst " + worst + ")");
            }
        // The radius SNN-delays' floor needs for 1e-5: about 2.5 taps each side, five taps in all.
        double r = DelaySpec.gaussRadius(0.5, 1e-5);
        assertTrue(r > 2.4 && r < 2.6, "r = " + r);

        int steps = 20, batch = 3, cin = 30, cout = 4;
        Synapses syn = synapses(4, cout, cin, taps, 0.23);
        Tensor x = Tensor.randn(new Generator(9), DType.F64, steps, batch, cin);
        double eps = DelaySpec.gaussTailBound(r, 0.5), xmax = x.abs().amax().itemDouble();
        double[] dense = Delays.correlate(x, Delays.kernel(DelaySpec.of(Profile.GAUSS, taps), syn.w(), syn.p(), syn.s())).toDoubleArray();
        double[] sparse = Delays.sparseTaps(x, syn.w(), syn.p(), syn.s(), new DelaySpec(Profile.GAUSS, taps, r)).toDoubleArray();
        double[] wAbs = syn.w().abs().sum(1, false).toDoubleArray();            // Σ_i |W[o, i]|
        for (int e = 0; e < dense.length; e++) {
            int o = e % cout;
            assertTrue(Math.abs(dense[e] - sparse[e]) <= eps * wAbs[o] * xmax, "element " + e);
        }
    }

    /**
     * Against a naive loop, on a small shape (one partial batch vector and column block) and on one
     * where the F32 copies into and out of the lane layout take whole 16 x 16 tiles (batch 35 = two
     * full vectors and a tail, 40 inputs and 18 outputs = full and partial tiles).
     */
    @Test void integerDelaysAreTheGather() {
        integerDelaysAgainstNaiveLoop(11, 19, 21, 6, 9);
        integerDelaysAgainstNaiveLoop(20, 35, 40, 18, 9);
    }

    private static void integerDelaysAgainstNaiveLoop(int steps, int batch, int cin, int cout, int taps) {
        Tensor x = Tensor.randn(new Generator(10), DType.F64, steps, batch, cin);
        Tensor w = Tensor.randn(new Generator(11), DType.F64, cout, cin);
        Tensor d = Tensor.randint(new Generator(12), 0, taps, cout, cin);
        double[] xs = x.toDoubleArray(), ws = w.toDoubleArray();
        long[] ds = d.toLongArray();
        int outSteps = steps + taps / 2;
        double[] want = new double[outSteps * batch * cout];
        for (int t = 0; t < outSteps; t++)
            for (int b = 0; b < batch; b++)
                for (int o = 0; o < cout; o++)
                    for (int i = 0; i < cin; i++) {
                        long src = t - ds[o * cin + i];
                        if (src >= 0 && src < steps) want[(t * batch + b) * cout + o] += ws[o * cin + i] * xs[(int) ((src * batch + b) * cin + i)];
                    }
        for (Device device : DEVICES)
            for (DType dt : List.of(DType.F32, DType.F64)) {
                Tensor y = Delays.integerDelays(x.to(dt).to(device), w.to(dt).to(device), d.to(device), taps);
                close(want, y.toDoubleArray(), tolerance(dt), dt + " on " + device);
            }
        Tensor bad = d.add(taps);
        assertThrows(IllegalArgumentException.class, () -> Delays.integerDelays(x, w, bad, taps));
    }

    /** The streaming step over a ring of the last D inputs gives the sequence form's output step by step (inputs then zeros). */
    @Test void theStreamingStepIsTheSequenceFormOneStepAtATime() {
        int steps = 13, batch = 3, cin = 20, cout = 5, taps = 7;
        Tensor x = Tensor.randn(new Generator(13), DType.F64, steps, batch, cin);
        Tensor w = Tensor.randn(new Generator(14), DType.F64, cout, cin);
        Tensor d = Tensor.randint(new Generator(15), 0, taps, cout, cin);
        for (Device device : DEVICES)
            for (DType dt : List.of(DType.F32, DType.F64)) {
                Tensor seq = Delays.integerDelays(x.to(dt).to(device), w.to(dt).to(device), d.to(device), taps);
                Tensor ring = Tensor.zeros(dt, taps, cin, batch).to(device);
                for (int t = 0; t < steps + taps / 2; t++) {
                    int slot = t % taps;
                    Tensor input = t < steps ? x.select(0, t).T().to(dt).to(device) : Tensor.zeros(dt, cin, batch).to(device);
                    ring.select(0, slot).copyFrom(input);
                    Tensor y = Delays.integerStep(ring, slot, w.to(dt).to(device), d.to(device), taps);
                    close(seq.select(0, t).toDoubleArray(), y.toDoubleArray(), tolerance(dt), "step " + t + " " + dt + " on " + device);
                }
            }
    }
}
