package dev.galvani.tensor.backend;

/**
 * Softmax and log-softmax along one dimension, and their backward passes, each in one kernel: the
 * row maximum, the sum of exponentials and the normalised row without intermediate tensors. Without
 * this family the front end composes the same math from max, sub, exp, sum and log.
 *
 * <p>Every operand is a {@code [outer, n, inner]} view: the softmax runs along the middle dimension,
 * one row of {@code n} elements per (outer, inner) pair. Inputs may have any strides; {@code out} is
 * contiguous. Operands have one floating-point dtype (F32 or F64). The math, per row, with
 * {@code m = max(x)}:
 * <ul>
 *   <li>softmax: {@code y = exp(x - m) / sum(exp(x - m))};
 *   <li>log-softmax: {@code y = (x - m) - log(sum(exp(x - m)))};
 *   <li>softmax's backward: {@code dx = y (g - sum(g y))};
 *   <li>log-softmax's backward: {@code dx = g - exp(y) sum(g)}.
 * </ul>
 * Subtracting the maximum keeps every exponential at most 1, so no row overflows; a NaN in a row
 * makes the row NaN, and a row of {@code -inf} only gives NaN, as in PyTorch. A kernel sums each row
 * in a fixed order, so results are the same on every run.
 */
public interface SoftmaxKernels extends KernelFamily {

    /**
     * Softmax or log-softmax of every row.
     * @param x the input, {@code [outer, n, inner]}, any strides
     * @param out the result, x's shape, contiguous
     * @param log log-softmax when true, else softmax
     */
    void softmax(Operand x, Operand out, boolean log);

    /**
     * The input gradient of softmax (or log-softmax) from the output gradient and the forward output.
     * @param grad the gradient of the output, {@code [outer, n, inner]}, any strides
     * @param output the forward pass's output, the same shape, any strides
     * @param out the input gradient, the same shape, contiguous
     * @param log log-softmax's backward when true, else softmax's
     */
    void softmaxBackward(Operand grad, Operand output, Operand out, boolean log);
}
