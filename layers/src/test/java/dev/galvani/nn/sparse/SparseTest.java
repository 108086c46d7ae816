package dev.galvani.nn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.nn.sparse.DynamicSparseTraining.Grow;
import dev.galvani.nn.sparse.DynamicSparseTraining.Prune;
import dev.galvani.nn.sparse.EnsembleMask.Grouping;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** G2GNet masks (bio reference §1.1–§1.2), the masked layer (§1.3) and dynamic sparse training (§1.4). */
class SparseTest {

    private static double density(Tensor m) { return m.sum().itemDouble() / m.numel(); }

    @Test void maskDensityMatchesTheReferenceTable() {
        // §1.1's table (p_intra = 1), over a million draws each: the standard error is below 0.0005.
        double[][] rows = {{8, 0.15, 0.2562}, {8, 0.10, 0.2125}, {8, 0.25, 0.3438}, {4, 0.15, 0.3625}};
        for (double[] r : rows) {
            int g = (int) r[0];
            assertEquals(r[2], EnsembleMask.expectedDensity(g, 1.0, r[1]), 5e-5);
            for (Grouping grouping : Grouping.values()) {
                Tensor m = EnsembleMask.mask(1024, 1024, g, grouping, 1, 1.0, r[1], new Generator(g * 100 + (long) (r[1] * 1000)));
                assertEquals(r[2], density(m), 0.003, grouping + ", G = " + g + ", p_inter = " + r[1]);
            }
        }
    }

    @Test void groupingsPlaceTheEnsemblesAsSpecified() {
        // p_inter = 0 leaves only the ensembles' own blocks.
        float[] index = EnsembleMask.mask(8, 8, 4, Grouping.INDEX, 1, 1, 0, new Generator(0)).toFloatArray();
        for (int o = 0; o < 8; o++) for (int i = 0; i < 8; i++) assertEquals(o / 2 == i / 2 ? 1f : 0f, index[o * 8 + i]);
        float[] mixed = EnsembleMask.mask(8, 8, 4, Grouping.MIXER, 2, 1, 0, new Generator(0)).toFloatArray();
        for (int o = 0; o < 8; o++) for (int i = 0; i < 8; i++) assertEquals(o % 4 == i % 4 ? 1f : 0f, mixed[o * 8 + i], "layer 2 interleaves");
        float[] third = EnsembleMask.mask(8, 8, 4, Grouping.MIXER, 3, 1, 0, new Generator(0)).toFloatArray();
        assertArrayEquals(index, third, "layer 3 is contiguous again");
        float[] random = EnsembleMask.mask(16, 24, 4, Grouping.RANDOM, 1, 1, 0, new Generator(3)).toFloatArray();
        for (int o = 0; o < 16; o++) {
            int row = 0;
            for (int i = 0; i < 24; i++) row += (int) random[o * 24 + i];
            assertEquals(6, row, "every output meets one whole input ensemble of 24 / 4");
        }
        assertThrows(IllegalArgumentException.class, () -> EnsembleMask.mask(10, 8, 4, Grouping.INDEX, 1, 1, 0, new Generator(0)));
    }

    @Test void maskedWeightsTakeNoPartAndGetNoGradient() {
        Tensor mask = EnsembleMask.mask(6, 8, 2, Grouping.INDEX, 1, 1, 0.2, new Generator(1));
        var layer = new SparseLinear(8, 6, mask, true, new Generator(2));
        float[] w = layer.weight.value().toFloatArray(), m = mask.toFloatArray(), b = layer.bias.value().toFloatArray();
        for (int k = 0; k < w.length; k++) if (m[k] == 0) assertEquals(0f, w[k], "initialised at 0 where masked");
        for (int o = 0; o < 6; o++) {
            int active = 0;
            for (int i = 0; i < 8; i++) active += (int) m[o * 8 + i];
            for (int i = 0; i < 8; i++) assertTrue(Math.abs(w[o * 8 + i]) <= 1 / Math.sqrt(active) + 1e-6, "row bound 1/sqrt(active fan-in)");
        }
        Tensor x = Tensor.randn(new Generator(3), 5, 8);
        Tensor y = layer.forward(x);
        float[] xs = x.toFloatArray(), ys = y.detach().toFloatArray();
        try (var _ = dev.galvani.autograd.Autograd.noGrad()) {
            layer.weight.value().fill(7);                              // masked entries must not count
        }
        float[] w7 = layer.weight.value().toFloatArray();
        float[] y7 = layer.forward(x).detach().toFloatArray();
        for (int n = 0; n < 5; n++) for (int o = 0; o < 6; o++) {
            double s = b[o];
            for (int i = 0; i < 8; i++) s += m[o * 8 + i] * w7[o * 8 + i] * xs[n * 8 + i];
            assertEquals(s, y7[n * 6 + o], 1e-4);
        }
        layer.forward(x).sum().backward();
        float[] g = layer.weight.grad().toFloatArray();
        for (int k = 0; k < g.length; k++) if (m[k] == 0) assertTrue(g[k] == 0f, "no gradient where masked: " + g[k]);
        assertTrue(ys.length == 30);
    }

    @Test void hebbianScoreIsTheCosineOfActivities() {
        Tensor in = Tensor.randn(new Generator(4), DType.F64, 7, 3), out = Tensor.randn(new Generator(5), DType.F64, 7, 2);
        double[] c = DynamicSparseTraining.hebbianScore(in, out).toDoubleArray(), a = in.toDoubleArray(), p = out.toDoubleArray();
        for (int o = 0; o < 2; o++) for (int i = 0; i < 3; i++) {
            double dot = 0, no = 0, ni = 0;
            for (int b = 0; b < 7; b++) { dot += p[b * 2 + o] * a[b * 3 + i]; no += p[b * 2 + o] * p[b * 2 + o]; ni += a[b * 3 + i] * a[b * 3 + i]; }
            assertEquals(dot / (Math.sqrt(no) * Math.sqrt(ni) + 1e-8), c[o * 3 + i], 1e-12);
        }
    }

    @Test void rewiringKeepsTheDensityAndFollowsItsCriteria() {
        Tensor mask = EnsembleMask.mask(16, 16, 4, Grouping.INDEX, 1, 1, 0.25, new Generator(6));
        var layer = new SparseLinear(16, 16, mask, true, new Generator(7));
        double before = layer.density();
        var dst = new DynamicSparseTraining(List.of(layer), 2, 0.25, Prune.MAGNITUDE, Grow.GRADIENT, new Generator(8));
        float[] w = layer.weight.value().toFloatArray(), m0 = layer.mask().toFloatArray();
        try (var step = TensorScope.open()) {
            layer.forward(Tensor.randn(new Generator(9), 4, 16)).square().sum().backward();
            float[] g = layer.weight.grad().toFloatArray();
            dst.step();                                          // step 1 of 2: nothing yet
            assertArrayEquals(m0, layer.mask().toFloatArray());
            dst.step();
            float[] m1 = layer.mask().toFloatArray();
            int active = (int) Math.round(before * 256), k = (int) Math.round(0.25 * active);
            // Pruned: exactly the k active entries of smallest |w|.
            java.util.List<Integer> activeIdx = new java.util.ArrayList<>();
            for (int i = 0; i < 256; i++) if (m0[i] == 1) activeIdx.add(i);
            activeIdx.sort((x, y) -> Float.compare(Math.abs(w[x]), Math.abs(w[y])) != 0 ? Float.compare(Math.abs(w[x]), Math.abs(w[y])) : Integer.compare(x, y));
            for (int r = 0; r < activeIdx.size(); r++) assertEquals(r < k ? 0f : 1f, m1[activeIdx.get(r)], "rank " + r + " by |w|");
            // Grown: the k inactive entries of largest |gradient|, at weight 0.
            java.util.List<Integer> freeIdx = new java.util.ArrayList<>();
            for (int i = 0; i < 256; i++) if (m0[i] == 0) freeIdx.add(i);
            freeIdx.sort((x, y) -> Float.compare(Math.abs(g[y]), Math.abs(g[x])) != 0 ? Float.compare(Math.abs(g[y]), Math.abs(g[x])) : Integer.compare(x, y));
            float[] w1 = layer.weight.value().toFloatArray();
            for (int r = 0; r < freeIdx.size(); r++) {
                assertEquals(r < k ? 1f : 0f, m1[freeIdx.get(r)], "rank " + r + " by |grad|");
                if (r < k) assertEquals(0f, w1[freeIdx.get(r)], "a new connection starts at 0");
            }
        }
        assertEquals(before, layer.density(), 1e-12, "constant density");
        assertEquals(1, dst.events().size());
        assertEquals(layer.density(), dst.events().getFirst().density(), 1e-12);
        assertEquals(1.0, layer.mask().toFloatArray().length / 256.0, 0, "the mask outlived the step's scope");
    }

    @Test void hebbianRegrowthRunsAndKeepsTheDensity() {
        Tensor mask = EnsembleMask.mask(8, 8, 2, Grouping.RANDOM, 1, 1, 0.1, new Generator(10));
        var layer = new SparseLinear(8, 8, mask, false, new Generator(11));
        double before = layer.density();
        var dst = new DynamicSparseTraining(List.of(layer), 1, 0.3, Prune.HEBBIAN, Grow.HEBBIAN, new Generator(12));
        for (int s = 0; s < 3; s++)
            try (var step = TensorScope.open()) {
                layer.forward(Tensor.randn(new Generator(13 + s), 16, 8));
                dst.step();
            }
        assertEquals(before, layer.density(), 1e-12);
        assertEquals(3, dst.events().size());
        assertTrue(dst.events().stream().allMatch(e -> e.pruned() == e.grown() && e.pruned() > 0));
    }
}
