package dev.galvani.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Conv2dSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DirectConv's three products against naive loops over explicit indices in F64, on odd sizes,
 * padding (also wider than the kernel's reach), dilation, groups, depthwise, 1-D, chunks of several
 * images and images split among parts, channels-last (strided) operands; and its cost model's choices.
 * Each expected value is checked within 1e-5 of the sum of the absolute values of its terms.
 */
class DirectConvTest {

    /** A stride-1 convolution and whether its operands are stored channels-last. */
    record Case(DirectConv.Geometry g, boolean channelsLast) {
        static Case of(int n, int c, int h, int w, int o, int groups, int kh, int kw, int ph, int pw, int dh, int dw, boolean cl) {
            return new Case(new DirectConv.Geometry(n, c, h, w, o, groups, kh, kw, ph, pw, dh, dw), cl);
        }
    }

    static final Case[] CASES = {
            Case.of(3, 5, 7, 9, 11, 1, 3, 3, 1, 1, 1, 1, false),       // odd everything, "same" 3x3
            Case.of(2, 4, 6, 5, 6, 2, 3, 2, 2, 1, 2, 1, true),         // two groups, dilation, asymmetric kernel, channels-last
            Case.of(2, 6, 8, 8, 6, 6, 3, 3, 1, 1, 1, 1, false),        // depthwise
            Case.of(3, 6, 5, 7, 12, 6, 3, 3, 1, 1, 1, 1, true),        // depthwise, multiplier 2
            Case.of(4, 3, 1, 50, 9, 1, 1, 5, 0, 2, 1, 2, false),       // 1-D: height 1, dilation 2
            Case.of(5, 3, 30, 31, 17, 1, 3, 3, 0, 0, 1, 1, false),     // no padding, several tiles per row
            Case.of(2, 3, 5, 5, 4, 1, 3, 3, 3, 3, 1, 1, false),        // padding wider than the kernel's reach
            Case.of(20, 16, 30, 30, 8, 1, 3, 3, 1, 1, 1, 1, false),    // several chunks of images per part
            Case.of(3, 1, 28, 28, 10, 1, 3, 3, 1, 1, 1, 1, false),     // a first layer
            Case.of(3, 5, 9, 10, 70, 1, 3, 3, 1, 1, 1, 1, true),       // wide weight-gradient tiles, a ragged last one
            Case.of(2, 4, 6, 6, 80, 2, 2, 3, 1, 1, 1, 2, false),       // two groups of 40 output channels
    };

    @Test
    void forwardMatchesNaiveLoops() {
        Random rnd = new Random(11);
        for (Case k : CASES) {
            DirectConv.Geometry g = k.g;
            double[] x = random(rnd, g.n() * g.cin() * g.h() * g.w()), w = random(rnd, g.cout() * g.taps());
            DirectConv.View xv = store(x, new int[]{g.n(), g.cin(), g.h(), g.w()}, k.channelsLast);
            DirectConv.View out = store(new double[g.n() * g.cout() * g.outH() * g.outW()], new int[]{g.n(), g.cout(), g.outH(), g.outW()}, k.channelsLast);
            DirectConv.forward(g, xv, floats(w), 0, out);
            double[][] ref = naiveForward(g, x, w);
            check(k + " forward", ref, read(out, new int[]{g.n(), g.cout(), g.outH(), g.outW()}));
        }
    }

    @Test
    void inputGradientMatchesNaiveLoops() {
        Random rnd = new Random(12);
        for (Case k : CASES) {
            DirectConv.Geometry g = k.g;
            if (g.padH() > g.dilH() * (g.kh() - 1) || g.padW() > g.dilW() * (g.kw() - 1)) continue;   // not a convolution then
            int[] outShape = {g.n(), g.cout(), g.outH(), g.outW()}, inShape = {g.n(), g.cin(), g.h(), g.w()};
            double[] go = random(rnd, g.n() * g.cout() * g.outH() * g.outW()), w = random(rnd, g.cout() * g.taps());
            DirectConv.View gi = store(random(rnd, g.n() * g.cin() * g.h() * g.w()), inShape, k.channelsLast);   // overwritten
            DirectConv.inputGrad(g, store(go, outShape, k.channelsLast), floats(w), 0, gi);
            check(k + " input grad", naiveInputGrad(g, go, w), read(gi, inShape));
        }
    }

    @Test
    void weightGradientMatchesNaiveLoops() {
        Random rnd = new Random(13);
        for (Case k : CASES) {
            DirectConv.Geometry g = k.g;
            int[] outShape = {g.n(), g.cout(), g.outH(), g.outW()}, inShape = {g.n(), g.cin(), g.h(), g.w()};
            double[] x = random(rnd, g.n() * g.cin() * g.h() * g.w()), go = random(rnd, g.n() * g.cout() * g.outH() * g.outW());
            float[] gw = floats(random(rnd, g.cout() * g.taps() + 3));    // overwritten from offset 3
            DirectConv.weightGrad(g, store(x, inShape, k.channelsLast), store(go, outShape, k.channelsLast), gw, 3);
            double[][] ref = naiveWeightGrad(g, x, go);
            double[] got = new double[ref[0].length];
            for (int i = 0; i < got.length; i++) got[i] = gw[3 + i];
            check(k + " weight grad", ref, got);
        }
    }

    @Test
    void weightGradientIsReproducible() {
        Case k = CASES[7];
        DirectConv.Geometry g = k.g;
        Random rnd = new Random(14);
        double[] x = random(rnd, g.n() * g.cin() * g.h() * g.w()), go = random(rnd, g.n() * g.cout() * g.outH() * g.outW());
        int[] outShape = {g.n(), g.cout(), g.outH(), g.outW()}, inShape = {g.n(), g.cin(), g.h(), g.w()};
        float[] first = new float[g.cout() * g.taps()], again = new float[first.length];
        DirectConv.weightGrad(g, store(x, inShape, false), store(go, outShape, false), first, 0);
        for (int i = 0; i < 3; i++) {
            DirectConv.weightGrad(g, store(x, inShape, false), store(go, outShape, false), again, 0);
            assertArrayEquals(first, again);
        }
    }

    @Test
    void costModelTakesTheCnnLayersAndLeavesTheRest() {
        int t = Parallel.threads();
        // The side-by-side shape and the Fashion-MNIST CNN's second layer: all three products; its
        // first layer (one input channel, 9 taps): none.
        ConvKernels.Geo cnn2 = geo(128, 32, 14, 14, 64, 3, 1, 1, 1), big = geo(8, 32, 64, 64, 32, 3, 1, 1, 1);
        ConvKernels.Geo cnn1 = geo(128, 1, 28, 28, 32, 3, 1, 1, 1);
        for (ConvKernels.Geo g : new ConvKernels.Geo[]{cnn2, big}) {
            assertTrue(ConvKernels.CostModel.forward(g, DType.F32));
            assertTrue(ConvKernels.CostModel.inputGrad(g, DType.F32));
            assertTrue(ConvKernels.CostModel.weightGrad(g, DType.F32));
            assertFalse(ConvKernels.CostModel.forward(g, DType.F64), "F64 keeps the GEMM path");
        }
        assertFalse(ConvKernels.CostModel.forward(cnn1, DType.F32));
        assertFalse(ConvKernels.CostModel.inputGrad(cnn1, DType.F32));
        assertFalse(ConvKernels.CostModel.weightGrad(cnn1, DType.F32));
        // Stride 2, a 1x1 kernel, depthwise, and fewer images than threads stay on the GEMM path.
        assertFalse(ConvKernels.CostModel.forward(geo(8, 32, 16, 16, 32, 3, 2, 1, 1), DType.F32));
        assertFalse(ConvKernels.CostModel.forward(geo(8, 32, 16, 16, 32, 1, 1, 0, 1), DType.F32));
        assertFalse(ConvKernels.CostModel.forward(geo(8, 32, 16, 16, 32, 3, 1, 1, 32), DType.F32));
        if (t > 1) assertFalse(ConvKernels.CostModel.forward(geo(t - 1, 32, 16, 16, 32, 3, 1, 1, 1), DType.F32));
        // An image whose padded copy would not fit a thread's buffer limit.
        assertFalse(ConvKernels.CostModel.forward(geo(8, 64, 512, 512, 32, 3, 1, 1, 1), DType.F32));
        // Padding beyond the kernel's reach: the input gradient is no convolution.
        assertFalse(ConvKernels.CostModel.inputGrad(geo(8, 32, 16, 16, 32, 3, 1, 3, 1), DType.F32));
    }

    private static ConvKernels.Geo geo(int n, int c, int h, int w, int o, int k, int stride, int pad, int groups) {
        Conv2dSpec s = new Conv2dSpec(stride, stride, pad, pad, 1, 1, groups);
        return ConvKernels.Geo.of(new int[]{n, c, h, w}, new int[]{o, c / groups, k, k}, new int[]{n, o, s.outH(h, k), s.outW(w, k)}, s);
    }

    // ---- naive loops in F64: {value, sum of |terms|} ------------------------------------------

    private static double[][] naiveForward(DirectConv.Geometry g, double[] x, double[] w) {
        int oh = g.outH(), ow = g.outW(), cg = g.cg(), og = g.og();
        double[][] r = new double[2][g.n() * g.cout() * oh * ow];
        for (int n = 0; n < g.n(); n++)
            for (int o = 0; o < g.cout(); o++)
                for (int y = 0; y < oh; y++)
                    for (int xo = 0; xo < ow; xo++) {
                        int idx = ((n * g.cout() + o) * oh + y) * ow + xo;
                        for (int c = 0; c < cg; c++)
                            for (int i = 0; i < g.kh(); i++)
                                for (int j = 0; j < g.kw(); j++) {
                                    int ih = y - g.padH() + i * g.dilH(), iw = xo - g.padW() + j * g.dilW();
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                    double t = x[((n * g.cin() + o / og * cg + c) * g.h() + ih) * g.w() + iw] * w[((o * cg + c) * g.kh() + i) * g.kw() + j];
                                    r[0][idx] += t;
                                    r[1][idx] += Math.abs(t);
                                }
                    }
        return r;
    }

    private static double[][] naiveInputGrad(DirectConv.Geometry g, double[] go, double[] w) {
        int oh = g.outH(), ow = g.outW(), cg = g.cg(), og = g.og();
        double[][] r = new double[2][g.n() * g.cin() * g.h() * g.w()];
        for (int n = 0; n < g.n(); n++)
            for (int o = 0; o < g.cout(); o++)
                for (int y = 0; y < oh; y++)
                    for (int xo = 0; xo < ow; xo++)
                        for (int c = 0; c < cg; c++)
                            for (int i = 0; i < g.kh(); i++)
                                for (int j = 0; j < g.kw(); j++) {
                                    int ih = y - g.padH() + i * g.dilH(), iw = xo - g.padW() + j * g.dilW();
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                    int idx = ((n * g.cin() + o / og * cg + c) * g.h() + ih) * g.w() + iw;
                                    double t = go[((n * g.cout() + o) * oh + y) * ow + xo] * w[((o * cg + c) * g.kh() + i) * g.kw() + j];
                                    r[0][idx] += t;
                                    r[1][idx] += Math.abs(t);
                                }
        return r;
    }

    private static double[][] naiveWeightGrad(DirectConv.Geometry g, double[] x, double[] go) {
        int oh = g.outH(), ow = g.outW(), cg = g.cg(), og = g.og();
        double[][] r = new double[2][g.cout() * g.taps()];
        for (int n = 0; n < g.n(); n++)
            for (int o = 0; o < g.cout(); o++)
                for (int y = 0; y < oh; y++)
                    for (int xo = 0; xo < ow; xo++)
                        for (int c = 0; c < cg; c++)
                            for (int i = 0; i < g.kh(); i++)
                                for (int j = 0; j < g.kw(); j++) {
                                    int ih = y - g.padH() + i * g.dilH(), iw = xo - g.padW() + j * g.dilW();
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                    int idx = ((o * cg + c) * g.kh() + i) * g.kw() + j;
                                    double t = go[((n * g.cout() + o) * oh + y) * ow + xo] * x[((n * g.cin() + o / og * cg + c) * g.h() + ih) * g.w() + iw];
                                    r[0][idx] += t;
                                    r[1][idx] += Math.abs(t);
                                }
        return r;
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static void check(String what, double[][] ref, double[] got) {
        assertEquals(ref[0].length, got.length, what);
        for (int i = 0; i < got.length; i++) {
            double tol = 1e-5 * ref[1][i] + 1e-6;
            if (Math.abs(got[i] - ref[0][i]) > tol)
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", expected " + ref[0][i] + " within " + tol);
        }
    }

    private static double[] random(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = (float) (2 * rnd.nextDouble() - 1);     // exactly representable in F32
        return a;
    }

    private static float[] floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    /** a [d0, d1, d2, d3] row-major, stored NCHW or channels-last (NHWC) after an offset of 5 floats. */
    private static DirectConv.View store(double[] a, int[] d, boolean channelsLast) {
        int[] s = channelsLast ? new int[]{d[1] * d[2] * d[3], 1, d[3] * d[1], d[1]} : new int[]{d[1] * d[2] * d[3], d[2] * d[3], d[3], 1};
        float[] f = new float[a.length + 5];
        DirectConv.View v = new DirectConv.View(f, 5, s);
        for (int i0 = 0, i = 0; i0 < d[0]; i0++)
            for (int i1 = 0; i1 < d[1]; i1++)
                for (int i2 = 0; i2 < d[2]; i2++)
                    for (int i3 = 0; i3 < d[3]; i3++, i++) f[v.at(i0, i1, i2, i3)] = (float) a[i];
        return v;
    }

    private static double[] read(DirectConv.View v, int[] d) {
        double[] a = new double[d[0] * d[1] * d[2] * d[3]];
        for (int i0 = 0, i = 0; i0 < d[0]; i0++)
            for (int i1 = 0; i1 < d[1]; i1++)
                for (int i2 = 0; i2 < d[2]; i2++)
                    for (int i3 = 0; i3 < d[3]; i3++, i++) a[i] = v.a()[v.at(i0, i1, i2, i3)];
        return a;
    }
}
