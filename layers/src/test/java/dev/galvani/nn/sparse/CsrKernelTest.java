package dev.galvani.nn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.nn.sparse.EnsembleMask.Grouping;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The CSR kernel gives the masked dense product's output and gradients (F32, to rounding), batch not a multiple of the vector width. */
class CsrKernelTest {

    @Test void csrEqualsTheMaskedDenseProductForwardAndBackward() {
        for (double pInter : new double[]{0.0, 0.1, 0.3}) {
            Tensor mask = EnsembleMask.mask(24, 40, 4, Grouping.RANDOM, 1, 1, pInter, new Generator(1));
            var dense = new SparseLinear(40, 24, mask, true, new Generator(2));
            var csr = new SparseLinear(40, 24, mask, true, new Generator(2)).kernel(SparseLinear.Kernel.CSR);
            Tensor x1 = Tensor.randn(new Generator(3), 2, 37, 40).requiresGrad(true), x2 = x1.detach().requiresGrad(true);
            Tensor g = Tensor.randn(new Generator(4), 2, 37, 24);
            Tensor y1 = dense.forward(x1), y2 = csr.forward(x2);
            assertArrayEquals(new int[]{2, 37, 24}, y2.shape().dims());
            assertArrayEquals(y1.detach().toFloatArray(), y2.detach().toFloatArray(), 1e-4f, "output, p_inter " + pInter);
            y1.mul(g).sum().backward();
            y2.mul(g).sum().backward();
            assertArrayEquals(x1.grad().toFloatArray(), x2.grad().toFloatArray(), 1e-4f, "dx");
            assertArrayEquals(dense.weight.grad().toFloatArray(), csr.weight.grad().toFloatArray(), 1e-4f, "dW (zero off the pattern)");
            assertArrayEquals(dense.bias.grad().toFloatArray(), csr.bias.grad().toFloatArray(), 1e-4f, "db");
        }
    }

    @Test void theKernelFollowsRewiring() {
        Tensor mask = EnsembleMask.mask(8, 8, 2, Grouping.INDEX, 1, 1, 0, new Generator(5));
        var layer = new SparseLinear(8, 8, mask, false, new Generator(6)).kernel(SparseLinear.Kernel.CSR);
        Tensor x = Tensor.randn(new Generator(7), 3, 8);
        layer.forward(x);
        layer.setMask(Tensor.ones(8, 8));                     // everything connected; new weights at 0
        float[] w = layer.weight.value().toFloatArray(), xs = x.toFloatArray(), y = layer.forward(x).toFloatArray();
        for (int b = 0; b < 3; b++) for (int o = 0; o < 8; o++) {
            double s = 0;
            for (int i = 0; i < 8; i++) s += w[o * 8 + i] * xs[b * 8 + i];
            assertEquals(s, y[b * 8 + o], 1e-5);
        }
    }
}
