package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.Autograd;
import dev.galvani.optim.Adam;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FNO models (operators.md §2): the parameter counts of §2.5 and the counts of other configurations
 * by the architecture's formula, the state-dict names of the original code and of neuraloperator,
 * the original network against a channels-last re-computation (the original's own layout), the
 * block of §2.3, domain padding, and super-resolution: a model trained at one resolution evaluates
 * at another.
 */
class FNOTest {

    /** §2.1–2.2's architecture counted by hand: lifting, 4 spectral layers of 2^(d−1) complex corners, 4 1×1, fc1, fc2. */
    static long originalParams(int[] modes, int width) {
        int d = modes.length;
        long corner = 1;
        for (int m : modes) corner *= m;
        long spectral = 4L * (1L << (d - 1)) * 2 * width * width * corner;
        return (long) (1 + d) * width + width + spectral + 4L * ((long) width * width + width) + (long) width * 128 + 128 + 129;
    }

    @Test void parameterCountsEqualTheReference() {
        assertEquals(2_368_001, FNO2d.darcy(new Generator(0)).parameterCount(), "FNO2d Darcy (§2.5)");
        assertEquals(549_569, FNO1d.burgers(new Generator(0)).parameterCount(), "FNO1d Burgers (§2.5)");
        assertEquals(2_368_001, originalParams(new int[]{12, 12}, 32), "the formula reproduces §2.5");
        for (int[] c : new int[][]{{5, 7, 8}, {3, 2, 4}})
            assertEquals(originalParams(new int[]{c[0], c[1]}, c[2]), new FNO2d(c[0], c[1], c[2], 2, new Generator(1)).parameterCount());
        assertEquals(originalParams(new int[]{9}, 12), new FNO1d(9, 12, 0, new Generator(1)).parameterCount());
    }

    /** §2.3–2.4 counted by hand: lifting MLP, per block spectral (centred block, complex) + bias + skip + channel MLP + gate, projection. */
    static long neuralOperatorParams(FNO.Options o) {
        int d = o.dims(), h = o.hidden();
        int[] k = o.nModes();
        long block = 1;
        for (int a = 0; a < d; a++) block *= a == d - 1 ? k[a] / 2 + 1 : k[a];
        long lift = Math.round(o.liftingRatio() * h), proj = Math.round(o.projectionRatio() * h), e = Math.round(o.channelMlpExpansion() * h);
        long lifting = (o.inChannels() + (o.positionalEmbedding() ? d : 0)) * lift + lift + lift * h + h;
        long perBlock = 2L * h * h * block + h + (long) h * h + (o.channelMlp() ? h * e + e + e * h + h + h : 0);
        long projection = h * proj + proj + proj * o.outChannels() + o.outChannels();
        return lifting + o.layers() * perBlock + projection;
    }

    @Test void neuralOperatorCountsFollowTheArchitecture() {
        FNO.Options small = FNO.Options.darcySmall();
        assertEquals(neuralOperatorParams(small), new FNO(small, new Generator(2)).parameterCount(), "FNO_Small2d");
        FNO.Options odd = new FNO.Options(new int[]{5, 6, 7}, 2, 3, 7, 3, 1.5, 3, true, 0.5, true, 0.25, true);
        assertEquals(neuralOperatorParams(odd), new FNO(odd, new Generator(2)).parameterCount(), "3-D, odd sizes");
        FNO.Options noMlp = new FNO.Options(new int[]{8}, 1, 1, 6, 2, 2, 2, false, 0.5, false, 0, false);
        assertEquals(neuralOperatorParams(noMlp), new FNO(noMlp, new Generator(2)).parameterCount(), "1-D without channel MLP");
    }

    @Test void stateDictNamesAreTheReferences() {
        Map<String, int[]> original = shapes(new FNO2d(12, 12, 32, 9, new Generator(3)));
        assertArrayEquals(new int[]{32, 3}, original.get("fc0.weight"));
        assertArrayEquals(new int[]{32, 32, 12, 12, 2}, original.get("conv3.weights2"));
        assertArrayEquals(new int[]{32, 32, 1, 1}, original.get("w0.weight"));
        assertArrayEquals(new int[]{1, 128}, original.get("fc2.weight"));
        assertEquals(6 + 8 + 8, original.size(), "fc0/fc1/fc2 weight and bias, conv0-3 two weights, w0-3 weight and bias");
        Map<String, int[]> lib = shapes(new FNO(FNO.Options.darcySmall(), new Generator(3)));
        assertArrayEquals(new int[]{48, 3, 1}, lib.get("lifting.fcs.0.weight"));
        assertArrayEquals(new int[]{24, 24, 16, 9, 2}, lib.get("fno_blocks.convs.0.weight"));
        assertArrayEquals(new int[]{24, 1, 1}, lib.get("fno_blocks.convs.3.bias"));
        assertArrayEquals(new int[]{24, 24, 1}, lib.get("fno_blocks.fno_skips.2.conv.weight"));
        assertArrayEquals(new int[]{12, 24, 1}, lib.get("fno_blocks.channel_mlp.1.fcs.0.weight"));
        assertArrayEquals(new int[]{1, 24, 1, 1}, lib.get("fno_blocks.channel_mlp_skips.0.weight"));
        assertArrayEquals(new int[]{1, 48, 1}, lib.get("projection.fcs.1.weight"));
    }

    private static Map<String, int[]> shapes(dev.galvani.nn.Module m) {
        var out = new java.util.TreeMap<String, int[]>();
        m.namedParameters().forEach((k, p) -> out.put(k, p.shape()));
        return out;
    }

    /**
     * The original network computed as its code does, channels-last: Linear layers on [B, H, W, C], the
     * 1×1 convolution as a contraction over C, the spectral layer as §1.2's two corners by separate
     * products (not the module's joined weight), F.pad at the high end, the crop.
     */
    @Test void theOriginalNetworkMatchesAChannelsLastRecomputation() {
        FNO2d model = new FNO2d(3, 4, 5, 2, new Generator(4));
        model.to(DType.F64);
        var p = model.namedParameters();
        int b = 2, h = 9, w = 7;
        Tensor a = Tensor.randn(new Generator(5), DType.F64, b, 1, h, w);
        Tensor y = model.forward(a);

        Tensor gx = Tensor.linspace(DType.F64, 0, 1, h).reshape(1, h, 1, 1).expand(b, h, w, 1);
        Tensor gy = Tensor.linspace(DType.F64, 0, 1, w).reshape(1, 1, w, 1).expand(b, h, w, 1);
        Tensor x = Tensor.cat(3, a.permute(0, 2, 3, 1), gx, gy);                                          // [B, H, W, 3]
        x = x.matmul(p.get("fc0.weight").value().transpose(0, 1)).add(p.get("fc0.bias").value());
        x = x.permute(0, 3, 1, 2).pad(0, 2, 0, 2);                                                         // [B, C, H + 2, W + 2]
        for (int i = 0; i < 4; i++) {
            Tensor w1 = p.get("conv" + i + ".weights1").value(), w2 = p.get("conv" + i + ".weights2").value();
            Tensor spectral = twoCorners(x, w1, w2, 3, 4);
            Tensor cw = p.get("w" + i + ".weight").value().reshape(5, 5), cb = p.get("w" + i + ".bias").value();
            Tensor pointwise = x.permute(0, 2, 3, 1).matmul(cw.transpose(0, 1)).add(cb).permute(0, 3, 1, 2);
            x = spectral.add(pointwise);
            if (i < 3) x = x.gelu();
        }
        x = x.narrow(2, 0, h).narrow(3, 0, w).permute(0, 2, 3, 1);
        x = x.matmul(p.get("fc1.weight").value().transpose(0, 1)).add(p.get("fc1.bias").value()).gelu();
        x = x.matmul(p.get("fc2.weight").value().transpose(0, 1)).add(p.get("fc2.bias").value());
        assertArrayEquals(x.permute(0, 3, 1, 2).contiguous().toDoubleArray(), y.toDoubleArray(), 1e-12);
    }

    /** §1.2 written with torch.fft's calls: out_ft[:m1, :m2] = x̂ w1, out_ft[-m1:, :m2] = x̂ w2, irfft2. */
    static Tensor twoCorners(Tensor x, Tensor w1, Tensor w2, int m1, int m2) {
        int h = x.size(2), w = x.size(3), co = w1.size(1);
        var xh = dev.galvani.tensor.FFT.rfft2(x);
        var top = dev.galvani.tensor.ComplexTensor.channelMix(xh.narrow(2, 0, m1).narrow(3, 0, m2), w1.viewAsComplex());
        var bottom = dev.galvani.tensor.ComplexTensor.channelMix(xh.narrow(2, h - m1, m1).narrow(3, 0, m2), w2.viewAsComplex());
        var middle = dev.galvani.tensor.ComplexTensor.zeros(x.dtype(), x.device(), x.size(0), co, h - 2 * m1, m2);
        var spectrum = dev.galvani.tensor.ComplexTensor.cat(2, top, middle, bottom).pad(0, w / 2 + 1 - m2);
        return dev.galvani.tensor.FFT.irfft2(spectrum, new int[]{h, w}, null, null);
    }

    /** §2.3 written out for one block pair (first block of two, then the last) with the module's weights. */
    @Test void theNeuralOperatorBlockIsThePostActivationPath() {
        FNO.Options o = new FNO.Options(new int[]{4, 4}, 1, 1, 6, 2, 2, 2, true, 0.5, true, 0, false);
        FNO model = new FNO(o, new Generator(6));
        model.to(DType.F64);
        var p = model.namedParameters();
        Tensor a = Tensor.randn(new Generator(7), DType.F64, 2, 1, 8, 6);
        Tensor grid0 = Tensor.arange(0, 8).to(DType.F64).div(8.0).reshape(1, 1, 8, 1).expand(2, 1, 8, 6);
        Tensor grid1 = Tensor.arange(0, 6).to(DType.F64).div(6.0).reshape(1, 1, 1, 6).expand(2, 1, 8, 6);
        Tensor x = mlp(Tensor.cat(1, a, grid0, grid1), p, "lifting");
        for (int i = 0; i < 2; i++) {
            boolean last = i == 1;
            String blk = "fno_blocks.";
            Tensor skip = PointwiseConv.mix(x, p.get(blk + "fno_skips." + i + ".conv.weight").value(), null);
            Tensor gate = x.mul(p.get(blk + "channel_mlp_skips." + i + ".weight").value());
            SpectralConv.Options so = SpectralConv.Options.centred(6, 6, 4, 4);
            Tensor spectral = SpectralConv.apply(so, x, List.of(p.get(blk + "convs." + i + ".weight").value()), p.get(blk + "convs." + i + ".bias").value(), 8, 6);
            x = spectral.add(skip);
            if (!last) x = x.gelu();
            x = mlp(x, p, blk + "channel_mlp." + i).add(gate);
            if (!last) x = x.gelu();
        }
        Tensor expected = mlp(x, p, "projection");
        assertArrayEquals(expected.toDoubleArray(), model.forward(a).toDoubleArray(), 1e-12);
    }

    private static Tensor mlp(Tensor x, Map<String, dev.galvani.nn.Parameter> p, String name) {
        x = PointwiseConv.mix(x, p.get(name + ".fcs.0.weight").value(), p.get(name + ".fcs.0.bias").value()).gelu();
        return PointwiseConv.mix(x, p.get(name + ".fcs.1.weight").value(), p.get(name + ".fcs.1.bias").value());
    }

    /** Domain padding: zeros on the padded cells feed the blocks, the output is cropped back; a fraction scales with the grid. */
    @Test void domainPaddingPadsAFractionAndCropsBack() {
        FNO.Options base = new FNO.Options(new int[]{4, 4}, 1, 2, 5, 1, 2, 2, true, 0.5, true, 0, false);
        FNO plain = new FNO(base, new Generator(8)), oneSided = new FNO(base.withDomainPadding(0.25, false), new Generator(8)),
                symmetric = new FNO(base.withDomainPadding(0.25, true), new Generator(8));
        Tensor a = Tensor.randn(new Generator(9), 2, 1, 8, 12);
        for (FNO m : List.of(plain, oneSided, symmetric)) assertArrayEquals(new int[]{2, 2, 8, 12}, m.forward(a).shape().dims());
        double d1 = oneSided.forward(a).sub(plain.forward(a)).abs().max().itemDouble(), d2 = symmetric.forward(a).sub(oneSided.forward(a)).abs().max().itemDouble();
        assertTrue(d1 > 1e-4 && d2 > 1e-4, "padding changes the operator (non-periodic domain): " + d1 + ", " + d2);
    }

    /**
     * Super-resolution (issue 9): an FNO trained 30 steps at 16 × 16 on a smoothing operator
     * (û = exp(−|k|²/8) â, band-limited inputs) evaluates at 32 × 32: the output has the fine shape, its
     * even points agree with the coarse output for the same band-limited input, and its error against
     * the true operator there is as small as at the training resolution.
     */
    @Test void aModelTrainedAtOneResolutionEvaluatesAtAnother() {
        FNO model = new FNO(new FNO.Options(new int[]{8, 8}, 1, 1, 12, 2, 2, 2, true, 0.5, true, 0, false), new Generator(10));
        Adam adam = new Adam(model.parameters(), Adam.options().lr(2e-2));
        Generator data = new Generator(11);
        double first = 0, last = 0;
        for (int step = 0; step < 30; step++)
            try (var _ = TensorScope.open()) {
                Tensor[] pair = smoothingPair(data, 8, 16);
                Tensor loss = OperatorLosses.relativeL2(model.forward(pair[0]), pair[1]);
                model.zeroGrad();
                loss.backward();
                adam.step();
                if (step == 0) first = loss.itemDouble();
                last = loss.itemDouble();
            }
        assertTrue(last < 0.3 * first, "training lowers the error: " + first + " -> " + last);
        try (var _ = Autograd.noGrad()) {
            long seed = 99;
            Tensor[] coarse = smoothingPair(new Generator(seed), 16, 16), fine = smoothingPair(new Generator(seed), 16, 32);
            Tensor yc = model.forward(coarse[0]), yf = model.forward(fine[0]);
            assertArrayEquals(new int[]{16, 1, 32, 32}, yf.shape().dims());
            double errCoarse = OperatorLosses.relativeL2(yc, coarse[1]).itemDouble(), errFine = OperatorLosses.relativeL2(yf, fine[1]).itemDouble();
            Tensor even = yf.slice(2, 0, 32, 2).slice(3, 0, 32, 2);
            double consistency = OperatorLosses.relativeL2(even, yc).itemDouble();
            System.out.printf("super-resolution: train loss %.4f -> %.4f; test relative L2 %.4f at 16x16, %.4f at 32x32; even points vs coarse %.4f%n",
                    first, last, errCoarse, errFine, consistency);
            assertTrue(errFine < 1.5 * errCoarse + 0.01, "as good at 32 x 32 as at 16 x 16: " + errFine + " vs " + errCoarse);
            assertTrue(consistency < 0.5 * errCoarse + 0.01, "the fine output at the coarse points is the coarse output: " + consistency);
        }
    }

    /**
     * Random band-limited fields (|k| ≤ 3 per axis, coefficients from {@code gen}) on an n × n periodic grid and
     * their images under the smoothing û = exp(−|k|²/8) â, both [batch, 1, n, n]; the same coefficients give the
     * same functions on every grid.
     */
    static Tensor[] smoothingPair(Generator gen, int batch, int n) {
        int kmax = 3, side = 2 * kmax + 1;
        double[] coeff = Tensor.randn(gen, DType.F64, batch, side, side, 2).toDoubleArray();
        double[] a = new double[batch * n * n], u = new double[batch * n * n];
        for (int s = 0; s < batch; s++)
            for (int kx = -kmax; kx <= kmax; kx++)
                for (int ky = -kmax; ky <= kmax; ky++) {
                    int at = ((s * side + kx + kmax) * side + ky + kmax) * 2;
                    double cr = coeff[at], ci = coeff[at + 1], damp = Math.exp(-(kx * kx + ky * ky) / 8.0);
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++) {
                            double t = 2 * Math.PI * ((double) kx * i / n + (double) ky * j / n);
                            double v = cr * Math.cos(t) - ci * Math.sin(t);
                            a[(s * n + i) * n + j] += v;
                            u[(s * n + i) * n + j] += damp * v;
                        }
                }
        return new Tensor[]{Tensor.of(a, batch, 1, n, n).to(DType.F32), Tensor.of(u, batch, 1, n, n).to(DType.F32)};
    }

    @Test void theOneDimensionalNetworkMapsAFunctionToAFunction() {
        FNO1d model = new FNO1d(5, 6, 0, new Generator(13));
        Tensor a = Tensor.randn(new Generator(14), 3, 1, 32);
        Tensor u = model.forward(a);
        assertArrayEquals(new int[]{3, 1, 32}, u.shape().dims());
        // Sample 1 alone gives sample 1's output: nothing mixes the batch.
        assertArrayEquals(u.narrow(0, 1, 1).toDoubleArray(), model.forward(a.narrow(0, 1, 1)).toDoubleArray(), 1e-5);
        float[] grid = OriginalFno.grid(Tensor.zeros(1, 1, 3)).toFloatArray();
        assertArrayEquals(new float[]{0, 0.5f, 1}, grid, 0f, "the original's grid includes both ends");
        float[] periodic = FNO.periodicGrid(Tensor.zeros(1, 1, 4)).toFloatArray();
        assertArrayEquals(new float[]{0, 0.25f, 0.5f, 0.75f}, periodic, 1e-7f, "neuraloperator's grid leaves out the right end");
    }

    @Test void wrongInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FNO2d.darcy(new Generator(0)).forward(Tensor.zeros(1, 2, 30, 30)), "one input channel");
        assertThrows(IllegalArgumentException.class, () -> new FNO(FNO.Options.darcySmall(), new Generator(0)).forward(Tensor.zeros(1, 1, 30)), "2 axes");
        assertThrows(IllegalArgumentException.class, () -> new FNO2d(3, 3, 4, 0, new Generator(0)).forward(Tensor.zeros(1, 1, 5, 5)), "5 < 2·3 rows");
    }
}
