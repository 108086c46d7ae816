package dev.galvani.tensor.cpu;

import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.Conv2dSpec;

/** PLACEHOLDER (being written). */
final class ConvKernels {
    private ConvKernels() {}
    static void conv2d(Tensor x, Tensor w, Tensor out, Conv2dSpec spec) { throw new IllegalStateException("pending"); }
    static void inputGrad(Tensor gradOut, Tensor w, Tensor gradIn, Conv2dSpec spec) { throw new IllegalStateException("pending"); }
    static void weightGrad(Tensor x, Tensor gradOut, Tensor gradW, Conv2dSpec spec) { throw new IllegalStateException("pending"); }
}
