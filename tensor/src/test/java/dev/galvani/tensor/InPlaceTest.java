package dev.galvani.tensor;

import static dev.galvani.tensor.testing.TensorAssert.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** In-place writes: values, views, version counting, and refusals where autograd needs the data. */
class InPlaceTest {

    @Test
    void arithmeticInPlace() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2);
        assertSame(x, x.addInPlace(Tensor.of(new float[]{10, 20})));           // broadcast over rows
        assertValues(x, new double[]{11, 22, 13, 24}, 2, 2);
        x.subInPlace(Tensor.ones(2, 2)).mulInPlace(2).divInPlace(Tensor.full(4, 1));
        assertValues(x, new double[]{5, 10.5, 6, 11.5}, 2, 2);
        x.addInPlace(Tensor.ones(2, 2), -0.5);
        assertValues(x, new double[]{4.5, 10, 5.5, 11}, 2, 2);
        x.mulInPlace(Tensor.of(new float[]{0, 1}));
        assertValues(x, new double[]{0, 10, 0, 11}, 2, 2);
        x.fill(3);
        assertValues(x, new double[]{3, 3, 3, 3}, 2, 2);
        x.zero();
        assertValues(x, new double[]{0, 0, 0, 0}, 2, 2);
    }

    @Test
    void writesThroughViews() {
        Tensor x = Tensor.zeros(3, 4);
        x.select(1, 2).fill(7);                     // a strided column
        x.narrow(0, 1, 1).copyFrom(Tensor.arange(4).to(DType.F32));
        x.T().narrow(0, 0, 1).addInPlace(Tensor.ones(1, 3));
        assertValues(x, new double[]{1, 0, 7, 0, 1, 1, 2, 3, 1, 0, 7, 0}, 3, 4);
    }

    @Test
    void integerTensorsStayIntegral() {
        Tensor i = Tensor.of(new int[]{1, 2, 3});
        i.addInPlace(Tensor.of(new int[]{1, 1, 1}));
        assertEquals(DType.I32, i.dtype());
        assertValues(i, new double[]{2, 3, 4}, 3);
        assertThrows(IllegalArgumentException.class, () -> i.mulInPlace(0.5));      // F32 result cannot go into I32
        assertValues(i, new double[]{2, 3, 4}, 3);                                   // unchanged
        assertThrows(IllegalArgumentException.class, () -> i.copyFrom(Tensor.ones(2)));
    }

    @Test
    void versionCountsWritesAndLeavesThatRequireGradAreProtected() {
        Tensor x = Tensor.zeros(3);
        int v = x.storage().version();
        x.fill(1);
        x.narrow(0, 0, 1).zero();
        assertEquals(v + 2, x.storage().version());
        Tensor w = Tensor.ones(3).requiresGrad(true);
        var e = assertThrows(IllegalStateException.class, () -> w.mulInPlace(2));
        assertTrue(e.getMessage().startsWith("mulInPlace: a leaf tensor that requires grad cannot be changed in place"), e.getMessage());
        try (var _ = GradMode.disable()) {
            w.mulInPlace(2);                           // allowed for optimiser updates
        }
        assertValues(w, new double[]{2, 2, 2}, 3);
        Tensor y = w.mul(3.0);
        assertThrows(IllegalStateException.class, () -> y.zero());
    }
}
