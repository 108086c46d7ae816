package dev.galvani.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradient clipping, checked against hand-worked norms. */
class GradClipTest {

    /** A parameter whose gradient is {@code grad}. */
    private static Parameter withGrad(double... grad) {
        Parameter p = new Parameter(Tensor.zeros(dev.galvani.tensor.DType.F64, grad.length));
        p.value().setGrad(Tensor.of(grad, grad.length));
        return p;
    }

    @Test
    void clipsTheTotalTwoNormWithPyTorchsEpsilon() {
        Parameter a = withGrad(3, 4), b = withGrad(12), none = new Parameter(Tensor.zeros(2));
        // total = sqrt(3^2 + 4^2 + 12^2) = 13; scale = 6.5 / (13 + 1e-6)
        double total = GradClip.clipGradNorm(List.of(a, none, b), 6.5).itemDouble();
        assertEquals(13, total, 1e-12);
        double scale = 6.5 / (13 + 1e-6);
        assertArrayEquals(new double[]{3 * scale, 4 * scale}, a.grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[]{12 * scale}, b.grad().toDoubleArray(), 1e-15);
        assertEquals(null, none.grad());
    }

    @Test
    void leavesSmallGradientsAlone() {
        Parameter a = withGrad(3, 4);
        assertEquals(5, GradClip.clipGradNorm(List.of(a), 5.1).itemDouble(), 1e-12);
        assertArrayEquals(new double[]{3, 4}, a.grad().toDoubleArray());
        assertEquals(0, GradClip.clipGradNorm(List.of(new Parameter(Tensor.zeros(1))), 1.0).itemDouble(), "no gradients: norm 0");
    }

    @Test
    void otherNormTypes() {
        Parameter a = withGrad(3, -4), b = withGrad(12);
        assertEquals(19, GradClip.clipGradNorm(List.of(a, b), 100, 1).itemDouble(), 1e-12);          // |3| + |-4| + |12|
        assertEquals(12, GradClip.clipGradNorm(List.of(a, b), 6, Double.POSITIVE_INFINITY).itemDouble(), 1e-12);
        double scale = 6 / (12 + 1e-6);
        assertArrayEquals(new double[]{3 * scale, -4 * scale}, a.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void nonFiniteNorms() {
        Parameter a = withGrad(Double.NaN, 1);
        String msg = assertThrows(IllegalStateException.class, () -> GradClip.clipGradNorm(List.of(a), 1, 2, true)).getMessage();
        assertTrue(msg.startsWith("clipGradNorm: the total norm of order 2.0 of the gradients is NaN"), msg);
        assertEquals(1, a.grad().toDoubleArray()[1], "unchanged after the error");
        assertTrue(Double.isNaN(GradClip.clipGradNorm(List.of(a), 1).itemDouble()));
        assertTrue(Double.isNaN(a.grad().toDoubleArray()[1]), "scaled by NaN, as PyTorch does");
    }

    @Test
    void clipsValues() {
        Parameter a = withGrad(-3, 0.5, 2), b = withGrad(0.99);
        GradClip.clipGradValue(List.of(a, b), 1);
        assertArrayEquals(new double[]{-1, 0.5, 1}, a.grad().toDoubleArray());
        assertArrayEquals(new double[]{0.99}, b.grad().toDoubleArray());
    }

    @Test
    void rejectsNegativeLimits() {
        assertEquals("clipGradNorm: maxNorm must be >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(List.of(withGrad(1)), -1)).getMessage());
        assertEquals("clipGradValue: clipValue must be >= 0, got -0.5",
                assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradValue(List.of(withGrad(1)), -0.5)).getMessage());
    }
}
