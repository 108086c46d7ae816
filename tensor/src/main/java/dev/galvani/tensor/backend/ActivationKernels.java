package dev.galvani.tensor.backend;

/**
 * Fused backward passes of element-wise activations: one pass over the incoming gradient and the
 * saved tensor, no intermediate tensors. Without this family the front end composes the same math
 * from element-wise primitives ({@code where} and a comparison for ReLU, about ten element-wise ops
 * for GELU). Operands have one shape and one floating-point dtype; {@code out} is contiguous.
 */
public interface ActivationKernels extends KernelFamily {

    /**
     * ReLU's backward: out = 0 where output {@code <=} 0, else grad (a NaN output passes the gradient,
     * as PyTorch's threshold backward does).
     */
    void reluBackward(Operand grad, Operand output, Operand out);

    /** GELU's (exact, erf form) backward: out = grad (Φ(x) + x φ(x)), Φ and φ the standard normal's CDF and density. */
    void geluBackward(Operand grad, Operand x, Operand out);
}
