package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The Gaussian normalisers of operators.md §6 on hand-worked statistics. */
class NormalizerTest {

    @Test void pointwiseStatisticsArePerPointOverTheSamples() {
        // Two samples of two points: point 0 sees 1 and 3 (mean 2, unbiased std sqrt 2), point 1 sees 2 and 6 (mean 4, std 2 sqrt 2).
        Tensor x = Tensor.of(new double[]{1, 2, 3, 6}, 2, 2);
        var n = new UnitGaussianNormalizer(x, 0);
        assertArrayEquals(new double[]{2, 4}, n.mean().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[]{Math.sqrt(2), 2 * Math.sqrt(2)}, n.std().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[]{-1 / Math.sqrt(2), -1 / Math.sqrt(2), 1 / Math.sqrt(2), 1 / Math.sqrt(2)}, n.encode(x).toDoubleArray(), 1e-15);
        var withEps = new UnitGaussianNormalizer(x);
        assertEquals((3 - 2) / (Math.sqrt(2) + 1e-5), withEps.encode(x).toDoubleArray()[2], 1e-15, "eps 1e-5 is added to the std");
    }

    @Test void scalarStatisticsAreOverEveryElement() {
        // 1, 2, 3, 6: mean 3, unbiased variance (4 + 1 + 0 + 9) / 3 = 14/3.
        Tensor x = Tensor.of(new double[]{1, 2, 3, 6}, 2, 2);
        var n = new GaussianNormalizer(x, 0);
        assertEquals(3, n.mean().itemDouble(), 1e-15);
        assertEquals(Math.sqrt(14.0 / 3), n.std().itemDouble(), 1e-15);
        assertArrayEquals(new double[]{-2, -1, 0, 3}, n.encode(x).mul(Math.sqrt(14.0 / 3)).toDoubleArray(), 1e-13);
    }

    @Test void decodeInvertsEncodeAndTheStatisticsAreSaved() {
        Generator gen = new Generator(9);
        Tensor x = Tensor.randn(gen, DType.F64, 20, 1, 5, 5).mul(4).add(1);
        Tensor other = Tensor.randn(gen, DType.F64, 3, 1, 5, 5);
        for (Normalizer n : new Normalizer[]{new UnitGaussianNormalizer(x), new GaussianNormalizer(x)})
            assertArrayEquals(other.toDoubleArray(), n.decode(n.encode(other)).toDoubleArray(), 1e-12);
        assertEquals(java.util.Set.of("mean", "std"), new UnitGaussianNormalizer(x).stateDict().keySet());
        assertThrows(IllegalArgumentException.class, () -> new UnitGaussianNormalizer(Tensor.ones(1, 4)), "one sample has no spread");
    }
}
