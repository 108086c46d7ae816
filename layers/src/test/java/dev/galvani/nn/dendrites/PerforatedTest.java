package dev.galvani.nn.dendrites;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.Linear;
import dev.galvani.nn.dendrites.DendriteSwitch.Decision;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Perforated backpropagation (bio reference §2): the neuron module, its modes, the cascade, the correlation objective, the switching rules. */
class PerforatedTest {

    private static PerforatedNeuron neuron() {
        Generator gen = new Generator(1);
        return new PerforatedNeuron(new Linear(4, 3, true, gen), () -> new Linear(4, 3, true, gen), 3, new Generator(2));
    }

    @Test void aNewDendriteChangesNothingUntilItsOutputWeightLearns() {
        var n = neuron();
        Tensor x = Tensor.randn(new Generator(3), 5, 4);
        float[] before = n.forward(x).detach().toFloatArray();
        assertArrayEquals(n.main.forward(x).detach().toFloatArray(), before, "no dendrites: the wrapped layer");
        n.addDendrite();
        assertArrayEquals(before, n.forward(x).detach().toFloatArray(), "U = 0");
        assertEquals(PerforatedNeuron.Mode.CANDIDATE, n.mode());
        assertTrue(n.main.parameters().stream().noneMatch(p -> p.requiresGrad()), "the wrapped layer is frozen in candidate mode");
        n.accept();
        assertTrue(n.main.parameters().stream().allMatch(p -> p.requiresGrad()), "and learns again in neuron mode");
        assertTrue(n.namedParameters().get("U0").requiresGrad() && !n.namedParameters().get("dendrite0.weight").requiresGrad());
    }

    @Test void theCandidatesInputIsCutFromTheGraph() {
        var n = neuron();
        n.addDendrite();
        Tensor x = Tensor.randn(new Generator(4), 5, 4).requiresGrad(true);
        List<Tensor> d = n.dendriteOutputs(x);
        d.getLast().sum().backward();
        assertNull(x.grad(), "the candidate's objective does not reach earlier layers");
        assertTrue(n.namedParameters().get("dendrite0.weight").grad() != null, "but trains the candidate");
        n.accept();
        n.addDendrite();                                     // a second candidate reads the accepted d_0 through V_1
        try (var _ = Autograd.noGrad()) {
            n.namedParameters().get("V1").value().fill(1);
        }
        n.zeroGrad();
        n.dendriteOutputs(x).getLast().sum().backward();
        assertNull(x.grad(), "not through the cascade either");
        Tensor accepted = n.namedParameters().get("dendrite0.weight").grad();
        assertTrue(accepted == null || accepted.abs().sum().itemDouble() == 0, "the accepted dendrite gets nothing from the candidate's objective");
        assertTrue(n.namedParameters().get("V1").grad() != null && n.namedParameters().get("dendrite1.weight").grad() != null);
    }

    @Test void laterDendritesSeeEarlierOnes() {
        var n = neuron();
        n.addDendrite();
        n.accept();
        n.addDendrite();
        try (var _ = Autograd.noGrad()) {
            n.namedParameters().get("V1").value().copyFrom(Tensor.of(new float[]{0.5f, -1f, 2f}, 1, 3));
        }
        Tensor x = Tensor.randn(new Generator(5), 2, 4);
        List<Tensor> d = n.dendriteOutputs(x);
        float[] d0 = d.get(0).toFloatArray(), pre1 = n.namedChildren().get("dendrite1").forward(x).toFloatArray(), d1 = d.get(1).toFloatArray();
        float[] v = {0.5f, -1f, 2f};
        for (int i = 0; i < 6; i++) assertEquals(1 / (1 + Math.exp(-(pre1[i] + v[i % 3] * d0[i]))), d1[i], 1e-6, "d_1 = σ(D_1(x) + V_1,0 ⊙ d_0)");
        n.reject();
        assertEquals(1, n.dendriteCount());
        assertTrue(!n.namedParameters().containsKey("V1") && !n.namedChildren().containsKey("dendrite1"));
        assertThrows(IllegalStateException.class, n::reject);
    }

    @Test void covarianceAndCandidateGradientFollowTheFormulas() {
        Tensor d = Tensor.randn(new Generator(6), DType.F64, 7, 2).requiresGrad(true), e = Tensor.randn(new Generator(7), DType.F64, 7, 2);
        double[] dv = d.detach().toDoubleArray(), ev = e.toDoubleArray(), c = CascadeCorrelation.covariance(d, e).detach().toDoubleArray();
        double[] want = new double[2];
        for (int o = 0; o < 2; o++) {
            double md = 0, me = 0;
            for (int p = 0; p < 7; p++) { md += dv[p * 2 + o] / 7; me += ev[p * 2 + o] / 7; }
            for (int p = 0; p < 7; p++) want[o] += (dv[p * 2 + o] - md) * (ev[p * 2 + o] - me);
        }
        assertArrayEquals(want, c, 1e-12);
        Tensor running = Tensor.of(new double[]{-3, 2});
        CascadeCorrelation.candidateLoss(d, e, running).backward();
        double[] g = d.grad().toDoubleArray();
        for (int o = 0; o < 2; o++) {
            double me = 0;
            for (int p = 0; p < 7; p++) me += ev[p * 2 + o] / 7;
            for (int p = 0; p < 7; p++) assertEquals(-Math.signum(o == 0 ? -3 : 2) * (ev[p * 2 + o] - me), g[p * 2 + o], 1e-12);
        }
        var tracker = new CascadeCorrelation();
        tracker.update(d, e);
        assertArrayEquals(want, tracker.running().toDoubleArray(), 1e-12, "the first batch is the running value");
    }

    private static List<Decision> run(DendriteSwitch s, double... scores) {
        List<Decision> out = new ArrayList<>();
        for (double v : scores) out.add(s.after(v));
        return out;
    }

    @Test void historySwitchingFollowsTheScriptedScores() {
        var s = new DendriteSwitch(DendriteSwitch.Rule.HISTORY, 3, 250, 249, 2, 100, 0.001, 0.0001);
        // Improves for 3 epochs, then flat: the 3rd epoch without improvement switches (add set 1).
        assertEquals(List.of(Decision.CONTINUE, Decision.CONTINUE, Decision.CONTINUE, Decision.CONTINUE, Decision.CONTINUE, Decision.SWITCH),
                run(s, 0.5, 0.6, 0.7, 0.7, 0.7005, 0.7));
        // Set 1 helps (0.75): kept; flat again: switch (add set 2).
        assertEquals(List.of(Decision.CONTINUE, Decision.CONTINUE, Decision.CONTINUE, Decision.SWITCH), run(s, 0.75, 0.75, 0.75, 0.75));
        assertEquals(1, s.dendrites());
        // Set 2 does not help: one retry, then the second failure stops.
        assertEquals(List.of(Decision.CONTINUE, Decision.CONTINUE, Decision.RETRY, Decision.CONTINUE, Decision.CONTINUE, Decision.STOP),
                run(s, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75));
        assertEquals(0.75, s.best());
    }

    @Test void fixedAndNoSwitching() {
        var fixed = new DendriteSwitch(DendriteSwitch.Rule.FIXED, 10, 4, 3, 2, 100, 0.001);
        assertEquals(List.of(Decision.CONTINUE, Decision.CONTINUE, Decision.SWITCH, Decision.CONTINUE, Decision.CONTINUE, Decision.CONTINUE, Decision.SWITCH),
                run(fixed, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7));
        var none = new DendriteSwitch(DendriteSwitch.Rule.NONE, 1, 1, 1, 1, 100, 0.001);
        assertTrue(run(none, 0.1, 0.1, 0.1, 0.1).stream().allMatch(d -> d == Decision.CONTINUE));
        var capped = new DendriteSwitch(DendriteSwitch.Rule.FIXED, 10, 1, 1, 2, 0, 0.001);
        assertEquals(Decision.STOP, capped.after(0.1), "max dendrites 0: the first switch stops");
    }
}
