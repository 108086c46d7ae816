package dev.galvani.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.nn.Conv;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Spike inputs kept as bytes for the weight gradient: the outputs and every gradient bit for bit
 * those of the ordinary layer (the compact path computes them with the same calls), and the ordinary
 * path for inputs that are not spikes.
 */
class CompactSpikesTest {

    private static Tensor spikes(long seed, int... shape) { return Tensor.rand(new Generator(seed), shape).lt(0.3).to(DType.F32); }

    /** Output and the gradients of x, weight and bias, through MultiStep with compact spikes on or off. */
    private static List<float[]> run(Module layer, Tensor x0, Tensor seed, boolean compact, String expectedNode) {
        layer.zeroGrad();
        Tensor x = x0.detach().requiresGrad(true);
        Tensor y = new MultiStep(layer).compactSpikes(compact).forward(x);
        var node = y.gradFn().inputs().get(0).gradFn();               // under MultiStep's unflatten view
        if (expectedNode != null) assertEquals(expectedNode, node.name().equals("Linear") || node.name().equals("Conv") ? "compact" : "ordinary",
                "which path ran: " + node.name());
        y.mul(seed).sum().backward();
        var p = layer.parameters();
        return List.of(y.toFloatArray(), x.grad().toFloatArray(), p.get(0).grad().toFloatArray(), p.get(1).grad().toFloatArray());
    }

    private static void assertBitwise(List<float[]> expected, List<float[]> actual) {
        String[] what = {"output", "dL/dx", "dL/dW", "dL/db"};
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), what[i]);
    }

    @Test
    void linearOnSpikesIsBitForBitTheOrdinaryLayer() {
        Linear lin = new Linear(37, 11, true, new Generator(1));
        Tensor x = spikes(2, 4, 6, 37), seed = Tensor.randn(new Generator(3), 4, 6, 11);
        assertBitwise(run(lin, x, seed, false, "ordinary"), run(lin, x, seed, true, "compact"));
    }

    @Test
    void convolutionOnSpikesIsBitForBitTheOrdinaryLayer() {
        Conv.Conv2d conv = new Conv.Conv2d(4, 6, 3, 2, 1, 1, 1, true, new Generator(4));
        Tensor x = spikes(5, 3, 2, 4, 9, 9), seed = Tensor.randn(new Generator(6), 3, 2, 6, 5, 5);
        assertBitwise(run(conv, x, seed, false, "ordinary"), run(conv, x, seed, true, "compact"));
    }

    @Test
    void inputsThatAreNotSpikesTakeTheOrdinaryPath() {
        Linear lin = new Linear(8, 3, true, new Generator(7));
        Tensor scaled = spikes(8, 2, 5, 8).mul(1.25);                 // dropout's 1 / (1 - p): not 0 and 1
        run(lin, scaled, Tensor.ones(2, 5, 3), true, "ordinary");
        assertFalse(CompactSpikes.isBinary(scaled));
        assertTrue(CompactSpikes.isBinary(spikes(9, 100)));
    }

    /**
     * Only 0 and 1 pass (−0 is 0), wherever the odd element is: the check runs in chunks of 2^20
     * elements, and the odd one sits in the last of three chunks of a [3, 400000] tensor.
     */
    @Test
    void onlyZerosAndOnesAreSpikes() {
        int rows = 3, cols = 400_000;
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) data[i] = i % 3 == 0 ? 1f : 0f;
        assertTrue(CompactSpikes.isBinary(Tensor.of(data, rows, cols)));
        float[] odd = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Math.nextDown(1f),
                Math.nextUp(1f), 2f, -1f, 0.5f};
        for (float v : odd) {
            float[] d = data.clone();
            d[d.length - 1] = v;
            assertFalse(CompactSpikes.isBinary(Tensor.of(d, rows, cols)), "with " + v);
            assertFalse(CompactSpikes.isBinary(Tensor.of(new double[]{0, 1, v}, 3)), "F64 with " + v);
        }
        float[] negativeZero = data.clone();
        negativeZero[1] = -0f;
        assertTrue(CompactSpikes.isBinary(Tensor.of(negativeZero, rows, cols)), "-0 equals 0");
        assertTrue(CompactSpikes.isBinary(Tensor.scalar(1.0)) && CompactSpikes.isBinary(Tensor.of(new float[0], 0, 5)));
        assertFalse(CompactSpikes.isBinary(Tensor.of(new int[]{0, 1}, 2)), "integers are not float spikes");
    }
}
