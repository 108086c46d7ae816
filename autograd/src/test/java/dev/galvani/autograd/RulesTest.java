package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Rules at the points finite differences cannot check (kinks, ties, zeros), worked by hand with
 * PyTorch's conventions, and cases the table does not sample.
 */
class RulesTest {

    private static double[] grad(UnaryOperator<Tensor> f, double... x) {
        Tensor t = Tensor.of(x).requiresGrad(true);
        f.apply(t).sum().backward();
        return t.grad().toDoubleArray();
    }

    @Test
    void absReluSignAtZero() {
        assertArrayEquals(new double[]{-1, 0, 1}, grad(Tensor::abs, -2, 0, 3));
        assertArrayEquals(new double[]{0, 0, 1}, grad(Tensor::relu, -2, 0, 3));
        assertArrayEquals(new double[]{0, 0, 0}, grad(Tensor::sign, -2, 0, 3));
        assertArrayEquals(new double[]{0, 0, 0}, grad(Tensor::round, -2.5, 0.5, 3));
    }

    @Test
    void amaxAndAminShareTheGradientAmongTies() {
        assertArrayEquals(new double[]{0, 0.5, 0.5}, grad(Tensor::amax, 1, 3, 3));
        assertArrayEquals(new double[]{1 / 3.0, 1 / 3.0, 0, 1 / 3.0}, grad(Tensor::amin, -1, -1, 2, -1), 1e-15);
        Tensor x = Tensor.of(new double[]{1, 5, 5, 2, 2, 0}, 2, 3).requiresGrad(true);
        x.amax(1, false).backward(Tensor.of(new double[]{10, 20}));
        assertArrayEquals(new double[]{0, 5, 5, 10, 10, 0}, x.grad().toDoubleArray());
    }

    @Test
    void maxAlongADimSendsTheGradientToTheIndexItReturns() {
        // PyTorch: max(dim) routes the gradient to the returned index (the first of ties), unlike amax.
        Tensor x = Tensor.of(new double[]{1, 5, 5, 2, 2, 0}, 2, 3).requiresGrad(true);
        var r = x.max(1);
        assertArrayEquals(new long[]{1, 0}, r.indices().toLongArray());
        r.values().backward(Tensor.of(new double[]{10, 20}));
        assertArrayEquals(new double[]{0, 10, 0, 20, 0, 0}, x.grad().toDoubleArray());
        Tensor y = Tensor.of(new double[]{4, 1, 1}).requiresGrad(true);
        y.min(0, true).values().sum().backward();
        assertArrayEquals(new double[]{0, 1, 0}, y.grad().toDoubleArray());
        assertArrayEquals(new double[]{0, 0.5, 0.5}, grad(Tensor::max, 1, 3, 3), "max() without a dim is amax: ties share");
    }

    @Test
    void maximumAndMinimumSplitTies() {
        Tensor a = Tensor.of(new double[]{1, 2, 3}).requiresGrad(true), b = Tensor.of(new double[]{2, 2, 1}).requiresGrad(true);
        a.maximum(b).sum().backward();
        assertArrayEquals(new double[]{0, 0.5, 1}, a.grad().toDoubleArray());
        assertArrayEquals(new double[]{1, 0.5, 0}, b.grad().toDoubleArray());
        Tensor c = Tensor.of(new double[]{1, 2}).requiresGrad(true), d = Tensor.of(new double[]{2, 2}).requiresGrad(true);
        c.minimum(d).sum().backward();
        assertArrayEquals(new double[]{1, 0.5}, c.grad().toDoubleArray());
        assertArrayEquals(new double[]{0, 0.5}, d.grad().toDoubleArray());
        // clamp is maximum then minimum with constants: gradient 1 inside, 0 outside.
        assertArrayEquals(new double[]{0, 1, 0}, grad(x -> x.clamp(-1, 1), -3, 0.5, 4));
    }

    @Test
    void prodWithZeros() {
        assertArrayEquals(new double[]{0, 6, 0}, grad(Tensor::prod, 2, 0, 3));       // one zero: the others' product at the zero
        assertArrayEquals(new double[]{0, 0, 0}, grad(Tensor::prod, 0, 0, 3));       // two zeros: 0 everywhere
        assertArrayEquals(new double[]{12, 8, 6}, grad(Tensor::prod, 2, 3, 4));      // no zero
        assertArrayEquals(new double[]{1}, grad(Tensor::prod, 0));                   // product of nothing else is 1
    }

    @Test
    void powAtZero() {
        Tensor x = Tensor.of(new double[]{0, 0, 2}).requiresGrad(true), y = Tensor.of(new double[]{0, 2, 3}).requiresGrad(true);
        x.pow(y).sum().backward();
        assertArrayEquals(new double[]{0, 0, 12}, x.grad().toDoubleArray());            // y x^(y-1), 0 where y = 0
        assertArrayEquals(new double[]{0, 0, 8 * Math.log(2)}, y.grad().toDoubleArray(), 1e-12);   // z log x, 0 where x = 0 and y >= 0
    }

    @Test
    void catCastsEachSlabBackToItsInputsDtype() {
        Tensor a = Tensor.of(new float[]{1, 2}).requiresGrad(true), b = Tensor.of(new double[]{3}).requiresGrad(true);
        Tensor c = Tensor.cat(0, a, b);
        assertEquals(DType.F64, c.dtype());
        c.mul(Tensor.of(new double[]{10, 20, 30})).sum().backward();
        assertEquals(DType.F32, a.grad().dtype());
        assertArrayEquals(new float[]{10, 20}, a.grad().toFloatArray());
        assertArrayEquals(new double[]{30}, b.grad().toDoubleArray());
    }

    @Test
    void scatterAddWithAnIndexSmallerThanSrc() {
        Tensor x = Tensor.of(new double[]{0, 0, 0, 0, 0, 0}, 2, 3).requiresGrad(true);
        Tensor src = Tensor.of(new double[]{1, 2, 3, 4, 5, 6, 7, 8}, 2, 4).requiresGrad(true);
        Tensor idx = Tensor.of(new long[]{2, 0}, 1, 2);              // src[0, 0] -> out[0, 2], src[0, 1] -> out[0, 0]
        Tensor weights = Tensor.of(new double[]{10, 20, 30, 40, 50, 60}, 2, 3);
        x.scatterAdd(1, idx, src).mul(weights).sum().backward();
        assertArrayEquals(new double[]{10, 20, 30, 40, 50, 60}, x.grad().toDoubleArray());
        assertArrayEquals(new double[]{30, 10, 0, 0, 0, 0, 0, 0}, src.grad().toDoubleArray());
        GradCheck.check(in -> in.get(0).scatterAdd(1, idx, in.get(1)).sin(), List.of(x, src)).orThrow();
    }

    @Test
    void indexSelectWithRepeatedIndicesAddsUp() {
        Tensor x = Tensor.of(new double[]{1, 2, 3}).requiresGrad(true);
        x.indexSelect(0, Tensor.of(new long[]{2, 0, 2, 2})).sum().backward();
        assertArrayEquals(new double[]{1, 0, 3}, x.grad().toDoubleArray());
    }

    @Test
    void sliceSelectAndPadPutTheGradientBack() {
        assertArrayEquals(new double[]{1, 0, 0, 1, 0}, grad(x -> x.slice(0, 0, 5, 3), 1, 2, 3, 4, 5));
        assertArrayEquals(new double[]{0, 1, 0}, grad(x -> x.select(0, 1), 1, 2, 3));
        assertArrayEquals(new double[]{1, 1, 1, 0}, grad(x -> x.pad(2, -1), 1, 2, 3, 4));      // pad 2 on the left, crop 1 on the right
    }

    @Test
    void emptyTensorsGetEmptyGradients() {
        Tensor x = Tensor.zeros(DType.F64, 0, 3).requiresGrad(true);
        x.exp().sum().backward();
        assertArrayEquals(new int[]{0, 3}, x.grad().shape().dims());
    }
}
