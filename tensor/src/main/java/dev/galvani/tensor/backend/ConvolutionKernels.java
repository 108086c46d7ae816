package dev.galvani.tensor.backend;

/**
 * 2-D convolution on (N, C, H, W) operands, forward and its two gradients (1-D is 2-D with H = 1).
 * Without this family the front end computes the same with strided windows and batched matmul.
 */
public interface ConvolutionKernels extends KernelFamily {

    /** x [N, C, H, W], w [O, C/groups, kH, kW] into out [N, O, outH, outW] (no bias). */
    void conv2d(Operand x, Operand w, Operand out, Conv2dSpec spec);

    /** The gradient with respect to the input: gradOut [N, O, oH, oW], w into gradIn [N, C, H, W] (overwritten). */
    void conv2dInputGrad(Operand gradOut, Operand w, Operand gradIn, Conv2dSpec spec);

    /** The gradient with respect to the weight: x, gradOut into gradW [O, C/groups, kH, kW] (overwritten). */
    void conv2dWeightGrad(Operand x, Operand gradOut, Operand gradW, Conv2dSpec spec);
}
