package dev.galvani.tensor;

import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.SoftmaxKernels;

/**
 * Softmax and log-softmax along one dimension, and their backward passes, as operations of their own.
 * Each is one call of the device's {@link SoftmaxKernels} (row maximum, sum of exponentials and the
 * normalised row in one kernel), or on a device without that family the composed form of the same
 * math from max, sub, exp, sum and log ({@link #composedSoftmax}, {@link #composedLogSoftmax}). The
 * fused forms are recorded ({@link Ops.Softmax}, {@link Ops.SoftmaxBackward}); the backward passes
 * are what their derivative rules call, and are recorded too, so that a backward pass can itself be
 * differentiated.
 *
 * <p>The math (per row along {@code dim}, {@code m} its maximum): softmax {@code y = exp(x - m) /
 * sum(exp(x - m))}, log-softmax {@code y = (x - m) - log(sum(exp(x - m)))}; their input gradients
 * {@code y (g - sum(g y))} and {@code g - exp(y) sum(g)} (the Jacobian of softmax is
 * {@code diag(y) - y y^T}).
 */
public final class Softmax {

    private Softmax() {}

    /**
     * {@code exp(x - max) / sum(exp(x - max))} along {@code dim}, as {@code torch.softmax(x, dim)};
     * integer and BOOL tensors become F32 first; differentiable.
     * @param x the input
     * @param dim the dimension the rows run along (negative counts from the end)
     * @return the softmax, x's shape
     */
    public static Tensor softmax(Tensor x, int dim) { return forward("softmax", x, dim, false); }

    /**
     * {@code (x - max) - log(sum(exp(x - max)))} along {@code dim}, the log of softmax without its
     * overflow, as {@code torch.log_softmax(x, dim)}; integer and BOOL tensors become F32 first;
     * differentiable.
     * @param x the input
     * @param dim the dimension the rows run along (negative counts from the end)
     * @return the log-softmax, x's shape
     */
    public static Tensor logSoftmax(Tensor x, int dim) { return forward("logSoftmax", x, dim, true); }

    /**
     * Softmax's input gradient {@code y (g - sum(g y))}, sums along {@code dim}, as PyTorch's
     * {@code _softmax_backward_data}; differentiable in both arguments.
     * @param grad the gradient of softmax's output
     * @param output softmax's output y
     * @param dim the dimension softmax ran along
     * @return the gradient of softmax's input, grad's shape and dtype
     */
    public static Tensor softmaxBackward(Tensor grad, Tensor output, int dim) { return backward("softmaxBackward", grad, output, dim, false); }

    /**
     * Log-softmax's input gradient {@code g - exp(y) sum(g)}, the sum along {@code dim}, as PyTorch's
     * {@code _log_softmax_backward_data}; differentiable in both arguments.
     * @param grad the gradient of log-softmax's output
     * @param output log-softmax's output y
     * @param dim the dimension log-softmax ran along
     * @return the gradient of log-softmax's input, grad's shape and dtype
     */
    public static Tensor logSoftmaxBackward(Tensor grad, Tensor output, int dim) { return backward("logSoftmaxBackward", grad, output, dim, true); }

    /**
     * Softmax composed from core operations (amax, sub, exp, sum, div), whatever the device has: the
     * form a device without {@link SoftmaxKernels} runs, kept public so tests and benchmarks can
     * compare the two.
     * @param x the input
     * @param dim the dimension the rows run along
     * @return the softmax, x's shape
     */
    public static Tensor composedSoftmax(Tensor x, int dim) {
        x = floating(x);
        Tensor shifted = x.sub(x.amax(dim, true).detach());       // the shift cancels in the quotient: no gradient through it
        Tensor e = shifted.exp();
        return e.div(e.sum(dim, true));
    }

    /**
     * Log-softmax composed from core operations ({@code x - logsumexp(x)}), whatever the device has.
     * @param x the input
     * @param dim the dimension the rows run along
     * @return the log-softmax, x's shape
     */
    public static Tensor composedLogSoftmax(Tensor x, int dim) {
        x = floating(x);
        return x.sub(x.logsumexp(dim, true));
    }

    /** The backward passes composed from core operations (each recorded, so differentiable again). */
    static Tensor composedBackward(Tensor grad, Tensor output, int dim, boolean log) {
        if (log) return grad.sub(output.exp().mul(grad.sum(dim, true)));
        return output.mul(grad.sub(grad.mul(output).sum(dim, true)));
    }

    private static Tensor forward(String op, Tensor x, int dim, boolean log) {
        x = floating(x);
        int d = Shape.normalizeDim(op, dim, x.dim());
        var kernels = Backends.kernels(x.device(), SoftmaxKernels.class);
        if (kernels.isEmpty()) return log ? composedLogSoftmax(x, d) : composedSoftmax(x, d);
        Tensor out = Creation.uninitialized(x.dtype(), x.device(), x.shape.raw());
        if (out.numel() > 0) {
            int[] rows = rows(x, d);
            Tensor in = x.detach();
            kernels.get().softmax(operand(in, rows), out.operand().withLayout(rows, contiguous(rows), 0), log);
        }
        return Tape.record(new Ops.Softmax(d, log), out, x);
    }

    private static Tensor backward(String op, Tensor grad, Tensor output, int dim, boolean log) {
        Backends.of(op, grad, output);
        if (!grad.dtype().isFloatingPoint() || grad.dtype() != output.dtype())
            throw new IllegalArgumentException(op + ": needs two floating-point tensors of one dtype, got " + grad.dtype() + " and " + output.dtype());
        if (!grad.shape().equals(output.shape()))
            throw new IllegalArgumentException(op + ": the gradient " + grad.shape() + " and the output " + output.shape() + " must have one shape");
        int d = Shape.normalizeDim(op, dim, grad.dim());
        var kernels = Backends.kernels(grad.device(), SoftmaxKernels.class);
        if (kernels.isEmpty()) return composedBackward(grad, output, d, log);
        Tensor out = Creation.uninitialized(grad.dtype(), grad.device(), grad.shape.raw());
        if (out.numel() > 0) {
            int[] rows = rows(grad, d);
            Tensor g = grad.detach(), y = output.detach();
            kernels.get().softmaxBackward(operand(g, rows), operand(y, rows), out.operand().withLayout(rows, contiguous(rows), 0), log);
        }
        return Tape.record(new Ops.SoftmaxBackward(d, log), out, grad, output);
    }

    private static Tensor floating(Tensor x) { return x.dtype().isFloatingPoint() ? x : x.to(x.dtype().toFloating()); }

    /** {@code [outer, n, inner]}: the dims before {@code dim} merged, dim's size, the dims after it merged. */
    private static int[] rows(Tensor x, int dim) {
        int[] dims = x.shape.raw();
        int outer = 1, inner = 1;
        for (int i = 0; i < dim; i++) outer *= dims[i];
        for (int i = dim + 1; i < dims.length; i++) inner *= dims[i];
        return new int[]{outer, dims.length == 0 ? 1 : dims[dim], inner};
    }

    /** t as a {@code [outer, n, inner]} operand: a view where its layout allows one, else a contiguous copy's. */
    private static Operand operand(Tensor t, int[] rows) {
        int[] strides = Views.viewStrides(t.shape.raw(), t.strides, rows);
        if (strides == null) {
            t = t.contiguous();
            strides = contiguous(rows);
        }
        return t.operand().withLayout(rows, strides, t.offset);
    }

    private static int[] contiguous(int[] rows) { return new int[]{rows[1] * rows[2], rows[2], 1}; }
}
