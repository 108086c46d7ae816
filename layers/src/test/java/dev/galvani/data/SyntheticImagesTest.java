package dev.galvani.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticImagesTest {

    @Test void layoutMatchesFashionMNIST() {
        TensorDataset ds = SyntheticImages.generate(25, 1);
        assertEquals(25, ds.size());
        assertArrayEquals(new int[]{25, 1, 28, 28}, ds.tensors().inputs().shape().dims());
        assertEquals(DType.F32, ds.tensors().inputs().dtype());
        assertEquals(DType.I64, ds.tensors().targets().dtype());
        float[] px = ds.tensors().inputs().toFloatArray();
        for (float v : px) assertTrue(v >= 0 && v <= 1, "pixel " + v);
        long[] labels = ds.tensors().targets().toLongArray();
        for (int i = 0; i < 25; i++) assertEquals(i % 10, labels[i]);
        assertEquals(10, SyntheticImages.CLASSES.size());
    }

    @Test void aSeedReproducesTheImages() {
        float[] a = SyntheticImages.generate(20, 7).tensors().inputs().toFloatArray();
        assertArrayEquals(a, SyntheticImages.generate(20, 7).tensors().inputs().toFloatArray());
        assertFalse(Arrays.equals(a, SyntheticImages.generate(20, 8).tensors().inputs().toFloatArray()));
    }

    /**
     * Mean brightness must not give the class away: the nearest class-mean brightness, fitted on
     * 1000 images and scored on 1000 others, should be far from a usable classifier (chance is 10%).
     */
    @Test void meanBrightnessDoesNotRevealTheClass() {
        TensorDataset ds = SyntheticImages.generate(2000, 3);
        double[] brightness = ds.tensors().inputs().to(DType.F64).mean(new int[]{1, 2, 3}, false).toDoubleArray();
        long[] labels = ds.tensors().targets().toLongArray();
        double[] classMean = new double[10];
        for (int i = 0; i < 1000; i++) classMean[(int) labels[i]] += brightness[i] / 100;
        int right = 0;
        for (int i = 1000; i < 2000; i++) {
            int best = 0;
            for (int c = 1; c < 10; c++)
                if (Math.abs(brightness[i] - classMean[c]) < Math.abs(brightness[i] - classMean[best])) best = c;
            if (best == labels[i]) right++;
        }
        assertTrue(right < 250, "brightness alone classified " + right + " of 1000");
    }

    @Test void stripesRunTheWayTheirLabelSays() {
        // Horizontal stripes change from row to row, vertical ones from column to column. Summed
        // over 20 images of each, as pixel noise can hide the stripes of a single faint image.
        TensorDataset ds = SyntheticImages.generate(200, 4);
        float[] px = ds.tensors().inputs().toFloatArray();
        double[] down = new double[2], across = new double[2];
        for (int i = 0; i < 200; i++) {
            int label = i % 10;
            if (label > 1) continue;
            for (int r = 0; r < 27; r++)
                for (int c = 0; c < 27; c++) {
                    float v = px[i * 784 + r * 28 + c];
                    down[label] += Math.abs(px[i * 784 + (r + 1) * 28 + c] - v);
                    across[label] += Math.abs(px[i * 784 + r * 28 + c + 1] - v);
                }
        }
        assertTrue(down[0] > 1.05 * across[0], "horizontal stripes: " + down[0] + " down, " + across[0] + " across");
        assertTrue(across[1] > 1.05 * down[1], "vertical stripes: " + down[1] + " down, " + across[1] + " across");
    }
}
