package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Custom differentiable operations. */
class FunctionTest {

    /**
     * The spike function of SNN training: Heaviside step forward, the fast-sigmoid (SuperSpike,
     * Zenke &amp; Ganguli 2018) surrogate derivative 1 / (1 + k|x|)^2 backward, k = 25 (snnTorch's slope).
     */
    static final class Spike extends Function {
        static final double K = 25;

        @Override protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return in[0].ge(0.0).to(in[0].dtype());
        }

        @Override protected Tensor[] backward(Context ctx, Tensor g) {
            Tensor x = ctx.saved(0);
            return new Tensor[]{g.div(x.abs().mul(K).add(1.0).square())};
        }
    }

    /** f(x, w) = tanh(x w) with its hand-written gradients: df/dx = w (1 - f^2), df/dw = x (1 - f^2). */
    static final class TanhProduct extends Function {
        @Override protected Tensor forward(Context ctx, Tensor... in) {
            Tensor y = in[0].mul(in[1]).tanh();
            ctx.saveForBackward(in[0], in[1], y);
            return y;
        }

        @Override protected Tensor[] backward(Context ctx, Tensor g) {
            Tensor x = ctx.saved(0), w = ctx.saved(1), y = ctx.saved(2);
            Tensor local = g.mul(y.square().rsub(1.0));
            return new Tensor[]{ctx.needsInputGrad(0) ? local.mul(w) : null, ctx.needsInputGrad(1) ? local.mul(x) : null};
        }
    }

    @Test
    void spikeForwardIsAStepBackwardIsTheSurrogate() {
        Tensor v = Tensor.of(new double[]{-0.2, 0.0, 0.1, 1.0}).requiresGrad(true);
        Tensor s = new Spike().apply(v);
        assertArrayEquals(new double[]{0, 1, 1, 1}, s.toDoubleArray());
        assertEquals("Spike", s.gradFn().name());
        s.sum().backward();
        double[] expected = new double[4], xs = {-0.2, 0.0, 0.1, 1.0};
        for (int i = 0; i < 4; i++) expected[i] = 1 / Math.pow(1 + Spike.K * Math.abs(xs[i]), 2);
        assertArrayEquals(expected, v.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void spikeInsideALargerGraph() {
        // s = H(w x - 1): ds/dw = surrogate(w x - 1) * x, reached through mul and sub.
        Tensor x = Tensor.of(new double[]{0.5, 2.0, 1.0});
        Tensor w = Tensor.of(new double[]{1.5}).requiresGrad(true);
        new Spike().apply(w.mul(x).sub(1.0)).sum().backward();
        double dw = 0;
        for (double xi : new double[]{0.5, 2.0, 1.0}) dw += xi / Math.pow(1 + Spike.K * Math.abs(1.5 * xi - 1), 2);
        assertEquals(dw, w.grad().itemDouble(), 1e-14);
    }

    @Test
    void aFunctionsBackwardPassesGradCheck() {
        Tensor x = Tensor.of(new double[]{0.3, -0.7, 1.1, 0.05, -1.4, 0.9}, 2, 3).requiresGrad(true);
        Tensor w = Tensor.of(new double[]{0.8, -1.2, 0.4}).requiresGrad(true);
        // w broadcasts: the expand recorded before the Function is differentiated by the engine.
        GradCheck.of(in -> new TanhProduct().apply(in.get(0), in.get(1).expand(2, 3)).mul(in.get(0)), List.of(x, w)).run().orThrow();
    }

    @Test
    void needsInputGradFollowsTheInputs() {
        Tensor x = Tensor.of(new double[]{1, 2}).requiresGrad(true), w = Tensor.of(new double[]{3, 4});
        boolean[] seen = new boolean[2];
        Function probe = new Function() {
            @Override protected Tensor forward(Context ctx, Tensor... in) {
                seen[0] = ctx.needsInputGrad(0);
                seen[1] = ctx.needsInputGrad(1);
                return in[0].mul(in[1]);
            }

            @Override protected Tensor[] backward(Context ctx, Tensor g) { return new Tensor[]{g, null}; }
        };
        probe.apply(x, w).sum().backward();
        assertTrue(seen[0]);
        assertFalse(seen[1]);
        assertArrayEquals(new double[]{1, 1}, x.grad().toDoubleArray());
    }

    @Test
    void noRecordingWithoutGradOrUnderNoGrad() {
        Tensor c = Tensor.of(new double[]{1, 2});
        assertFalse(new Spike().apply(c).requiresGrad());
        Tensor x = Tensor.of(new double[]{1, 2}).requiresGrad(true);
        try (var _ = Autograd.noGrad()) {
            assertFalse(new Spike().apply(x).requiresGrad());
        }
    }

    @Test
    void forwardIsNotRecorded() {
        Tensor x = Tensor.of(new double[]{1, 2}).requiresGrad(true);
        Tensor y = new TanhProduct().apply(x, x);
        assertEquals("TanhProduct", y.gradFn().name());
        assertEquals(2, y.gradFn().inputCount());        // one node for the whole call, not mul + tanh
    }

    @Test
    void anIdentityFunctionDoesNotTakeOverItsInput() {
        Tensor x = Tensor.of(new double[]{1, 2}).requiresGrad(true);
        Function identity = new Function() {
            @Override protected Tensor forward(Context ctx, Tensor... in) { return in[0]; }

            @Override protected Tensor[] backward(Context ctx, Tensor g) { return new Tensor[]{g.mul(2.0)}; }
        };
        Tensor y = identity.apply(x);
        assertNotSame(x, y);
        assertTrue(x.isLeaf());
        y.sum().backward();
        assertArrayEquals(new double[]{2, 2}, x.grad().toDoubleArray());
    }

    @Test
    void aSavedTensorChangedInPlaceFailsInBackward() {
        Tensor x = Tensor.of(new double[]{1, 2}).requiresGrad(true), w = Tensor.of(new double[]{3, 4});
        Tensor y = new TanhProduct().apply(x, w);
        w.mulInPlace(2.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("modified by an in-place operation"), e.getMessage());
    }

    @Test
    void wrongGradientsAreReportedWithTheFunctionsName() {
        Tensor x = Tensor.of(new double[]{1, 2}).requiresGrad(true);
        Function tooFew = new TooFew();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tooFew.apply(x, x).sum().backward());
        assertTrue(e.getMessage().contains("TooFew.backward returned 1 gradients for 2 inputs"), e.getMessage());
        Function wrongShape = new WrongShape();
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> wrongShape.apply(x).sum().backward());
        assertTrue(e2.getMessage().contains("derivative rule for 'WrongShape'"), e2.getMessage());
    }

    static final class TooFew extends Function {
        @Override protected Tensor forward(Context ctx, Tensor... in) { return in[0].add(in[1]); }

        @Override protected Tensor[] backward(Context ctx, Tensor g) { return new Tensor[]{g}; }
    }

    static final class WrongShape extends Function {
        @Override protected Tensor forward(Context ctx, Tensor... in) { return in[0].clone(); }

        @Override protected Tensor[] backward(Context ctx, Tensor g) { return new Tensor[]{g.sum()}; }
    }

    @Test
    void nullGradientsAreAllowed() {
        Tensor x = Tensor.of(new double[]{1, 2}).requiresGrad(true), y = Tensor.of(new double[]{3, 4}).requiresGrad(true);
        Function firstOnly = new Function() {
            @Override protected Tensor forward(Context ctx, Tensor... in) { return in[0].add(in[1]); }

            @Override protected Tensor[] backward(Context ctx, Tensor g) { return new Tensor[]{g, null}; }
        };
        firstOnly.apply(x, y).sum().backward();
        assertArrayEquals(new double[]{1, 1}, x.grad().toDoubleArray());
        assertNull(y.grad());
    }

    @Test
    void f32FunctionsWork() {
        Tensor v = Tensor.of(new float[]{-1, 0.5f}).requiresGrad(true);
        new Spike().apply(v).sum().backward();
        assertEquals(DType.F32, v.grad().dtype());
        assertEquals(1 / Math.pow(1 + 25 * 0.5, 2), v.grad().toDoubleArray()[1], 1e-7);
    }
}
