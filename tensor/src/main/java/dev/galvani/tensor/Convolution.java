package dev.galvani.tensor;

import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.backend.ConvolutionKernels;
import java.util.Arrays;

/**
 * Convolutions (PyTorch's cross-correlation convention) and their gradients: shape checks, output
 * allocation and one call of the device's {@link ConvolutionKernels} each, or, on a device without
 * that family, the composed form ({@code ComposedConvolution}). Batched layouts only: input
 * [N, C, H, W] for 2-D and [N, C, L] for 1-D, weight [O, C / groups, kH, kW] or [O, C / groups, K].
 * A 1-D convolution is a 2-D one of height 1, taken through views.
 *
 * <p>Autograd: {@code conv2d} records {@link Ops.Conv2d} with inputs (x, w), or (x, w, bias); its
 * derivative rule calls {@link #conv2dInputGrad(Tensor, Tensor, int[], Conv2dSpec)} and
 * {@link #conv2dWeightGrad(Tensor, Tensor, int[], Conv2dSpec)}, and sums gradOut over N, H and W for
 * the bias, which the forward adds in place into its fresh output. The two gradients record
 * themselves too ({@link Ops.ConvTranspose2d}, {@link Ops.Conv2dWeightGrad}), so a backward pass
 * that creates a graph can be differentiated again. {@code convTranspose2d} adds its bias with
 * {@link Tensor#add}, which records itself; 1-D goes through recorded views.
 */
public final class Convolution {

    private Convolution() {}

    // ---- 2-D -----------------------------------------------------------------------------------

    /** conv2d with stride 1, no padding, no dilation, one group, no bias. */
    public static Tensor conv2d(Tensor x, Tensor w) { return conv2d(x, w, null, 1, 0, 1, 1); }

    /** conv2d with stride 1, no padding, no dilation, one group; {@code bias} [O] may be null. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias) { return conv2d(x, w, bias, 1, 0, 1, 1); }

    /** conv2d with the same stride and padding for both spatial dimensions. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return conv2d(x, w, bias, stride, padding, 1, 1);
    }

    /** conv2d with the same stride, padding and dilation for both spatial dimensions. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv2d(x, w, bias, stride, stride, padding, padding, dilation, dilation, groups);
    }

    /**
     * 2-D convolution: x [N, C, H, W], w [O, C / groups, kH, kW], bias [O] or null, into
     * [N, O, (H + 2 padH - dilH (kH - 1) - 1) / strideH + 1, (same for W)].
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int strideH, int strideW, int padH, int padW,
                                int dilH, int dilW, int groups) {
        return conv2d(x, w, bias, spec("conv2d", strideH, strideW, padH, padW, dilH, dilW, groups));
    }

    /** 2-D convolution with its geometry as a spec. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        return forward("conv2d", x, w, bias, spec, x, w);
    }

    /**
     * The gradient of conv2d with respect to its input: gradOut [N, O, oH, oW] and the weight into a
     * tensor of {@code inputShape} [N, C, H, W] (needed because several input sizes give one output size).
     */
    public static Tensor conv2dInputGrad(Tensor gradOut, Tensor w, int[] inputShape, Conv2dSpec spec) {
        return inputGrad("conv2dInputGrad", gradOut, w, inputShape, spec, gradOut, w);
    }

    /**
     * {@link #conv2dInputGrad(Tensor, Tensor, int[], Conv2dSpec)} with the geometry given argument by
     * argument (PyTorch's {@code torch.nn.grad.conv2d_input}).
     */
    public static Tensor conv2dInputGrad(Tensor gradOut, Tensor w, int[] inputShape, int strideH, int strideW,
                                         int padH, int padW, int dilH, int dilW, int groups) {
        return conv2dInputGrad(gradOut, w, inputShape, spec("conv2dInputGrad", strideH, strideW, padH, padW, dilH, dilW, groups));
    }

    /** The gradient of conv2d with respect to its weight: x and gradOut into a tensor of {@code weightShape} [O, C / groups, kH, kW]. */
    public static Tensor conv2dWeightGrad(Tensor x, Tensor gradOut, int[] weightShape, Conv2dSpec spec) {
        return weightGrad("conv2dWeightGrad", x, gradOut, weightShape, spec, x, gradOut);
    }

    /**
     * {@link #conv2dWeightGrad(Tensor, Tensor, int[], Conv2dSpec)} with the geometry given argument by
     * argument (PyTorch's {@code torch.nn.grad.conv2d_weight}).
     */
    public static Tensor conv2dWeightGrad(Tensor x, Tensor gradOut, int[] weightShape, int strideH, int strideW,
                                          int padH, int padW, int dilH, int dilW, int groups) {
        return conv2dWeightGrad(x, gradOut, weightShape, spec("conv2dWeightGrad", strideH, strideW, padH, padW, dilH, dilW, groups));
    }

    // ---- 1-D -----------------------------------------------------------------------------------

    /**
     * 1-D convolution of x [N, C, L] with w [O, C, K], no bias, stride 1, no padding, as
     * {@code F.conv1d(x, w)}; differentiable.
     */
    public static Tensor conv1d(Tensor x, Tensor w) { return conv1d(x, w, null, 1, 0, 1, 1); }

    /**
     * 1-D convolution of x [N, C, L] with w [O, C, K] plus bias [O] (or null), stride 1, no padding, as
     * {@code F.conv1d(x, w, bias)}; differentiable.
     */
    public static Tensor conv1d(Tensor x, Tensor w, Tensor bias) { return conv1d(x, w, bias, 1, 0, 1, 1); }

    /** 1-D convolution: x [N, C, L], w [O, C / groups, K], bias [O] or null, into [N, O, (L + 2 padding - dilation (K - 1) - 1) / stride + 1]. */
    public static Tensor conv1d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        Conv2dSpec s = spec("conv1d", 1, stride, 0, padding, 1, dilation, groups);
        requireRank("conv1d", "input", x, 3, "[N, C, L]");
        requireRank("conv1d", "weight", w, 3, "[O, C / groups, K]");
        return forward("conv1d", x.unsqueeze(2), w.unsqueeze(2), bias, s, x, w).squeeze(2);
    }

    /** The gradient of conv1d with respect to its input [N, C, L] ({@code inputShape}). */
    public static Tensor conv1dInputGrad(Tensor gradOut, Tensor w, int[] inputShape, int stride, int padding, int dilation, int groups) {
        Conv2dSpec s = spec("conv1dInputGrad", 1, stride, 0, padding, 1, dilation, groups);
        requireRank("conv1dInputGrad", "gradOut", gradOut, 3, "[N, O, L_out]");
        requireRank("conv1dInputGrad", "weight", w, 3, "[O, C / groups, K]");
        int[] shape = requireShape("conv1dInputGrad", "inputShape", inputShape, 3, "[N, C, L]");
        return inputGrad("conv1dInputGrad", gradOut.unsqueeze(2), w.unsqueeze(2), new int[]{shape[0], shape[1], 1, shape[2]}, s, gradOut, w)
                .squeeze(2);
    }

    /** The gradient of conv1d with respect to its weight [O, C / groups, K] ({@code weightShape}). */
    public static Tensor conv1dWeightGrad(Tensor x, Tensor gradOut, int[] weightShape, int stride, int padding, int dilation, int groups) {
        Conv2dSpec s = spec("conv1dWeightGrad", 1, stride, 0, padding, 1, dilation, groups);
        requireRank("conv1dWeightGrad", "input", x, 3, "[N, C, L]");
        requireRank("conv1dWeightGrad", "gradOut", gradOut, 3, "[N, O, L_out]");
        int[] shape = requireShape("conv1dWeightGrad", "weightShape", weightShape, 3, "[O, C / groups, K]");
        return weightGrad("conv1dWeightGrad", x.unsqueeze(2), gradOut.unsqueeze(2), new int[]{shape[0], shape[1], 1, shape[2]}, s, x, gradOut)
                .squeeze(2);
    }

    // ---- transposed 2-D ------------------------------------------------------------------------

    /**
     * Transposed 2-D convolution, the gradient of conv2d with respect to its input used as a layer:
     * x [N, C, H, W], w [C, O / groups, kH, kW], bias [O] or null, into
     * [N, O, (H - 1) stride - 2 padding + dilation (kH - 1) + outputPadding + 1, (same for W)].
     * Records "convTranspose2d" with inputs (x, w) and argument 0 the {@link Conv2dSpec} of the
     * convolution it transposes.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int outputPadding, int dilation, int groups) {
        String op = "convTranspose2d";
        Conv2dSpec s = spec(op, stride, stride, padding, padding, dilation, dilation, groups);
        requireRank(op, "input", x, 4, "[N, C, H, W]");
        requireRank(op, "weight", w, 4, "[C, O / groups, kH, kW]");
        if (outputPadding < 0 || outputPadding >= Math.max(stride, dilation))
            throw new IllegalArgumentException(op + ": output padding " + outputPadding + " must be non-negative and smaller than the stride or the dilation");
        if (x.size(1) != w.size(0))
            throw new IllegalArgumentException(op + ": input " + x.shape() + " has " + x.size(1) + " channels but weight " + w.shape() + " expects " + w.size(0));
        int outH = (x.size(2) - 1) * stride - 2 * padding + dilation * (w.size(2) - 1) + outputPadding + 1;
        int outW = (x.size(3) - 1) * stride - 2 * padding + dilation * (w.size(3) - 1) + outputPadding + 1;
        if (outH <= 0 || outW <= 0)
            throw new IllegalArgumentException(op + ": input " + x.shape() + " with weight " + w.shape() + " gives an empty output (" + outH + " x " + outW + ")");
        Tensor y = inputGrad(op, x, w, new int[]{x.size(0), w.size(1) * groups, outH, outW}, s, x, w);
        if (bias == null) return y;
        if (bias.dim() != 1 || bias.size(0) != y.size(1))
            throw new IllegalArgumentException(op + ": bias " + bias.shape() + " must have shape [" + y.size(1) + "]");
        return y.add(bias.view(1, -1, 1, 1));
    }

    // ---- the three operations on 4-D operands --------------------------------------------------
    // The last two tensors of each are the caller's own (1-D or 2-D) operands, named in error messages.

    private static Tensor forward(String op, Tensor x, Tensor w, Tensor bias, Conv2dSpec s, Tensor userX, Tensor userW) {
        requireRank(op, "input", x, 4, "[N, C, H, W]");
        requireRank(op, "weight", w, 4, "[O, C / groups, kH, kW]");
        requireFloat(op, "input", x, "weight", w);
        checkChannels(op, x.size(1), w, s.groups(), userX, userW);
        int[] out = outputSize(op, x.size(2), x.size(3), w.size(2), w.size(3), s, userX, userW);
        Backend backend = bias == null ? Backends.of(op, x, w) : Backends.of(op, x, w, bias);
        if (bias != null) {
            if (bias.dim() != 1 || bias.size(0) != w.size(0))
                throw new IllegalArgumentException(op + ": bias " + bias.shape() + " must have shape [" + w.size(0) + "] (one value per output channel of weight " + userW.shape() + ")");
            if (bias.dtype() != x.dtype())
                throw new IllegalArgumentException(op + ": bias dtype " + bias.dtype() + " differs from input dtype " + x.dtype());
        }
        var kernels = Backends.kernels(x.device(), ConvolutionKernels.class);
        Tensor y;
        if (kernels.isEmpty()) y = x.numel() == 0 || w.numel() == 0 ? Creation.empty(x.dtype(), x.device(), x.size(0), w.size(0), out[0], out[1])
                : ComposedConvolution.conv2d(x.detach(), w.detach(), s);
        else y = Creation.output(x.numel() > 0 && w.numel() > 0, x.dtype(), x.device(), x.size(0), w.size(0), out[0], out[1]);
        if (y.numel() > 0) {
            if (kernels.isPresent()) kernels.get().conv2d(x.operand(), w.operand(), y.operand(), s);
            // The bias goes into the fresh output in place and is recorded with the convolution (its
            // gradient is gradOut summed over N, H and W): one pass and no second output-sized tensor,
            // which on a first layer cost as much as the convolution itself.
            if (bias != null) {
                Tensor perChannel;
                try (var _ = GradMode.disable()) {
                    perChannel = bias.view(1, -1, 1, 1).expand(y.shape.raw());
                }
                backend.binary(BinaryOp.ADD, y.operand(), perChannel.operand(), y.operand());
            }
        }
        return Tape.record(new Ops.Conv2d(s), y, bias == null ? new Tensor[]{x, w} : new Tensor[]{x, w, bias});
    }

    private static Tensor inputGrad(String op, Tensor gradOut, Tensor w, int[] inputShape, Conv2dSpec s, Tensor userG, Tensor userW) {
        requireRank(op, "gradOut", gradOut, 4, "[N, O, oH, oW]");
        requireRank(op, "weight", w, 4, "[O, C / groups, kH, kW]");
        requireFloat(op, "gradOut", gradOut, "weight", w);
        int[] in = requireShape(op, "inputShape", inputShape, 4, "[N, C, H, W]");
        Backends.of(op, gradOut, w);                      // one device
        checkChannels(op, in[1], w, s.groups(), null, userW);
        int[] out = outputSize(op, in[2], in[3], w.size(2), w.size(3), s, null, userW);
        int[] expected = {in[0], w.size(0), out[0], out[1]};
        if (!Arrays.equals(gradOut.shape.raw(), expected))
            throw new IllegalArgumentException(op + ": gradOut " + userG.shape() + " does not match the output " + shapeOf(expected, userG.dim())
                    + " of an input " + shapeOf(in, userG.dim()) + " convolved with weight " + userW.shape());
        var kernels = Backends.kernels(gradOut.device(), ConvolutionKernels.class);
        Tensor g;
        if (kernels.isEmpty() && Shape.of(in).numel() > 0 && gradOut.numel() > 0) {
            g = ComposedConvolution.inputGrad(gradOut.detach(), w.detach(), in, s);
        } else {
            g = Creation.output(gradOut.numel() > 0 && w.numel() > 0, gradOut.dtype(), gradOut.device(), in);
            if (g.numel() > 0 && gradOut.numel() > 0) kernels.get().conv2dInputGrad(gradOut.operand(), w.operand(), g.operand(), s);
        }
        return Tape.record(new Ops.ConvTranspose2d(s), g, gradOut, w);
    }

    private static Tensor weightGrad(String op, Tensor x, Tensor gradOut, int[] weightShape, Conv2dSpec s, Tensor userX, Tensor userG) {
        requireRank(op, "input", x, 4, "[N, C, H, W]");
        requireRank(op, "gradOut", gradOut, 4, "[N, O, oH, oW]");
        requireFloat(op, "input", x, "gradOut", gradOut);
        int[] ws = requireShape(op, "weightShape", weightShape, 4, "[O, C / groups, kH, kW]");
        Backends.of(op, x, gradOut);
        int groups = s.groups();
        if (ws[0] % groups != 0)
            throw new IllegalArgumentException(op + ": weight " + shapeOf(ws, userX.dim()) + " has " + ws[0] + " output channels, not divisible by groups " + groups);
        if (x.size(1) != ws[1] * groups)
            throw new IllegalArgumentException(op + ": input " + userX.shape() + " has " + x.size(1) + " channels but weight "
                    + shapeOf(ws, userX.dim()) + " expects " + ws[1] + " x groups " + groups);
        int[] out = outputSize(op, x.size(2), x.size(3), ws[2], ws[3], s, userX, null);
        int[] expected = {x.size(0), ws[0], out[0], out[1]};
        if (!Arrays.equals(gradOut.shape.raw(), expected))
            throw new IllegalArgumentException(op + ": gradOut " + userG.shape() + " does not match the output " + shapeOf(expected, userX.dim())
                    + " of input " + userX.shape() + " convolved with a weight " + shapeOf(ws, userX.dim()));
        var kernels = Backends.kernels(x.device(), ConvolutionKernels.class);
        boolean work = Shape.of(ws).numel() > 0 && x.size(0) > 0 && out[0] * out[1] > 0;
        Tensor g;
        if (kernels.isEmpty() && work) {
            g = ComposedConvolution.weightGrad(x.detach(), gradOut.detach(), ws, s);
        } else {
            g = Creation.output(work, x.dtype(), x.device(), ws);
            if (work) kernels.get().conv2dWeightGrad(x.operand(), gradOut.operand(), g.operand(), s);
        }
        return Tape.record(new Ops.Conv2dWeightGrad(s), g, x, gradOut);
    }

    // ---- checks ----------------------------------------------------------------------------------

    private static Conv2dSpec spec(String op, int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {
        try {
            return new Conv2dSpec(strideH, strideW, padH, padW, dilH, dilW, groups);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + e.getMessage().substring(e.getMessage().indexOf(':')), e);
        }
    }

    static void requireRank(String op, String what, Tensor t, int rank, String layout) {
        if (t.dim() != rank)
            throw new IllegalArgumentException(op + ": expected " + what + " " + layout + " (" + rank + "-D), got shape " + t.shape()
                    + (what.equals("input") && t.dim() == rank - 1 ? "; for a single sample add a batch dimension with unsqueeze(0)" : ""));
    }

    private static int[] requireShape(String op, String what, int[] shape, int rank, String layout) {
        if (shape == null || shape.length != rank)
            throw new IllegalArgumentException(op + ": " + what + " must be " + layout + ", got " + Arrays.toString(shape));
        Shape.of(shape);        // non-negative, fits a tensor
        return shape.clone();
    }

    private static void requireFloat(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (a.dtype() != b.dtype())
            throw new IllegalArgumentException(op + ": " + nameA + " " + a.dtype() + " and " + nameB + " " + b.dtype() + " must have the same dtype");
        if (!a.dtype().isFloatingPoint())
            throw new IllegalArgumentException(op + ": " + nameA + " dtype " + a.dtype() + " is not supported (F32 or F64)");
    }

    /** Channels: C = weight's C / groups x groups, and O divisible by groups. userX may be null (only a shape is known). */
    private static void checkChannels(String op, int channels, Tensor w, int groups, Tensor userX, Tensor userW) {
        String input = userX == null ? "input with " + channels + " channels" : "input " + userX.shape();
        if (w.size(0) % groups != 0)
            throw new IllegalArgumentException(op + ": weight " + userW.shape() + " has " + w.size(0) + " output channels, not divisible by groups " + groups);
        if (channels != w.size(1) * groups)
            throw new IllegalArgumentException(op + ": " + input + " has " + channels + " channels but weight " + userW.shape()
                    + " expects " + w.size(1) + " x groups " + groups);
    }

    /** [oH, oW]; the padded input must hold at least one dilated kernel. */
    private static int[] outputSize(String op, int h, int w, int kh, int kw, Conv2dSpec s, Tensor userX, Tensor userW) {
        long spanH = (long) s.dilationH() * (kh - 1) + 1, spanW = (long) s.dilationW() * (kw - 1) + 1;
        long padH = h + 2L * s.padH(), padW = w + 2L * s.padW();
        if (padH < spanH || padW < spanW) {
            boolean oneD = userX != null ? userX.dim() == 3 : userW != null && userW.dim() == 3;
            String input = userX != null ? "input " + userX.shape() : "input of size " + (oneD ? "" + w : h + " x " + w);
            String kernel = userW != null ? "weight " + userW.shape() : "kernel " + (oneD ? "" + kw : kh + " x " + kw);
            throw new IllegalArgumentException(op + ": " + input + " padded to " + (oneD ? "" + padW : padH + " x " + padW)
                    + " is smaller than the " + kernel + " dilated to " + (oneD ? "" + spanW : spanH + " x " + spanW));
        }
        return new int[]{s.outH(h, kh), s.outW(w, kw)};
    }

    /** A 4-D shape as the caller sees it: 1-D callers' shapes drop the height-1 dimension. */
    private static String shapeOf(int[] shape4, int userRank) {
        if (userRank == 3) return Arrays.toString(new int[]{shape4[0], shape4[1], shape4[3]});
        return Arrays.toString(shape4);
    }
}
