package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Pooling;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.backend.Pool2dSpec;
import dev.galvani.tensor.testing.Inputs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gradients of convolution and pooling by finite differences, over the geometry options (stride,
 * padding, dilation, groups, ceil mode, padding counted or not), through the public front end.
 * These ops have no rows in the operation table yet ({@link GradientCoverageTest#NOT_IN_TABLE}).
 */
class ConvolutionRulesTest {

    private final Inputs in = new Inputs(dev.galvani.tensor.Device.CPU, 7);

    private Tensor leaf(int... shape) { return in.uniform(DType.F64, -1, 1, shape).requiresGrad(true); }

    @Test
    void conv2dOverItsGeometry() {
        Conv2dSpec[] specs = {new Conv2dSpec(1, 1, 0, 0, 1, 1, 1), new Conv2dSpec(2, 1, 1, 2, 1, 1, 1),
                new Conv2dSpec(1, 2, 1, 0, 2, 1, 1), new Conv2dSpec(1, 1, 1, 1, 1, 1, 2)};
        for (Conv2dSpec spec : specs) {
            Tensor x = leaf(2, 4, 6, 5), w = leaf(6, 4 / spec.groups(), 3, 2), b = leaf(6);
            GradCheck.check(v -> Convolution.conv2d(v.get(0), v.get(1), v.get(2), spec), List.of(x, w, b)).orThrow();
        }
    }

    @Test
    void conv2dWithNonContiguousInputs() {
        Tensor x = in.uniform(DType.F64, -1, 1, 2, 5, 5, 3).permute(0, 3, 1, 2).requiresGrad(true);   // [2, 3, 5, 5], channels last
        Tensor w = in.uniform(DType.F64, -1, 1, 3, 3, 4, 2).transpose(0, 3).requiresGrad(true);        // [2, 3, 4, 3]
        GradCheck.check(v -> Convolution.conv2d(v.get(0), v.get(1)), List.of(x, w)).orThrow();
    }

    @Test
    void conv1dThroughViews() {
        Tensor x = leaf(2, 3, 9), w = leaf(4, 3, 3);
        GradCheck.check(v -> Convolution.conv1d(v.get(0), v.get(1), null, 2, 1, 2, 1), List.of(x, w)).orThrow();
    }

    @Test
    void aBroadcastOutputGradientGivesTheSameResult() {
        // sum() hands the rule an expanded (zero-stride) gradient; an explicit seed of ones a contiguous one.
        Tensor x = leaf(1, 2, 5, 5), w = leaf(3, 2, 3, 3);
        Convolution.conv2d(x, w, null, 1, 1).sum().backward();
        double[] gx = x.grad().toDoubleArray(), gw = w.grad().toDoubleArray();
        x.setGrad(null);
        w.setGrad(null);
        Tensor y = Convolution.conv2d(x, w, null, 1, 1);
        y.backward(y.onesLike().contiguous());
        assertArrayEquals(gx, x.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(gw, w.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void maxPool2dOverItsGeometry() {
        Pool2dSpec[] specs = {new Pool2dSpec(2, 2, 2, 2, 0, 0, 1, 1, false, true), new Pool2dSpec(3, 2, 2, 1, 1, 1, 1, 1, true, true),
                new Pool2dSpec(2, 2, 1, 1, 0, 0, 2, 1, false, true)};
        for (Pool2dSpec spec : specs) {
            Tensor x = leaf(2, 3, 7, 6);
            GradCheck.check(v -> Pooling.maxPool2d(v.get(0), spec), List.of(x)).orThrow();
        }
        Tensor x = leaf(2, 3, 8);
        GradCheck.check(v -> Pooling.maxPool1d(v.get(0), 3, 2, 1, 1, false), List.of(x)).orThrow();
    }

    @Test
    void maxPoolSendsTheGradientToTheMaximum() {
        Tensor x = Tensor.of(new double[]{1, 4, 2, 3}, 1, 1, 2, 2).requiresGrad(true);
        Pooling.maxPool2d(x, 2).sum().backward();
        assertArrayEquals(new double[]{0, 1, 0, 0}, x.grad().toDoubleArray());
    }

    @Test
    void avgPool2dOverItsGeometry() {
        Pool2dSpec[] specs = {new Pool2dSpec(2, 2, 2, 2, 0, 0, 1, 1, false, true), new Pool2dSpec(3, 3, 2, 2, 1, 1, 1, 1, true, false),
                new Pool2dSpec(3, 2, 2, 1, 1, 1, 1, 1, true, true)};
        for (Pool2dSpec spec : specs) {
            Tensor x = leaf(2, 2, 7, 6);
            GradCheck.check(v -> Pooling.avgPool2d(v.get(0), spec), List.of(x)).orThrow();
        }
        Tensor x = leaf(2, 3, 8);
        GradCheck.check(v -> Pooling.avgPool1d(v.get(0), 3, 2, 1, false, false), List.of(x)).orThrow();
    }

    @Test
    void theRulesAreTheRecordedOps() {
        Tensor x = leaf(1, 1, 4, 4), w = leaf(1, 1, 2, 2);
        assertEquals("conv2d", Convolution.conv2d(x, w).gradFn().name());
        assertEquals("maxPool2d", Pooling.maxPool2d(x, 2).gradFn().name());
        assertEquals("avgPool2d", Pooling.avgPool2d(x, 2).gradFn().name());
    }
}
