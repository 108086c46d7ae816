package dev.galvani.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.galvani.tensor.DType;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real Fashion-MNIST files. Skipped where they are not installed (CI installs them with
 * {@code apt-get install -y dataset-fashion-mnist}).
 *
 * <p>Expected values were read from the .gz files independently of Galvani, with Python's standard
 * library, in /usr/share/datasets/fashion-mnist:
 * <pre>
 * python3 -c 'import gzip, collections
 * for s in ["train", "t10k"]:
 *     l = gzip.open(s + "-labels-idx1-ubyte.gz").read(); print(s, list(l[8:28]), sorted(collections.Counter(l[8:]).items()))
 *     im = gzip.open(s + "-images-idx3-ubyte.gz").read()[16:]
 *     print("image 0: sum", sum(im[:784]), "pixel (14, 14)", im[14 * 28 + 14])
 * im = gzip.open("train-images-idx3-ubyte.gz").read()[16:]
 * m = sum(im) / len(im) / 255; print("mean", m, "std", (sum(b * b for b in im) / len(im) / 255**2 - m * m) ** 0.5)'
 * </pre>
 */
class FashionMNISTTest {

    private static TensorDataset train;
    private static TensorDataset test;
    private static float[] trainPixels;

    @BeforeAll static void load() throws IOException {
        assumeTrue(FashionMNIST.isAvailable(), "Fashion-MNIST is not installed: skipping. Install it with "
                + "`apt-get install -y dataset-fashion-mnist` or set GALVANI_DATA to a folder holding the four IDX files.");
        long t0 = System.nanoTime();
        train = FashionMNIST.train();
        long t1 = System.nanoTime();
        test = FashionMNIST.test();
        trainPixels = train.tensors().inputs().toFloatArray();
        System.out.printf("FashionMNIST: train read in %.0f ms, test in %.0f ms%n", (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
    }

    @Test void countsShapesAndTypes() {
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        assertArrayEquals(new int[]{60000, 1, 28, 28}, train.tensors().inputs().shape().dims());
        assertEquals(DType.F32, train.tensors().inputs().dtype());
        assertEquals(DType.I64, train.tensors().targets().dtype());
        assertEquals(10, FashionMNIST.CLASSES.size());
    }

    @Test void firstLabelsMatchPython() {
        // train: [9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9, 5, 5, 7, 9, 1, 0, 6, 4]; t10k: [9, 2, 1, 1, 6, 1, 4, 6, 5, 7, ...]
        assertArrayEquals(new long[]{9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9, 5, 5, 7, 9, 1, 0, 6, 4},
                train.tensors().targets().narrow(0, 0, 20).toLongArray());
        assertArrayEquals(new long[]{9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1, 2, 4, 8, 0},
                test.tensors().targets().narrow(0, 0, 20).toLongArray());
    }

    @Test void classesAreBalanced() {
        // Python: 6000 of each class in train, 1000 in t10k.
        long[] counts = new long[10];
        for (long y : train.tensors().targets().toLongArray()) counts[(int) y]++;
        long[] expected = new long[10];
        Arrays.fill(expected, 6000);
        assertArrayEquals(expected, counts);
    }

    @Test void pixelsAreScaledBytes() {
        float min = 1, max = 0;
        for (float v : trainPixels) {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        // Image 0: byte sum 76247, pixel (14, 14) = 217 in train; sum 33456, pixel 110 in t10k.
        assertEquals(76247 / 255.0, train.get(0).inputs().sum().itemDouble(), 1e-3);
        assertEquals(217 / 255f, (float) train.get(0).inputs().get(0, 14, 14));
        assertEquals(33456 / 255.0, test.get(0).inputs().sum().itemDouble(), 1e-3);
        assertEquals(110 / 255f, (float) test.get(0).inputs().get(0, 14, 14));
    }

    @Test void meanAndStdConstantsComeFromTheTrainingPixels() {
        // Python gives mean 0.28604, std 0.35302 (population); the constants are those to 4 places.
        double sum = 0, squares = 0;
        float[] px = trainPixels;
        for (float v : px) { sum += v; squares += (double) v * v; }
        double mean = sum / px.length, std = Math.sqrt(squares / px.length - mean * mean);
        assertEquals(0.2860406, mean, 1e-6);
        assertEquals(0.3530242, std, 1e-6);
        assertEquals(FashionMNIST.MEAN, mean, 5e-5);
        assertEquals(FashionMNIST.STD, std, 5e-5);

        float[] z = FashionMNIST.normalized(train.subset(0, 10)).tensors().inputs().toFloatArray();
        for (int i = 0; i < z.length; i++) assertEquals((px[i] - FashionMNIST.MEAN) / FashionMNIST.STD, z[i], 1e-5);
        Batch b = FashionMNIST.normalize().apply(train.batch(0, 1));
        assertEquals((217 / 255.0 - FashionMNIST.MEAN) / FashionMNIST.STD, b.inputs().get(0, 0, 14, 14), 1e-5);
    }

    @Test void readingIsFast() throws IOException {
        long t0 = System.nanoTime();
        FashionMNIST.train();
        double seconds = (System.nanoTime() - t0) / 1e9;
        // Typically about 0.3 s; the bound only catches a reader gone badly wrong, not a slow CI machine.
        assertTrue(seconds < 5, "reading 60000 images took " + seconds + " s");
    }
}
