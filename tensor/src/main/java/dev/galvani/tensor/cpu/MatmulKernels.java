package dev.galvani.tensor.cpu;

import dev.galvani.tensor.Tensor;

/** PLACEHOLDER (being written): batched matmul on top of Gemm. */
final class MatmulKernels {
    private MatmulKernels() {}
    static void matmul(Tensor a, Tensor b, Tensor out) { throw new IllegalStateException("matmul: kernel pending"); }
}
