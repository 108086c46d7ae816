package dev.galvani.tensor.cpu;

import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.Pool2dSpec;

/** PLACEHOLDER (being written). */
final class PoolKernels {
    private PoolKernels() {}
    static void maxPool2d(Tensor x, Tensor out, Tensor indices, Pool2dSpec spec) { throw new IllegalStateException("pending"); }
    static void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn, Pool2dSpec spec) { throw new IllegalStateException("pending"); }
    static void avgPool2d(Tensor x, Tensor out, Pool2dSpec spec) { throw new IllegalStateException("pending"); }
    static void avgPool2dBackward(Tensor gradOut, Tensor gradIn, Pool2dSpec spec) { throw new IllegalStateException("pending"); }
}
