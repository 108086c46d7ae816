package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.GradCheck;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.ComplexTensor;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The spectral convolution (operators.md §1): both layouts in 1-D, 2-D and 3-D against a naive DFT
 * written out here in F64 (every retained frequency, with its weight found from the layout's rule),
 * other output grids, the equivalence of §1.4, the initialisations of §1.3, names and shapes of the
 * state dict, GradCheck, and errors.
 */
class SpectralConvTest {

    /** One retained frequency (signed on every axis but the last) and its weight [Ci][Co] (real, imaginary). */
    record Mode(int[] freq, double[][] re, double[][] im) {}

    /** The retained modes of a layer, read from its parameters by the layout's rule of §1.1–1.4. */
    static List<Mode> modesOf(SpectralConv layer) {
        var o = layer.options();
        int d = o.dims(), ci = o.inChannels(), co = o.outChannels();
        int[] m = o.modes();
        List<Mode> modes = new ArrayList<>();
        Map<String, Parameter> params = layer.namedParameters();
        int weightsCount = o.layout() == SpectralConv.Layout.CORNERS ? 1 << (d - 1) : 1;
        for (int c = 0; c < weightsCount; c++) {
            Tensor w = o.layout() == SpectralConv.Layout.CORNERS ? params.get("weights" + (c + 1)).value() : params.get("weight").value();
            int[] shape = w.shape().dims();
            double[] v = w.toDoubleArray();
            int[] blockDims = Arrays.copyOfRange(shape, 2, 2 + d);
            int block = 1;
            for (int s : blockDims) block *= s;
            for (int flat = 0; flat < block; flat++) {
                int[] idx = new int[d], freq = new int[d];
                for (int a = d - 1, r = flat; a >= 0; a--) {
                    idx[a] = r % blockDims[a];
                    r /= blockDims[a];
                }
                for (int a = 0; a < d; a++) {
                    boolean last = a == d - 1;
                    if (o.layout() == SpectralConv.Layout.CORNERS) freq[a] = !last && (c >> a & 1) == 1 ? idx[a] - m[a] : idx[a];
                    else freq[a] = last ? idx[a] : idx[a] - m[a] / 2;
                }
                double[][] re = new double[ci][co], im = new double[ci][co];
                for (int i = 0; i < ci; i++)
                    for (int j = 0; j < co; j++) {
                        int at = ((i * co + j) * block + flat) * 2;
                        re[i][j] = v[at];
                        im[i][j] = v[at + 1];
                    }
                modes.add(new Mode(freq, re, im));
            }
        }
        return modes;
    }

    /**
     * The layer by definition: x̂ at each retained frequency by a direct sum, ŷ = Σ_i x̂_i w_io, and
     * y(J) = (1/N_in) Σ c Re(ŷ e^{2πi Σ f_a J_a / out_a}), c = 1 on the last axis' zero and Nyquist bins
     * of the output grid and 2 on the bins that stand for a conjugate pair.
     */
    static double[] naive(double[] x, int batch, int ci, int co, int[] n, int[] out, List<Mode> modes) {
        int d = n.length;
        int nIn = Arrays.stream(n).reduce(1, (p, q) -> p * q), nOut = Arrays.stream(out).reduce(1, (p, q) -> p * q);
        double[] y = new double[batch * co * nOut];
        for (int b = 0; b < batch; b++)
            for (Mode mode : modes) {
                double[] xr = new double[ci], xi = new double[ci];
                for (int i = 0; i < ci; i++)
                    for (int p = 0; p < nIn; p++) {
                        double phase = 0;
                        for (int a = d - 1, r = p; a >= 0; a--) {
                            phase += (double) mode.freq()[a] * (r % n[a]) / n[a];
                            r /= n[a];
                        }
                        double v = x[(b * ci + i) * nIn + p];
                        xr[i] += v * Math.cos(-2 * Math.PI * phase);
                        xi[i] += v * Math.sin(-2 * Math.PI * phase);
                    }
                int fl = mode.freq()[d - 1];
                double c = fl == 0 || 2 * fl == out[d - 1] ? 1 : 2;
                for (int o = 0; o < co; o++) {
                    double yr = 0, yi = 0;
                    for (int i = 0; i < ci; i++) {
                        yr += xr[i] * mode.re()[i][o] - xi[i] * mode.im()[i][o];
                        yi += xr[i] * mode.im()[i][o] + xi[i] * mode.re()[i][o];
                    }
                    for (int p = 0; p < nOut; p++) {
                        double phase = 0;
                        for (int a = d - 1, r = p; a >= 0; a--) {
                            phase += (double) mode.freq()[a] * (r % out[a]) / out[a];
                            r /= out[a];
                        }
                        double t = 2 * Math.PI * phase;
                        y[(b * co + o) * nOut + p] += c * (yr * Math.cos(t) - yi * Math.sin(t)) / nIn;
                    }
                }
            }
        return y;
    }

    private static SpectralConv layer(SpectralConv.Options o, long seed) {
        SpectralConv l = new SpectralConv(o, new Generator(seed));
        l.to(DType.F64);
        return l;
    }

    private static void assertMatchesNaive(SpectralConv layer, int batch, int[] n, int[] out, long seed) {
        var o = layer.options();
        int[] shape = new int[n.length + 2];
        shape[0] = batch;
        shape[1] = o.inChannels();
        System.arraycopy(n, 0, shape, 2, n.length);
        Tensor x = Tensor.randn(new Generator(seed), DType.F64, shape);
        Tensor y = layer.forward(x, out);
        double[] expected = naive(x.toDoubleArray(), batch, o.inChannels(), o.outChannels(), n, out, modesOf(layer));
        if (layer.bias() != null) {
            double[] bias = layer.bias().value().toDoubleArray();
            int per = expected.length / batch / o.outChannels();
            for (int i = 0; i < expected.length; i++) expected[i] += bias[i / per % o.outChannels()];
        }
        String what = o.layout() + " modes " + Arrays.toString(o.modes()) + " on " + Arrays.toString(n) + " -> " + Arrays.toString(out) + " (" + o.norm() + ")";
        assertEquals(out.length + 2, y.dim(), what);
        assertEquals(o.outChannels(), y.size(1), what);
        assertArrayEquals(expected, y.toDoubleArray(), 1e-12, what);
    }

    @Test void cornersMatchTheNaiveTransformIn1d2dAnd3d() {
        assertMatchesNaive(layer(SpectralConv.Options.corners(3, 2, 4), 1), 2, new int[]{16}, new int[]{16}, 11);
        assertMatchesNaive(layer(SpectralConv.Options.corners(2, 3, 5), 2), 2, new int[]{9}, new int[]{9}, 12);       // all bins of n = 9
        assertMatchesNaive(layer(SpectralConv.Options.corners(2, 3, 3, 4), 3), 2, new int[]{8, 7}, new int[]{8, 7}, 13);
        assertMatchesNaive(layer(SpectralConv.Options.corners(2, 2, 2, 3), 4), 1, new int[]{7, 4}, new int[]{7, 4}, 14);   // Nyquist kept
        assertMatchesNaive(layer(SpectralConv.Options.corners(2, 2, 2, 2, 2), 5), 2, new int[]{5, 6, 6}, new int[]{5, 6, 6}, 15);
        for (String norm : new String[]{"ortho", "forward"})
            assertMatchesNaive(layer(SpectralConv.Options.corners(2, 3, 3, 4).withNorm(norm), 3), 2, new int[]{8, 7}, new int[]{8, 7}, 13);
    }

    @Test void centredLayoutMatchesTheNaiveTransformWithAndWithoutTheHermitianSplit() {
        for (boolean hermitian : new boolean[]{true, false}) {
            assertMatchesNaive(layer(SpectralConv.Options.centred(3, 2, 6).withHermitian(hermitian), 6), 2, new int[]{12}, new int[]{12}, 21);
            assertMatchesNaive(layer(SpectralConv.Options.centred(2, 3, 5, 6).withHermitian(hermitian), 7), 2, new int[]{8, 8}, new int[]{8, 8}, 22);
            assertMatchesNaive(layer(SpectralConv.Options.centred(2, 3, 4, 5).withHermitian(hermitian), 8), 2, new int[]{7, 9}, new int[]{7, 9}, 23);
            assertMatchesNaive(layer(SpectralConv.Options.centred(2, 2, 3, 4, 4).withHermitian(hermitian), 9), 1, new int[]{5, 4, 6}, new int[]{5, 4, 6}, 24);
        }
        // n_modes[-1] = n_last keeps the Nyquist bin of an even grid, whose imaginary part the split zeroes.
        assertMatchesNaive(layer(SpectralConv.Options.centred(2, 2, 4, 8), 10), 2, new int[]{6, 8}, new int[]{6, 8}, 25);
    }

    @Test void otherOutputGridsSampleTheSameBandLimitedFunction() {
        assertMatchesNaive(layer(SpectralConv.Options.corners(2, 3, 4), 31), 2, new int[]{12}, new int[]{24}, 31);
        assertMatchesNaive(layer(SpectralConv.Options.corners(2, 2, 3, 3), 32), 2, new int[]{8, 9}, new int[]{16, 17}, 32);
        assertMatchesNaive(layer(SpectralConv.Options.corners(2, 2, 3, 3).withNorm("ortho"), 32), 1, new int[]{8, 9}, new int[]{13, 6}, 33);
        assertMatchesNaive(layer(SpectralConv.Options.centred(2, 2, 5, 6), 33), 2, new int[]{8, 8}, new int[]{16, 12}, 34);
        assertMatchesNaive(layer(SpectralConv.Options.centred(2, 2, 3, 2, 4).withNorm("backward"), 34), 1, new int[]{4, 4, 6}, new int[]{8, 5, 12}, 35);

        // A band-limited input sampled on a grid twice as fine: the layer's output there is its output on the coarse grid, interleaved.
        SpectralConv l = layer(SpectralConv.Options.corners(1, 2, 3, 3), 36);
        Tensor coarse = bandLimited(10), fine = bandLimited(20);
        Tensor yCoarse = l.forward(coarse), yFine = l.forward(fine), yUp = l.forward(coarse, 20, 20);
        assertArrayEquals(yFine.toDoubleArray(), yUp.toDoubleArray(), 1e-12, "forward(coarse, fine grid) samples what forward(fine) does");
        assertArrayEquals(yCoarse.toDoubleArray(), yFine.slice(2, 0, 20, 2).slice(3, 0, 20, 2).contiguous().toDoubleArray(), 1e-12);
    }

    /** cos 2π(x + 2y) + sin 2π(2x) · 0.5 on an n × n periodic grid, [1, 1, n, n]: frequencies within 2 modes. */
    static Tensor bandLimited(int n) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) v[i * n + j] = Math.cos(2 * Math.PI * ((double) i / n + 2.0 * j / n)) + 0.5 * Math.sin(2 * Math.PI * 2.0 * i / n);
        return Tensor.of(v, 1, 1, n, n);
    }

    /** §1.4: old (m1, m2) equals new n_modes (2 m1, 2 (m2 − 1)) with the new weight concat([w2, w1]) along k_x; the norm does not matter. */
    @Test void theTwoLayoutsAreOneOperatorAfterTheWeightMapping() {
        int m1 = 3, m2 = 4;
        SpectralConv old = layer(SpectralConv.Options.corners(3, 2, m1, m2), 41);
        SpectralConv centred = layer(SpectralConv.Options.centred(3, 2, 2 * m1, 2 * (m2 - 1)).withBias(false), 42);
        Tensor w1 = old.namedParameters().get("weights1").value(), w2 = old.namedParameters().get("weights2").value();
        centred.namedParameters().get("weight").copyFrom(Tensor.cat(2, w2, w1));
        for (int[] n : new int[][]{{8, 8}, {9, 12}, {16, 7}}) {
            Tensor x = Tensor.randn(new Generator(n[0] * 31L + n[1]), DType.F64, 2, 3, n[0], n[1]);
            double[] a = old.forward(x).toDoubleArray(), b = centred.forward(x).toDoubleArray();
            assertArrayEquals(a, b, 1e-13, Arrays.toString(n) + ": backward-norm corners vs forward-norm centred");
        }
        assertEquals(old.parameterCount(), centred.parameterCount(), "the same number of reals");

        // 1-D (one corner) and 3-D (four corners: the centred weight is the corners joined along k_x, then k_y).
        SpectralConv old1 = layer(SpectralConv.Options.corners(2, 2, 5), 43), new1 = layer(SpectralConv.Options.centred(2, 2, 8).withBias(false), 44);
        new1.namedParameters().get("weight").copyFrom(old1.namedParameters().get("weights1").value());
        Tensor x1 = Tensor.randn(new Generator(45), DType.F64, 2, 2, 20);
        assertArrayEquals(old1.forward(x1).toDoubleArray(), new1.forward(x1).toDoubleArray(), 1e-13, "1-D");

        SpectralConv old3 = layer(SpectralConv.Options.corners(2, 2, 2, 3, 3), 46), new3 = layer(SpectralConv.Options.centred(2, 2, 4, 6, 4).withBias(false), 47);
        Tensor[] c = new Tensor[4];
        for (int i = 0; i < 4; i++) c[i] = old3.namedParameters().get("weights" + (i + 1)).value();
        // Corner bits: 1 = negative k_x, 2 = negative k_y; increasing frequency puts negative before non-negative.
        Tensor joined = Tensor.cat(3, Tensor.cat(2, c[3], c[2]), Tensor.cat(2, c[1], c[0]));
        new3.namedParameters().get("weight").copyFrom(joined);
        Tensor x3 = Tensor.randn(new Generator(48), DType.F64, 1, 2, 6, 7, 8);
        assertArrayEquals(old3.forward(x3).toDoubleArray(), new3.forward(x3).toDoubleArray(), 1e-13, "3-D");
    }

    @Test void namesShapesAndInitialisationFollowTheReference() {
        SpectralConv c3 = new SpectralConv(SpectralConv.Options.corners(4, 5, 2, 3, 4), new Generator(51));
        assertEquals(List.of("weights1", "weights2", "weights3", "weights4"), List.copyOf(c3.namedParameters().keySet()));
        assertArrayEquals(new int[]{4, 5, 2, 3, 4, 2}, c3.namedParameters().get("weights1").shape(), "[Ci, Co, m1, m2, m3] as view_as_real");
        SpectralConv n2 = new SpectralConv(SpectralConv.Options.centred(4, 5, 6, 7), new Generator(52));
        assertEquals(List.of("weight", "bias"), List.copyOf(n2.namedParameters().keySet()));
        assertArrayEquals(new int[]{4, 5, 6, 4, 2}, n2.namedParameters().get("weight").shape(), "last axis keeps 7 // 2 + 1");
        assertArrayEquals(new int[]{5, 1, 1}, n2.namedParameters().get("bias").shape());

        // §1.3, FNO-ORIG: each part scale · U[0, 1) with scale 1/(Ci Co).
        SpectralConv big = new SpectralConv(SpectralConv.Options.corners(8, 8, 16, 16), new Generator(53));
        double scale = 1.0 / 64;
        for (Parameter p : big.parameters()) {
            double[] v = p.value().toDoubleArray();
            double mean = Arrays.stream(v).average().orElseThrow();
            assertTrue(Arrays.stream(v).allMatch(t -> t >= 0 && t < scale), "in [0, scale)");
            assertEquals(0.5 * scale, mean, 0.02 * scale, "mean of U[0, scale)");
        }
        // §1.3, NO-LIB: complex normal of std √(2/(Ci + Co)): E|w|² = 2/(Ci + Co), parts of mean 0.
        SpectralConv nl = new SpectralConv(SpectralConv.Options.centred(8, 24, 16, 16), new Generator(54));
        ComplexTensor w = nl.weight(0);
        double meanSquare = w.absSquare().mean().itemDouble(), meanRe = w.real().mean().itemDouble();
        assertEquals(2.0 / 32, meanSquare, 0.02 * 2.0 / 32);
        assertEquals(0, meanRe, 0.01 * Math.sqrt(2.0 / 32));
        double[] b = nl.bias().value().toDoubleArray();
        assertEquals(24, b.length);
    }

    @Test void gradientsAgainstFiniteDifferences() {
        for (SpectralConv.Options o : List.of(SpectralConv.Options.corners(2, 2, 2, 3), SpectralConv.Options.centred(2, 2, 3, 4),
                SpectralConv.Options.corners(2, 1, 3), SpectralConv.Options.centred(1, 2, 2, 2, 2))) {
            SpectralConv l = layer(o, 61);
            int[] n = o.dims() == 1 ? new int[]{7} : o.dims() == 2 ? new int[]{6, 5} : new int[]{4, 3, 4};
            int[] shape = new int[n.length + 2];
            shape[0] = 2;
            shape[1] = o.inChannels();
            System.arraycopy(n, 0, shape, 2, n.length);
            List<Tensor> inputs = new ArrayList<>();
            inputs.add(Tensor.randn(new Generator(62), DType.F64, shape).requiresGrad(true));
            for (Parameter p : l.parameters()) inputs.add(p.value().detach().clone().requiresGrad(true));
            int weights = l.weightCount();
            boolean bias = o.bias();
            int[] out = n.clone();
            out[0] += 3;                      // a finer output grid along the first axis exercises the scatter's gap too
            GradCheck.of(in -> SpectralConv.apply(o, in.get(0), in.subList(1, 1 + weights), bias ? in.get(1 + weights) : null, out), inputs)
                    .maxElements(40).run().orThrow();
        }
    }

    @Test void gridsTooSmallForTheModesAreRefused() {
        SpectralConv c = new SpectralConv(SpectralConv.Options.corners(1, 1, 4, 3), new Generator(71));
        var e = assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(1, 1, 7, 8)));
        assertTrue(e.getMessage().contains("input size 7 on spatial axis 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(1, 1, 8, 3)), "3 // 2 + 1 < 3 bins");
        assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(1, 2, 8, 8)), "channels");
        assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(1, 1, 8, 8), 8), "one output size per axis");
        assertThrows(IllegalArgumentException.class, () -> SpectralConv.Options.corners(1, 1, 1, 2, 3, 4), "at most 3 axes");
        assertThrows(IllegalArgumentException.class, () -> SpectralConv.Options.corners(1, 1, 4).withNorm("unitary"));
    }
}
