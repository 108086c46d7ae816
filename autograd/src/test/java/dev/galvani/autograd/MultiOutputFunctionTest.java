package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Custom operations with several outputs: one node, one gradient per output, non-differentiable outputs. */
class MultiOutputFunctionTest {

    /**
     * (sin x, cos x, argmax x): two differentiable outputs sharing a node and an index output that
     * takes no gradient. d/dx = g_sin cos x - g_cos sin x.
     */
    static final class SinCosArgmax extends MultiOutputFunction {
        int backwardCalls;

        @Override protected Tensor[] forward(Context ctx, Tensor... in) {
            Tensor x = in[0], index = x.argmax();
            ctx.saveForBackward(x);
            ctx.markNonDifferentiable(index);
            return new Tensor[]{x.sin(), x.cos(), index};
        }

        @Override protected Tensor[] backward(Context ctx, Tensor... g) {
            backwardCalls++;
            Tensor x = ctx.saved(0);
            return new Tensor[]{g[0].mul(x.cos()).sub(g[1].mul(x.sin()))};
        }
    }

    @Test
    void outputsShareOneNodeAndTheIndexTakesNoGradient() {
        Tensor x = Tensor.of(new double[]{0.3, -1.1, 2.0}).requiresGrad(true);
        Tensor[] out = new SinCosArgmax().apply(x);
        assertSame(out[0].gradFn(), out[1].gradFn(), "one node for both differentiable outputs");
        assertEquals(3, out[0].gradFn().outputCount(), "the index is among its outputs");
        assertFalse(out[2].requiresGrad(), "the marked output takes no gradient");
        assertEquals(2L, out[2].itemLong());
    }

    @Test
    void gradientsOfBothOutputsMeetInOneBackwardCall() {
        SinCosArgmax f = new SinCosArgmax();
        Tensor x = Tensor.of(new double[]{0.3, -1.1, 2.0}).requiresGrad(true);
        Tensor[] out = f.apply(x);
        out[0].mul(2.0).add(out[1].mul(3.0)).sum().backward();         // d/dx = 2 cos x - 3 sin x
        assertEquals(1, f.backwardCalls, "the node ran once, with both gradients");
        double[] v = {0.3, -1.1, 2.0}, expected = new double[3];
        for (int i = 0; i < 3; i++) expected[i] = 2 * Math.cos(v[i]) - 3 * Math.sin(v[i]);
        assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void anOutputNoGradientReachedGetsZeros() {
        Tensor x = Tensor.of(new double[]{0.3, -1.1}).requiresGrad(true);
        new SinCosArgmax().apply(x)[1].sum().backward();                  // only cos used: d/dx = -sin x
        assertArrayEquals(new double[]{-Math.sin(0.3), Math.sin(1.1)}, x.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void passesTheGradientCheckAndDifferentiatesTwiceWhenItsBackwardIsRecorded() {
        Tensor x = Tensor.of(new double[]{0.4, -0.7, 1.3}).requiresGrad(true);
        GradCheck.of(in -> {
            Tensor[] o = new SinCosArgmax().apply(in.get(0));
            return o[0].mul(o[1]);
        }, List.of(x)).run().orThrow();
        // The backward is written with tensor operations, so a recorded pass differentiates again:
        // y = sin x + cos x, y' = cos x - sin x, y'' = -sin x - cos x.
        Tensor[] o = new SinCosArgmax().apply(x);
        Tensor dy = Autograd.grad(List.of(o[0].add(o[1]).sum()), List.of(x), null, true, true, false).get(0);
        assertTrue(dy.requiresGrad());
        Tensor d2 = Autograd.grad(List.of(dy.sum()), List.of(x)).get(0);
        double[] v = {0.4, -0.7, 1.3};
        for (int i = 0; i < 3; i++) assertEquals(-Math.sin(v[i]) - Math.cos(v[i]), d2.toDoubleArray()[i], 1e-15);
        try (var _ = GradMode.disable()) {
            assertFalse(new SinCosArgmax().apply(x)[0].requiresGrad(), "nothing recorded under noGrad");
        }
    }
}
