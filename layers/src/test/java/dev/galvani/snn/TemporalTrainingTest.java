package dev.galvani.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.nn.F;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.nn.Sequential;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import org.junit.jupiter.api.Test;

/** BPTT, SLTT and SLTT-K (SNN reference §7): what each gradient is, and SLTT's memory not growing with T. */
class TemporalTrainingTest {

    /**
     * The SLTT neuron of §7.1 (τ = 1.1, soft reset, PiecewiseQuadratic) in an MLP with a stateless
     * readout; threshold 0.25, so that small random layers spike often.
     */
    static Module mlp(long seed, int in, int hidden, int out) {
        Generator g = new Generator(seed);
        SpikingNeuron.Options o = new SpikingNeuron.Options().softReset().vThreshold(0.25).surrogate(dev.galvani.tensor.backend.Surrogate.piecewiseQuadratic());
        return new Sequential(new MultiStep(new Linear(in, hidden, true, g)), new LIFNode(1.1, false, o),
                new MultiStep(new Linear(hidden, hidden, true, g)), new LIFNode(1.1, false, o), new MultiStep(new Linear(hidden, out, true, g)));
    }

    static double[] grads(Module m, int parameter) { return m.parameters().get(parameter).grad().toDoubleArray(); }

    @Test
    void slttGivesTheReadoutExactlyBpttsGradientAndHiddenLayersNearlyIt() {
        Tensor x = Tensor.rand(new Generator(1), DType.F64, 6, 8, 5).mul(2.0), y = Tensor.randint(new Generator(2), 0, 3, 8);
        Module bptt = mlp(7, 5, 16, 3).to(DType.F64), sltt = mlp(7, 5, 16, 3).to(DType.F64);
        var b = TemporalTraining.backward(TemporalTraining.Policy.BPTT, bptt, x, y, F::crossEntropy, 0, null);
        var s = TemporalTraining.backward(TemporalTraining.Policy.SLTT, sltt, x, y, F::crossEntropy, 0, null);
        assertArrayEquals(b.outputs().toDoubleArray(), s.outputs().toDoubleArray(), 1e-12, "the same forward");
        assertEquals(b.loss().itemDouble(), s.loss().itemDouble(), 1e-12);
        int readout = 4;                                      // the last Linear's weight
        assertTrue(norm(grads(bptt, readout)) > 0 && norm(grads(bptt, 0)) > 0, "the hidden layers spike, so every layer learns");
        assertArrayEquals(grads(bptt, readout), grads(sltt, readout), 1e-12, "no temporal state after the readout: identical");
        double cos = cosine(grads(bptt, 0), grads(sltt, 0));
        assertTrue(cos > 0.9, "first-layer gradients close (the paper: the temporal part contributes little at tau = 1.1): cosine " + cos);
    }

    @Test
    void slttKWithEveryStepIsSlttAndWithFewerStepsRuns() {
        Tensor x = Tensor.rand(new Generator(3), DType.F64, 6, 4, 5).mul(4.0), y = Tensor.randint(new Generator(4), 0, 3, 4);
        Module a = mlp(7, 5, 16, 3).to(DType.F64), b = mlp(7, 5, 16, 3).to(DType.F64), c = mlp(7, 5, 16, 3).to(DType.F64);
        TemporalTraining.backward(TemporalTraining.Policy.SLTT, a, x, y, F::crossEntropy, 0, null);
        TemporalTraining.backward(TemporalTraining.Policy.SLTT_K, b, x, y, F::crossEntropy, 6, new Generator(5));
        for (int p = 0; p < a.parameters().size(); p++) assertArrayEquals(grads(a, p), grads(b, p), 1e-12);
        var r = TemporalTraining.backward(TemporalTraining.Policy.SLTT_K, c, x, y, F::crossEntropy, 2, new Generator(5));
        assertEquals(6, r.outputs().size(0), "every step still runs forward");
        assertTrue(norm(grads(a, 4)) > 0, "the hidden layers spike, so the readout learns");
        double ratio = norm(grads(c, 4)) / norm(grads(a, 4));
        assertTrue(ratio > 0.05 && ratio < 0.95, "two of six steps contribute (not rescaled): " + ratio);
    }

    @Test
    void slttRunsOnAnAsynchronousDeviceWithoutWaiting() {
        Device check = new Device("check", 0);
        Module m = mlp(9, 5, 12, 3).to(check);
        Tensor x = Tensor.rand(new Generator(6), check, 5, 4, 5).mul(2.0), y = Tensor.randint(new Generator(7), 0, 3, check, 4);
        var before = dev.galvani.tensor.check.CheckBackend.of(check).counters();
        TemporalTraining.backward(TemporalTraining.Policy.SLTT, m, x, y, F::crossEntropy, 0, null);
        assertEquals(0, dev.galvani.tensor.check.CheckBackend.of(check).counters().minus(before).synchronizations());
    }

    /**
     * The peak of live bytes (the allocator's statistics) during one mini-batch, above what lived
     * before: BPTT's grows with T (every step's activations wait for the one backward), SLTT's does
     * not (each step's graph is freed, and its memory released, before the next step runs).
     */
    @Test
    void slttMemoryIsFlatInTWhileBpttsGrows() {
        long[] bptt = new long[2], sltt = new long[2];
        int[] steps = {4, 16};
        // The least of three measurements (each free of the cleaner's returns, see peak): what a policy keeps
        // alive shows in every measurement.
        for (int i = 0; i < 2; i++) {
            bptt[i] = Long.MAX_VALUE;
            sltt[i] = Long.MAX_VALUE;
            for (int r = 0; r < 3; r++) {
                bptt[i] = Math.min(bptt[i], peak(TemporalTraining.Policy.BPTT, steps[i]));
                sltt[i] = Math.min(sltt[i], peak(TemporalTraining.Policy.SLTT, steps[i]));
            }
        }
        assertTrue(bptt[1] > 3 * bptt[0], "BPTT grows with T: " + bptt[0] + " at T = 4, " + bptt[1] + " at T = 16");
        // Peaks are noisy here (the cleaner may return earlier tests' garbage mid-measurement), so the bound is on the
        // growth; slttKeepsNothingPerStepButItsOutput measures SLTT's per-step memory exactly.
        assertTrue(sltt[1] - sltt[0] < 0.25 * (bptt[1] - bptt[0]), "SLTT grows far less than BPTT: SLTT " + sltt[0] + " at T = 4, " + sltt[1]
                + " at T = 16; BPTT " + bptt[0] + ", " + bptt[1]);
        assertTrue(sltt[1] * 3 < bptt[1], "and far below BPTT at T = 16");
    }

    /**
     * Between SLTT steps the live bytes grow by what the step hands back and nothing else: its output
     * [B, classes] and its loss, kept for the result. The neuron states a step replaces, its
     * activations and its graph are all released before the next step (sampled in the step loss,
     * where the step's forward is done; memory the cleaner returns meanwhile only lowers the count).
     */
    @Test
    void slttKeepsNothingPerStepButItsOutput() {
        int steps = 12, batch = 64, classes = 10;
        Module m = mlp(11, 64, 256, classes);
        Tensor x = Tensor.rand(new Generator(12), steps, batch, 64), y = Tensor.randint(new Generator(13), 0, classes, batch);
        try (var warm = TensorScope.open()) {
            TemporalTraining.backward(TemporalTraining.Policy.SLTT, m, x, y, F::crossEntropy, 0, null);
            m.zeroGrad();                                                       // the gradients go with the warm-up's scope
        }
        long[] live = new long[steps];
        int[] t = {0};
        try (var scope = TensorScope.open()) {
            TemporalTraining.backward(TemporalTraining.Policy.SLTT, m, x, y, (o, target) -> {
                live[t[0]++] = Device.CPU.memoryStats().live();
                return F.crossEntropy(o, target);
            }, 0, null);
        }
        long perStep = (long) batch * classes * Float.BYTES + 64;            // the output, and the loss with its running sum
        for (int i = 2; i < steps; i++)
            assertTrue(live[i] - live[1] <= (i - 1) * perStep, "live bytes at step " + i + ": +" + (live[i] - live[1]) + " since step 1, at most " + (i - 1) * perStep);
    }

    static long peak(TemporalTraining.Policy policy, int steps) {
        Module m = mlp(11, 64, 256, 10);
        Tensor x = Tensor.rand(new Generator(12), steps, 64, 64), y = Tensor.randint(new Generator(13), 0, 10, 64);
        try (var batch = TensorScope.open()) {
            TemporalTraining.backward(policy, m, x, y, F::crossEntropy, 0, null);       // warm: gradients and states exist
            m.zeroGrad();
        }
        // A measurement during which the cleaner returned earlier tests' garbage (parameters and gradients
        // are not scoped) saw live bytes drop mid-step and a peak too low: such a measurement is taken again.
        long peak = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            try (var batch = TensorScope.open()) {
                Device.CPU.resetPeakMemoryStats();
                var before = Device.CPU.memoryStats();
                TemporalTraining.backward(policy, m, x, y, F::crossEntropy, 0, null);
                var after = Device.CPU.memoryStats();
                peak = after.peakLive() - before.live();
                m.zeroGrad();                                     // the next attempt starts as this one did
                if (after.cleaned() == before.cleaned()) return peak;
            }
            System.gc();
        }
        return peak;
    }

    private static double cosine(double[] a, double[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static double norm(double[] a) { return Math.sqrt(java.util.Arrays.stream(a).map(v -> v * v).sum()); }
}
