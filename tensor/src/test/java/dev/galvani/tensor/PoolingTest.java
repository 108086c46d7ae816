package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.galvani.tensor.backend.Pool2dSpec;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Max and average pooling, forward and backward, against direct loops over the kernel taps written
 * here from PyTorch's definitions; every option (stride, padding, dilation, ceil mode,
 * count_include_pad, 1-D), F32 and F64; hand-worked cases with PyTorch's outputs; gradients also
 * against finite differences in F64.
 */
class PoolingTest {

    /** Input [n, c, h, w] and a pooling geometry. */
    record Case(int n, int c, int h, int w, Pool2dSpec s) {
        int[] xShape() { return new int[]{n, c, h, w}; }

        int oh() { return outSize(h, s.kernelH(), s.strideH(), s.padH(), s.dilationH(), s.ceilMode()); }

        int ow() { return outSize(w, s.kernelW(), s.strideW(), s.padW(), s.dilationW(), s.ceilMode()); }

        int[] outShape() { return new int[]{n, c, oh(), ow()}; }
    }

    /** PyTorch's pooling output size: floor or ceil of the window count; a ceil-mode window must start inside input or left padding. */
    static int outSize(int in, int k, int stride, int pad, int dil, boolean ceil) {
        double windows = (double) (in + 2 * pad - dil * (k - 1) - 1) / stride;
        int out = (int) (ceil ? Math.ceil(windows) : Math.floor(windows)) + 1;
        if (ceil && (out - 1) * stride >= in + pad) out--;
        return out;
    }

    static Pool2dSpec spec(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, boolean ceil, boolean countPad) {
        return new Pool2dSpec(kh, kw, sh, sw, ph, pw, dh, dw, ceil, countPad);
    }

    static final Case[] MAX_CASES = {
            new Case(2, 3, 8, 8, spec(2, 2, 2, 2, 0, 0, 1, 1, false, true)),
            new Case(1, 2, 7, 9, spec(3, 3, 2, 2, 1, 1, 1, 1, false, true)),
            new Case(2, 2, 7, 9, spec(3, 3, 2, 2, 1, 1, 1, 1, true, true)),     // ceil mode
            new Case(1, 3, 10, 11, spec(3, 2, 1, 3, 1, 1, 2, 3, false, true)),  // dilation, asymmetric
            new Case(2, 1, 10, 11, spec(3, 2, 2, 3, 1, 0, 2, 2, true, true)),   // dilation with ceil mode
            new Case(3, 2, 5, 6, spec(2, 3, 1, 1, 1, 1, 1, 1, false, true)),    // overlapping windows
            new Case(1, 1, 6, 6, spec(4, 4, 3, 3, 2, 2, 1, 1, true, true)),     // padding = half the kernel
    };

    static final Case[] AVG_CASES = {
            new Case(2, 3, 8, 8, spec(2, 2, 2, 2, 0, 0, 1, 1, false, true)),
            new Case(1, 2, 7, 9, spec(3, 3, 2, 2, 1, 1, 1, 1, false, true)),
            new Case(1, 2, 7, 9, spec(3, 3, 2, 2, 1, 1, 1, 1, false, false)),   // count_include_pad off
            new Case(2, 2, 7, 8, spec(3, 2, 2, 3, 1, 1, 1, 1, true, true)),     // ceil mode: windows overhang the padding
            new Case(2, 2, 7, 8, spec(3, 2, 2, 3, 1, 1, 1, 1, true, false)),
            new Case(1, 1, 5, 5, spec(2, 2, 2, 2, 0, 0, 1, 1, true, true)),     // last window hangs off an unpadded edge
            new Case(3, 2, 5, 6, spec(3, 3, 1, 1, 1, 1, 1, 1, false, true)),    // overlapping windows
    };

    // ---- hand-worked cases (values as PyTorch gives them) -----------------------------------------

    @Test
    void handWorkedMaxPool() {
        Tensor x = Tensor.arange(DType.F32, 1, 17, 1).reshape(1, 1, 4, 4);
        Pooling.MaxPoolResult r = Pooling.maxPool2dWithIndices(x, 2);
        assertArrayEquals(new float[]{6, 8, 14, 16}, r.values().toFloatArray());
        assertArrayEquals(new long[]{5, 7, 13, 15}, r.indices().toLongArray());
        assertEquals(DType.I64, r.indices().dtype());
        // Overlapping windows share a maximum; the backward pass adds both gradients into it.
        Tensor y = Tensor.of(new double[]{1, 5, 2}, 1, 1, 3);
        Pooling.MaxPoolResult p = Pooling.maxPool1dWithIndices(y, 2, 1, 0, 1, false);
        assertArrayEquals(new double[]{5, 5}, p.values().toDoubleArray());
        assertArrayEquals(new long[]{1, 1}, p.indices().toLongArray());
        Tensor g = Pooling.maxPool1dBackward(Tensor.of(new double[]{1, 2}, 1, 1, 2), p.indices(), new int[]{1, 1, 3}, 2, 1, 0, 1, false);
        assertArrayEquals(new double[]{0, 3, 0}, g.toDoubleArray());
    }

    @Test
    void maxPoolNanAndInfinities() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        // A NaN is the maximum of its window; of several NaNs the last one is reported (PyTorch's scan).
        Pooling.MaxPoolResult r = Pooling.maxPool1dWithIndices(Tensor.of(new float[]{1, nan, 3, 2, nan, 1, nan, 0}, 1, 1, 8), 4, 4, 0, 1, false);
        assertTrue(Float.isNaN(r.values().toFloatArray()[0]) && Float.isNaN(r.values().toFloatArray()[1]));
        assertArrayEquals(new long[]{1, 6}, r.indices().toLongArray());
        // All -inf: the value is -inf and the index the first tap; padding never wins (it is -inf, and later equal values do not replace).
        Pooling.MaxPoolResult s = Pooling.maxPool1dWithIndices(Tensor.of(new float[]{-inf, -inf, 4, inf}, 1, 1, 4), 2, 2, 1, 1, false);
        assertArrayEquals(new float[]{-inf, 4, inf}, s.values().toFloatArray());
        assertArrayEquals(new long[]{0, 2, 3}, s.indices().toLongArray());
        // Ties: the first maximum in row-major window order.
        Pooling.MaxPoolResult t = Pooling.maxPool2dWithIndices(Tensor.of(new double[]{7, 7, 7, 7}, 1, 1, 2, 2), 2);
        assertArrayEquals(new long[]{0}, t.indices().toLongArray());
    }

    @Test
    void handWorkedAvgPool() {
        Tensor ones = Tensor.ones(1, 1, 3, 3);
        // 3x3 window, padding 1: corners see 4 of 9 taps, edges 6, the centre 9.
        assertArrayEquals(new float[]{4f / 9, 6f / 9, 4f / 9, 6f / 9, 1, 6f / 9, 4f / 9, 6f / 9, 4f / 9},
                Pooling.avgPool2d(ones, 3, 1, 1).toFloatArray(), 1e-7f);
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 1, 1, 1}, Pooling.avgPool2d(ones, 3, 1, 1, false, false).toFloatArray(), 1e-7f);
        // avg_pool1d([1, 2, 3, 4, 5], 2, 2, ceil_mode=True) = [1.5, 3.5, 5]: the last window holds one element and divides by 1.
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5}, 1, 1, 5);
        assertArrayEquals(new float[]{1.5f, 3.5f, 5f}, Pooling.avgPool1d(x, 2, 2, 0, true, true).toFloatArray());
        assertArrayEquals(new float[]{1.5f, 3.5f}, Pooling.avgPool1d(x, 2).toFloatArray());
        // Padding 1, ceil mode, k = 2, s = 2 on length 5: windows [-1, 0], [1, 2], [3, 4]; the first divides by 2 with count_include_pad.
        assertArrayEquals(new float[]{0.5f, 2.5f, 4.5f}, Pooling.avgPool1d(x, 2, 2, 1, true, true).toFloatArray());
        assertArrayEquals(new float[]{1f, 2.5f, 4.5f}, Pooling.avgPool1d(x, 2, 2, 1, true, false).toFloatArray());
    }

    // ---- against direct loops ---------------------------------------------------------------------

    /**
     * The vectorised 2 x 2, stride 2 path (F32, unit-stride planes): planes whose outputs end inside a
     * vector, rows shorter and longer than one, odd input sizes (the last row and column unused), and
     * values drawn from a few integers with NaN and infinities mixed in, so that ties, NaN windows and
     * -inf windows all occur. Indices and values must equal the direct loop's.
     */
    @Test
    void maxPool2x2FastPathMatchesDirectLoops() {
        Random rnd = new Random(7);
        float[] pool = {-2, -1, 0, 1, 2, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int[][] sizes = {{2, 2}, {4, 6}, {5, 7}, {28, 28}, {14, 14}, {3, 34}, {8, 66}, {9, 2}};
        for (int[] hw : sizes) {
            Case k = new Case(2, 3, hw[0], hw[1], spec(2, 2, 2, 2, 0, 0, 1, 1, false, true));
            double[] xv = new double[k.n() * k.c() * k.h() * k.w()];
            for (int i = 0; i < xv.length; i++) xv[i] = pool[rnd.nextInt(pool.length)];
            Tensor x = ConvolutionTest.tensor(xv, DType.F32, k.xShape());
            Pooling.MaxPoolResult r = Pooling.maxPool2dWithIndices(x, k.s());
            double[][] ref = refMax(xv, k);
            assertArrayEquals(ref[0], r.values().toDoubleArray(), 0, "values of " + k);
            assertArrayEquals(Arrays.stream(ref[1]).mapToLong(d -> (long) d).toArray(), r.indices().toLongArray(), "indices of " + k);
            // A transposed (non-unit-stride) view of the same values takes the generic loop; it must agree with its own reference.
            Tensor xt = x.transpose(2, 3);
            Pooling.MaxPoolResult rt = Pooling.maxPool2dWithIndices(xt, k.s());
            Case kt = new Case(k.n(), k.c(), k.w(), k.h(), k.s());
            double[][] reft = refMax(xt.contiguous().toDoubleArray(), kt);
            assertArrayEquals(reft[0], rt.values().toDoubleArray(), 0, "values of the transposed " + k);
            // Backward with a non-contiguous gradOut (the generic scatter) and a contiguous one (the flat one): both
            // send each gradient to its window's argmax.
            double[] gv = ConvolutionTest.random(rnd, (int) r.indices().numel());
            Tensor g = ConvolutionTest.tensor(gv, DType.F32, k.outShape());
            Tensor gStrided = g.transpose(2, 3).contiguous().transpose(2, 3);
            double[] expected = new double[xv.length];
            long[] idx = r.indices().toLongArray();
            int plane = k.h() * k.w(), outPlane = k.oh() * k.ow();
            for (int i = 0; i < idx.length; i++) expected[(i / outPlane) * plane + (int) idx[i]] += gv[i];
            ConvolutionTest.assertNear(expected, Pooling.maxPool2dBackward(g, r.indices(), k.xShape(), k.s()), 1e-6, "flat backward " + k);
            ConvolutionTest.assertNear(expected, Pooling.maxPool2dBackward(gStrided, r.indices(), k.xShape(), k.s()), 1e-6, "strided backward " + k);
        }
    }

    @Test
    void maxPoolMatchesDirectLoops() {
        Random rnd = new Random(1);
        for (Case k : MAX_CASES)
            for (DType t : new DType[]{DType.F32, DType.F64}) {
                double[] xv = distinct(rnd, k.n() * k.c() * k.h() * k.w());
                Tensor x = ConvolutionTest.tensor(xv, t, k.xShape());
                Pooling.MaxPoolResult r = Pooling.maxPool2dWithIndices(x, k.s());
                assertArrayEquals(k.outShape(), r.values().shape().dims(), "shape " + k);
                double[][] ref = refMax(xv, k);
                assertArrayEquals(ref[0], r.values().toDoubleArray(), 0, "maxPool2d " + k + " " + t);
                long[] idx = r.indices().toLongArray();
                for (int i = 0; i < idx.length; i++) assertEquals((long) ref[1][i], idx[i], "index " + i + " of maxPool2d " + k);
                assertArrayEquals(ref[0], Pooling.maxPool2d(x, k.s()).toDoubleArray(), 0);
                // Backward: the gradient goes to the argmax, summed where windows share one.
                double[] gv = ConvolutionTest.random(rnd, idx.length);
                Tensor g = ConvolutionTest.tensor(gv, t, k.outShape());
                double[] expected = new double[xv.length];
                int plane = k.h() * k.w(), outPlane = k.oh() * k.ow();
                for (int i = 0; i < idx.length; i++) expected[(i / outPlane) * plane + (int) ref[1][i]] += gv[i];
                ConvolutionTest.assertNear(expected, Pooling.maxPool2dBackward(g, r.indices(), k.xShape(), k.s()), t == DType.F32 ? 1e-6 : 1e-15,
                        "maxPool2dBackward " + k + " " + t);
            }
    }

    @Test
    void avgPoolMatchesDirectLoops() {
        Random rnd = new Random(2);
        for (Case k : AVG_CASES)
            for (DType t : new DType[]{DType.F32, DType.F64}) {
                double[] xv = ConvolutionTest.random(rnd, k.n() * k.c() * k.h() * k.w());
                Tensor y = Pooling.avgPool2d(ConvolutionTest.tensor(xv, t, k.xShape()), k.s());
                assertArrayEquals(k.outShape(), y.shape().dims(), "shape " + k);
                double tol = t == DType.F32 ? 1e-6 : 1e-14;
                ConvolutionTest.assertNear(refAvg(xv, k), y, tol, "avgPool2d " + k + " " + t);
                double[] gv = ConvolutionTest.random(rnd, (int) y.numel());
                Tensor gi = Pooling.avgPool2dBackward(ConvolutionTest.tensor(gv, t, k.outShape()), k.xShape(), k.s());
                ConvolutionTest.assertNear(refAvgBackward(gv, k), gi, tol, "avgPool2dBackward " + k + " " + t);
            }
    }

    @Test
    void stridedInputs() {
        Random rnd = new Random(3);
        Case k = MAX_CASES[1];
        double[] xv = distinct(rnd, k.n() * k.c() * k.h() * k.w());
        // Stored as [N, H, W, C], viewed as [N, C, H, W].
        Tensor x = ConvolutionTest.tensor(ConvolutionTest.permuteData(xv, k.xShape(), new int[]{0, 2, 3, 1}), DType.F64, k.n(), k.h(), k.w(), k.c())
                .permute(0, 3, 1, 2);
        assertArrayEquals(refMax(xv, k)[0], Pooling.maxPool2d(x, k.s()).toDoubleArray(), 0);
        Case a = new Case(k.n(), k.c(), k.h(), k.w(), spec(3, 3, 2, 2, 1, 1, 1, 1, true, false));
        ConvolutionTest.assertNear(refAvg(xv, a), Pooling.avgPool2d(x, a.s()), 1e-14, "avgPool2d strided");
        // A strided gradOut.
        double[] gv = ConvolutionTest.random(rnd, a.n() * a.c() * a.oh() * a.ow());
        Tensor g = Tensor.of(ConvolutionTest.permuteData(gv, a.outShape(), new int[]{0, 1, 3, 2}), a.n(), a.c(), a.ow(), a.oh()).transpose(2, 3);
        ConvolutionTest.assertNear(refAvgBackward(gv, a), Pooling.avgPool2dBackward(g, a.xShape(), a.s()), 1e-14, "avgPool2dBackward strided");
    }

    @Test
    void pool1dIsPool2dOfHeightOne() {
        Random rnd = new Random(4);
        int n = 2, c = 3, l = 13;
        for (int[] o : new int[][]{{3, 2, 1, 1, 0}, {3, 2, 1, 2, 1}, {4, 3, 2, 1, 1}, {2, 1, 0, 3, 0}}) {
            int kk = o[0], stride = o[1], pad = o[2], dil = o[3];
            boolean ceil = o[4] == 1;
            Case k = new Case(n, c, 1, l, spec(1, kk, 1, stride, 0, pad, 1, dil, ceil, true));
            double[] xv = distinct(rnd, n * c * l);
            Tensor x = Tensor.of(xv.clone(), n, c, l);
            Pooling.MaxPoolResult r = Pooling.maxPool1dWithIndices(x, kk, stride, pad, dil, ceil);
            double[][] ref = refMax(xv, k);
            assertArrayEquals(new int[]{n, c, k.ow()}, r.values().shape().dims());
            assertArrayEquals(ref[0], r.values().toDoubleArray(), 0);
            long[] idx = r.indices().toLongArray();
            for (int i = 0; i < idx.length; i++) assertEquals((long) ref[1][i], idx[i]);
            Tensor g = Tensor.ones(DType.F64, n, c, k.ow());
            double[] gi = Pooling.maxPool1dBackward(g, r.indices(), new int[]{n, c, l}, kk, stride, pad, dil, ceil).toDoubleArray();
            double[] expected = new double[xv.length];
            for (int i = 0; i < idx.length; i++) expected[(i / k.ow()) * l + (int) idx[i]] += 1;
            assertArrayEquals(expected, gi, 0);
            if (dil == 1) {
                for (boolean countPad : new boolean[]{true, false}) {
                    Case a = new Case(n, c, 1, l, spec(1, kk, 1, stride, 0, pad, 1, 1, ceil, countPad));
                    Tensor y = Pooling.avgPool1d(x, kk, stride, pad, ceil, countPad);
                    ConvolutionTest.assertNear(refAvg(xv, a), y, 1e-14, "avgPool1d");
                    double[] gv = ConvolutionTest.random(rnd, (int) y.numel());
                    ConvolutionTest.assertNear(refAvgBackward(gv, a),
                            Pooling.avgPool1dBackward(Tensor.of(gv, n, c, a.ow()), new int[]{n, c, l}, kk, stride, pad, ceil, countPad), 1e-14, "avgPool1dBackward");
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        // With distinct inputs max pooling is locally linear: finite differences see the routed gradient.
        Random rnd = new Random(5);
        for (Case k : MAX_CASES) {
            double[] xv = distinct(rnd, k.n() * k.c() * k.h() * k.w());
            double[] r = ConvolutionTest.random(rnd, k.n() * k.c() * k.oh() * k.ow());
            Pooling.MaxPoolResult res = Pooling.maxPool2dWithIndices(Tensor.of(xv.clone(), k.xShape()), k.s());
            double[] grad = Pooling.maxPool2dBackward(Tensor.of(r, k.outShape()), res.indices(), k.xShape(), k.s()).toDoubleArray();
            ConvolutionTest.checkFiniteDifferences(v -> ConvolutionTest.dot(Pooling.maxPool2d(Tensor.of(v, k.xShape()), k.s()), r), xv, grad, rnd, "maxPool2d " + k);
        }
        for (Case k : AVG_CASES) {
            double[] xv = ConvolutionTest.random(rnd, k.n() * k.c() * k.h() * k.w());
            double[] r = ConvolutionTest.random(rnd, k.n() * k.c() * k.oh() * k.ow());
            double[] grad = Pooling.avgPool2dBackward(Tensor.of(r, k.outShape()), k.xShape(), k.s()).toDoubleArray();
            ConvolutionTest.checkFiniteDifferences(v -> ConvolutionTest.dot(Pooling.avgPool2d(Tensor.of(v, k.xShape()), k.s()), r), xv, grad, rnd, "avgPool2d " + k);
        }
    }

    @Test
    void largeInputUsesThreads() {
        Random rnd = new Random(6);
        Case k = new Case(4, 16, 40, 40, spec(3, 3, 2, 2, 1, 1, 1, 1, true, false));
        double[] xv = distinct(rnd, k.n() * k.c() * k.h() * k.w());
        Tensor x = ConvolutionTest.tensor(xv, DType.F32, k.xShape());
        assertArrayEquals(refMax(xv, k)[0], Pooling.maxPool2d(x, k.s()).toDoubleArray(), 0);
        ConvolutionTest.assertNear(refAvg(xv, k), Pooling.avgPool2d(x, k.s()), 1e-6, "avgPool2d large");
    }

    @Test
    void errorsNameTheOperationAndShapes() {
        ConvolutionTest.assertMessage("maxPool2d: expected input [N, C, H, W] (4-D), got shape [3, 8, 8]; for a single sample add a batch dimension with unsqueeze(0)",
                () -> Pooling.maxPool2d(Tensor.zeros(3, 8, 8), 2));
        ConvolutionTest.assertMessage("maxPool2d: padding (2, 2) must be at most half the kernel size (3, 3)",
                () -> Pooling.maxPool2d(Tensor.zeros(1, 1, 8, 8), 3, 1, 2));
        ConvolutionTest.assertMessage("avgPool2d: input [1, 1, 2, 2] is too small for kernel 3 x 3 with padding 0 x 0 and dilation 1 x 1: the output would be empty (0 x 0)",
                () -> Pooling.avgPool2d(Tensor.zeros(1, 1, 2, 2), 3));
        ConvolutionTest.assertMessage("maxPool1d: input [2, 3, 2] is too small for kernel 3 with padding 0 and dilation 1: the output would be empty (0)",
                () -> Pooling.maxPool1d(Tensor.zeros(2, 3, 2), 3));
        ConvolutionTest.assertMessage("avgPool2d: dtype I32 is not supported (F32 or F64)",
                () -> Pooling.avgPool2d(Tensor.zeros(DType.I32, 1, 1, 4, 4), 2));
        ConvolutionTest.assertMessage("maxPool2dBackward: gradOut [1, 1, 3, 3] does not match the pooled shape [1, 1, 2, 2] of input [1, 1, 4, 4]",
                () -> Pooling.maxPool2dBackward(Tensor.zeros(1, 1, 3, 3), Tensor.zeros(DType.I64, 1, 1, 3, 3), new int[]{1, 1, 4, 4}, spec(2, 2, 2, 2, 0, 0, 1, 1, false, true)));
        ConvolutionTest.assertMessage("avgPool2d: average pooling has no dilation, got (2, 1)",
                () -> Pooling.avgPool2d(Tensor.zeros(1, 1, 8, 8), spec(2, 2, 2, 2, 0, 0, 2, 1, false, true)));
        ConvolutionTest.assertMessage("avgPool1d: padding must be between 0 and half the kernel size 2, got 2",
                () -> Pooling.avgPool1d(Tensor.zeros(1, 1, 8), 2, 2, 2, false, true));
        assertThrows(IllegalArgumentException.class, () -> Pooling.maxPool2dBackward(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 2, 2), new int[]{1, 1, 4, 4},
                spec(2, 2, 2, 2, 0, 0, 1, 1, false, true)));
    }

    // ---- direct loops: PyTorch's definitions, tap by tap ------------------------------------------

    /** [values, indices]: -inf start, each tap inside the input compared with "greater, or NaN". */
    static double[][] refMax(double[] x, Case k) {
        Pool2dSpec s = k.s();
        int oh = k.oh(), ow = k.ow();
        double[] val = new double[k.n() * k.c() * oh * ow], idx = new double[val.length];
        for (int p = 0; p < k.n() * k.c(); p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int a = 0; a < s.kernelH(); a++)
                        for (int b = 0; b < s.kernelW(); b++) {
                            int y = i * s.strideH() - s.padH() + a * s.dilationH(), z = j * s.strideW() - s.padW() + b * s.dilationW();
                            if (y < 0 || y >= k.h() || z < 0 || z >= k.w()) continue;
                            double v = x[p * k.h() * k.w() + y * k.w() + z];
                            if (at < 0 || v > best || Double.isNaN(v)) {
                                best = v;
                                at = y * k.w() + z;
                            }
                        }
                    int o = (p * oh + i) * ow + j;
                    val[o] = best;
                    idx[o] = at;
                }
        return new double[][]{val, idx};
    }

    /** Sum of the taps inside the input, divided by the taps inside the padded input (countIncludePad) or inside the input. */
    static double[] refAvg(double[] x, Case k) {
        Pool2dSpec s = k.s();
        int oh = k.oh(), ow = k.ow();
        double[] out = new double[k.n() * k.c() * oh * ow];
        for (int p = 0; p < k.n() * k.c(); p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double sum = 0;
                    int inside = 0, padded = 0;
                    for (int a = 0; a < s.kernelH(); a++)
                        for (int b = 0; b < s.kernelW(); b++) {
                            int y = i * s.strideH() - s.padH() + a, z = j * s.strideW() - s.padW() + b;
                            if (y < k.h() + s.padH() && z < k.w() + s.padW()) padded++;
                            if (y < 0 || y >= k.h() || z < 0 || z >= k.w()) continue;
                            inside++;
                            sum += x[p * k.h() * k.w() + y * k.w() + z];
                        }
                    int divisor = s.countIncludePad() ? padded : inside;
                    out[(p * oh + i) * ow + j] = inside == 0 ? 0 : sum / divisor;
                }
        return out;
    }

    static double[] refAvgBackward(double[] gradOut, Case k) {
        Pool2dSpec s = k.s();
        int oh = k.oh(), ow = k.ow();
        double[] gx = new double[k.n() * k.c() * k.h() * k.w()];
        for (int p = 0; p < k.n() * k.c(); p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    int inside = 0, padded = 0;
                    for (int a = 0; a < s.kernelH(); a++)
                        for (int b = 0; b < s.kernelW(); b++) {
                            int y = i * s.strideH() - s.padH() + a, z = j * s.strideW() - s.padW() + b;
                            if (y < k.h() + s.padH() && z < k.w() + s.padW()) padded++;
                            if (y >= 0 && y < k.h() && z >= 0 && z < k.w()) inside++;
                        }
                    if (inside == 0) continue;
                    double share = gradOut[(p * oh + i) * ow + j] / (s.countIncludePad() ? padded : inside);
                    for (int a = 0; a < s.kernelH(); a++)
                        for (int b = 0; b < s.kernelW(); b++) {
                            int y = i * s.strideH() - s.padH() + a, z = j * s.strideW() - s.padW() + b;
                            if (y >= 0 && y < k.h() && z >= 0 && z < k.w()) gx[p * k.h() * k.w() + y * k.w() + z] += share;
                        }
                }
        return gx;
    }

    /** Random values, distinct even after rounding to float, so that no window has a tie. */
    static double[] distinct(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        for (int i = 0; i < n; i++) v[i] = (v[i] - n / 2.0) / 8;
        return v;
    }
}
