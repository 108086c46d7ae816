package dev.galvani.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TransformsTest {

    /** n images [n, 1, h, w] whose pixels are all distinct: 0, 1, 2, ... */
    private static Batch images(int n, int h, int w) {
        return Batch.of(Tensor.arange(0.0, n * h * w, 1.0).reshape(n, 1, h, w), Tensor.arange(n));
    }

    /** Image i of x as a flat array. */
    private static float[] image(Tensor x, int i) { return x.select(0, i).contiguous().toFloatArray(); }

    /** The h x w window at (top, left) of a plain row-major [rows, cols] picture, 0 outside it. */
    private static float[] window(float[] picture, int rows, int cols, int top, int left, int h, int w, int pad) {
        float[] out = new float[h * w];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++) {
                int sr = top + r - pad, sc = left + c - pad;
                out[r * w + c] = sr >= 0 && sr < rows && sc >= 0 && sc < cols ? picture[sr * cols + sc] : 0;
            }
        return out;
    }

    @Test void normalizeSubtractsAndDivides() {
        Batch b = Batch.of(Tensor.of(new float[]{0, 0.5f, 1}, 3, 1, 1, 1), Tensor.arange(3));
        Batch n = Transforms.normalize(0.5, 0.25).apply(b);
        assertArrayEquals(new float[]{-2, 0, 2}, n.inputs().toFloatArray(), 1e-6f);
        assertSame(b.targets(), n.targets());
    }

    @Test void normalizePerChannel() {
        Batch b = Batch.of(Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3, 1, 1), Tensor.arange(2));
        Batch n = Transforms.normalize(new double[]{1, 2, 3}, new double[]{1, 2, 4}).apply(b);
        // (x - mean[c]) / std[c] by hand: [0, 0, 0], [3, 1.5, 0.75]
        assertArrayEquals(new float[]{0, 0, 0, 3, 1.5f, 0.75f}, n.inputs().toFloatArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Transforms.normalize(new double[]{0, 0}, new double[]{1, 1}).apply(b));
    }

    @Test void horizontalFlipAtProbabilityZeroAndOne() {
        Batch b = images(3, 2, 3);
        assertArrayEquals(b.inputs().toFloatArray(), Transforms.randomHorizontalFlip(new Generator(1), 0).apply(b).inputs().toFloatArray());
        float[] flipped = Transforms.randomHorizontalFlip(new Generator(1), 1).apply(b).inputs().toFloatArray();
        // Image 0 rows are [0 1 2] and [3 4 5]; mirrored left-right by hand:
        assertArrayEquals(new float[]{2, 1, 0, 5, 4, 3}, Arrays.copyOf(flipped, 6));
    }

    @Test void horizontalFlipFlipsWholeExamplesReproducibly() {
        Batch b = images(64, 3, 4);
        Tensor out = Transforms.randomHorizontalFlip(new Generator(9)).apply(b).inputs();
        Tensor mirror = b.inputs().flip(3);
        int flips = 0;
        for (int i = 0; i < 64; i++) {
            if (Arrays.equals(image(out, i), image(mirror, i))) flips++;
            else assertArrayEquals(image(b.inputs(), i), image(out, i), "example " + i + " is either flipped or untouched");
        }
        assertTrue(flips > 16 && flips < 48, "about half flipped, got " + flips);
        assertArrayEquals(out.toFloatArray(), Transforms.randomHorizontalFlip(new Generator(9)).apply(b).inputs().toFloatArray());
    }

    @Test void randomCropShiftsEachExampleWithinThePadding() {
        int n = 40, h = 5, w = 6, pad = 2;
        Batch b = images(n, h, w);
        Tensor out = Transforms.randomCrop(new Generator(3), pad).apply(b).inputs();
        assertArrayEquals(new int[]{n, 1, h, w}, out.shape().dims());
        int shifted = 0;
        for (int i = 0; i < n; i++) {
            float[] original = image(b.inputs(), i), crop = image(out, i);
            boolean found = false;
            for (int top = 0; top <= 2 * pad && !found; top++)
                for (int left = 0; left <= 2 * pad && !found; left++)
                    if (Arrays.equals(crop, window(original, h, w, top, left, h, w, pad))) {
                        found = true;
                        if (top != pad || left != pad) shifted++;
                    }
            if (!found) fail("example " + i + " is not a window of its zero-padded image");
        }
        assertTrue(shifted > n / 2, "most examples move (1 in 25 offsets is the centre), got " + shifted);
        assertArrayEquals(out.toFloatArray(), Transforms.randomCrop(new Generator(3), pad).apply(b).inputs().toFloatArray());
        assertSame(b, Transforms.randomCrop(new Generator(3), 0).apply(b));
    }

    @Test void composeAppliesInOrder() {
        Batch b = Batch.of(Tensor.of(new float[]{1, 2}, 2, 1, 1, 1), Tensor.arange(2));
        Batch out = Transforms.compose(x -> x.with(Batch.INPUTS, x.inputs().add(1.0)), Transforms.normalize(0, 2)).apply(b);
        assertArrayEquals(new float[]{1, 1.5f}, out.inputs().toFloatArray());
    }

    @Test void imageTransformsRejectFlatInputs() {
        Batch flat = Batch.of(Tensor.zeros(4, 10), Tensor.arange(4));
        var e = assertThrows(IllegalArgumentException.class, () -> Transforms.randomCrop(new Generator(1), 2).apply(flat));
        assertEquals("randomCrop: inputs must be images [B, (C,) H, W], got [4, 10]", e.getMessage());
    }
}
