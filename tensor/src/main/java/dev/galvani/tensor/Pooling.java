package dev.galvani.tensor;

import dev.galvani.tensor.backend.Pool2dSpec;
import dev.galvani.tensor.backend.PoolingKernels;
import java.util.Arrays;

/**
 * Max and average pooling, 2-D on [N, C, H, W] and 1-D on [N, C, L] (a 2-D pooling of height 1,
 * through views), with PyTorch's arguments and defaults: the stride defaults to the kernel size,
 * padding to 0, dilation to 1, {@code ceilMode} to false and {@code countIncludePad} to true.
 * Max pooling also produces the I64 index {@code h * W + w} of each maximum within its input plane
 * (for 1-D: the position along L), which the backward pass routes the gradient to.
 *
 * <p>Each operation is one call of the device's {@link PoolingKernels}, or its composed form
 * ({@code ComposedPooling}) on a device without that family.
 *
 * <p>Autograd: {@code maxPool2d} records {@link Ops.MaxPool2d} (the spec and the indices) with input
 * x; {@code avgPool2d} records {@link Ops.AvgPool2d}. Their rules call {@link #maxPool2dBackward} and
 * {@link #avgPool2dBackward}, which record themselves ({@link Ops.MaxPool2dBackward},
 * {@link Ops.AvgPool2dBackward}) for second derivatives.
 */
public final class Pooling {

    private Pooling() {}

    /** Max-pooled values and the flat in-plane position of each maximum (I64, the values' shape). */
    public record MaxPoolResult(Tensor values, Tensor indices) {}

    // ---- max, 2-D ------------------------------------------------------------------------------

    /** Max pooling with a square kernel, stride = kernel, no padding. */
    public static Tensor maxPool2d(Tensor x, int kernel) { return maxPool2d(x, kernel, kernel, 0); }

    /**
     * Max pooling of x [N, C, H, W] into [N, C, oH, oW] with a square kernel and the given stride, no
     * padding, as {@code F.max_pool2d(x, kernel, stride)}; differentiable (the gradient goes to each window's
     * maximum).
     */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride) { return maxPool2d(x, kernel, stride, 0); }

    /**
     * Max pooling of x [N, C, H, W] into [N, C, oH, oW] with a square kernel, stride and padding (padding
     * counts as -inf), as {@code F.max_pool2d(x, kernel, stride, padding)}; differentiable.
     */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return maxPool2d(x, kernel, kernel, stride, stride, padding, padding, 1, 1, false);
    }

    /**
     * Max pooling of x [N, C, H, W] into [N, C, oH, oW] with every argument of {@code F.max_pool2d} given per
     * axis (dilation, ceil mode); differentiable.
     */
    public static Tensor maxPool2d(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                                   int dilationH, int dilationW, boolean ceilMode) {
        return maxPool2dWithIndices(x, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceilMode).values();
    }

    /** Max pooling of x [N, C, H, W] into [N, C, oH, oW] with its geometry as a spec; differentiable. */
    public static Tensor maxPool2d(Tensor x, Pool2dSpec spec) { return maxPool("maxPool2d", x, spec, x).values(); }

    /**
     * Max pooling with a square kernel, stride = kernel, no padding, returning the values and the I64
     * in-plane index {@code h * W + w} of each maximum, as
     * {@code F.max_pool2d(x, kernel, return_indices=True)}.
     */
    public static MaxPoolResult maxPool2dWithIndices(Tensor x, int kernel) { return maxPool2dWithIndices(x, kernel, kernel, 0); }

    /**
     * {@link #maxPool2d(Tensor, int, int, int)} that also returns the I64 in-plane index of each maximum, as
     * {@code F.max_pool2d(..., return_indices=True)}.
     */
    public static MaxPoolResult maxPool2dWithIndices(Tensor x, int kernel, int stride, int padding) {
        return maxPool2dWithIndices(x, kernel, kernel, stride, stride, padding, padding, 1, 1, false);
    }

    /**
     * Max pooling with every argument given per axis, returning the values and the I64 in-plane index of each
     * maximum.
     */
    public static MaxPoolResult maxPool2dWithIndices(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                                                     int dilationH, int dilationW, boolean ceilMode) {
        Pool2dSpec s = spec("maxPool2d", kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceilMode, true);
        return maxPool("maxPool2d", x, s, x);
    }

    /**
     * Max pooling with its geometry as a spec, returning the values and the I64 in-plane index of each
     * maximum.
     */
    public static MaxPoolResult maxPool2dWithIndices(Tensor x, Pool2dSpec spec) { return maxPool("maxPool2d", x, spec, x); }

    /**
     * The gradient of max pooling: gradOut [N, C, oH, oW] added at the recorded {@code indices} of an
     * input of {@code inputShape} [N, C, H, W]; everything else is zero.
     */
    public static Tensor maxPool2dBackward(Tensor gradOut, Tensor indices, int[] inputShape, Pool2dSpec spec) {
        return maxBackward("maxPool2dBackward", gradOut, indices, inputShape, spec, gradOut);
    }

    // ---- average, 2-D --------------------------------------------------------------------------

    /**
     * Average pooling of x [N, C, H, W] into [N, C, oH, oW] with a square kernel, stride = kernel, no
     * padding, as {@code F.avg_pool2d(x, kernel)}; differentiable.
     */
    public static Tensor avgPool2d(Tensor x, int kernel) { return avgPool2d(x, kernel, kernel, 0); }

    /**
     * Average pooling of x [N, C, H, W] into [N, C, oH, oW] with a square kernel and the given stride, no
     * padding, as {@code F.avg_pool2d(x, kernel, stride)}; differentiable.
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride) { return avgPool2d(x, kernel, stride, 0); }

    /**
     * Average pooling with a square kernel, stride and zero padding (the padding counts in the divisor), as
     * {@code F.avg_pool2d(x, kernel, stride, padding)}; differentiable.
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return avgPool2d(x, kernel, kernel, stride, stride, padding, padding, false, true);
    }

    /**
     * Average pooling with a square kernel, as
     * {@code F.avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad)}; differentiable.
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        return avgPool2d(x, kernel, kernel, stride, stride, padding, padding, ceilMode, countIncludePad);
    }

    /** Average pooling with every argument of {@code F.avg_pool2d} given per axis; differentiable. */
    public static Tensor avgPool2d(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                                   boolean ceilMode, boolean countIncludePad) {
        return avgPool("avgPool2d", x, spec("avgPool2d", kernelH, kernelW, strideH, strideW, padH, padW, 1, 1, ceilMode, countIncludePad), x);
    }

    /** Average pooling with its geometry as a spec (dilation must be 1, as in PyTorch). */
    public static Tensor avgPool2d(Tensor x, Pool2dSpec spec) { return avgPool("avgPool2d", x, spec, x); }

    /** The gradient of average pooling: each window's share of gradOut spread over the input window, into {@code inputShape}. */
    public static Tensor avgPool2dBackward(Tensor gradOut, int[] inputShape, Pool2dSpec spec) {
        return avgBackward("avgPool2dBackward", gradOut, inputShape, spec, gradOut);
    }

    // ---- 1-D -----------------------------------------------------------------------------------

    /**
     * Max pooling of x [N, C, L] into [N, C, L_out], stride = kernel, no padding, as
     * {@code F.max_pool1d(x, kernel)}; differentiable.
     */
    public static Tensor maxPool1d(Tensor x, int kernel) { return maxPool1d(x, kernel, kernel, 0, 1, false); }

    /**
     * Max pooling of x [N, C, L] into [N, C, L_out] with the given stride, no padding, as
     * {@code F.max_pool1d(x, kernel, stride)}; differentiable.
     */
    public static Tensor maxPool1d(Tensor x, int kernel, int stride) { return maxPool1d(x, kernel, stride, 0, 1, false); }

    /**
     * Max pooling of x [N, C, L] into [N, C, L_out], as
     * {@code F.max_pool1d(x, kernel, stride, padding, dilation, ceil_mode)}; differentiable.
     */
    public static Tensor maxPool1d(Tensor x, int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        return maxPool1dWithIndices(x, kernel, stride, padding, dilation, ceilMode).values();
    }

    /**
     * {@link #maxPool1d(Tensor, int, int, int, int, boolean)} that also returns the I64 position along L of
     * each maximum, as {@code F.max_pool1d(..., return_indices=True)}.
     */
    public static MaxPoolResult maxPool1dWithIndices(Tensor x, int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        Pool2dSpec s = spec1d("maxPool1d", kernel, stride, padding, dilation, ceilMode, true);
        Convolution.requireRank("maxPool1d", "input", x, 3, "[N, C, L]");
        MaxPoolResult r = maxPool("maxPool1d", x.unsqueeze(2), s, x);
        return new MaxPoolResult(r.values().squeeze(2), r.indices().squeeze(2));
    }

    /**
     * The gradient of 1-D max pooling: gradOut [N, C, L_out] added at the recorded {@code indices} of an
     * input of {@code inputShape} [N, C, L]; everything else is zero. Recorded, so it can be differentiated
     * again.
     */
    public static Tensor maxPool1dBackward(Tensor gradOut, Tensor indices, int[] inputShape, int kernel, int stride, int padding,
                                           int dilation, boolean ceilMode) {
        Pool2dSpec s = spec1d("maxPool1dBackward", kernel, stride, padding, dilation, ceilMode, true);
        Convolution.requireRank("maxPool1dBackward", "gradOut", gradOut, 3, "[N, C, L_out]");
        Convolution.requireRank("maxPool1dBackward", "indices", indices, 3, "[N, C, L_out]");
        int[] in = shape1d("maxPool1dBackward", inputShape);
        return maxBackward("maxPool1dBackward", gradOut.unsqueeze(2), indices.unsqueeze(2), in, s, gradOut).squeeze(2);
    }

    /**
     * Average pooling of x [N, C, L] into [N, C, L_out], stride = kernel, no padding, as
     * {@code F.avg_pool1d(x, kernel)}; differentiable.
     */
    public static Tensor avgPool1d(Tensor x, int kernel) { return avgPool1d(x, kernel, kernel, 0, false, true); }

    /**
     * Average pooling of x [N, C, L] into [N, C, L_out] with the given stride, no padding, as
     * {@code F.avg_pool1d(x, kernel, stride)}; differentiable.
     */
    public static Tensor avgPool1d(Tensor x, int kernel, int stride) { return avgPool1d(x, kernel, stride, 0, false, true); }

    /**
     * Average pooling of x [N, C, L] into [N, C, L_out], as
     * {@code F.avg_pool1d(x, kernel, stride, padding, ceil_mode, count_include_pad)}; differentiable.
     */
    public static Tensor avgPool1d(Tensor x, int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        Pool2dSpec s = spec1d("avgPool1d", kernel, stride, padding, 1, ceilMode, countIncludePad);
        Convolution.requireRank("avgPool1d", "input", x, 3, "[N, C, L]");
        return avgPool("avgPool1d", x.unsqueeze(2), s, x).squeeze(2);
    }

    /**
     * The gradient of 1-D average pooling: each window's share of gradOut [N, C, L_out] spread over its input
     * window, into {@code inputShape} [N, C, L]. Recorded, so it can be differentiated again.
     */
    public static Tensor avgPool1dBackward(Tensor gradOut, int[] inputShape, int kernel, int stride, int padding,
                                           boolean ceilMode, boolean countIncludePad) {
        Pool2dSpec s = spec1d("avgPool1dBackward", kernel, stride, padding, 1, ceilMode, countIncludePad);
        Convolution.requireRank("avgPool1dBackward", "gradOut", gradOut, 3, "[N, C, L_out]");
        int[] in = shape1d("avgPool1dBackward", inputShape);
        return avgBackward("avgPool1dBackward", gradOut.unsqueeze(2), in, s, gradOut).squeeze(2);
    }

    // ---- the four operations on 4-D operands ----------------------------------------------------

    private static MaxPoolResult maxPool(String op, Tensor x, Pool2dSpec s, Tensor userX) {
        Convolution.requireRank(op, "input", x, 4, "[N, C, H, W]");
        requireFloat(op, x);
        int[] out = outputSize(op, x.size(2), x.size(3), s, userX.shape().toString(), userX.dim());
        int[] shape = {x.size(0), x.size(1), out[0], out[1]};
        var kernels = Backends.kernels(x.device(), PoolingKernels.class);
        Tensor values, indices;
        if (kernels.isEmpty() && Shape.of(shape).numel() > 0) {
            MaxPoolResult r = ComposedPooling.maxPool2d(x.detach(), s);
            values = r.values();
            indices = r.indices();
        } else {
            boolean work = Shape.of(shape).numel() > 0;
            values = Creation.output(work, x.dtype(), x.device(), shape);
            indices = Creation.output(work, DType.I64, x.device(), shape);
            if (values.numel() > 0) kernels.get().maxPool2d(x.operand(), values.operand(), indices.operand(), s);
        }
        Tape.record(new Ops.MaxPool2d(s, indices), values, x);
        return new MaxPoolResult(values, indices);
    }

    private static Tensor avgPool(String op, Tensor x, Pool2dSpec s, Tensor userX) {
        Convolution.requireRank(op, "input", x, 4, "[N, C, H, W]");
        requireFloat(op, x);
        if (s.dilationH() != 1 || s.dilationW() != 1)
            throw new IllegalArgumentException(op + ": average pooling has no dilation, got (" + s.dilationH() + ", " + s.dilationW() + ")");
        int[] out = outputSize(op, x.size(2), x.size(3), s, userX.shape().toString(), userX.dim());
        var kernels = Backends.kernels(x.device(), PoolingKernels.class);
        Tensor y;
        if (kernels.isEmpty() && (long) x.size(0) * x.size(1) * out[0] * out[1] > 0) {
            y = ComposedPooling.avgPool2d(x.detach(), s);
        } else {
            y = Creation.output((long) x.size(0) * x.size(1) * out[0] * out[1] > 0, x.dtype(), x.device(), x.size(0), x.size(1), out[0], out[1]);
            if (y.numel() > 0) kernels.get().avgPool2d(x.operand(), y.operand(), s);
        }
        return Tape.record(new Ops.AvgPool2d(s), y, x);
    }

    private static Tensor maxBackward(String op, Tensor gradOut, Tensor indices, int[] inputShape, Pool2dSpec s, Tensor userG) {
        Convolution.requireRank(op, "gradOut", gradOut, 4, "[N, C, oH, oW]");
        Convolution.requireRank(op, "indices", indices, 4, "[N, C, oH, oW]");
        requireFloat(op, gradOut);
        if (indices.dtype() != DType.I64)
            throw new IllegalArgumentException(op + ": indices must be I64, got " + indices.dtype());
        Backends.of(op, gradOut, indices);
        int[] in = checkGradShape(op, gradOut, inputShape, s, userG);
        if (!indices.shape.equals(gradOut.shape))
            throw new IllegalArgumentException(op + ": indices " + indices.shape() + " and gradOut " + gradOut.shape() + " differ in shape");
        var kernels = Backends.kernels(gradOut.device(), PoolingKernels.class);
        Tensor g;
        if (kernels.isEmpty() && gradOut.numel() > 0) {
            g = ComposedPooling.maxPool2dBackward(gradOut.detach(), indices, in);
        } else {
            g = Creation.empty(gradOut.dtype(), gradOut.device(), in);
            if (gradOut.numel() > 0) kernels.get().maxPool2dBackward(gradOut.operand(), indices.operand(), g.operand(), s);
        }
        return Tape.record(new Ops.MaxPool2dBackward(s, indices), g, gradOut);
    }

    private static Tensor avgBackward(String op, Tensor gradOut, int[] inputShape, Pool2dSpec s, Tensor userG) {
        Convolution.requireRank(op, "gradOut", gradOut, 4, "[N, C, oH, oW]");
        requireFloat(op, gradOut);
        if (s.dilationH() != 1 || s.dilationW() != 1)
            throw new IllegalArgumentException(op + ": average pooling has no dilation, got (" + s.dilationH() + ", " + s.dilationW() + ")");
        int[] in = checkGradShape(op, gradOut, inputShape, s, userG);
        var kernels = Backends.kernels(gradOut.device(), PoolingKernels.class);
        Tensor g;
        if (kernels.isEmpty() && gradOut.numel() > 0) {
            g = ComposedPooling.avgPool2dBackward(gradOut.detach(), in, s);
        } else {
            g = Creation.empty(gradOut.dtype(), gradOut.device(), in);
            if (gradOut.numel() > 0) kernels.get().avgPool2dBackward(gradOut.operand(), g.operand(), s);
        }
        return Tape.record(new Ops.AvgPool2dBackward(s), g, gradOut);
    }

    // ---- checks ----------------------------------------------------------------------------------

    private static Pool2dSpec spec(String op, int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW, boolean ceil, boolean countPad) {
        try {
            return new Pool2dSpec(kH, kW, sH, sW, pH, pW, dH, dW, ceil, countPad);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + e.getMessage().substring(e.getMessage().indexOf(':')), e);
        }
    }

    /** A 1-D pooling as a 2-D one of height 1. Padding and its half-kernel bound refer to the length only. */
    private static Pool2dSpec spec1d(String op, int k, int stride, int pad, int dil, boolean ceil, boolean countPad) {
        if (k < 1) throw new IllegalArgumentException(op + ": kernel size must be positive, got " + k);
        if (stride < 1) throw new IllegalArgumentException(op + ": stride must be positive, got " + stride);
        if (pad < 0 || 2 * pad > k)
            throw new IllegalArgumentException(op + ": padding must be between 0 and half the kernel size " + k + ", got " + pad);
        if (dil < 1) throw new IllegalArgumentException(op + ": dilation must be positive, got " + dil);
        return new Pool2dSpec(1, k, 1, stride, 0, pad, 1, dil, ceil, countPad);
    }

    private static int[] shape1d(String op, int[] inputShape) {
        if (inputShape == null || inputShape.length != 3)
            throw new IllegalArgumentException(op + ": inputShape must be [N, C, L], got " + Arrays.toString(inputShape));
        return new int[]{inputShape[0], inputShape[1], 1, inputShape[2]};
    }

    private static void requireFloat(String op, Tensor x) {
        if (!x.dtype().isFloatingPoint())
            throw new IllegalArgumentException(op + ": dtype " + x.dtype() + " is not supported (F32 or F64)");
    }

    /** [oH, oW], at least one window each way. */
    private static int[] outputSize(String op, int h, int w, Pool2dSpec s, String userShape, int userRank) {
        int oh = s.outH(h), ow = s.outW(w);
        if (oh < 1 || ow < 1) {
            boolean oneD = userRank == 3;
            throw new IllegalArgumentException(op + ": input " + userShape + " is too small for kernel "
                    + (oneD ? "" + s.kernelW() : s.kernelH() + " x " + s.kernelW()) + " with padding "
                    + (oneD ? "" + s.padW() : s.padH() + " x " + s.padW()) + " and dilation "
                    + (oneD ? "" + s.dilationW() : s.dilationH() + " x " + s.dilationW()) + ": the output would be empty ("
                    + (oneD ? "" + ow : oh + " x " + ow) + ")");
        }
        return new int[]{oh, ow};
    }

    /** The input shape must be 4-D and pool to gradOut's shape. */
    private static int[] checkGradShape(String op, Tensor gradOut, int[] inputShape, Pool2dSpec s, Tensor userG) {
        if (inputShape == null || inputShape.length != 4)
            throw new IllegalArgumentException(op + ": inputShape must be [N, C, H, W], got " + Arrays.toString(inputShape));
        Shape.of(inputShape);
        int[] in = inputShape.clone();
        boolean oneD = userG.dim() == 3;
        String inText = oneD ? Arrays.toString(new int[]{in[0], in[1], in[3]}) : Arrays.toString(in);
        int[] out = outputSize(op, in[2], in[3], s, inText, userG.dim());
        int[] expected = {in[0], in[1], out[0], out[1]};
        if (!Arrays.equals(gradOut.shape.raw(), expected)) {
            String exp = oneD ? Arrays.toString(new int[]{expected[0], expected[1], expected[3]}) : Arrays.toString(expected);
            throw new IllegalArgumentException(op + ": gradOut " + userG.shape() + " does not match the pooled shape " + exp + " of input " + inText);
        }
        return in;
    }
}
