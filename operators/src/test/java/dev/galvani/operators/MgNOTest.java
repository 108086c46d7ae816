package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MgNO (operators.md §3): parameter counts against §3.7's table and formula, level sizes and the
 * kernel rule on grids that are not powers of two, the cycle of §3.3 against a naive F64
 * re-computation from the module's own weights, and circular padding as a periodic boundary.
 */
class MgNOTest {

    /** §3.7's formula for one bias-free cycle, written out here independently of the modules. */
    static long cycleParams(MgCycle c, int cu, int cf, int[] kernels) {
        long p = 0;
        for (int k : kernels) p += (long) k * k * cu * cu;
        for (int l = 0; l < c.levels(); l++) p += 9L * cf * cu * (2L * c.pre(l) - (l == 0 ? 1 : 0)) + 18L * cf * cu * c.post(l);
        p += (c.levels() - 1) * 9L * ((long) cu * cu + (long) cf * cf);
        return p;
    }

    /** The network: each layer's cycle plus its 1x1 skip with bias, and the head. */
    static long networkParams(MgNO.Options o) {
        long p = 0;
        for (int i = 0; i < o.layers(); i++) {
            int cf = i == 0 ? o.channelsF() : o.channelsU();
            p += cycleParams(o.cycle(), o.channelsU(), cf, o.kernels()) + (long) cf * o.channelsU() + o.channelsU();
        }
        return p + o.channelsU();
    }

    @Test void parameterCountsEqualTheReferenceTable() {
        Generator gen = new Generator(0);
        MgNO rough = new MgNO(MgNO.Options.darcyRough(), gen);
        assertEquals(572_661, rough.parameterCount(), "MgNO_DC Darcy rough / multiscale");
        MgNO smooth = new MgNO(MgNO.Options.darcySmooth(211), gen);
        assertEquals(678_093, smooth.parameterCount(), "MgNO_DC_smooth");
        MgNO pipe = new MgNO(new MgNO.Options(5, 24, 2, MgCycle.pipe(), MgCycle.pipe().uniformKernels(), Padding.ZEROS, "gelu"), gen);
        assertEquals(783_876, pipe.parameterCount(), "MgNO_DC pipe");
        MgNONavierStokes ns = MgNONavierStokes.released(gen);
        assertEquals(2_885_194, ns.parameterCount(), "MgNO_NS");
        long layerNorm = ns.namedParameters().entrySet().stream().filter(e -> e.getKey().contains("norm_layer_list"))
                .mapToLong(e -> e.getValue().numel()).sum();
        assertEquals(1_740_800, layerNorm, "MgNO_NS LayerNorm affine");
        for (MgNO m : new MgNO[]{rough, smooth, pipe}) assertEquals(networkParams(m.options()), m.parameterCount());
    }

    @Test void theFormulaHoldsForOtherShapesOfCycle() {
        Generator gen = new Generator(1);
        for (String cycle : new String[]{"1,0", "2,1", "1,0;3,2", "2,0;1,1;2,0;1,3"})
            for (int cf : new int[]{1, 3}) {
                MgCycle c = MgCycle.parse(cycle);
                var o = new MgNO.Options(2, 5, cf, c, c.prolongationKernels(37), Padding.REFLECT, "relu");
                assertEquals(networkParams(o), new MgNO(o, gen).parameterCount(), cycle + ", cf " + cf);
            }
    }

    @Test void levelSizesAndTheKernelRule() {
        MgCycle c = MgCycle.darcy();
        assertArrayEquals(new int[]{211, 106, 53, 27, 14, 7}, c.levelSizes(211));
        assertArrayEquals(new int[]{3, 4, 3, 3, 4}, c.prolongationKernels(211), "the released MgConv_DC_smooth kernels");
        assertArrayEquals(new int[]{85, 43, 22, 11, 6, 3}, c.levelSizes(85));
        assertArrayEquals(new int[]{3, 3, 4, 3, 4}, c.prolongationKernels(85));
        assertArrayEquals(new int[]{4, 4, 4, 4, 4}, c.uniformKernels());
        assertEquals("1,0;1,0;1,0;1,0;1,0;2,0", c.toString());
        assertThrows(IllegalArgumentException.class, () -> MgCycle.parse("0,0;1,0"), "level 0 needs its first step");
        assertThrows(IllegalArgumentException.class, () -> MgCycle.parse("1;1,0"));
    }

    @Test void everyGridSizeComesBackToItselfWithTheRuleKernels() {
        Generator gen = new Generator(2);
        for (int n : new int[]{29, 43, 85, 64, 33}) {
            MgCycle c = MgCycle.darcy();
            var conv = new MgConv(new MgConv.Options(c, 3, 2, c.prolongationKernels(n), Padding.ZEROS, false, 0), gen);
            Tensor out = conv.forward(Tensor.randn(gen, 2, 2, n, n));
            assertArrayEquals(new int[]{2, 3, n, n}, out.shape().dims(), "grid " + n);
        }
        var uniform = new MgConv(new MgConv.Options(MgCycle.darcy(), 3, 1, MgCycle.darcy().uniformKernels(), Padding.ZEROS, false, 0), gen);
        var e = assertThrows(IllegalArgumentException.class, () -> uniform.forward(Tensor.randn(gen, 1, 1, 85, 85)));
        assertTrue(e.getMessage().contains("prolongation from level") && e.getMessage().contains("kernel 4"), e.getMessage());
        assertArrayEquals(new int[]{1, 3, 64, 64}, uniform.forward(Tensor.randn(gen, 1, 1, 64, 64)).shape().dims(), "64 = 2 * 2^5");
    }

    @Test void theCycleIsTheReferenceCycle() {
        // Pre-smoothing with several steps, a post-smoothing step, odd and even levels (11 -> 6 -> 3): every part of §3.3.
        MgCycle c = MgCycle.parse("2,1;1,1;2,0");
        for (Padding padding : Padding.values()) {
            Generator gen = new Generator(3);
            int cu = 2, cf = 3, n = 11, batch = 2;
            var conv = new MgConv(new MgConv.Options(c, cu, cf, c.prolongationKernels(n), padding, true, 0), gen);
            Tensor f = Tensor.randn(gen, batch, cf, n, n);
            float[] got = conv.forward(f).toFloatArray();
            Map<String, Parameter> p = conv.namedParameters();
            double[] fd = f.toDoubleArray();
            for (int b = 0; b < batch; b++) {
                double[][][] fb = Naive.sample(fd, b, cf, n);
                double[][][] want = Naive.cycle(c, p, fb, padding, c.prolongationKernels(n));
                for (int o = 0; o < cu; o++)
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++)
                            assertEquals(want[o][i][j], got[((b * cu + o) * n + i) * n + j], 1e-4, padding + " at " + b + "," + o + "," + i + "," + j);
            }
        }
    }

    @Test void circularPaddingMakesTheSmoothersCommuteWithPeriodicShifts() {
        // One level: smoothing steps only. With circular padding the result commutes with any periodic shift;
        // with zero padding the boundary breaks that. (Across levels it does not hold exactly even with circular
        // padding: the prolongation is a transposed convolution, whose border is cropped, not wrapped, as in the reference.)
        MgCycle c = MgCycle.parse("3,0");
        Tensor x = Tensor.randn(new Generator(4), 1, 1, 16, 16);
        int[] shifts = {3, -5}, dims = {2, 3};
        var periodic = new MgConv(new MgConv.Options(c, 4, 1, new int[0], Padding.CIRCULAR, true, 0), new Generator(4));
        assertArrayEquals(periodic.forward(x).roll(shifts, dims).toFloatArray(), periodic.forward(x.roll(shifts, dims)).toFloatArray(), 1e-5f);
        var zeros = new MgConv(new MgConv.Options(c, 4, 1, new int[0], Padding.ZEROS, true, 0), new Generator(4));
        float[] z1 = zeros.forward(x.roll(shifts, dims)).toFloatArray(), z2 = zeros.forward(x).roll(shifts, dims).toFloatArray();
        double diff = 0;
        for (int i = 0; i < z1.length; i++) diff = Math.max(diff, Math.abs(z1[i] - z2[i]));
        assertTrue(diff > 1e-3, "zero padding is a boundary, so the shift changes the result: " + diff);
    }

    @Test void theNetworkMapsAFieldToAFieldAndDecodesItsOutput() {
        Generator gen = new Generator(5);
        MgCycle c = MgCycle.parse("1,0;1,0;2,0");
        var o = new MgNO.Options(2, 4, 1, c, c.prolongationKernels(13), Padding.ZEROS, "gelu");
        MgNO net = new MgNO(o, gen);
        Tensor a = Tensor.randn(gen, 3, 1, 13, 13);
        Tensor raw = net.forward(a);
        assertArrayEquals(new int[]{3, 1, 13, 13}, raw.shape().dims());
        Tensor y = Tensor.randn(gen, 10, 1, 13, 13).mul(3).add(7);
        var norm = new UnitGaussianNormalizer(y);
        net.outputNormalizer(norm);
        float[] decoded = net.forward(a).toFloatArray(), want = norm.decode(raw).toFloatArray();
        assertArrayEquals(want, decoded, 1e-5f);
        assertTrue(net.stateDict().containsKey("normalizer.mean") && net.stateDict().containsKey("conv_list.1.layer2.0.Pi.weight"), net.stateDict().keySet().toString());
        assertEquals(net.parameterCount(), networkParams(o), "the normaliser adds buffers, not parameters");
    }

    @Test void theNavierStokesVariantAddsItsInputAndNormalisesPerLevel() {
        Generator gen = new Generator(6);
        MgCycle c = MgCycle.parse("1,0;2,0");
        var ns = new MgNONavierStokes(1, 3, 1, c, 8, 0, gen);
        Tensor w = Tensor.randn(gen, 2, 1, 8, 8);
        assertArrayEquals(new int[]{2, 1, 8, 8}, ns.forward(w).shape().dims());
        assertTrue(ns.stateDict().containsKey("conv_list.0.norm_layer_list.0.weight"));
        assertArrayEquals(new int[]{3, 8, 8}, ns.stateDict().get("conv_list.0.norm_layer_list.0.weight").shape().dims());
        assertThrows(IllegalArgumentException.class, () -> ns.forward(Tensor.randn(gen, 2, 1, 16, 16)), "the layer norms fix the grid");
    }

    /** Naive F64 loops for the cycle, from the weights by name. */
    static final class Naive {
        static double[][][] sample(double[] flat, int b, int c, int n) {
            double[][][] x = new double[c][n][n];
            for (int ch = 0; ch < c; ch++) for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) x[ch][i][j] = flat[((b * c + ch) * n + i) * n + j];
            return x;
        }

        static double[] w(Map<String, Parameter> p, String name) { return p.get(name).value().toDoubleArray(); }

        static double at(double[][][] x, int c, int i, int j, Padding mode) {
            int n = x[0].length, m = x[0][0].length;
            if (i >= 0 && i < n && j >= 0 && j < m) return x[c][i][j];
            return switch (mode) {
                case ZEROS -> 0;
                case CIRCULAR -> x[c][Math.floorMod(i, n)][Math.floorMod(j, m)];
                case REPLICATE -> x[c][Math.clamp(i, 0, n - 1)][Math.clamp(j, 0, m - 1)];
                case REFLECT -> x[c][i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i][j < 0 ? -j : j >= m ? 2 * (m - 1) - j : j];
            };
        }

        /** 3x3 convolution, padding 1 filled by {@code mode}; weight [O, C, 3, 3]. */
        static double[][][] conv(double[][][] x, double[] w, double[] bias, int out, int stride, Padding mode) {
            int c = x.length, n = x[0].length, no = (n + 2 - 3) / stride + 1;
            double[][][] y = new double[out][no][no];
            for (int o = 0; o < out; o++)
                for (int i = 0; i < no; i++)
                    for (int j = 0; j < no; j++) {
                        double s = bias == null ? 0 : bias[o];
                        for (int ch = 0; ch < c; ch++)
                            for (int p = 0; p < 3; p++)
                                for (int q = 0; q < 3; q++) s += w[((o * c + ch) * 3 + p) * 3 + q] * at(x, ch, i * stride + p - 1, j * stride + q - 1, mode);
                        y[o][i][j] = s;
                    }
            return y;
        }

        /** Transposed convolution, stride 2, padding 1, kernel k; weight [C, O, k, k]. */
        static double[][][] convT(double[][][] x, double[] w, int k) {
            int c = x.length, n = x[0].length, no = (n - 1) * 2 - 2 + k;
            double[][][] y = new double[c][no][no];
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                        for (int o = 0; o < c; o++)
                            for (int p = 0; p < k; p++)
                                for (int q = 0; q < k; q++) {
                                    int yi = 2 * i + p - 1, yj = 2 * j + q - 1;
                                    if (yi >= 0 && yi < no && yj >= 0 && yj < no) y[o][yi][yj] += x[ch][i][j] * w[((ch * c + o) * k + p) * k + q];
                                }
            return y;
        }

        static double[][][] add(double[][][] a, double[][][] b, double sign) {
            double[][][] r = new double[a.length][a[0].length][a[0][0].length];
            for (int c = 0; c < a.length; c++) for (int i = 0; i < a[0].length; i++) for (int j = 0; j < a[0][0].length; j++) r[c][i][j] = a[c][i][j] + sign * b[c][i][j];
            return r;
        }

        static double[][][] smooth(Map<String, Parameter> p, String prefix, double[][][] u, double[][][] f, Padding mode) {
            int cu = p.get(prefix + "S.weight").shape()[0], cf = f.length;
            double[][][] s = u == null ? f : add(f, conv(u, w(p, prefix + "A.weight"), w(p, prefix + "A.bias"), cf, 1, mode), -1);
            double[][][] step = conv(s, w(p, prefix + "S.weight"), w(p, prefix + "S.bias"), cu, 1, mode);
            return u == null ? step : add(u, step, 1);
        }

        static double[][][] cycle(MgCycle c, Map<String, Parameter> p, double[][][] f0, Padding mode, int[] kernels) {
            int levels = c.levels();
            double[][][][] us = new double[levels][][][], fs = new double[levels][][][];
            double[][][] u = null, f = f0;
            for (int l = 0; l < levels; l++) {
                int first = 0;
                if (l > 0) {
                    u = conv(u, w(p, "layer" + l + ".0.Pi.weight"), null, u.length, 2, mode);
                    f = conv(f, w(p, "layer" + l + ".0.R.weight"), null, f.length, 2, mode);
                    first = 1;
                }
                for (int i = 0; i < c.pre(l); i++) u = smooth(p, "layer" + l + "." + (first + i) + ".", l == 0 && i == 0 ? null : u, f, mode);
                us[l] = u;
                fs[l] = f;
            }
            for (int j = levels - 2; j >= 0; j--) {
                double[][][] uj = add(us[j], convT(us[j + 1], w(p, "RTlayers." + j + ".weight"), kernels[j]), 1);
                for (int i = 0; i < c.post(j); i++) uj = smooth(p, "post_smooth_layer" + j + "." + i + ".", uj, fs[j], mode);
                us[j] = uj;
            }
            return us[0];
        }
    }
}
