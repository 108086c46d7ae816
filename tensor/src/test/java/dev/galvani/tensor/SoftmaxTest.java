package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.galvani.tensor.testing.NdArray;
import dev.galvani.tensor.testing.OpTable;
import dev.galvani.tensor.testing.TensorAssert;
import dev.galvani.tensor.testing.Tolerance;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CPU's softmax kernels ({@code SoftmaxRows} behind {@link Softmax}) against per-row loops in
 * double ({@link OpTable#softmaxRef}, {@link OpTable#softmaxBackwardRef}) and against the composed
 * forms, on the cases where a row kernel can go wrong: rows shorter or longer than a vector and not a
 * multiple of it, one element, the softmax dimension not last, non-contiguous and offset views, values
 * whose exponential overflows, -inf and NaN entries; and results that do not depend on how rows are
 * split over threads.
 */
class SoftmaxTest {

    private final Generator gen = new Generator(2026);

    /** An input and the dimension to take softmax along, named for messages. */
    private record Case(String name, Tensor x, int dim) {}

    private List<Case> cases(DType dt) {
        List<Case> c = new ArrayList<>();
        c.add(new Case("n = 1", Tensor.randn(gen, dt, 4, 1), 1));
        c.add(new Case("n = 17 (a vector and a tail)", Tensor.randn(gen, dt, 3, 17), -1));
        c.add(new Case("n = 2049", Tensor.randn(gen, dt, 5, 2049).mul(3), 1));
        Tensor x3 = Tensor.randn(gen, dt, 2, 33, 5);
        for (int d = 0; d < 3; d++) c.add(new Case("[2, 33, 5] dim " + d, x3, d));
        c.add(new Case("transposed, rows of stride 19", Tensor.randn(gen, dt, 7, 19).t(), 1));
        c.add(new Case("narrowed rows (offset, stride)", Tensor.randn(gen, dt, 6, 40).narrow(1, 3, 35), 1));
        c.add(new Case("permuted 3-D, dim 1", Tensor.randn(gen, dt, 5, 4, 9).permute(2, 0, 1), 1));
        c.add(new Case("values near 1e4 (exp overflows unshifted)", Tensor.randn(gen, dt, 3, 50).mul(30).add(1e4), 1));
        c.add(new Case("values near -1e4", Tensor.randn(gen, dt, 3, 50).mul(30).sub(1e4), 1));
        return c;
    }

    /**
     * The composed log-softmax computes x - (max + log(sum)): near 1e4 the float sum max + log(sum) is
     * rounded to 1e4's ulp (about 1e-3), which the fused (x - max) - log(sum) avoids.
     */
    private static Tolerance composedTolerance(Case c) {
        return c.name().contains("1e4") ? new Tolerance(3e-5, 2e-3, 1e-10, 1e-9) : Tolerance.LOOSE;
    }

    @Test
    void forwardMatchesARowLoopAndTheComposedForm() {
        for (DType dt : new DType[]{DType.F32, DType.F64})
            for (Case c : cases(dt))
                for (boolean log : new boolean[]{false, true}) {
                    String what = dt + (log ? " logSoftmax " : " softmax ") + c.name();
                    NdArray want = OpTable.softmaxRef(NdArray.of(c.x()), c.dim(), log);
                    Tensor fused = log ? Softmax.logSoftmax(c.x(), c.dim()) : Softmax.softmax(c.x(), c.dim());
                    Tensor composed = log ? Softmax.composedLogSoftmax(c.x(), c.dim()) : Softmax.composedSoftmax(c.x(), c.dim());
                    TensorAssert.assertClose(want, fused, Tolerance.LOOSE, what + " (fused)");
                    TensorAssert.assertClose(want, composed, composedTolerance(c), what + " (composed)");
                }
    }

    @Test
    void backwardMatchesARowLoopAndTheComposedForm() {
        for (DType dt : new DType[]{DType.F32, DType.F64})
            for (Case c : cases(dt))
                for (boolean log : new boolean[]{false, true}) {
                    String what = dt + (log ? " logSoftmaxBackward " : " softmaxBackward ") + c.name();
                    Tensor y = log ? Softmax.logSoftmax(c.x(), c.dim()) : Softmax.softmax(c.x(), c.dim());
                    Tensor g = Tensor.randn(gen, dt, c.x().shape().dims());
                    NdArray want = OpTable.softmaxBackwardRef(NdArray.of(g), NdArray.of(y), c.dim(), log);
                    Tensor fused = log ? Softmax.logSoftmaxBackward(g, y, c.dim()) : Softmax.softmaxBackward(g, y, c.dim());
                    TensorAssert.assertClose(want, fused, Tolerance.LOOSE, what + " (fused)");
                    TensorAssert.assertClose(want, Softmax.composedBackward(g, y, c.dim(), log), Tolerance.LOOSE, what + " (composed)");
                    if (g.dim() != 2) continue;
                    Tensor gt = g.t().contiguous().t();                                          // the same gradient, strided
                    TensorAssert.assertClose(want, log ? Softmax.logSoftmaxBackward(gt, y, c.dim())
                            : Softmax.softmaxBackward(gt, y, c.dim()), Tolerance.LOOSE, what + " (strided gradient)");
                }
    }

    @Test
    void infinitiesAndNaNFollowTheFormulas() {
        double inf = Double.POSITIVE_INFINITY;
        double[] v = {
            1, -inf, 2, -inf, 0.5,          // some -inf: softmax 0 there, log-softmax -inf
            -inf, -inf, -inf, -inf, -inf,   // all -inf: 0/0, NaN (as PyTorch)
            1, Double.NaN, 2, 3, 4,         // a NaN: the whole row NaN
            -1, 0, 1, 2, 3};                // untouched by the rows above
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            Tensor x = Tensor.of(v, 4, 5).to(dt);
            for (boolean log : new boolean[]{false, true}) {
                NdArray want = OpTable.softmaxRef(NdArray.of(x), 1, log);
                assertEquals(log ? -inf : 0.0, want.get(0, 1));
                assertEquals(Double.NaN, want.get(1, 0));
                TensorAssert.assertClose(want, log ? Softmax.logSoftmax(x, 1) : Softmax.softmax(x, 1), Tolerance.LOOSE, dt + " log " + log);
                Tensor partial = x.narrow(0, 0, 1);
                TensorAssert.assertClose(OpTable.softmaxRef(NdArray.of(partial), 1, log),
                        log ? Softmax.composedLogSoftmax(partial, 1) : Softmax.composedSoftmax(partial, 1), Tolerance.LOOSE, dt + " composed, log " + log);
                // along dim 0 the -inf and NaN entries fall into strided rows
                TensorAssert.assertClose(OpTable.softmaxRef(NdArray.of(x), 0, log), log ? Softmax.logSoftmax(x, 0) : Softmax.softmax(x, 0),
                        Tolerance.LOOSE, dt + " dim 0, log " + log);
            }
        }
    }

    @Test
    void aRowsResultIsTheSameWhateverTheSplitOverThreads() {
        // 300 rows of 1003: split over the pool; each row alone is one task on the calling thread.
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            Tensor x = Tensor.randn(gen, dt, 300, 1003).mul(5);
            for (boolean log : new boolean[]{false, true}) {
                double[] all = (log ? Softmax.logSoftmax(x, 1) : Softmax.softmax(x, 1)).toDoubleArray();
                assertArrayEquals(all, (log ? Softmax.logSoftmax(x, 1) : Softmax.softmax(x, 1)).toDoubleArray(), dt + " rerun");
                for (int r : new int[]{0, 77, 299}) {
                    Tensor row = x.narrow(0, r, 1);
                    double[] alone = (log ? Softmax.logSoftmax(row, 1) : Softmax.softmax(row, 1)).toDoubleArray();
                    for (int k = 0; k < 1003; k++) assertEquals(alone[k], all[r * 1003 + k], dt + " row " + r + " [" + k + "] log " + log);
                }
            }
        }
    }

    @Test
    void integerInputsBecomeF32() {
        Tensor x = Tensor.of(new long[]{1, 2, 3, 4}, 2, 2);
        Tensor y = Softmax.softmax(x, 1);
        assertEquals(DType.F32, y.dtype());
        TensorAssert.assertClose(OpTable.softmaxRef(NdArray.of(x), 1, false), y, Tolerance.DEFAULT, "integer softmax");
        assertEquals(DType.F32, Softmax.logSoftmax(x, 0).dtype());
    }

    @Test
    void backwardRefusesMismatchedOperands() {
        Tensor g = Tensor.randn(gen, DType.F64, 3, 4);
        assertThrows(IllegalArgumentException.class, () -> Softmax.softmaxBackward(g, Tensor.randn(gen, DType.F64, 4, 3), 1));
        assertThrows(IllegalArgumentException.class, () -> Softmax.softmaxBackward(g, Tensor.randn(gen, DType.F32, 3, 4), 1));
        assertThrows(IllegalArgumentException.class, () -> Softmax.logSoftmaxBackward(g, g, 2));
        assertThrows(IllegalArgumentException.class, () -> Softmax.softmax(g, -3));
    }
}
