package dev.galvani.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.nn.F;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Encoders (SNN reference §5) and spiking losses (§6), on hand-worked inputs and statistics. */
class EncodersAndLossesTest {

    @Test
    void directRepeatsTheInputWithoutCopying() {
        Tensor x = Tensor.of(new float[]{0.2f, 0.7f}, 2);
        Tensor d = Encoders.direct(x, 3);
        assertArrayEquals(new int[]{3, 2}, d.shape().dims());
        assertArrayEquals(new int[]{0, 1}, d.strides(), "a view: stride 0 over time");
        assertArrayEquals(new float[]{0.2f, 0.7f, 0.2f, 0.7f, 0.2f, 0.7f}, d.toFloatArray());
    }

    @Test
    void poissonFiresAtTheInputsRateAndIsTheSameOnEveryDevice() {
        Tensor p = Tensor.of(new float[]{0f, 0.25f, 0.9f, 1f}, 4);
        Tensor s = Encoders.poisson(p, 4000, new Generator(9));
        float[] rates = s.mean(0).toFloatArray();
        assertEquals(0f, rates[0]);
        assertEquals(1f, rates[3]);
        assertEquals(0.25, rates[1], 0.03);
        assertEquals(0.9, rates[2], 0.03);
        Tensor onCheck = Encoders.poisson(p.to(new Device("check", 0)), 4000, new Generator(9));
        assertArrayEquals(s.toFloatArray(), onCheck.toFloatArray(), "Philox: the same spikes on another device");
    }

    @Test
    void latencyFiresOnceLargerInputsEarlier() {
        // Linear mode, T = 5: t_f = round(4 (1 − p)).
        Tensor s = Encoders.latency(Tensor.of(new float[]{1f, 0.5f, 0f, 0.3f}, 4), 5);
        assertArrayEquals(new float[]{1, 1, 1, 1}, s.sum(0).toFloatArray(), "one spike each");
        assertArrayEquals(new long[]{0, 2, 4, 3}, s.argmax(0, false).toLongArray());     // 4·0.7 = 2.8 → 3
        // Log mode: t_f = tau ln(p / (p − θ)); p = 1, θ = 0.5, tau = 2: 2 ln 2 = 1.39 → 1; p ≤ θ: no spike.
        Tensor l = Encoders.latencyLog(Tensor.of(new float[]{1f, 0.4f}, 2), 5, 2, 0.5);
        assertArrayEquals(new float[]{1, 0}, l.sum(0).toFloatArray());
        assertEquals(1L, l.select(1, 0).argmax().itemLong());
    }

    @Test
    void deltaFiresOnChange() {
        Tensor x = Tensor.of(new float[]{0f, 0.5f, 0.45f, 0.1f, 0.3f}, 5);
        assertArrayEquals(new float[]{0, 1, 0, -1, 1}, Encoders.delta(x, 0.2, true, false).toFloatArray());
        assertArrayEquals(new float[]{0, 1, 0, 0, 1}, Encoders.delta(x, 0.2, false, false).toFloatArray());
        assertArrayEquals(new float[]{0, 0, 0, 0}, Encoders.delta(Tensor.full(3, 4), 0.1, true, true).toFloatArray(), "x[-1] = x[0]: no event at the start");
        assertArrayEquals(new float[]{1, 0, 0, 0}, Encoders.delta(Tensor.full(3, 4), 0.1, true, false).toFloatArray(), "x[-1] = 0");
    }

    @Test
    void lossesAreTheirDefinitions() {
        Generator g = new Generator(3);
        Tensor spikes = Tensor.rand(g, 5, 4, 3).gt(0.5).to(DType.F32), y = Tensor.of(new long[]{0, 2, 1, 2});
        assertEquals(F.crossEntropy(spikes.sum(0), y).item(), SpikingLosses.countCrossEntropy(spikes, y).item(), 1e-6);
        assertEquals(F.crossEntropy(spikes.mean(0), y).item(), SpikingLosses.rateCrossEntropy(spikes, y).item(), 1e-6);
        double perStep = 0;
        for (int t = 0; t < 5; t++) perStep += F.crossEntropy(spikes.select(0, t), y).itemDouble() / 5;
        assertEquals(perStep, SpikingLosses.perStepCrossEntropy(spikes, y).itemDouble(), 1e-6);
        assertEquals(F.crossEntropy(spikes.amax(0, false), y).item(), SpikingLosses.maxMembraneCrossEntropy(spikes, y).item(), 1e-6);
        // mseCount: counts against 0.8 T for the class, 0.2 T for the others (T = 5: 4 and 1).
        Tensor one = Tensor.zeros(5, 1, 2);
        assertEquals((16 + 1) / 2.0, SpikingLosses.mseCount(one, Tensor.of(new long[]{0}), 0.8, 0.2).itemDouble(), 1e-6);
        assertArrayEquals(spikes.sum(0).argmax(1, false).toLongArray(), SpikingLosses.predict(spikes).toLongArray());
    }

    @Test
    void theIntegratorReadoutLeaks() {
        Tensor v = new NonSpikingIntegrator(2).forward(Tensor.of(new float[]{1f, 1f, 0f}, 3, 1, 1));
        assertArrayEquals(new float[]{0.5f, 0.75f, 0.375f}, v.toFloatArray());    // V = V + (X − V)/2
        assertTrue(v.dim() == 3);
    }
}
