package dev.galvani.nn.dendrites;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.Activation;
import dev.galvani.nn.F;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.nn.Sequential;
import dev.galvani.nn.dendrites.PerforatedTrainer.Phase;
import dev.galvani.optim.Adam;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Perforated backpropagation's cycle (bio reference §2.3) on a toy regression, driven by scripted
 * validation scores: phases switch as specified, the best model (structure included) is reloaded,
 * candidates learn alone and raise their correlation, and checkpoints carry the structure.
 */
class PerforatedTrainingTest {

    /** y = x0 + |x1|: a linear neuron cannot fit the |x1| part, a sigmoid dendrite can help. */
    private static final Tensor X = Tensor.randn(new Generator(11), 256, 2);
    private static final Tensor Y;
    static {
        float[] x = X.toFloatArray(), y = new float[256];
        for (int i = 0; i < 256; i++) y[i] = x[2 * i] + Math.abs(x[2 * i + 1]);
        Y = Tensor.of(y, 256, 1);
    }

    private static PerforatedNeuron neuron(long seed) {
        Generator gen = new Generator(seed);
        return new PerforatedNeuron(new Linear(2, 1, true, gen), () -> new Linear(2, 1, true, gen), 1, new Generator(seed + 1));
    }

    private static double loss(Module m) {
        try (var _ = Autograd.noGrad()) {
            return F.mseLoss(m.forward(X), Y).itemDouble();
        }
    }

    private static PerforatedTrainer trainer(Module m, DendriteRule rule, DendriteSwitch s, int candidateEpochs) {
        return new PerforatedTrainer(m, rule, s, params -> new Adam(params, Adam.options().lr(0.05)), candidateEpochs);
    }

    private static void epoch(PerforatedTrainer t, Module m, int steps) {
        for (int i = 0; i < steps; i++) t.step(() -> F.mseLoss(m.forward(X), Y));
    }

    private static float[] values(Module m) {
        try (var _ = Autograd.noGrad()) {
            return m.forward(X).toFloatArray();
        }
    }

    @Test void gradientDendritesAreAddedToTheBestModelAndLearnWithTheNeuron() {
        var n = neuron(1);
        var t = trainer(n, DendriteRule.GRADIENT, new DendriteSwitch(DendriteSwitch.Rule.HISTORY, 2, 250, 249, 2, 100, 0.001), 1);
        epoch(t, n, 20);
        t.endEpoch(0.5);                                     // the best so far
        float[] bestOutput = values(n);
        epoch(t, n, 20);
        assertEquals(Phase.NEURON, t.endEpoch(0.4));
        epoch(t, n, 20);
        assertNotEquals(bestOutput[0], values(n)[0], "training moved on from the best model");
        assertEquals(Phase.NEURON, t.endEpoch(0.4), "second epoch without improvement: switch, and gradient dendrites skip the p-phase");
        assertEquals(1, n.dendriteCount());
        assertArrayEquals(bestOutput, values(n), 1e-6f, "the best model was reloaded and the new set (U = 0) changes nothing");
        assertTrue(n.parameters().stream().allMatch(p -> p.requiresGrad()), "with gradient dendrites everything learns");
        double before = loss(n);
        epoch(t, n, 300);
        assertTrue(loss(n) < 0.5 * before, "the dendrite fits what the linear neuron cannot: " + before + " -> " + loss(n));
        assertTrue(t.events().getFirst().what().contains("dendrite set 1 added"));
    }

    @Test void correlationCandidatesLearnAloneThenAreAcceptedWithZeroOutputWeight() {
        var n = neuron(3);
        var t = trainer(n, DendriteRule.CORRELATION, new DendriteSwitch(DendriteSwitch.Rule.FIXED, 10, 5, 1, 2, 100, 0.001), 3);
        epoch(t, n, 200);                                    // the best linear fit
        double linearLoss = loss(n);
        assertEquals(Phase.CANDIDATE, t.endEpoch(-linearLoss), "fixed switch after one epoch: a candidate set");
        float[] mainWeight = n.main.parameters().getFirst().value().toFloatArray();
        float[] out = values(n);
        epoch(t, n, 1);
        double firstC = correlation(n);
        for (int e = 0; e < 3; e++) {
            epoch(t, n, 100);
            assertArrayEquals(mainWeight, n.main.parameters().getFirst().value().toFloatArray(), "the neuron is frozen in the p-phase");
            assertArrayEquals(out, values(n), "and its output is unchanged (U = 0)");
            if (e < 2) assertEquals(Phase.CANDIDATE, t.endEpoch(0));
        }
        double lastC = correlation(n);
        assertTrue(Math.abs(lastC) > 2 * Math.abs(firstC), "the candidate learned to follow the error: |C| " + firstC + " -> " + lastC);
        assertEquals(Phase.NEURON, t.endEpoch(0), "after candidateEpochs the set is accepted");
        assertEquals(PerforatedNeuron.Mode.NEURON, n.mode());
        assertTrue(!n.namedParameters().get("dendrite0.weight").requiresGrad() && n.namedParameters().get("U0").requiresGrad(), "accepted: frozen, U learns");
        epoch(t, n, 300);
        assertTrue(loss(n) < 0.7 * linearLoss, "the accepted dendrite lowers the loss below the best linear fit: " + linearLoss + " -> " + loss(n));
    }

    /** The covariance of the candidate's output with the neuron's error over the whole data set. */
    private static double correlation(PerforatedNeuron n) {
        Tensor y = n.forward(X);
        Tensor e = Autograd.grad(java.util.List.of(F.mseLoss(y, Y)), java.util.List.of(y)).getFirst();
        return CascadeCorrelation.covariance(n.lastCandidate().detach(), e).itemDouble();
    }

    @Test void aFailedSetIsRetriedFromTheModelOfTheSwitchThenTrainingStopsWithTheBest() {
        var n = neuron(5);
        var t = trainer(n, DendriteRule.GRADIENT, new DendriteSwitch(DendriteSwitch.Rule.HISTORY, 1, 250, 249, 2, 100, 0.001), 1);
        epoch(t, n, 5);
        t.endEpoch(0.5);
        float[] atSwitch = values(n);
        epoch(t, n, 5);
        t.endEpoch(0.5);                                     // no improvement: set 1
        assertEquals(1, n.dendriteCount());
        epoch(t, n, 5);
        float[] marginal = values(n);
        // A new best, but by less than the threshold: set 1 failed. The retry starts from the model of
        // the switch (no dendrites), not from this best one (which has the failed set).
        assertEquals(Phase.NEURON, t.endEpoch(0.50001));
        assertEquals(1, n.dendriteCount(), "the failed set was dropped and a new one added");
        assertArrayEquals(atSwitch, values(n), 1e-6f);
        assertTrue(t.events().get(1).what().contains("did not help"), t.events().toString());
        epoch(t, n, 5);
        assertEquals(Phase.DONE, t.endEpoch(0.3), "the second failure stops");
        assertEquals(1, n.dendriteCount(), "with the best model, the marginal one, restored");
        assertArrayEquals(marginal, values(n), 1e-6f);
        assertThrows(IllegalStateException.class, () -> t.step(() -> F.mseLoss(n.forward(X), Y)));
        assertEquals(3, t.events().size(), t.events().toString());
    }

    @Test void stoppingAtABudgetDropsTheCandidateAndRestoresTheBest() {
        var n = neuron(13);
        var t = trainer(n, DendriteRule.CORRELATION, new DendriteSwitch(DendriteSwitch.Rule.FIXED, 10, 5, 1, 2, 100, 0.001), 3);
        epoch(t, n, 10);
        t.endEpoch(0.5);
        float[] best = values(n);
        assertEquals(Phase.CANDIDATE, t.phase());
        epoch(t, n, 10);
        t.stop();
        assertEquals(Phase.DONE, t.phase());
        assertEquals(0, n.dendriteCount(), "the candidate is dropped");
        assertEquals(PerforatedNeuron.Mode.NEURON, n.mode());
        assertArrayEquals(best, values(n), 1e-6f);
    }

    @Test void twoLayersRunSeveralCorrelationCyclesAndTheLossFalls() {
        Generator gen = new Generator(17);
        var model = new Sequential(new PerforatedNeuron(new Linear(2, 2, true, gen), () -> new Linear(2, 2, true, gen), 2, new Generator(18)),
                new Activation.Tanh(), new PerforatedNeuron(new Linear(2, 1, true, gen), () -> new Linear(2, 1, true, gen), 1, new Generator(19)));
        var t = trainer(model, DendriteRule.CORRELATION, new DendriteSwitch(DendriteSwitch.Rule.FIXED, 10, 3, 2, 2, 3, 0.001), 1);
        double start = Double.NaN;
        for (int e = 0; e < 20 && t.phase() != Phase.DONE; e++) {
            epoch(t, model, 30);
            if (e == 1) start = loss(model);
            t.endEpoch(-loss(model));
        }
        t.stop();
        assertTrue(t.dendrites() >= 2, "cascades of two sets in both layers: " + t.events());
        assertTrue(loss(model) < start, start + " -> " + loss(model));
    }

    @Test void aModelWithoutPerforatedNeuronsIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> trainer(new Linear(2, 1, true, new Generator(1)), DendriteRule.GRADIENT, DendriteSwitch.history(), 1));
        assertTrue(e.getMessage().contains("no PerforatedNeuron"));
    }

    @Test void checkpointsCarryTheStructure(@TempDir Path dir) throws Exception {
        Generator gen = new Generator(7);
        var model = new Sequential(new PerforatedNeuron(new Linear(2, 4, true, gen), () -> new Linear(2, 4, true, gen), 4, new Generator(8)),
                new Activation.ReLU(), new PerforatedNeuron(new Linear(4, 1, true, gen), () -> new Linear(4, 1, true, gen), 1, new Generator(9)));
        var first = (PerforatedNeuron) model.namedModules().get("0");
        for (int i = 0; i < 2; i++) { first.addDendrite(); first.accept(); }
        ((PerforatedNeuron) model.namedModules().get("2")).restructure(1);
        try (var _ = Autograd.noGrad()) {
            for (var p : model.parameters()) p.value().copyFrom(Tensor.randn(gen, p.shape()));   // U nonzero: the dendrites matter
        }
        Path file = dir.resolve("model.safetensors");
        PerforatedCheckpoint.save(file, model, Map.of("epoch", "12"));
        Generator other = new Generator(70);
        var fresh = new Sequential(new PerforatedNeuron(new Linear(2, 4, true, other), () -> new Linear(2, 4, true, other), 4, new Generator(8)),
                new Activation.ReLU(), new PerforatedNeuron(new Linear(4, 1, true, other), () -> new Linear(4, 1, true, other), 1, new Generator(9)));
        Map<String, String> meta = PerforatedCheckpoint.load(file, fresh);
        assertEquals("12", meta.get("epoch"));
        assertEquals("0=2,2=1", meta.get(PerforatedCheckpoint.KEY));
        assertEquals(Map.of("0", 2, "2", 1), PerforatedCheckpoint.structure(fresh));
        assertArrayEquals(values(model), values(fresh), "the restored model computes the same");
        var wrong = new Sequential(new Linear(2, 4, true, other));
        var e = assertThrows(IllegalArgumentException.class, () -> PerforatedCheckpoint.load(file, wrong));
        assertTrue(e.getMessage().contains("'0'"), e.getMessage());
        Path plain = dir.resolve("plain.safetensors");
        dev.galvani.io.SafeTensors.save(plain, model.stateDict(), Map.of());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PerforatedCheckpoint.load(plain, fresh)).getMessage().contains(PerforatedCheckpoint.KEY));
        assertTrue(Files.size(file) > 0);
    }
}
