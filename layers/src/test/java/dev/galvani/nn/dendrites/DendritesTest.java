package dev.galvani.nn.dendrites;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.Autograd;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Active dendrites (bio reference §3): the false-match table, the combination functions, k-WTA. */
class DendritesTest {

    @Test void falseMatchProbabilitiesMatchTheExactTable() {
        Object[][] table = {
                {10000, 300, 24, 12, 8.375845e-13}, {100000, 2000, 6, 6, 6.353089e-11}, {100000, 2000, 8, 8, 2.525072e-14},
                {100000, 2000, 10, 10, 1.001632e-17}, {100000, 2000, 12, 6, 5.293868e-08}, {100000, 2000, 16, 8, 2.817245e-10},
                {100000, 2000, 20, 10, 1.541928e-12}, {100000, 2000, 40, 10, 4.915419e-09}, {2000, 40, 20, 10, 4.943631e-13}};
        for (Object[] r : table) {
            double p = FalseMatch.probability((int) r[0], (int) r[1], (int) r[2], (int) r[3]);
            assertEquals((double) r[4], p, 5e-7 * (double) r[4], java.util.Arrays.toString(r));
        }
        assertEquals(BigInteger.valueOf(252), FalseMatch.choose(10, 5));
        assertEquals(1.0, FalseMatch.probability(100, 10, 5, 0), 1e-15, "θ = 0: every pattern matches");
        assertThrows(IllegalArgumentException.class, () -> FalseMatch.probability(10, 20, 5, 2));
    }

    private static DendriticLayer layer(DendriticLayer.Combination c) {
        var l = new DendriticLayer(3, 2, 3, 2, 0.0, c, new Generator(1));
        l.to(DType.F64);
        try (var _ = Autograd.noGrad()) {
            // unit 0's segments: a = (1, -5, 2)·... with context (1, 0): segment weights' first column
            l.segmentWeight.value().copyFrom(Tensor.of(new double[]{1, 0, -5, 0, 2, 0, /* unit 1 */ -1, 0, -0.5, 0, -3, 0}, 2, 3, 2));
        }
        return l;
    }

    @Test void combinationsUseTheWinningSegment() {
        Tensor x = Tensor.of(new double[]{1, 2, 3}, 1, 3), context = Tensor.of(new double[]{1, 0}, 1, 2);
        for (var c : DendriticLayer.Combination.values()) {
            var l = layer(c);
            double[] y = l.feedForward.forward(x).detach().toDoubleArray();
            double[] out = l.forward(x, context).detach().toDoubleArray();
            // unit 0: a = (1, -5, 2): max 2, |max| -5; unit 1: a = (-1, -0.5, -3): max -0.5, |max| -3.
            double[] want = switch (c) {
                case BIAS -> new double[]{y[0] + 2, y[1] - 0.5};
                case GATE -> new double[]{y[0] * sig(2), y[1] * sig(-0.5)};
                case ABS_MAX_GATE -> new double[]{y[0] * sig(-5), y[1] * sig(-3)};
            };
            assertArrayEquals(want, out, 1e-12, c.name());
        }
    }

    private static double sig(double v) { return 1 / (1 + Math.exp(-v)); }

    @Test void onlyTheWinningSegmentLearns() {
        var l = layer(DendriticLayer.Combination.ABS_MAX_GATE);
        l.forward(Tensor.of(new double[]{1, 2, 3}, 1, 3), Tensor.of(new double[]{1, 0}, 1, 2)).sum().backward();
        double[] g = l.segmentWeight.grad().toDoubleArray();
        // unit 0 wins with segment 1, unit 1 with segment 2; only their first context weight sees a nonzero input.
        for (int i = 0; i < g.length; i++) {
            boolean winner = i == 2 || i == 10;
            assertTrue(winner ? g[i] != 0 : g[i] == 0, "entry " + i + ": " + g[i]);
        }
    }

    @Test void kWinnersKeepExactlyKPerRow() {
        Tensor x = Tensor.of(new float[]{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8}, 2, 6).requiresGrad(true);
        Tensor y = KWinners.apply(x, 2);
        assertArrayEquals(new float[]{0, 0, 0, 0, 5, 9, 0, 6, 0, 0, 0, 8}, y.detach().toFloatArray());
        y.sum().backward();
        assertArrayEquals(new float[]{0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1}, x.grad().toFloatArray());
        assertArrayEquals(new float[]{5, 5, 0, 0}, KWinners.apply(Tensor.of(new float[]{5, 5, 5, 1}, 1, 4), 2).toFloatArray(), "ties keep the lower indices");
    }
}
