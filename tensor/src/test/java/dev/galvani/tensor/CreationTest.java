package dev.galvani.tensor;

import static dev.galvani.tensor.testing.TensorAssert.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.backend.SpecialFunctions;
import org.junit.jupiter.api.Test;

/** Factories, metadata and conversions, with hand-worked expectations. */
class CreationTest {

    @Test
    void ofCopiesDataAndChecksLength() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor a = Tensor.of(data, 2, 3);
        data[0] = 99;                                   // the tensor owns a copy
        assertEquals(1f, a.get(0, 0));
        assertArrayEquals(new int[]{2, 3}, a.shape().dims());
        assertEquals(2, a.dim());
        assertEquals(6, a.numel());
        assertEquals(DType.F32, a.dtype());
        assertEquals(Device.CPU, a.device());
        assertTrue(a.isContiguous());
        assertArrayEquals(new int[]{3, 1}, a.strides());
        assertArrayEquals(new int[]{3}, Tensor.of(new long[]{1, 2, 3}).shape().dims());
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertEquals("Tensor.of: 5 values cannot fill shape [2, 3] (6 elements)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
    }

    @Test
    void fullZerosOnesAndLike() {
        assertValues(Tensor.full(2.5, 2, 2), new double[]{2.5, 2.5, 2.5, 2.5}, 2, 2);
        assertValues(Tensor.zeros(DType.I32, 3), new double[]{0, 0, 0}, 3);
        assertEquals(DType.F64, Tensor.ones(DType.F64, 2).dtype());
        Tensor x = Tensor.of(new int[]{1, 2}, 2);
        assertEquals(DType.I32, x.onesLike().dtype());
        assertValues(x.fullLike(7), new double[]{7, 7}, 2);
        assertEquals(0, Tensor.zeros(0, 5).numel());
    }

    @Test
    void arangeAndLinspace() {
        Tensor a = Tensor.arange(0, 10, 3);
        assertEquals(DType.I64, a.dtype());
        assertValues(a, new double[]{0, 3, 6, 9}, 4);
        assertValues(Tensor.arange(5, 0, -2), new double[]{5, 3, 1}, 3);
        assertValues(Tensor.arange(4), new double[]{0, 1, 2, 3}, 4);
        assertEquals(0, Tensor.arange(3, 3).numel());
        Tensor f = Tensor.arange(0.0, 1.0, 0.25);
        assertEquals(DType.F32, f.dtype());
        assertValues(f, new double[]{0, 0.25, 0.5, 0.75}, 4);
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 5, -1));
        assertValues(Tensor.linspace(DType.F64, -1, 1, 5), new double[]{-1, -0.5, 0, 0.5, 1}, 5);
        assertValues(Tensor.linspace(3, 7, 1), new double[]{3}, 1);
        assertEquals(0, Tensor.linspace(0, 1, 0).numel());
    }

    @Test
    void eye() {
        assertValues(Tensor.eye(2, 3), new double[]{1, 0, 0, 0, 1, 0}, 2, 3);
        assertValues(Tensor.eye(DType.I64, 3, 2), new double[]{1, 0, 0, 1, 0, 0}, 3, 2);
    }

    @Test
    void conversionsAndItem() {
        Tensor t = Tensor.of(new double[]{1.5, -2.5, 3.7}, 3);
        assertArrayEquals(new float[]{1.5f, -2.5f, 3.7f}, t.toFloatArray());
        assertArrayEquals(new int[]{1, -2, 3}, t.toIntArray());            // truncation toward zero, as C casts
        assertArrayEquals(new long[]{1, -2, 3}, t.toLongArray());
        assertArrayEquals(new boolean[]{true, true, true}, t.toBooleanArray());
        assertEquals(-2.5, t.get(-2));
        assertEquals(3.5f, Tensor.scalar(3.5).item());
        assertEquals(9_007_199_254_740_993L, Tensor.of(new long[]{9_007_199_254_740_993L}).itemLong());   // > 2^53, exact
        var e = assertThrows(IllegalArgumentException.class, t::item);
        assertEquals("item: a tensor with 3 elements [3] cannot be converted to one number", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(3));
        assertThrows(IllegalArgumentException.class, () -> t.get(0, 0));
        // to(dtype) is the identity when nothing changes, a copy otherwise.
        assertTrue(t.to(DType.F64) == t);
        assertFalse(t.to(DType.F32) == t);
        assertTrue(t.to(Device.CPU) == t);
    }

    @Test
    void bareDevicesExplainThemselves() {
        // "cuda" has a backend in this module: where it cannot open, it says why in its own sentence (CudaAvailabilityTest).
        var why = dev.galvani.tensor.cuda.CudaBackend.unavailableReason(0);
        if (why.isPresent()) {
            var e = assertThrows(dev.galvani.tensor.backend.BackendUnavailableException.class, () -> Tensor.zeros(2).to(Device.cuda(0)));
            assertEquals(why.get(), e.getMessage());
        }
        var f = assertThrows(dev.galvani.tensor.backend.BackendUnavailableException.class, () -> Tensor.zeros(new Device("tpu", 1), 2));
        assertTrue(f.getMessage().startsWith("device tpu:1: no backend for 'tpu' devices"), f.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Device.cuda(-1));
        assertThrows(IllegalArgumentException.class, () -> new Device("CUDA", 0));
        assertEquals(Device.cuda(1), Device.parse("cuda:1"));
        assertEquals(Device.CPU, Device.parse("cpu"));
    }

    @Test
    void erfMatchesTabulatedValues() {
        // Abramowitz & Stegun Table 7.1 and well-known closed values.
        assertEquals(0.0, SpecialFunctions.erf(0.0));
        assertEquals(0.5204998778130465, SpecialFunctions.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, SpecialFunctions.erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, SpecialFunctions.erf(2.0), 1e-15);
        assertEquals(0.9995930479825550, SpecialFunctions.erf(2.5), 1e-15);
        assertEquals(-0.9999779095030014, SpecialFunctions.erf(-3.0), 1e-15);
        assertEquals(2.209049699858544e-05, SpecialFunctions.erfc(3.0), 1e-19);
        assertEquals(1.5374597944280349e-12, SpecialFunctions.erfc(5.0), 1e-25);
        assertTrue(Double.isNaN(SpecialFunctions.erf(Double.NaN)));
        assertEquals(1.0, SpecialFunctions.erf(Double.POSITIVE_INFINITY));
    }
}
