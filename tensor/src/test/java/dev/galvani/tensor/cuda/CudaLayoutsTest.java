package dev.galvani.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Coalesced layouts address exactly the elements the original layouts do, in the same row-major order. */
class CudaLayoutsTest {

    /** The element offsets of every row-major index of {@code shape} under {@code strides} (the naive reference). */
    private static long[] offsets(int[] shape, int[] strides, int offset) {
        long n = 1;
        for (int s : shape) n *= s;
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            long rest = i, off = offset;
            for (int d = shape.length - 1; d >= 0; d--) {
                off += (rest % shape[d]) * strides[d];
                rest /= shape[d];
            }
            out[i] = off;
        }
        return out;
    }

    /** What a kernel computes from the structs (common.cuh's offset_of). */
    private static long[] kernelOffsets(int[] shapeStruct, int[] stridedStruct, long n) {
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            long rest = i, off = stridedStruct[0];
            for (int d = shapeStruct[0] - 1; d >= 0; d--) {
                int size = shapeStruct[1 + d];
                off += (rest % size) * stridedStruct[1 + d];
                rest /= size;
            }
            out[i] = off;
        }
        return out;
    }

    @Test
    void contiguousOperandsMergeIntoOneDimension() {
        CudaLayouts.Coalesced c = CudaLayouts.coalesce(new int[]{2, 3, 4}, new int[]{12, 4, 1}, new int[]{12, 4, 1});
        assertArrayEquals(new int[]{24}, c.shape());
        assertArrayEquals(new int[]{1}, c.strides()[0]);
    }

    @Test
    void aTransposedOrBroadcastOperandKeepsTheDimensionsItBreaks() {
        // out [2, 3, 4] contiguous, b broadcast along dim 1 (stride 0): dims 0 and 1 cannot merge, 1 and 2 cannot.
        CudaLayouts.Coalesced c = CudaLayouts.coalesce(new int[]{2, 3, 4}, new int[]{12, 4, 1}, new int[]{4, 0, 1});
        assertArrayEquals(new int[]{2, 3, 4}, c.shape());
        // size-1 dims vanish whatever their stride
        CudaLayouts.Coalesced d = CudaLayouts.coalesce(new int[]{1, 5, 1}, new int[]{99, 1, 7});
        assertArrayEquals(new int[]{5}, d.shape());
        CudaLayouts.Coalesced scalar = CudaLayouts.coalesce(new int[]{1, 1}, new int[]{0, 0});
        assertEquals(0, scalar.rank());
    }

    @Test
    void randomLayoutsAddressTheSameElementsAfterCoalescing() {
        Random r = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + r.nextInt(5);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) shape[d] = 1 + r.nextInt(4);
            int[][] strides = new int[3][rank];
            int[] offsets = new int[3];
            for (int o = 0; o < 3; o++) {
                int[] perm = permutation(r, rank);
                int step = 1;
                for (int k = rank - 1; k >= 0; k--) {                 // a permuted contiguous layout, some dims broadcast or flipped
                    int d = perm[k];
                    strides[o][d] = r.nextInt(6) == 0 ? 0 : step * (r.nextInt(8) == 0 ? -1 : 1);
                    step *= shape[d] + r.nextInt(2);
                }
                offsets[o] = r.nextInt(50) + 200;
            }
            CudaLayouts.Coalesced c = CudaLayouts.coalesce(shape, strides);
            long n = offsets(shape, strides[0], 0).length;
            for (int o = 0; o < 3; o++)
                assertArrayEquals(offsets(shape, strides[o], offsets[o]), kernelOffsets(c.shapeStruct(), c.stridedStruct(o, offsets[o]), n));
        }
    }

    @Test
    void moreThanEightMergedDimensionsDoNotFit() {
        int[] shape = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        int[] broken = {1, 2, 4, 8, 16, 32, 64, 128, 256};          // reversed: nothing merges
        assertFalse(CudaLayouts.coalesce(shape, broken).fits());
        assertEquals(CudaLayouts.MAX_DIMS + 1, CudaLayouts.coalesce(new int[]{3}, new int[]{1}).shapeStruct().length);
    }

    private static int[] permutation(Random r, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
