package dev.galvani.nn.dendrites;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.F;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Sequential;
import dev.galvani.nn.sparse.EnsembleMask;
import dev.galvani.nn.sparse.SparseLinear;
import dev.galvani.optim.Adam;
import dev.galvani.snn.LIFNode;
import dev.galvani.snn.MultiStep;
import dev.galvani.snn.SNN;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Sparse and dendritic layers in a spiking network: wrapped in {@link MultiStep}, a [T, B, ...]
 * sequence is folded into the batch, so each step gets exactly what the layer gives that step alone,
 * and the perforated cycle trains through LIF neurons (surrogate gradients) like any other network.
 */
class SpikingUseTest {

    private static final int T = 4, B = 3;

    private static Sequential net() {
        Generator gen = new Generator(21);
        Tensor mask = EnsembleMask.mask(6, 8, 2, EnsembleMask.Grouping.INDEX, 1, 1, 0.25, gen);
        return new Sequential(new MultiStep(new SparseLinear(8, 6, mask, true, gen)), new LIFNode(),
                new MultiStep(new PerforatedNeuron(new Linear(6, 2, true, gen), () -> new Linear(6, 2, true, gen), 2, new Generator(22))));
    }

    @Test void foldedStepsEqualStepByStepApplication() {
        Sequential net = net();
        var perforated = (PerforatedNeuron) ((MultiStep) net.namedModules().get("2")).layer();
        perforated.restructure(1);
        try (var _ = Autograd.noGrad()) {
            perforated.namedParameters().get("U0").value().fill(0.7);
        }
        Tensor x = Tensor.rand(new Generator(23), T, B, 8).lt(0.5).to(dev.galvani.tensor.DType.F32);
        var sparse = (SparseLinear) ((MultiStep) net.namedModules().get("0")).layer();
        Tensor folded = net.namedModules().get("0").forward(x);
        for (int t = 0; t < T; t++) assertArrayEquals(sparse.forward(x.select(0, t)).toFloatArray(), folded.select(0, t).toFloatArray(), 1e-6f);
        Tensor spikes = Tensor.rand(new Generator(24), T, B, 6).lt(0.5).to(dev.galvani.tensor.DType.F32);
        Tensor out = net.namedModules().get("2").forward(spikes);
        assertArrayEquals(new int[]{T, B, 2}, out.shape().dims());
        for (int t = 0; t < T; t++) assertArrayEquals(perforated.forward(spikes.select(0, t)).toFloatArray(), out.select(0, t).toFloatArray(), 1e-6f);
    }

    @Test void thePerforatedCycleTrainsASpikingNetwork() {
        Sequential net = net();
        var perforated = (PerforatedNeuron) ((MultiStep) net.namedModules().get("2")).layer();
        var t = new PerforatedTrainer(net, DendriteRule.CORRELATION, new DendriteSwitch(DendriteSwitch.Rule.FIXED, 10, 5, 1, 2, 100, 0.001),
                params -> new Adam(params, Adam.options().lr(0.05)), 1);
        Tensor x = Tensor.rand(new Generator(25), T, 16, 8).lt(0.5).to(dev.galvani.tensor.DType.F32);
        Tensor y = Tensor.randint(new Generator(26), 0, 2, 16);
        java.util.function.Supplier<Tensor> loss = () -> {
            SNN.resetState(net);
            return F.crossEntropy(net.forward(x).mean(0), y);                // rate readout: mean over T
        };
        t.step(loss);
        assertEquals(PerforatedTrainer.Phase.CANDIDATE, t.endEpoch(0.5));
        float[] before = perforated.namedParameters().get("dendrite0.weight").value().toFloatArray();
        for (int i = 0; i < 5; i++) t.step(loss);
        assertFalse(Arrays.equals(before, perforated.namedParameters().get("dendrite0.weight").value().toFloatArray()),
                "the candidate learns from the errors the spiking network's loss gives");
        assertEquals(PerforatedTrainer.Phase.NEURON, t.endEpoch(0.5));
    }
}
