package dev.galvani.tensor.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.util.Arrays;

/** Comparisons of tensors with references that report the first mismatching index. */
public final class TensorAssert {

    private TensorAssert() {}

    public static void assertClose(NdArray expected, Tensor actual, Tolerance tol, String what) {
        assertArrayEquals(expected.shape, actual.shape().dims(), () -> what + ": shape " + actual.shape() + " expected " + Arrays.toString(expected.shape));
        DType t = actual.dtype();
        NdArray got = NdArray.of(actual);
        double rtol = tol.rtol(t), atol = tol.atol(t);
        int[] idx = new int[expected.shape.length];
        for (int i = 0; i < expected.data.length; i++) {
            double e = expected.data[i], a = got.data[i];
            // F32 results are compared with the reference rounded to float, as PyTorch's tests do.
            if (t == DType.F32) e = (float) e;
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : Double.isInfinite(e) ? a == e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok) fail(what + ": at " + Arrays.toString(idx) + " got " + a + " expected " + e + " (" + t + ", rtol " + rtol + ", atol " + atol + ")");
            NdArray.increment(idx, expected.shape);
        }
    }

    public static void assertClose(NdArray expected, Tensor actual) { assertClose(expected, actual, Tolerance.DEFAULT, "value"); }

    /** Exact equality of values and shape (for integers, bools, and exact float results). */
    public static void assertValues(Tensor actual, double[] expected, int... shape) {
        assertClose(new NdArray(shape, expected), actual, new Tolerance(0, 0, 0, 0), "value");
    }
}
