package dev.galvani.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The GEMM warm-up only decides when C2 compiles the kernels: products before and after it are bit-identical. */
class GemmWarmUpTest {

    @Test
    void warmUpLeavesResultsBitIdentical() {
        Random rnd = new Random(3);
        int m = 50, n = 70, k = 300;
        float[] a = new float[m * k], b = new float[k * n], before = new float[m * n], after = new float[m * n];
        double[] ad = new double[m * k], bd = new double[k * n], beforeD = new double[m * n], afterD = new double[m * n];
        for (int i = 0; i < a.length; i++) ad[i] = a[i] = rnd.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) bd[i] = b[i] = rnd.nextFloat() - 0.5f;
        Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, before, 0, n, false);
        Gemm.dgemm(m, n, k, ad, 0, 1, m, bd, 0, n, 1, beforeD, 0, n, false);
        Gemm.warmUp(4, false);   // on this thread, with this thread's packing buffers, every layout and type
        Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, after, 0, n, false);
        Gemm.dgemm(m, n, k, ad, 0, 1, m, bd, 0, n, 1, afterD, 0, n, false);
        assertArrayEquals(before, after);
        assertArrayEquals(beforeD, afterD);
    }
}
