package dev.galvani.tensor.backend;

import dev.galvani.tensor.AdamStep;

/**
 * Optimizer updates in one pass per parameter instead of a dozen temporaries. Without this family
 * the front end ({@code dev.galvani.tensor.OptimizerUpdates}) runs the same arithmetic as
 * element-wise operations, in the same order.
 */
public interface OptimizerKernels extends KernelFamily {

    /**
     * One Adam/AdamW step in place on contiguous operands of one shape and dtype, element by element,
     * in exactly this order: g = grad (negated when maximizing); decoupled decay: p *= 1 - lr wd, else
     * g += wd p; m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2; with amsgrad
     * vmax = max(vmax, v) and v := vmax; p -= lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps).
     * {@code maxExpAvgSq} is null without amsgrad.
     */
    void adamStep(Operand param, Operand grad, Operand expAvg, Operand expAvgSq, Operand maxExpAvgSq, AdamStep hp);
}
