package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The spellings a PyTorch user types first work here too; every expected value is worked by hand. */
class PyTorchHabitsTest {

    private final Tensor m = Tensor.of(new float[][]{{3, 7, 7}, {9, 1, 4}});

    @Test void nestedArraysInAndNestedListsOut() {
        assertEquals(List.of(2, 3), List.of(m.size(0), m.size(1)));
        assertEquals(DType.F32, m.dtype());
        assertEquals(List.of(List.of(3f, 7f, 7f), List.of(9f, 1f, 4f)), m.toList());
        Tensor cube = Tensor.of(new double[][][]{{{1, 2}}, {{3, 4}}});
        assertEquals(Shape.of(2, 1, 2), cube.shape());
        assertEquals(List.of(List.of(List.of(1.0, 2.0)), List.of(List.of(3.0, 4.0))), cube.toList());
        assertEquals(List.of(List.of(5L, 6L)), Tensor.of(new long[][]{{5, 6}}).toList());
        assertEquals(List.of(List.of(true), List.of(false)), Tensor.of(new boolean[][]{{true}, {false}}).toList());
        assertEquals(DType.I32, Tensor.ofNested(new int[][][][]{{{{1}}}}).dtype());
        assertEquals(2.5, Tensor.of(new double[]{2.5}).sum().toList(), "a 0-d tensor gives its value");
        assertEquals(List.of(List.of(9f, 1f, 4f)), m.narrow(0, 1, 1).toList(), "views list their own elements");
        assertEquals(List.of(List.of(3f, 9f), List.of(7f, 1f), List.of(7f, 4f)), m.t().toList(), "a transposed view");
        assertEquals(Shape.of(0), Tensor.of(new float[0][3]).shape(), "no rows: no row length to read, as torch.tensor([])");
        assertEquals(Shape.of(2, 0), Tensor.of(new float[2][0]).shape());
    }

    @Test void raggedOrNullRowsAreRefusedWithTheirPlace() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[][]{{1, 2}, {3}}));
        assertEquals("Tensor.of: ragged array: the row at [1] has 1 elements, its first sibling 2", e.getMessage());
        var n = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[][]{{1, 2}, null}));
        assertTrue(n.getMessage().contains("the row at [1] is null"), n.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofNested(new String[][]{{"a"}}));
    }

    @Test void maxAndMinWithAndWithoutADim() {
        assertEquals(9f, m.max().item());
        assertEquals(1f, m.min().item());
        var rows = m.max(1);
        assertEquals(List.of(7f, 9f), rows.values().toList());
        assertEquals(List.of(1L, 0L), rows.indices().toList(), "the first of the tied 7s");
        var cols = m.min(0, true);
        assertEquals(List.of(List.of(3f, 1f, 4f)), cols.values().toList());
        assertEquals(List.of(List.of(0L, 1L, 1L)), cols.indices().toList());
        assertEquals(List.of(1L, 0L), m.argmax(1).toList());
        assertEquals(List.of(0L, 1L), m.argmin(1).toList());
        assertEquals(List.of(List.of(3f, 7f, 7f), List.of(9f, 7f, 7f)), m.max(Tensor.of(new float[]{0, 7, 7})).toList());
        assertEquals(List.of(List.of(0f, 7f, 7f), List.of(0f, 1f, 4f)), m.min(Tensor.of(new float[]{0, 7, 7})).toList());
    }

    @Test void transposeAndSize() {
        assertEquals(Shape.of(3, 2), m.t().shape());
        assertEquals(m.shape(), m.size());
        assertArrayEquals(new float[]{5}, Tensor.of(new float[]{5}).t().toFloatArray(), "1-D: unchanged, as in PyTorch");
    }

    @Test void randomFactoriesWithoutAGeneratorFollowManualSeed() {
        Tensor.manualSeed(123);
        float[] a = Tensor.randn(4).toFloatArray();
        float[] u = Tensor.rand(2, 2).toFloatArray();
        Tensor.manualSeed(123);
        assertArrayEquals(a, Tensor.randn(4).toFloatArray());
        assertArrayEquals(u, Tensor.rand(2, 2).toFloatArray());
        assertArrayEquals(a, Tensor.randn(new Generator(123), 4).toFloatArray(), "the same stream as an explicit generator with that seed");
        for (float x : u) assertTrue(x >= 0 && x < 1);
    }
}
