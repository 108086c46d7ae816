package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Softmax;
import dev.galvani.tensor.Tensor;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The fused softmax and log-softmax ({@code Ops.Softmax}, {@code Ops.SoftmaxBackward} and their rules)
 * against finite differences ({@link GradCheck}, F64) and against the composed forms, whose gradients
 * autograd derives from max, sub, exp, sum and log: first derivatives and Hessian-vector products
 * (the backward pass differentiated again) along every dimension.
 */
class SoftmaxGradientTest {

    private final Generator gen = new Generator(8);

    @Test
    void fusedGradientsPassTheFiniteDifferenceCheck() {
        Tensor x = Tensor.randn(gen, DType.F64, 3, 4, 5).mul(2).requiresGrad(true);
        for (int dim = 0; dim < 3; dim++) {
            int d = dim;
            GradCheck.of(t -> Softmax.softmax(t, d), x).run().orThrow();
            GradCheck.of(t -> Softmax.logSoftmax(t, d), x).run().orThrow();
        }
    }

    @Test
    void firstAndSecondDerivativesAreTheComposedForms() {
        for (boolean log : new boolean[]{false, true})
            for (int dim = 0; dim < 3; dim++) {
                int d = dim;
                BiFunction<Tensor, Boolean, Tensor> f = (t, fused) -> fused
                        ? (log ? Softmax.logSoftmax(t, d) : Softmax.softmax(t, d))
                        : (log ? Softmax.composedLogSoftmax(t, d) : Softmax.composedSoftmax(t, d));
                Tensor x0 = Tensor.randn(gen, DType.F64, 3, 6, 4).mul(3);
                Tensor w = Tensor.randn(gen, DType.F64, 3, 6, 4), v = Tensor.randn(gen, DType.F64, 3, 6, 4);
                Tensor[] grads = new Tensor[2], hvps = new Tensor[2];
                for (int k = 0; k < 2; k++) {
                    Tensor x = x0.clone().requiresGrad(true);
                    Tensor loss = f.apply(x, k == 0).mul(w).sum();
                    Tensor gx = Autograd.grad(List.of(loss), List.of(x), null, true, true, false).get(0);
                    grads[k] = gx;
                    hvps[k] = Autograd.grad(List.of(gx.mul(v).sum()), List.of(x)).get(0);
                }
                String what = (log ? "logSoftmax" : "softmax") + " dim " + d;
                close(grads[1], grads[0], 1e-12, what + " gradient");
                close(hvps[1], hvps[0], 1e-11, what + " Hessian-vector product");
            }
    }

    private static void close(Tensor want, Tensor got, double tol, String what) {
        double[] a = want.toDoubleArray(), b = got.toDoubleArray();
        assertEquals(a.length, b.length, what);
        double scale = 0;
        for (double e : a) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < a.length; i++)
            assertTrue(Math.abs(a[i] - b[i]) <= tol * scale, what + " [" + i + "]: composed " + a[i] + ", fused " + b[i]);
    }
}
