package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.cpu.Gemm;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The array-level GEMM against a naive triple loop in double: every path (small loop, matrix-vector
 * loops, packed kernel, serial and threaded), ragged edges of every block size, all four transpose
 * combinations, padded and broadcast strides, offsets, accumulation, F32 and F64.
 */
class GemmTest {

    /** (m, n, k) chosen to hit each path and each block edge (MR = 12, NR = 2 vectors, KC = 256, MC = 192, NC = 32 NR). */
    static final int[][] SHAPES = {
            {0, 5, 3}, {5, 0, 3}, {4, 5, 0}, {1, 1, 1}, {3, 3, 3}, {2, 7, 5}, {13, 33, 17},        // empty, tiny, small loop
            {1, 300, 200}, {300, 1, 200}, {2, 130, 150}, {150, 2, 130}, {1, 1, 40_000},             // matrix-vector loops
            {12, 32, 256}, {24, 64, 512}, {13, 33, 257}, {11, 31, 255}, {35, 50, 100},              // exact tiles and ragged ones
            {200, 45, 70}, {400, 37, 61}, {30, 1100, 40},                                          // past MC, past NC
            {257, 263, 129}, {50, 700, 100}, {190, 190, 300},                                        // threaded, split along M and along N
    };

    /** A layout of one operand of logical shape rows x cols inside a larger array. */
    record Layout(String name, int offset, int rowStride, int colStride, int length) {
        static Layout of(String kind, int rows, int cols) {
            return switch (kind) {
                case "n" -> new Layout(kind, 0, cols, 1, rows * cols);                       // row-major
                case "t" -> new Layout(kind, 0, 1, rows, rows * cols);                       // column-major: a transposed operand
                case "pad" -> new Layout(kind, 5, cols + 3, 1, 5 + rows * (cols + 3));       // row-major rows with padding, offset
                case "tpad" -> new Layout(kind, 2, 2, 2 * rows + 1, 2 + cols * (2 * rows + 1));  // column-major, strided, padded
                case "bcast" -> new Layout(kind, 1, 0, 1, 1 + cols);                          // one row repeated (stride 0)
                default -> throw new IllegalArgumentException(kind);
            };
        }

        int index(int r, int c) { return offset + r * rowStride + c * colStride; }
    }

    static final String[][] LAYOUTS = {{"n", "n"}, {"n", "t"}, {"t", "n"}, {"t", "t"}, {"pad", "tpad"}, {"tpad", "pad"}, {"bcast", "n"}, {"n", "bcast"}};

    @Test
    void handWorkedProduct() {
        // [1 2 3; 4 5 6] x [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = {1, 2, 3, 4, 5, 6}, b = {7, 8, 9, 10, 11, 12}, c = new float[4];
        Gemm.sgemm(2, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 0, 2, false);
        assertArrayEquals(new float[]{58, 64, 139, 154}, c);
        // The same with A given transposed (A^T stored row-major) and accumulation on top.
        float[] at = {1, 4, 2, 5, 3, 6};
        Gemm.sgemm(2, 2, 3, at, 0, 1, 2, b, 0, 2, 1, c, 0, 2, true);
        assertArrayEquals(new float[]{116, 128, 278, 308}, c);
        double[] cd = new double[4];
        Gemm.dgemm(2, 2, 3, new double[]{1, 2, 3, 4, 5, 6}, 0, 3, 1, new double[]{7, 8, 9, 10, 11, 12}, 0, 2, 1, cd, 0, 2, false);
        assertArrayEquals(new double[]{58, 64, 139, 154}, cd);
    }

    @Test
    void floatMatchesNaiveLoop() {
        Random rnd = new Random(7);
        for (int[] s : SHAPES)
            for (String[] lay : LAYOUTS)
                for (boolean acc : new boolean[]{false, true})
                    checkFloat(rnd, s[0], s[1], s[2], lay[0], lay[1], acc);
    }

    @Test
    void doubleMatchesNaiveLoop() {
        Random rnd = new Random(8);
        for (int[] s : SHAPES)
            for (String[] lay : LAYOUTS)
                for (boolean acc : new boolean[]{false, true})
                    checkDouble(rnd, s[0], s[1], s[2], lay[0], lay[1], acc);
    }

    @Test
    void largeSquareProducts() {
        // Several KC and MC blocks per task and both threads busy.
        Random rnd = new Random(9);
        checkFloat(rnd, 410, 430, 600, "n", "n", false);
        checkFloat(rnd, 410, 430, 600, "t", "t", true);
        checkDouble(rnd, 300, 290, 520, "n", "t", false);
    }

    @Test
    void doubleTransposingPacksAtEveryEdge() {
        // The F64 packs transpose 8 x 8 (B panels of 16 columns) and 12 x 8 (A slivers) in registers:
        // full slivers and panels with K a multiple of 8 and not (a scalar tail, a second K block of
        // fewer than 8), ragged slivers and panels beside them, and the 12 x 8 overhang into the next
        // sliver, for every layout and with and without accumulation.
        Random rnd = new Random(12);
        int[][] shapes = {{12, 16, 8}, {36, 48, 263}, {25, 40, 300}, {24, 17, 16}, {13, 32, 519}};
        for (int[] s : shapes)
            for (String[] lay : LAYOUTS)
                for (boolean acc : new boolean[]{false, true})
                    checkDouble(rnd, s[0], s[1], s[2], lay[0], lay[1], acc);
    }

    @Test
    void smallProductsThroughVectorRows() {
        // Below Gemm.SMALL multiply-adds the product is an axpy per (row, k) in vector lanes when B's rows
        // are unit-stride: widths below, at and past one vector and two, each layout of A, accumulate or not.
        Random rnd = new Random(13);
        for (int n : new int[]{1, 7, 15, 16, 17, 33, 40})
            for (String[] lay : LAYOUTS)
                for (boolean acc : new boolean[]{false, true}) {
                    checkFloat(rnd, 9, n, 20, lay[0], lay[1], acc);
                    checkDouble(rnd, 9, n, 20, lay[0], lay[1], acc);
                }
    }

    @Test
    void resultsDoNotDependOnHowTheWorkIsSplit() {
        // Bit-reproducibility: the K blocking, and so every element's order of summation, is the same
        // whether the product is split among the pool's threads (called from here) or runs as one task
        // (called from inside a pool task, where Gemm stays on the calling thread).
        Random rnd = new Random(14);
        int m = 300, n = 260, k = 600;
        float[] a = new float[m * k], b = new float[k * n];
        double[] ad = new double[m * k], bd = new double[k * n];
        for (int i = 0; i < a.length; i++) ad[i] = a[i] = rnd.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) bd[i] = b[i] = rnd.nextFloat() - 0.5f;
        float[] split = new float[m * n], whole = new float[m * n];
        double[] splitD = new double[m * n], wholeD = new double[m * n];
        Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, split, 0, n, false);
        Gemm.dgemm(m, n, k, ad, 0, 1, m, bd, 0, n, 1, splitD, 0, n, false);
        dev.galvani.tensor.cpu.Parallel.forTasks(2, (t0, t1) -> {
            if (t0 == 0) {
                Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, whole, 0, n, false);
                Gemm.dgemm(m, n, k, ad, 0, 1, m, bd, 0, n, 1, wholeD, 0, n, false);
            }
        });
        assertArrayEquals(split, whole);
        assertArrayEquals(splitD, wholeD);
    }

    @Test
    void concurrentCallersDoNotShareBuffers() throws Exception {
        // Packing buffers are per thread: products on several threads at once must not disturb each other.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    Random rnd = new Random(100 + seed);
                    for (int rep = 0; rep < 3; rep++) {
                        checkFloat(rnd, 90 + seed, 120 + 3 * seed, 300, "n", seed % 2 == 0 ? "n" : "t", false);
                        checkDouble(rnd, 70, 60 + seed, 280, "t", "n", true);
                    }
                }));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void emptyInnerDimensionZeroesOrKeepsC() {
        float[] c = {1, 2, 3, 4, 5, 6, 9};
        Gemm.sgemm(2, 3, 0, new float[0], 0, 0, 1, new float[0], 0, 3, 1, c, 0, 3, true);
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6, 9}, c);
        Gemm.sgemm(2, 3, 0, new float[0], 0, 0, 1, new float[0], 0, 3, 1, c, 0, 3, false);
        assertArrayEquals(new float[]{0, 0, 0, 0, 0, 0, 9}, c);
    }

    @Test
    void batchedMatmulThroughTensors() {
        // MatmulKernels: batches of small products (one task each) and of large ones (threads inside
        // Gemm), transposed operands, a broadcast batch (stride 0), integer dtypes exactly.
        Generator gen = new Generator(11);
        int[][] shapes = {{5, 7, 3, 4}, {3, 130, 90, 70}, {1, 1, 300, 1}};   // batch, m, k, n
        for (int[] s : shapes)
            for (DType t : new DType[]{DType.F32, DType.F64}) {
                int batch = s[0], m = s[1], k = s[2], n = s[3];
                Tensor a = Tensor.randn(gen, t, batch, k, m).transpose(1, 2);          // [B, m, k], column-major matrices
                Tensor b = Tensor.randn(gen, t, k, n).unsqueeze(0).expand(batch, k, n);  // one matrix for the whole batch
                double[] c = a.matmul(b).toDoubleArray(), av = a.contiguous().toDoubleArray(), bv = b.contiguous().toDoubleArray();
                for (int q = 0; q < batch; q++)
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++) {
                            double ref = 0, mag = 0;
                            for (int p = 0; p < k; p++) {
                                double v = av[(q * m + i) * k + p] * bv[(q * k + p) * n + j];
                                ref += v;
                                mag += Math.abs(v);
                            }
                            double tol = (t == DType.F32 ? 1.2e-7 : 2.3e-16) * (k + 4) * mag + 1e-300;
                            assertTrue(Math.abs(c[(q * m + i) * n + j] - ref) <= tol, "matmul " + java.util.Arrays.toString(s) + " " + t);
                        }
            }
        // Integers: exact, wrapping like Java and PyTorch.
        Tensor ia = Tensor.of(new int[]{1, 2, 3, 4, 5, 6}, 2, 3), ib = Tensor.of(new int[]{7, 8, 9, 10, 11, 12}, 3, 2);
        assertArrayEquals(new int[]{58, 64, 139, 154}, ia.matmul(ib).toIntArray());
        Tensor la = Tensor.of(new long[]{1L << 40, 3}, 1, 2), lb = Tensor.of(new long[]{5, 1L << 41}, 2, 1);
        assertArrayEquals(new long[]{(5L << 40) + (3L << 41)}, la.matmul(lb).toLongArray());
        assertArrayEquals(new int[]{58, 139, 64, 154}, ia.matmul(ib).transpose(0, 1).contiguous().toIntArray());
        assertArrayEquals(new int[]{19, 22, 43, 50}, Tensor.of(new int[]{1, 2, 3, 4}, 2, 2).T().T()
                .matmul(Tensor.of(new int[]{5, 7, 6, 8}, 2, 2).T()).toIntArray());
    }

    // ---- helpers ----

    static void checkFloat(Random rnd, int m, int n, int k, String la, String lb, boolean acc) {
        Layout al = Layout.of(la, m, k), bl = Layout.of(lb, k, n);
        float[] a = new float[al.length()], b = new float[bl.length()];
        for (int i = 0; i < a.length; i++) a[i] = rnd.nextFloat() * 2 - 1;
        for (int i = 0; i < b.length; i++) b[i] = rnd.nextFloat() * 2 - 1;
        int ldc = n + 2, cOff = 3;
        float[] c = new float[cOff + m * ldc + 4];
        for (int i = 0; i < c.length; i++) c[i] = rnd.nextFloat() * 2 - 1;
        float[] c0 = c.clone();
        Gemm.sgemm(m, n, k, a, al.offset(), al.rowStride(), al.colStride(), b, bl.offset(), bl.rowStride(), bl.colStride(), c, cOff, ldc, acc);
        String what = "sgemm " + m + "x" + n + "x" + k + " " + la + "/" + lb + (acc ? " accumulate" : "");
        for (int i = 0; i < c.length; i++) {
            int rel = i - cOff, row = Math.floorDiv(rel, ldc), col = Math.floorMod(rel, ldc);
            if (rel < 0 || row >= m || col >= n) {
                assertEquals(c0[i], c[i], what + ": element " + i + " outside C was written");
                continue;
            }
            double ref = acc ? c0[i] : 0, mag = Math.abs(ref);
            for (int p = 0; p < k; p++) {
                double t = (double) a[al.index(row, p)] * b[bl.index(p, col)];
                ref += t;
                mag += Math.abs(t);
            }
            double tol = (k + 4) * 1.2e-7 * mag + 1e-30;
            assertTrue(Math.abs(c[i] - ref) <= tol, what + ": C[" + row + ", " + col + "] = " + c[i] + ", expected " + ref);
        }
    }

    static void checkDouble(Random rnd, int m, int n, int k, String la, String lb, boolean acc) {
        Layout al = Layout.of(la, m, k), bl = Layout.of(lb, k, n);
        double[] a = new double[al.length()], b = new double[bl.length()];
        for (int i = 0; i < a.length; i++) a[i] = rnd.nextDouble() * 2 - 1;
        for (int i = 0; i < b.length; i++) b[i] = rnd.nextDouble() * 2 - 1;
        int ldc = n + 1, cOff = 2;
        double[] c = new double[cOff + m * ldc + 3];
        for (int i = 0; i < c.length; i++) c[i] = rnd.nextDouble() * 2 - 1;
        double[] c0 = c.clone();
        Gemm.dgemm(m, n, k, a, al.offset(), al.rowStride(), al.colStride(), b, bl.offset(), bl.rowStride(), bl.colStride(), c, cOff, ldc, acc);
        String what = "dgemm " + m + "x" + n + "x" + k + " " + la + "/" + lb + (acc ? " accumulate" : "");
        for (int i = 0; i < c.length; i++) {
            int rel = i - cOff, row = Math.floorDiv(rel, ldc), col = Math.floorMod(rel, ldc);
            if (rel < 0 || row >= m || col >= n) {
                assertEquals(c0[i], c[i], what + ": element " + i + " outside C was written");
                continue;
            }
            double ref = acc ? c0[i] : 0, mag = Math.abs(ref);
            for (int p = 0; p < k; p++) {
                double t = a[al.index(row, p)] * b[bl.index(p, col)];
                ref += t;
                mag += Math.abs(t);
            }
            double tol = (k + 4) * 2.3e-16 * mag + 1e-300;
            assertTrue(Math.abs(c[i] - ref) <= tol, what + ": C[" + row + ", " + col + "] = " + c[i] + ", expected " + ref);
        }
    }
}
