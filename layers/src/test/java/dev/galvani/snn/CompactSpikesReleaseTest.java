package dev.galvani.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.nn.BatchNorm;
import dev.galvani.nn.Conv;
import dev.galvani.nn.F;
import dev.galvani.nn.Flatten;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Parameter;
import dev.galvani.nn.Pool;
import dev.galvani.nn.Sequential;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.Surrogate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@link MultiStep#compactSpikes} on, the float spikes entering a Linear or Conv2d are given
 * back once that layer has made its byte copy: every parameter gradient stays bit for bit that of
 * the run with it off (a spiking MLP, and the spiking CNN of the {@code snn-fashion-mnist} task),
 * the peak of live allocator bytes falls by the 3 bytes per spike element the shapes predict,
 * monitors see the same spikes, and a later read of the given-back spikes fails with a message that
 * says what happened.
 */
class CompactSpikesReleaseTest {

    /** Linear → LIF → Linear → LIF → Linear, multi-step. */
    static Sequential mlp(int in, int hidden, int out, long seed) {
        Generator g = new Generator(seed);
        var o = new SpikingNeuron.Options().surrogate(Surrogate.atan()).vThreshold(0.2);     // low enough for every layer to fire
        return new Sequential(new MultiStep(new Linear(in, hidden, true, g)), new LIFNode(2.0, true, o),
                new MultiStep(new Linear(hidden, hidden, true, g)), new LIFNode(2.0, true, o), new MultiStep(new Linear(hidden, out, true, g)));
    }

    /** The network of the snn-fashion-mnist task (its sequence dropout left out): [conv → BN → PLIF → max pool 2] x 2 → linear → PLIF → linear. */
    static Sequential cnn(int c1, int c2, int side, int hidden, long seed) {
        Generator g = new Generator(seed);
        var o = new SpikingNeuron.Options().surrogate(Surrogate.atan()).detachReset(true);
        int pooled = side / 4;
        return new Sequential(
                new MultiStep(new Conv.Conv2d(1, c1, 3, 1, 1, 1, 1, false, g)), new MultiStep(new BatchNorm.BatchNorm2d(c1)),
                new ParametricLIFNode(2.0, true, o), new MultiStep(new Pool.MaxPool2d(2)),
                new MultiStep(new Conv.Conv2d(c1, c2, 3, 1, 1, 1, 1, false, g)), new MultiStep(new BatchNorm.BatchNorm2d(c2)),
                new ParametricLIFNode(2.0, true, o), new MultiStep(new Pool.MaxPool2d(2)),
                new MultiStep(new Flatten()), new MultiStep(new Linear(c2 * pooled * pooled, hidden, true, g)), new ParametricLIFNode(2.0, true, o),
                new MultiStep(new Linear(hidden, 10, true, g)));
    }

    /** One forward and backward of the rate-decoded cross-entropy inside a scope; returns every parameter's gradient. */
    static List<float[]> gradients(Sequential model, Tensor x, Tensor labels, boolean compact) {
        SNN.compactSpikes(model, compact);
        List<float[]> grads = new ArrayList<>();
        try (var step = TensorScope.open()) {
            model.zeroGrad();
            F.crossEntropy(model.forward(x).mean(0), labels).backward();
            for (Parameter p : model.parameters()) grads.add(p.grad().toFloatArray());
            model.zeroGrad();
        }
        return grads;
    }

    private static void assertBitForBit(List<float[]> off, List<float[]> on) {
        assertEquals(off.size(), on.size());
        for (int i = 0; i < off.size(); i++) assertArrayEquals(off.get(i), on.get(i), "gradient of parameter " + i);
    }

    @Test
    void theSpikingMlpsGradientsAreBitForBitThoseWithoutCompactSpikes() {
        Tensor x = Tensor.rand(new Generator(1), 4, 16, 20).mul(2.0), labels = Tensor.randint(new Generator(2), 0, 10, 16);
        Sequential model = mlp(20, 48, 10, 3);
        assertBitForBit(gradients(model, x, labels, false), gradients(model, x, labels, true));
    }

    @Test
    void theSpikingCnnsGradientsAreBitForBitThoseWithoutCompactSpikes() {
        Tensor images = Tensor.randn(new Generator(4), 8, 1, 12, 12), labels = Tensor.randint(new Generator(5), 0, 10, 8);
        Sequential model = cnn(4, 8, 12, 24, 6);
        Tensor x = Encoders.direct(images, 4);
        assertBitForBit(gradients(model, x, labels, false), gradients(model, x, labels, true));
    }

    @Test
    void slttsGradientsAreBitForBitThoseWithoutCompactSpikes() {
        Tensor x = Tensor.rand(new Generator(22), 4, 16, 20).mul(2.0), labels = Tensor.randint(new Generator(23), 0, 10, 16);
        List<List<float[]>> runs = new ArrayList<>();
        for (boolean compact : new boolean[]{false, true}) {
            Sequential model = mlp(20, 48, 10, 24);
            SNN.compactSpikes(model, compact);
            try (var batch = TensorScope.open()) {
                TemporalTraining.backward(TemporalTraining.Policy.SLTT, model, x, labels, F::crossEntropy, 0, null);
                List<float[]> grads = new ArrayList<>();
                for (Parameter p : model.parameters()) grads.add(p.grad().toFloatArray());
                runs.add(grads);
            }
        }
        assertBitForBit(runs.get(0), runs.get(1));
    }

    /**
     * The peak of live bytes of one step, above what lived before it, after a warm-up step; measured
     * again when the cleaner returned earlier garbage during it (that lowers a peak by chance).
     */
    static long peak(Sequential model, Tensor x, Tensor labels, boolean compact) {
        gradients(model, x, labels, compact);
        long peak = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            Device.CPU.settleMemory();
            try (var step = TensorScope.open()) {
                Device.CPU.resetPeakMemoryStats();
                var before = Device.CPU.memoryStats();
                F.crossEntropy(model.forward(x).mean(0), labels).backward();
                var after = Device.CPU.memoryStats();
                peak = after.peakLive() - before.live();
                model.zeroGrad();
                if (after.cleaned() == before.cleaned()) return peak;
            }
        }
        return peak;
    }


    @Test
    void theMlpsPeakFallsByThreeBytesPerSpikeFedToACompactLayer() {
        int steps = 4, batch = 32, in = 64, hidden = 256;
        Tensor x = Tensor.rand(new Generator(7), steps, batch, in).mul(2.0), labels = Tensor.randint(new Generator(8), 0, 10, batch);
        Sequential model = mlp(in, hidden, 10, 9);
        // Both hidden layers' spikes [T, B, hidden] feed a compact Linear: 4 bytes of float each given back, 1 byte kept.
        long expected = 2L * steps * batch * hidden * (Float.BYTES - 1);
        long off = peak(model, x, labels, false), on = peak(model, x, labels, true);
        assertEquals(expected, off - on, expected * 0.02, "peak " + off + " bytes off, " + on + " on");
    }

    @Test
    void theCnnsPeakFallsByWhatItsPoolingAndCompactLayersGiveBack() {
        int steps = 4, batch = 8, c1 = 4, c2 = 8, side = 16, hidden = 24;
        Tensor images = Tensor.randn(new Generator(19), batch, 1, side, side), labels = Tensor.randint(new Generator(20), 0, 10, batch);
        Sequential model = cnn(c1, c2, side, hidden, 21);
        Tensor x = Encoders.direct(images, steps);
        // The pooled spikes feed the second conv and the first linear, the last neuron's spikes the readout: 3 bytes
        // each (the float less the byte kept). The first two neurons' spikes feed max pooling, which reads only the
        // indices of its maxima and keeps no copy: 4 bytes each.
        long pooled = c1 * (side / 2) * (side / 2) + c2 * (side / 4) * (side / 4), neurons = c1 * side * side + c2 * (side / 2) * (side / 2);
        long expected = (long) steps * batch * ((pooled + hidden) * (Float.BYTES - 1) + neurons * Float.BYTES);
        long off = peak(model, x, labels, false), on = peak(model, x, labels, true);
        assertEquals(expected, off - on, expected * 0.02, "peak " + off + " bytes off, " + on + " on");
    }

    @Test
    void monitorsSeeTheSameSpikes() {
        Tensor x = Tensor.rand(new Generator(10), 4, 16, 20).mul(2.0), labels = Tensor.randint(new Generator(11), 0, 10, 16);
        Sequential model = mlp(20, 48, 10, 12);
        Map<String, Double> off, on;
        try (SpikeMonitor monitor = SpikeMonitor.attach(model, false)) {
            gradients(model, x, labels, false);
            off = monitor.firingRates();
        }
        try (SpikeMonitor monitor = SpikeMonitor.attach(model, false)) {
            gradients(model, x, labels, true);
            on = monitor.firingRates();
        }
        assertEquals(off, on);
        assertTrue(off.values().stream().allMatch(r -> r > 0 && r < 1), "the layers fire sometimes: " + off);
    }

    @Test
    void readingGivenBackSpikesFailsWithAMessageThatSaysWhy() {
        Linear lin = new Linear(12, 5, true, new Generator(13));
        LIFNode neuron = new LIFNode(2.0);
        Tensor x = Tensor.rand(new Generator(14), 3, 4, 12).mul(3.0).requiresGrad(true);
        try (var step = TensorScope.open()) {
            Tensor spikes = neuron.forward(x);
            Tensor y = new MultiStep(lin).compactSpikes(true).forward(spikes);
            assertTrue(spikes.storage().isReleased(), "read by no rule, made in this scope, consumed whole");
            var error = assertThrows(IllegalStateException.class, () -> spikes.sum().item());
            assertTrue(error.getMessage().contains("compact-spike Linear") && error.getMessage().contains("turn compactSpikes off"), error.getMessage());
            y.sum().backward();                                       // the graph itself does not need them
            assertTrue(lin.weight.value().grad() != null);
        }
    }

    @Test
    void spikesOfAnEnclosingScopeOrReadByARuleAreKept() {
        Linear lin = new Linear(12, 5, true, new Generator(15));
        Tensor x = Tensor.rand(new Generator(16), 3, 4, 12).mul(3.0).requiresGrad(true);
        try (var outer = TensorScope.open()) {
            Tensor spikes = new LIFNode(2.0).forward(x);
            try (var inner = TensorScope.open()) {
                new MultiStep(lin).compactSpikes(true).forward(spikes);
            }
            assertFalse(spikes.storage().isReleased(), "made in an enclosing scope: another step may read it");
            Tensor again = new LIFNode(2.0).forward(x);
            Tensor doubled = again.mul(x);                            // mul's rule reads the spikes for dL/dx
            new MultiStep(lin).compactSpikes(true).forward(again);
            assertFalse(again.storage().isReleased(), "a pending rule reads them");
            assertEquals(doubled.sum().item(), again.mul(x).sum().item());
        }
    }

    /** y = 2x as a custom function: its rule reads nothing of x or y, so y is read by no pending rule. */
    private static final class Twice extends dev.galvani.autograd.Function {
        @Override protected Tensor forward(dev.galvani.autograd.Context ctx, Tensor... in) { return in[0].mul(2.0); }

        @Override protected Tensor[] backward(dev.galvani.autograd.Context ctx, Tensor g) { return new Tensor[]{g.mul(2.0)}; }
    }

    @Test
    void maxPoolingGivesBackAnyInputOnceItHasPooledIt() {
        float[][] grads = new float[2][];
        for (int i = 0; i < 2; i++) {
            Tensor leaf = Tensor.randn(new Generator(25), 2, 3, 2, 6, 6).requiresGrad(true);
            try (var step = TensorScope.open()) {
                Tensor input = new Twice().apply(leaf);                  // analog values, its own storage, read by no rule
                Tensor y = new MultiStep(new Pool.MaxPool2d(2)).compactSpikes(i == 1).forward(input);
                assertEquals(i == 1, input.storage().isReleased(), "given back only with compactSpikes on");
                y.mul(Tensor.randn(new Generator(26), y.shape().dims())).sum().backward();
                grads[i] = leaf.grad().toFloatArray();
            }
        }
        assertArrayEquals(grads[0], grads[1]);
    }

    @Test
    void directlyEncodedStemsAreNotTouched() {
        Tensor images = Tensor.randn(new Generator(17), 2, 1, 8, 8);
        try (var step = TensorScope.open()) {
            Tensor x = Encoders.direct(images.to(DType.F32).gt(0.0).to(DType.F32), 3);  // binary, but a stride-0 view of one image batch
            Sequential model = new Sequential(new MultiStep(new Conv.Conv2d(1, 2, 3, 1, 1, 1, 1, false, new Generator(18))));
            SNN.compactSpikes(model, true);
            model.forward(x).sum().backward();
            assertFalse(x.storage().isReleased());
        }
    }
}
