package dev.galvani.nn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.sparse.DynamicSparseTraining.Grow;
import dev.galvani.nn.sparse.DynamicSparseTraining.Prune;
import dev.galvani.nn.sparse.EnsembleMask.Grouping;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** G2GNet over channel ensembles: the masked convolution (bio reference §1.3 with channels as units) and its rewiring (§1.4). */
class SparseConvTest {

    private static final int IN = 6, OUT = 4, K = 3, H = 5;

    private static SparseConv2d layer(long seed) {
        Tensor mask = EnsembleMask.mask(OUT, IN, 2, Grouping.INDEX, 1, 1, 0.25, new Generator(seed));
        return new SparseConv2d(IN, OUT, K, 1, 1, mask, true, new Generator(seed + 1));
    }

    /** The convolution as a loop in double: out[b,o,y,x] = bias[o] + Σ_{i,u,v} M[o,i] w[o,i,u,v] in[b,i,y+u−1,x+v−1]. */
    private static double[] naive(float[] x, float[] w, float[] m, float[] bias, int batch) {
        double[] out = new double[batch * OUT * H * H];
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < OUT; o++)
                for (int y = 0; y < H; y++)
                    for (int xx = 0; xx < H; xx++) {
                        double s = bias[o];
                        for (int i = 0; i < IN; i++)
                            for (int u = 0; u < K; u++)
                                for (int v = 0; v < K; v++) {
                                    int yy = y + u - 1, xv = xx + v - 1;
                                    if (yy < 0 || yy >= H || xv < 0 || xv >= H) continue;
                                    s += m[o * IN + i] * w[((o * IN + i) * K + u) * K + v] * x[((b * IN + i) * H + yy) * H + xv];
                                }
                        out[((b * OUT + o) * H + y) * H + xx] = s;
                    }
        return out;
    }

    @Test void outputsReadOnlyTheirConnectedChannelsAndMaskedKernelsGetNoGradient() {
        var l = layer(1);
        Tensor x = Tensor.randn(new Generator(3), 2, IN, H, H);
        float[] m = l.mask().toFloatArray();
        // Fill the masked kernels with garbage: the output must not see it.
        try (var _ = Autograd.noGrad()) {
            l.weight.value().copyFrom(l.weight.value().add(Tensor.randn(new Generator(4), OUT, IN, K, K).mul(l.mask().reshape(OUT, IN, 1, 1).rsub(1.0))));
        }
        float[] y = l.forward(x).toFloatArray();
        double[] want = naive(x.toFloatArray(), l.weight.value().toFloatArray(), m, l.bias.value().toFloatArray(), 2);
        for (int i = 0; i < y.length; i++) assertEquals(want[i], y[i], 1e-5, "entry " + i);
        l.forward(x).square().sum().backward();
        float[] g = l.weight.grad().toFloatArray();
        int masked = 0;
        for (int o = 0; o < OUT; o++)
            for (int i = 0; i < IN; i++)
                for (int t = 0; t < K * K; t++)
                    if (m[o * IN + i] == 0) {
                        assertEquals(0f, Math.abs(g[(o * IN + i) * K * K + t]), "a masked kernel gets exactly no gradient");
                        masked++;
                    }
        assertTrue(masked > 0 && masked < OUT * IN * K * K);
        assertThrows(IllegalArgumentException.class, () -> new SparseConv2d(IN, OUT, K, 1, 1, Tensor.ones(IN, OUT), true, new Generator(1)));
    }

    @Test void initialisationGivesEveryOutputChannelTheDenseVariance() {
        int in = 64, out = 64, k = 3;
        Tensor mask = EnsembleMask.mask(out, in, 8, Grouping.INDEX, 1, 1, 0.15, new Generator(5));
        var l = new SparseConv2d(in, out, k, 1, 1, mask, false, new Generator(6));
        float[] w = l.weight.value().toFloatArray(), m = l.mask().toFloatArray();
        // Dense default: U(±1/√(in k²)), variance 1/(3 in k²); a row with a active inputs is scaled by √(in/a),
        // so Σ over its active taps of w² has expectation a k² · in/a · 1/(3 in k²) = 1/3 for every row.
        double total = 0;
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int i = 0; i < in * k * k; i++) s += (double) w[o * in * k * k + i] * w[o * in * k * k + i];
            total += s;
            for (int i = 0; i < in; i++) if (m[o * in + i] == 0) for (int t = 0; t < k * k; t++) assertEquals(0f, w[(o * in + i) * k * k + t]);
        }
        assertEquals(1.0 / 3, total / out, 0.02, "mean over channels of the row's Σw²");
    }

    @Test void rewiringChannelPairsKeepsTheDensityAndPrunesTheWeakestKernels() {
        var l = layer(7);
        double before = l.density();
        var dst = new DynamicSparseTraining(List.of(l), 1, 0.25, Prune.MAGNITUDE, Grow.HEBBIAN, new Generator(8));
        float[] w = l.weight.value().toFloatArray(), m0 = l.mask().toFloatArray();
        try (var step = TensorScope.open()) {
            Tensor x = Tensor.randn(new Generator(9), 8, IN, H, H);
            Tensor y = l.forward(x);
            // Channel activity = spatial means; the Hebbian score from them, computed here by a loop.
            float[] xm = x.mean(new int[]{2, 3}, false).toFloatArray(), ym = y.detach().mean(new int[]{2, 3}, false).toFloatArray();
            double[] hebb = new double[OUT * IN];
            for (int o = 0; o < OUT; o++)
                for (int i = 0; i < IN; i++) {
                    double dot = 0, no = 0, ni = 0;
                    for (int b = 0; b < 8; b++) {
                        dot += ym[b * OUT + o] * xm[b * IN + i];
                        no += ym[b * OUT + o] * ym[b * OUT + o];
                        ni += xm[b * IN + i] * xm[b * IN + i];
                    }
                    hebb[o * IN + i] = dot / (Math.sqrt(no) * Math.sqrt(ni) + 1e-8);
                }
            dst.step();
            float[] m1 = l.mask().toFloatArray();
            int active = (int) Math.round(before * OUT * IN), k = (int) Math.round(0.25 * active);
            double[] magnitude = new double[OUT * IN];
            for (int c = 0; c < OUT * IN; c++) for (int t = 0; t < K * K; t++) magnitude[c] += Math.abs(w[c * K * K + t]);
            List<Integer> activeIdx = new ArrayList<>(), freeIdx = new ArrayList<>();
            for (int c = 0; c < OUT * IN; c++) (m0[c] == 1 ? activeIdx : freeIdx).add(c);
            activeIdx.sort((a, b) -> Double.compare(magnitude[a], magnitude[b]));
            for (int r = 0; r < activeIdx.size(); r++) assertEquals(r < k ? 0f : 1f, m1[activeIdx.get(r)], "rank " + r + " by Σ|w| of the kernel");
            freeIdx.sort((a, b) -> Double.compare(hebb[b], hebb[a]));
            float[] w1 = l.weight.value().toFloatArray();
            for (int r = 0; r < freeIdx.size(); r++) {
                assertEquals(r < k ? 1f : 0f, m1[freeIdx.get(r)], "rank " + r + " by the channels' Hebbian score");
                if (r < k) for (int t = 0; t < K * K; t++) assertEquals(0f, w1[freeIdx.get(r) * K * K + t], "a new kernel starts at 0");
            }
        }
        assertEquals(before, l.density(), 1e-12, "constant density");
    }
}
