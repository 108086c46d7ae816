package dev.galvani.tensor;

import dev.galvani.tensor.backend.Conv2dSpec;

/**
 * Convolution from core primitives, for a device without {@code ConvolutionKernels}: the windows of
 * the zero-padded input unfolded by one strided copy (im2col), then one batched matmul per group;
 * the input gradient multiplies back and folds the columns into place (col2im); the weight gradient
 * is a batched matmul of the gradient with the columns. Memory-hungry (the unfolded input is kH kW
 * times the input), but every device that has the core runs it, and the operation table checks it
 * against the same references as the fused kernels.
 */
final class ComposedConvolution {

    private ComposedConvolution() {}

    /** x [N, C, H, W], w [O, C / G, kH, kW] into [N, O, oH, oW] (no bias). */
    static Tensor conv2d(Tensor x, Tensor w, Conv2dSpec s) {
        try (var _ = GradMode.disable()) {
            int n = x.size(0), groups = s.groups(), o = w.size(0), kh = w.size(2), kw = w.size(3);
            int oh = s.outH(x.size(2), kh), ow = s.outW(x.size(3), kw), k = w.size(1) * kh * kw;
            Tensor cols = Windows.unfold(padded(x, s), geometry(s, kh, kw, oh, ow)).view(n, groups, k, oh * ow);
            Tensor weights = w.contiguous().view(groups, o / groups, k);
            return weights.matmul(cols).view(n, o, oh, ow);          // [G, O/G, K] x [N, G, K, L] -> [N, G, O/G, L]
        }
    }

    /** gradOut [N, O, oH, oW] and w into the gradient of an input of {@code in} = [N, C, H, W]. */
    static Tensor inputGrad(Tensor gradOut, Tensor w, int[] in, Conv2dSpec s) {
        try (var _ = GradMode.disable()) {
            int n = in[0], c = in[1], h = in[2], wd = in[3], groups = s.groups(), o = w.size(0), kh = w.size(2), kw = w.size(3);
            int oh = gradOut.size(2), ow = gradOut.size(3), k = w.size(1) * kh * kw;
            Tensor weightsT = w.contiguous().view(groups, o / groups, k).transpose(1, 2);                    // [G, K, O/G]
            Tensor cols = weightsT.matmul(gradOut.contiguous().view(n, groups, o / groups, oh * ow));       // [N, G, K, L]
            Tensor grad = Creation.empty(gradOut.dtype(), gradOut.device(), n, c, h + 2 * s.padH(), wd + 2 * s.padW());
            Windows.foldAdd(grad, cols.view(n, c, kh, kw, oh, ow), geometry(s, kh, kw, oh, ow));
            return grad.narrow(2, s.padH(), h).narrow(3, s.padW(), wd).contiguous();
        }
    }

    /** x and gradOut into the gradient of a weight of {@code ws} = [O, C / G, kH, kW]. */
    static Tensor weightGrad(Tensor x, Tensor gradOut, int[] ws, Conv2dSpec s) {
        try (var _ = GradMode.disable()) {
            int n = x.size(0), groups = s.groups(), o = ws[0], kh = ws[2], kw = ws[3], k = ws[1] * kh * kw;
            int oh = gradOut.size(2), ow = gradOut.size(3);
            Tensor cols = Windows.unfold(padded(x, s), geometry(s, kh, kw, oh, ow)).view(n, groups, k, oh * ow);
            Tensor g = gradOut.contiguous().view(n, groups, o / groups, oh * ow);
            return g.matmul(cols.transpose(2, 3)).sum(0).view(ws);   // sum over N of [G, O/G, L] x [G, L, K]
        }
    }

    private static Tensor padded(Tensor x, Conv2dSpec s) {
        Tensor p = s.padH() == 0 && s.padW() == 0 ? x : x.pad(s.padW(), s.padW(), s.padH(), s.padH());
        return p.contiguous();
    }

    private static Windows.Geometry geometry(Conv2dSpec s, int kh, int kw, int oh, int ow) {
        return new Windows.Geometry(kh, kw, s.strideH(), s.strideW(), s.dilationH(), s.dilationW(), oh, ow);
    }
}
