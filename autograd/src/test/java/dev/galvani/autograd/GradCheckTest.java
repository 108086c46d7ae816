package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GradCheck itself: it must catch wrong gradients, say where, and leave inputs as they were. */
class GradCheckTest {

    /** sin with a deliberately wrong derivative at one element: cos(x) everywhere, except 2 cos(x) at flat index 4. */
    static final class BrokenSin extends Function {
        @Override protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return in[0].sin();
        }

        @Override protected Tensor[] backward(Context ctx, Tensor g) {
            Tensor x = ctx.saved(0);
            double[] bump = new double[(int) x.numel()];
            java.util.Arrays.fill(bump, 1);
            bump[4] = 2;
            return new Tensor[]{g.mul(x.cos()).mul(Tensor.of(bump).reshape(x.shape().dims()))};
        }
    }

    @Test
    void aWrongGradientIsFoundAndLocated() {
        Tensor x = Tensor.of(new double[]{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 2, 3).requiresGrad(true);
        GradCheck.Result r = GradCheck.of(v -> new BrokenSin().apply(v), x).run();
        assertFalse(r.passed());
        assertEquals(0, r.input());
        assertArrayEquals(new int[]{1, 1}, r.index());
        assertEquals(2.0, r.analytic() / r.numeric(), 1e-6);
        assertTrue(r.message().contains("[1, 1]"), r.message());
        AssertionError e = assertThrows(AssertionError.class, r::orThrow);
        assertTrue(e.getMessage().contains("FAILED"));
    }

    @Test
    void correctGradientsPass() {
        Tensor a = Tensor.of(new double[]{0.5, 1.5, 2.0}).requiresGrad(true);
        Tensor b = Tensor.of(new double[]{-1.0, 0.25, 3.0}).requiresGrad(true);
        GradCheck.Result r = GradCheck.check(in -> in.get(0).mul(in.get(1)).sin().add(in.get(0).log()), List.of(a, b));
        assertTrue(r.passed(), r.message());
        assertEquals(6, r.elementsChecked());
    }

    @Test
    void inputsAreRestoredExactly() {
        double[] values = {0.1, Math.PI, -1e-3, 12345.678901234567};
        Tensor x = Tensor.of(values).requiresGrad(true);
        GradCheck.of(v -> v.sin().mul(v), x).run().orThrow();
        assertArrayEquals(values, x.toDoubleArray(), 0);
    }

    @Test
    void nonContiguousAndBroadcastInputs() {
        Tensor base = Tensor.of(new double[]{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}, 2, 4);
        Tensor transposed = base.transpose(0, 1).requiresGrad(true);          // [4, 2], strides (1, 4)
        GradCheck.of(v -> v.square().sum(0, false), transposed).run().orThrow();
        // An expanded input: 4 elements share each memory location; the check sums their gradients.
        Tensor row = Tensor.of(new double[]{0.3, -0.6, 0.9}).reshape(1, 3).expand(4, 3).requiresGrad(true);
        GradCheck.Result r = GradCheck.of(v -> v.mul(v).cumsum(0), row).run();
        assertTrue(r.passed(), r.message());
        assertEquals(3, r.elementsChecked());
    }

    @Test
    void theSameTensorTwice() {
        Tensor x = Tensor.of(new double[]{0.4, 1.3}).requiresGrad(true);
        assertTrue(GradCheck.check(in -> in.get(0).mul(in.get(1).exp()), List.of(x, x)).passed());
    }

    @Test
    void onlyF64InputsAndSomeInputMustRequireGrad() {
        Tensor f = Tensor.of(new float[]{1, 2}).requiresGrad(true);
        assertThrows(IllegalArgumentException.class, () -> GradCheck.of(Tensor::exp, f).run());
        Tensor c = Tensor.of(new double[]{1, 2});
        assertThrows(IllegalArgumentException.class, () -> GradCheck.of(Tensor::exp, c).run());
    }

    @Test
    void anUnrecordedOutputIsAnError() {
        Tensor x = Tensor.of(new double[]{1, 2}).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GradCheck.of(v -> v.detach().exp(), x).run());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void largeInputsCanBeSampled() {
        Tensor x = Tensor.of(new double[1000]).add(0.5).requiresGrad(true);
        Tensor leaf = x.detach().requiresGrad(true);
        GradCheck.Result r = GradCheck.of(Tensor::sigmoid, leaf).maxElements(10).run();
        assertTrue(r.passed(), r.message());
        assertEquals(10, r.elementsChecked());
        assertEquals(DType.F64, leaf.dtype());
    }
}
