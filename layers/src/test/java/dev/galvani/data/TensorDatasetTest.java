package dev.galvani.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorDatasetTest {

    /** Example i: inputs [i, 100 + i], targets 10 * i. */
    private static TensorDataset pairs(int n) {
        float[] x = new float[2 * n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 100 + i;
            y[i] = 10L * i;
        }
        return new TensorDataset(Tensor.of(x, n, 2), Tensor.of(y, n));
    }

    @Test void getReturnsOneRowOfEachTensor() {
        TensorDataset ds = pairs(5);
        Batch example = ds.get(3);
        assertArrayEquals(new float[]{3, 103}, example.inputs().toFloatArray());
        assertEquals(30, example.targets().itemLong());
        assertEquals(0, example.targets().dim());
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(5));
    }

    @Test void batchSelectsRowsInTheGivenOrder() {
        Batch b = pairs(6).batch(4, 0, 4);
        assertArrayEquals(new int[]{3, 2}, b.inputs().shape().dims());
        assertArrayEquals(new float[]{4, 104, 0, 100, 4, 104}, b.inputs().toFloatArray());
        assertArrayEquals(new long[]{40, 0, 40}, b.targets().toLongArray());
        assertEquals(DType.I64, b.targets().dtype());
        assertEquals(3, b.size());
    }

    @Test void tensorsMustAgreeOnTheNumberOfExamples() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TensorDataset(Tensor.zeros(4, 2), Tensor.zeros(5)));
        assertTrue(e.getMessage().contains("[4, 2]") && e.getMessage().contains("[5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TensorDataset(Tensor.zeros(4), Tensor.scalar(1)));
    }

    @Test void subsetIsAWindowAndMapTransformsOneColumn() {
        TensorDataset sub = pairs(10).subset(7, 10);
        assertEquals(3, sub.size());
        assertArrayEquals(new long[]{70, 80, 90}, sub.tensors().targets().toLongArray());
        TensorDataset doubled = sub.map(Batch.INPUTS, x -> x.mul(2.0));
        assertArrayEquals(new float[]{14, 214}, doubled.get(0).inputs().toFloatArray());
        assertArrayEquals(new long[]{70, 80, 90}, doubled.tensors().targets().toLongArray());
        assertThrows(IndexOutOfBoundsException.class, () -> pairs(10).subset(5, 11));
    }

    @Test void batchNamesAndErrors() {
        var columns = new LinkedHashMap<String, Tensor>();
        columns.put("image", Tensor.zeros(2, 3));
        columns.put("mask", Tensor.ones(2, 3));
        columns.put("label", Tensor.of(new long[]{1, 2}, 2));
        Batch b = Batch.of(columns);
        assertEquals(List.of("image", "mask", "label"), b.names());
        assertEquals(DType.I64, b.get(2).dtype());
        var e = assertThrows(IllegalArgumentException.class, b::inputs);
        assertTrue(e.getMessage().contains("[image, mask, label]"), e.getMessage());
        assertEquals("Batch{image: F32[2, 3], mask: F32[2, 3], label: I64[2]}", b.toString());
        Batch replaced = b.with("mask", Tensor.zeros(2, 3)).with("weight", Tensor.ones(2));
        assertEquals(List.of("image", "mask", "label", "weight"), replaced.names());
        assertThrows(IllegalArgumentException.class, () -> new Batch(List.of("a", "a"), List.of(Tensor.zeros(1), Tensor.zeros(1))));
    }

    @Test void collateStackStacksPerExampleBatches() {
        TensorDataset ds = pairs(4);
        Batch b = Collate.stack().collate(List.of(ds.get(2), ds.get(0)));
        assertArrayEquals(new int[]{2, 2}, b.inputs().shape().dims());
        assertArrayEquals(new float[]{2, 102, 0, 100}, b.inputs().toFloatArray());
        assertArrayEquals(new long[]{20, 0}, b.targets().toLongArray());
    }
}
