package dev.galvani.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.Linear;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.Surrogate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The neuron modules: their recurrences on hand-worked inputs, step modes, state, and the multi-step containers. */
class NeuronsTest {

    @Test
    void lifMatchesItsRecurrenceByHand() {
        // tau = 2, decay_input, V_th = 1, hard reset to 0: H = V + (X − V)/2.
        LIFNode lif = new LIFNode();
        Tensor x = Tensor.of(new float[]{1.5f, 1.5f, 0.2f, 3f}, 4, 1);
        // t0: H = 0.75 → no spike, V = 0.75; t1: H = 0.75 + (1.5 − 0.75)/2 = 1.125 → spike, V = 0;
        // t2: H = 0.1 → V = 0.1; t3: H = 0.1 + (3 − 0.1)/2 = 1.55 → spike.
        assertArrayEquals(new float[]{0, 1, 0, 1}, lif.forward(x).toFloatArray());
        assertEquals(0f, lif.membrane().item());
    }

    @Test
    void singleStepModeCarriesStateAndMatchesMultiStep() {
        Generator g = new Generator(2);
        Tensor x = Tensor.rand(g, 6, 3, 5).mul(2.0);
        for (SpikingNeuron n : List.<SpikingNeuron>of(new LIFNode(), new IFNode(), new ParametricLIFNode(), new AdaptiveLIFNode(2, 5, 0.5, new SpikingNeuron.Options()),
                new CubaLIFNode(), new RecurrentLIFNode(5, true, new Generator(1)))) {
            float[] multi = n.forward(x).toFloatArray();
            n.stepMode(StepMode.SINGLE);
            n.resetState();
            float[] single = new float[multi.length];
            for (int t = 0; t < 6; t++) System.arraycopy(n.forward(x.select(0, t)).toFloatArray(), 0, single, t * 15, 15);
            assertArrayEquals(multi, single, n.getClass().getSimpleName());
            var e = assertThrows(IllegalStateException.class, () -> n.forward(Tensor.zeros(2, 5)));
            assertTrue(e.getMessage().contains("call SNN.resetState(model) between sequences"), e.getMessage());
            n.resetState();
            assertNotNull(n.forward(Tensor.zeros(2, 5)));
        }
    }

    @Test
    void parametricLifLearnsItsTimeConstant() {
        ParametricLIFNode plif = new ParametricLIFNode();
        assertEquals(2.0, plif.currentTau(), 1e-12, "w0 = -ln(initTau - 1) gives tau = initTau");
        Tensor x = Tensor.rand(new Generator(4), 8, 16).mul(2.0);
        plif.forward(x).sum().backward();
        assertTrue(plif.w.grad() != null && Math.abs(plif.w.grad().item()) > 0, "the decay gets a gradient");
        // The same gradient through the unrolled neuron:
        ParametricLIFNode unrolled = new ParametricLIFNode();
        unrolled.fused(false).forward(x).sum().backward();
        assertEquals(unrolled.w.grad().item(), plif.w.grad().item(), 1e-5 * Math.abs(unrolled.w.grad().item()));
    }

    @Test
    void adaptiveThresholdJumpsAndDecays() {
        // tau 1 (H = X), threshold 1, beta 0.5, tau_adapt 2 (rho 0.5), soft reset.
        AdaptiveLIFNode a = new AdaptiveLIFNode(1, 2, 0.5, new SpikingNeuron.Options().softReset());
        Tensor x = Tensor.of(new float[]{1.2f, 1.2f, 1.2f}, 3, 1);
        // t0: H 1.2 ≥ B 1 → spike, V = 0.2, B = 1 + 0.5·0 + 0.5 = 1.5; t1: H = 1.2 < 1.5 → no spike, B = 1 + 0.5·0.5 = 1.25;
        // t2: H 1.2 < 1.25 → no spike.
        assertArrayEquals(new float[]{1, 0, 0}, a.forward(x).toFloatArray());
        assertEquals(1.125f, a.threshold().item(), 1e-6);
    }

    @Test
    void cubaIntegratesACurrent() {
        // I = 0.5 I + X, H = 0.25 V + I, V_th 0.5, hard reset to 0.
        CubaLIFNode c = new CubaLIFNode();
        Tensor x = Tensor.of(new float[]{0.2f, 0.2f, 0.2f}, 3, 1);
        // t0: I 0.2, H 0.2; t1: I 0.3, H 0.05 + 0.3 = 0.35; t2: I 0.35, H 0.0875 + 0.35 = 0.4375 → no spike.
        assertArrayEquals(new float[]{0, 0, 0}, c.forward(x).toFloatArray());
        assertEquals(0.4375f, c.membrane().item(), 1e-6);
        assertEquals(0.35f, c.current().item(), 1e-6);
    }

    @Test
    void recurrentWeightsFeedThePreviousSpikes() {
        RecurrentLIFNode r = new RecurrentLIFNode(1, false, 1.0, new SpikingNeuron.Options(), new Generator(0));
        try (var _ = Autograd.noGrad()) {
            r.recurrentWeight.value().fill(-5);                       // a spike inhibits the next step
        }
        // tau 1: H = X (+ W S[t−1]); X = 1.5 each step: spike, then 1.5 − 5 < 1, then spike again.
        assertArrayEquals(new float[]{1, 0, 1}, r.forward(Tensor.full(1.5, 3, 1, 1)).toFloatArray());
    }

    @Test
    void multiStepFoldsTimeIntoTheBatch() {
        Linear lin = new Linear(4, 3, true, new Generator(5));
        Tensor x = Tensor.randn(new Generator(6), 5, 2, 4);
        Tensor y = new MultiStep(lin).forward(x);
        assertArrayEquals(new int[]{5, 2, 3}, y.shape().dims());
        for (int t = 0; t < 5; t++) assertArrayEquals(lin.forward(x.select(0, t)).toFloatArray(), y.select(0, t).toFloatArray(), 1e-6f);
    }

    @Test
    void anInputConstantOverTimeRunsTheLayerOnceWithTheFoldsValuesAndGradients() {
        // A stem (conv + batch norm in training mode) on a directly encoded input: the shortcut
        // (stride 0 over T) against the same layers on a materialised copy, which takes the fold.
        Generator g = new Generator(8);
        var stem = new dev.galvani.nn.Sequential(new dev.galvani.nn.Conv.Conv2d(1, 3, 3, 1, 1, 1, 1, true, g), new dev.galvani.nn.BatchNorm.BatchNorm2d(3));
        Tensor image = Tensor.randn(new Generator(9), 2, 1, 5, 5).requiresGrad(true);
        Tensor viewed = Encoders.direct(image, 4), copied = Encoders.direct(image, 4).contiguous();
        assertEquals(0, viewed.strides()[0]);
        Tensor weights = Tensor.randn(new Generator(10), 4, 2, 3, 5, 5);       // a loss that weighs the steps differently
        Tensor fast = new MultiStep(stem).forward(viewed);
        List<Tensor> gFast = Autograd.grad(List.of(fast.mul(weights).sum()), List.of(image, stem.parameters().get(0).value()));
        Tensor slow = new MultiStep(stem).forward(copied);
        assertNotEquals(0, copied.strides()[0]);
        List<Tensor> gSlow = Autograd.grad(List.of(slow.mul(weights).sum()), List.of(image, stem.parameters().get(0).value()));
        assertArrayEquals(slow.toFloatArray(), fast.toFloatArray(), 1e-5f);
        for (int i = 0; i < 2; i++) assertArrayEquals(gSlow.get(i).toFloatArray(), gFast.get(i).toFloatArray(), 1e-4f);
    }

    @Test
    void sequenceDropoutSharesOneMaskOverTime() {
        SequenceDropout d = new SequenceDropout(0.5, new Generator(7));
        Tensor y = d.forward(Tensor.ones(4, 3, 50));
        for (int t = 1; t < 4; t++) assertArrayEquals(y.select(0, 0).toFloatArray(), y.select(0, t).toFloatArray());
        double kept = y.select(0, 0).gt(0.0).to(DType.F64).mean().itemDouble();
        assertTrue(kept > 0.35 && kept < 0.65, "about half kept: " + kept);
        d.eval();
        assertEquals(600f, d.forward(Tensor.ones(4, 3, 50)).sum().item());
    }

    @Test
    void resetStateReachesEveryNeuronOfAModel() {
        LIFNode a = new LIFNode(), b = new LIFNode();
        var model = new dev.galvani.nn.Sequential(a, new MultiStep(new Linear(3, 3, true, new Generator(1))), b);
        SNN.stepMode(model, StepMode.SINGLE);
        model.forward(Tensor.ones(2, 3));
        assertNotNull(a.membrane());
        SNN.resetState(model);
        assertEquals(null, a.membrane());
        assertEquals(null, b.membrane());
    }

    @Test
    void eachSurrogateTrainsThroughAModule() {
        for (Surrogate.Kind kind : Surrogate.Kind.values()) {
            LIFNode n = new LIFNode(2, true, new SpikingNeuron.Options().surrogate(new Surrogate(kind, kind.defaultAlpha())));
            Tensor x = Tensor.rand(new Generator(3), 4, 8).mul(2.5).requiresGrad(true);
            n.forward(x).sum().backward();
            assertTrue(x.grad().abs().sum().item() > 0, kind + " passes a gradient");
        }
    }
}
