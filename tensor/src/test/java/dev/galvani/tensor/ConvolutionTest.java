package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.galvani.tensor.backend.Conv2dSpec;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * conv2d / conv1d and both gradients against direct loops over explicit indices, for every option
 * (stride, padding, dilation, groups, 1x1 kernels, non-contiguous operands, batch sizes that do and
 * do not divide among threads), F32 and F64; gradients also against central finite differences of
 * the forward in F64.
 */
class ConvolutionTest {

    /** One convolution: input [n, c, h, w], weight [o, c / groups, kh, kw], and its geometry. */
    record Case(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        Conv2dSpec spec() { return new Conv2dSpec(sh, sw, ph, pw, dh, dw, groups); }

        int oh() { return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1; }

        int ow() { return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1; }

        int[] xShape() { return new int[]{n, c, h, w}; }

        int[] wShape() { return new int[]{o, c / groups, kh, kw}; }

        int[] outShape() { return new int[]{n, o, oh(), ow()}; }
    }

    static final Case[] CASES = {
            new Case(2, 3, 7, 8, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1),      // plain 3x3
            new Case(2, 3, 9, 8, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1),      // stride 2, padding 1
            new Case(3, 2, 8, 9, 3, 2, 3, 2, 1, 0, 2, 1, 2, 1),      // asymmetric everything, odd batch
            new Case(2, 4, 6, 7, 6, 3, 2, 1, 2, 1, 1, 2, 1, 2),      // two groups, dilation in H
            new Case(1, 3, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 3),      // depthwise (groups = channels), multiplier 2
            new Case(2, 5, 5, 6, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1),      // 1x1: no im2col
            new Case(4, 4, 5, 5, 6, 1, 1, 1, 1, 0, 0, 1, 1, 2),      // 1x1 with groups
            new Case(2, 3, 7, 7, 2, 1, 1, 2, 2, 1, 0, 1, 1, 1),      // 1x1 with stride and padding: im2col again
            new Case(1, 2, 9, 10, 3, 3, 3, 1, 2, 3, 3, 3, 2, 1),     // dilation 3 with padding 3
            new Case(2, 2, 4, 4, 3, 4, 4, 1, 1, 0, 0, 1, 1, 1),      // kernel as large as the image: 1x1 output
            new Case(2, 1, 5, 5, 1, 5, 5, 3, 3, 2, 2, 1, 1, 1),      // stride 3, padding 2, single channels
            new Case(3, 1, 12, 12, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),    // a first layer: one channel, 3x3, padding 1 (DirectConv)
            new Case(2, 2, 6, 37, 3, 2, 3, 1, 1, 0, 2, 1, 1, 1),     // DirectConv: rows of several vectors, asymmetric padding
    };

    // ---- forward ---------------------------------------------------------------------------------

    @Test
    void handWorkedConvolution() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor w = Tensor.of(new float[]{1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor y = Convolution.conv2d(x, w, Tensor.of(new float[]{10}, 1));
        assertArrayEquals(new int[]{1, 1, 2, 2}, y.shape().dims());
        // 1*1 + 2*2 + 3*4 + 4*5 = 37, and so on, plus the bias 10.
        assertArrayEquals(new float[]{47, 57, 77, 87}, y.toFloatArray());
        // Padding 1, stride 2: the four corners see only parts of the image.
        Tensor z = Convolution.conv2d(x, w, null, 2, 1);
        assertArrayEquals(new float[]{4 * 1, 3 * 2 + 4 * 3, 2 * 4 + 4 * 7, 1 * 5 + 2 * 6 + 3 * 8 + 4 * 9}, z.toFloatArray());
    }

    @Test
    void forwardMatchesDirectLoopsF64() {
        Random rnd = new Random(1);
        for (Case k : CASES) checkForward(k, DType.F64, rnd, 1e-12);
    }

    @Test
    void forwardMatchesDirectLoopsF32() {
        Random rnd = new Random(2);
        for (Case k : CASES) checkForward(k, DType.F32, rnd, 2e-5);
    }

    @Test
    void largeConvolutionUsesThreadsAndChunks() {
        // ckk x P = 96 * 9 * 75 * 75 > COLS_LIMIT: im2col in two chunks of output rows, threaded GEMM.
        Random rnd = new Random(3);
        checkForward(new Case(1, 96, 75, 75, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1), DType.F32, rnd, 1e-4);
        Case big = new Case(3, 8, 20, 20, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        // Several K blocks of Gemm's packed layout (width 400 > KC = 256) and ragged panels, both dtypes.
        checkForward(big, DType.F32, rnd, 2e-5);
        checkGrads(big, DType.F32, rnd, 5e-5);
        checkForward(big, DType.F64, rnd, 1e-12);
        checkGrads(big, DType.F64, rnd, 1e-12);
    }

    @Test
    void nonContiguousOperands() {
        Random rnd = new Random(4);
        Case k = new Case(2, 3, 6, 7, 4, 3, 2, 1, 2, 1, 0, 1, 1, 1);
        for (DType t : new DType[]{DType.F32, DType.F64}) {
            double[] xv = random(rnd, k.n() * k.c() * k.h() * k.w()), wv = random(rnd, 4 * 3 * 3 * 2);
            // x stored as [N, H, W, C] (channels last) and viewed as [N, C, H, W]; w stored transposed in its last two dims.
            Tensor x = tensor(permuteData(xv, new int[]{2, 3, 6, 7}, new int[]{0, 2, 3, 1}), t, 2, 6, 7, 3).permute(0, 3, 1, 2);
            Tensor w = tensor(permuteData(wv, new int[]{4, 3, 3, 2}, new int[]{0, 1, 3, 2}), t, 4, 3, 2, 3).transpose(2, 3);
            assertTrue(!x.isContiguous() && !w.isContiguous());
            double tol = t == DType.F32 ? 2e-5 : 1e-12;
            assertNear(refConv(xv, wv, null, k), Convolution.conv2d(x, w, null, 1, 2, 1, 0, 1, 1, 1), tol, "conv2d non-contiguous " + t);
            double[] gv = random(rnd, k.n() * k.o() * k.oh() * k.ow());
            Tensor g = tensor(gv, t, k.outShape());
            assertNear(refInputGrad(gv, wv, k), Convolution.conv2dInputGrad(g, w, k.xShape(), k.spec()), tol, "inputGrad non-contiguous " + t);
            assertNear(refWeightGrad(xv, gv, k), Convolution.conv2dWeightGrad(x, g, k.wShape(), k.spec()), tol, "weightGrad non-contiguous " + t);
            // A gradOut that is itself a strided view.
            Tensor gt = tensor(permuteData(gv, k.outShape(), new int[]{0, 1, 3, 2}), t, k.n(), k.o(), k.ow(), k.oh()).transpose(2, 3);
            assertNear(refInputGrad(gv, wv, k), Convolution.conv2dInputGrad(gt, w, k.xShape(), k.spec()), tol, "inputGrad strided gradOut " + t);
            assertNear(refWeightGrad(xv, gv, k), Convolution.conv2dWeightGrad(x, gt, k.wShape(), k.spec()), tol, "weightGrad strided gradOut " + t);
        }
    }

    @Test
    void conv1dIsConv2dOfHeightOne() {
        Random rnd = new Random(5);
        int n = 3, c = 4, l = 11, o = 6, kk = 3;
        for (DType t : new DType[]{DType.F32, DType.F64}) {
            for (int[] opt : new int[][]{{1, 0, 1, 1}, {2, 1, 1, 2}, {1, 2, 2, 1}, {3, 1, 1, 2}}) {
                int stride = opt[0], pad = opt[1], dil = opt[2], groups = opt[3];
                Case k = new Case(n, c, 1, l, o, 1, kk, 1, stride, 0, pad, 1, dil, groups);
                double[] xv = random(rnd, n * c * l), wv = random(rnd, o * (c / groups) * kk), bv = random(rnd, o);
                Tensor x = tensor(xv, t, n, c, l), w = tensor(wv, t, o, c / groups, kk);
                Tensor y = Convolution.conv1d(x, w, tensor(bv, t, o), stride, pad, dil, groups);
                assertArrayEquals(new int[]{n, o, k.ow()}, y.shape().dims());
                double tol = t == DType.F32 ? 2e-5 : 1e-12;
                String what = "conv1d " + Arrays.toString(opt) + " " + t;
                assertNear(refConv(xv, wv, bv, k), y, tol, what);
                double[] gv = random(rnd, n * o * k.ow());
                Tensor g = tensor(gv, t, n, o, k.ow());
                assertNear(refInputGrad(gv, wv, k), Convolution.conv1dInputGrad(g, w, new int[]{n, c, l}, stride, pad, dil, groups), tol, what + " inputGrad");
                assertNear(refWeightGrad(xv, gv, k), Convolution.conv1dWeightGrad(x, g, new int[]{o, c / groups, kk}, stride, pad, dil, groups), tol, what + " weightGrad");
            }
        }
    }

    // ---- gradients -------------------------------------------------------------------------------

    @Test
    void gradientsMatchDirectLoops() {
        Random rnd = new Random(6);
        for (Case k : CASES) {
            checkGrads(k, DType.F64, rnd, 1e-12);
            checkGrads(k, DType.F32, rnd, 3e-5);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        // L(x, w) = sum(conv2d(x, w) * R): dL/dx = inputGrad(R, w), dL/dw = weightGrad(x, R).
        Random rnd = new Random(7);
        for (Case k : CASES) {
            double[] xv = random(rnd, k.n() * k.c() * k.h() * k.w()), wv = random(rnd, k.o() * (k.c() / k.groups()) * k.kh() * k.kw());
            double[] r = random(rnd, k.n() * k.o() * k.oh() * k.ow());
            Tensor rt = tensor(r, DType.F64, k.outShape());
            Function<double[], Double> lossX = xs -> dot(Convolution.conv2d(tensor(xs, DType.F64, k.xShape()), tensor(wv, DType.F64, k.wShape()), null, k.spec()), r);
            Function<double[], Double> lossW = ws -> dot(Convolution.conv2d(tensor(xv, DType.F64, k.xShape()), tensor(ws, DType.F64, k.wShape()), null, k.spec()), r);
            double[] gx = Convolution.conv2dInputGrad(rt, tensor(wv, DType.F64, k.wShape()), k.xShape(), k.spec()).toDoubleArray();
            double[] gw = Convolution.conv2dWeightGrad(tensor(xv, DType.F64, k.xShape()), rt, k.wShape(), k.spec()).toDoubleArray();
            checkFiniteDifferences(lossX, xv, gx, rnd, "inputGrad " + k);
            checkFiniteDifferences(lossW, wv, gw, rnd, "weightGrad " + k);
        }
    }

    // ---- edge cases and errors -------------------------------------------------------------------

    @Test
    void emptyBatchAndZeroChannels() {
        Tensor y = Convolution.conv2d(Tensor.zeros(0, 3, 5, 5), Tensor.ones(2, 3, 3, 3));
        assertArrayEquals(new int[]{0, 2, 3, 3}, y.shape().dims());
        Tensor gw = Convolution.conv2dWeightGrad(Tensor.zeros(0, 3, 5, 5), Tensor.zeros(0, 2, 3, 3), new int[]{2, 3, 3, 3}, new Conv2dSpec(1, 1, 0, 0, 1, 1, 1));
        assertArrayEquals(new float[54], gw.toFloatArray());
        Tensor z = Convolution.conv2d(Tensor.ones(1, 0, 4, 4), Tensor.ones(2, 0, 3, 3), Tensor.of(new float[]{1, 2}, 2));
        assertArrayEquals(new float[]{1, 1, 1, 1, 2, 2, 2, 2}, z.toFloatArray());
    }

    @Test
    void errorsNameTheOperationAndShapes() {
        assertMessage("conv2d: input [2, 3, 8, 8] has 3 channels but weight [4, 5, 3, 3] expects 5 x groups 1",
                () -> Convolution.conv2d(Tensor.zeros(2, 3, 8, 8), Tensor.zeros(4, 5, 3, 3)));
        assertMessage("conv2d: weight [3, 2, 3, 3] has 3 output channels, not divisible by groups 2",
                () -> Convolution.conv2d(Tensor.zeros(1, 4, 8, 8), Tensor.zeros(3, 2, 3, 3), null, 1, 0, 1, 2));
        assertMessage("conv2d: expected input [N, C, H, W] (4-D), got shape [3, 8, 8]; for a single sample add a batch dimension with unsqueeze(0)",
                () -> Convolution.conv2d(Tensor.zeros(3, 8, 8), Tensor.zeros(4, 3, 3, 3)));
        assertMessage("conv2d: input [1, 1, 2, 2] padded to 2 x 2 is smaller than the weight [1, 1, 3, 3] dilated to 3 x 3",
                () -> Convolution.conv2d(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 3, 3)));
        assertMessage("conv2d: bias [3] must have shape [4] (one value per output channel of weight [4, 3, 3, 3])",
                () -> Convolution.conv2d(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(4, 3, 3, 3), Tensor.zeros(3)));
        assertMessage("conv2d: input F32 and weight F64 must have the same dtype",
                () -> Convolution.conv2d(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(DType.F64, 4, 3, 3, 3)));
        assertMessage("conv2d: input dtype I64 is not supported (F32 or F64)",
                () -> Convolution.conv2d(Tensor.zeros(DType.I64, 1, 3, 8, 8), Tensor.zeros(DType.I64, 4, 3, 3, 3)));
        assertMessage("conv1d: input [2, 3, 10] has 3 channels but weight [4, 2, 3] expects 2 x groups 1",
                () -> Convolution.conv1d(Tensor.zeros(2, 3, 10), Tensor.zeros(4, 2, 3)));
        assertMessage("conv1d: stride must be positive, got (1, 0)",
                () -> Convolution.conv1d(Tensor.zeros(2, 3, 10), Tensor.zeros(4, 3, 3), null, 0, 0, 1, 1));
        assertMessage("conv2dInputGrad: gradOut [2, 4, 5, 5] does not match the output [2, 4, 6, 6] of an input [2, 3, 8, 8] convolved with weight [4, 3, 3, 3]",
                () -> Convolution.conv2dInputGrad(Tensor.zeros(2, 4, 5, 5), Tensor.zeros(4, 3, 3, 3), new int[]{2, 3, 8, 8}, new Conv2dSpec(1, 1, 0, 0, 1, 1, 1)));
        assertMessage("conv2dWeightGrad: input [2, 3, 8, 8] has 3 channels but weight [4, 2, 3, 3] expects 2 x groups 1",
                () -> Convolution.conv2dWeightGrad(Tensor.zeros(2, 3, 8, 8), Tensor.zeros(2, 4, 6, 6), new int[]{4, 2, 3, 3}, new Conv2dSpec(1, 1, 0, 0, 1, 1, 1)));
    }

    // ---- checks ----------------------------------------------------------------------------------

    static void checkForward(Case k, DType t, Random rnd, double tol) {
        double[] xv = random(rnd, k.n() * k.c() * k.h() * k.w()), wv = random(rnd, k.o() * (k.c() / k.groups()) * k.kh() * k.kw());
        double[] bv = random(rnd, k.o());
        Tensor y = Convolution.conv2d(tensor(xv, t, k.xShape()), tensor(wv, t, k.wShape()), tensor(bv, t, k.o()),
                k.sh(), k.sw(), k.ph(), k.pw(), k.dh(), k.dw(), k.groups());
        assertEquals(t, y.dtype());
        assertNear(refConv(xv, wv, bv, k), y, tol, "conv2d " + k + " " + t);
    }

    static void checkGrads(Case k, DType t, Random rnd, double tol) {
        double[] xv = random(rnd, k.n() * k.c() * k.h() * k.w()), wv = random(rnd, k.o() * (k.c() / k.groups()) * k.kh() * k.kw());
        double[] gv = random(rnd, k.n() * k.o() * k.oh() * k.ow());
        Tensor g = tensor(gv, t, k.outShape());
        assertNear(refInputGrad(gv, wv, k), Convolution.conv2dInputGrad(g, tensor(wv, t, k.wShape()), k.xShape(), k.spec()), tol, "inputGrad " + k + " " + t);
        assertNear(refWeightGrad(xv, gv, k), Convolution.conv2dWeightGrad(tensor(xv, t, k.xShape()), g, k.wShape(), k.spec()), tol, "weightGrad " + k + " " + t);
    }

    /** Central differences at up to 25 random coordinates; the loss is linear, so only rounding separates them. */
    static void checkFiniteDifferences(Function<double[], Double> loss, double[] at, double[] grad, Random rnd, String what) {
        double h = 1e-3;
        for (int trial = 0; trial < Math.min(25, at.length); trial++) {
            int i = at.length <= 25 ? trial : rnd.nextInt(at.length);
            double[] p = at.clone(), m = at.clone();
            p[i] += h;
            m[i] -= h;
            double fd = (loss.apply(p) - loss.apply(m)) / (2 * h);
            if (Math.abs(fd - grad[i]) > 1e-7 * (1 + Math.abs(fd)))
                fail(what + ": d/d[" + i + "] analytic " + grad[i] + " vs finite difference " + fd);
        }
    }

    // ---- direct loops: the definitions, one multiply-add per (output, kernel tap) -----------------

    static double[] refConv(double[] x, double[] w, double[] bias, Case k) {
        int cg = k.c() / k.groups(), og = k.o() / k.groups(), oh = k.oh(), ow = k.ow();
        double[] out = new double[k.n() * k.o() * oh * ow];
        for (int n = 0; n < k.n(); n++)
            for (int o = 0; o < k.o(); o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double s = bias == null ? 0 : bias[o];
                        int g = o / og;
                        for (int c = 0; c < cg; c++)
                            for (int a = 0; a < k.kh(); a++)
                                for (int b = 0; b < k.kw(); b++) {
                                    int y = i * k.sh() - k.ph() + a * k.dh(), z = j * k.sw() - k.pw() + b * k.dw();
                                    if (y < 0 || y >= k.h() || z < 0 || z >= k.w()) continue;
                                    s += x[((n * k.c() + g * cg + c) * k.h() + y) * k.w() + z] * w[((o * cg + c) * k.kh() + a) * k.kw() + b];
                                }
                        out[((n * k.o() + o) * oh + i) * ow + j] = s;
                    }
        return out;
    }

    static double[] refInputGrad(double[] gradOut, double[] w, Case k) {
        int cg = k.c() / k.groups(), og = k.o() / k.groups(), oh = k.oh(), ow = k.ow();
        double[] gx = new double[k.n() * k.c() * k.h() * k.w()];
        for (int n = 0; n < k.n(); n++)
            for (int o = 0; o < k.o(); o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double go = gradOut[((n * k.o() + o) * oh + i) * ow + j];
                        int g = o / og;
                        for (int c = 0; c < cg; c++)
                            for (int a = 0; a < k.kh(); a++)
                                for (int b = 0; b < k.kw(); b++) {
                                    int y = i * k.sh() - k.ph() + a * k.dh(), z = j * k.sw() - k.pw() + b * k.dw();
                                    if (y < 0 || y >= k.h() || z < 0 || z >= k.w()) continue;
                                    gx[((n * k.c() + g * cg + c) * k.h() + y) * k.w() + z] += go * w[((o * cg + c) * k.kh() + a) * k.kw() + b];
                                }
                    }
        return gx;
    }

    static double[] refWeightGrad(double[] x, double[] gradOut, Case k) {
        int cg = k.c() / k.groups(), og = k.o() / k.groups(), oh = k.oh(), ow = k.ow();
        double[] gw = new double[k.o() * cg * k.kh() * k.kw()];
        for (int n = 0; n < k.n(); n++)
            for (int o = 0; o < k.o(); o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double go = gradOut[((n * k.o() + o) * oh + i) * ow + j];
                        int g = o / og;
                        for (int c = 0; c < cg; c++)
                            for (int a = 0; a < k.kh(); a++)
                                for (int b = 0; b < k.kw(); b++) {
                                    int y = i * k.sh() - k.ph() + a * k.dh(), z = j * k.sw() - k.pw() + b * k.dw();
                                    if (y < 0 || y >= k.h() || z < 0 || z >= k.w()) continue;
                                    gw[((o * cg + c) * k.kh() + a) * k.kw() + b] += go * x[((n * k.c() + g * cg + c) * k.h() + y) * k.w() + z];
                                }
                    }
        return gw;
    }

    // ---- helpers -----------------------------------------------------------------------------------

    static double[] random(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextDouble() * 2 - 1;
        return v;
    }

    /** A tensor of dtype t holding v (rounded to float for F32; references then use the rounded values' exact products within tolerance). */
    static Tensor tensor(double[] v, DType t, int... shape) {
        if (t == DType.F64) return Tensor.of(v.clone(), shape);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
            v[i] = f[i];          // keep the reference on exactly the values the tensor holds
        }
        return Tensor.of(f, shape);
    }

    /** The row-major data of the permutation {@code perm} of an array of shape {@code shape}. */
    static double[] permuteData(double[] v, int[] shape, int[] perm) {
        int rank = shape.length;
        int[] newShape = new int[rank], stride = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; d--) {
            stride[d] = s;
            s *= shape[d];
        }
        for (int d = 0; d < rank; d++) newShape[d] = shape[perm[d]];
        double[] out = new double[v.length];
        int[] idx = new int[rank];
        for (int i = 0; i < v.length; i++) {
            int src = 0;
            for (int d = 0; d < rank; d++) src += idx[d] * stride[perm[d]];
            out[i] = v[src];
            for (int d = rank - 1; d >= 0 && ++idx[d] == newShape[d]; d--) idx[d] = 0;
        }
        return out;
    }

    static double dot(Tensor y, double[] r) {
        double[] v = y.toDoubleArray();
        double s = 0;
        for (int i = 0; i < v.length; i++) s += v[i] * r[i];
        return s;
    }

    static void assertNear(double[] expected, Tensor actual, double tol, String what) {
        double[] got = actual.toDoubleArray();
        assertEquals(expected.length, got.length, what + ": element count");
        double scale = 1;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < got.length; i++)
            if (!(Math.abs(got[i] - expected[i]) <= tol * scale))
                fail(what + ": element " + i + " of " + actual.shape() + " is " + got[i] + ", expected " + expected[i]);
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
