package dev.galvani.tensor.backend;

/**
 * 2-D max and average pooling on (N, C, H, W) operands with their backward passes. Without this
 * family the front end reduces strided windows and scatters the gradients back.
 */
public interface PoolingKernels extends KernelFamily {

    /** Max pooling; {@code indices} (I64, out's shape) receives the flat h * W + w position of each maximum. */
    void maxPool2d(Operand x, Operand out, Operand indices, Pool2dSpec spec);

    /** Routes gradOut to the recorded maxima: gradIn (zeroed by the caller) [N, C, H, W] accumulates. */
    void maxPool2dBackward(Operand gradOut, Operand indices, Operand gradIn, Pool2dSpec spec);

    /**
     * Average pooling of x [N, C, H, W] into out [N, C, outH, outW]: each element is its window's sum divided
     * by {@link Pool2dSpec#avgDivisor}.
     */
    void avgPool2d(Operand x, Operand out, Pool2dSpec spec);

    /** gradIn (zeroed by the caller) accumulates each window's share of gradOut. */
    void avgPool2dBackward(Operand gradOut, Operand gradIn, Pool2dSpec spec);
}
