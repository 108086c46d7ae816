package dev.galvani.tensor;

import dev.galvani.tensor.backend.Operand;

/**
 * What a backend sees of a tensor, for code outside this package that calls kernels directly: a
 * module shipping a kernel family's front end, or a benchmark timing one kernel (the GPU benchmark
 * times the fused LIF and Galvani's own SGEMM this way). Users never need it; nothing is recorded
 * for autograd on this path.
 */
public final class KernelAccess {

    private KernelAccess() {}

    /**
     * The storage and layout of {@code t}, as kernels receive them.
     * @param t a tensor
     * @return its operand
     */
    public static Operand operand(Tensor t) { return t.operand(); }
}
