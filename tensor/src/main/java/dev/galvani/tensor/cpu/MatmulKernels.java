package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import java.util.Arrays;

/**
 * Batched matrix product a [B, M, K] x b [B, K, N] into out [B, M, N] (contiguous), on top of {@link Gemm}.
 * Operands may have any strides: a transposed matrix is a stride pattern that Gemm's packing reads
 * directly, a broadcast batch is a zero batch stride.
 *
 * <p>Threads: a large product is parallel inside Gemm; a batch of small or mid-sized products runs
 * one product per task instead, since a fork per product would cost more than it saves.
 */
final class MatmulKernels {

    private MatmulKernels() {}

    /** Products below this many multiply-adds run one per task when the batch has two per thread. */
    static final long MID_SIZED = 16L * Gemm.PARALLEL_MIN;

    static void matmul(Operand a, Operand b, Operand out) {
        int[] ad = a.shape().dims(), as = a.strides(), bs = b.strides();
        int batch = ad[0], m = ad[1], k = ad[2], n = b.shape().dims()[2];
        if (batch == 0 || m == 0 || n == 0) return;
        int aOff = a.offset(), bOff = b.offset(), cOff = out.offset(), cStride = m * n;
        Object A = CpuBackend.array(a), B = CpuBackend.array(b), C = CpuBackend.array(out);
        long work = (long) m * n * Math.max(k, 1);
        // Small products side by side; large ones one after another, each using every thread. A batch
        // of mid-sized products (attention-like [32, 128, 64] x [32, 64, 128]) also goes product per
        // task: split inside, each product paid a fork and packed its shared operand per task, 25
        // GFLOP/s against MKL's 333 (side-by-side gemm-shapes). A product's bits do not depend on the
        // split (GemmTest.resultsDoNotDependOnHowTheWorkIsSplit), so neither choice changes a result.
        boolean perProduct = batch > 1 && (work < Gemm.PARALLEL_MIN
                || batch >= 2 * Parallel.threads() && work < MID_SIZED);
        Parallel.RangeBody body = switch (out.dtype()) {
            case F32 -> (s, e) -> {
                for (int i = s; i < e; i++)
                    Gemm.sgemm(m, n, k, (float[]) A, aOff + i * as[0], as[1], as[2], (float[]) B, bOff + i * bs[0], bs[1], bs[2],
                            (float[]) C, cOff + i * cStride, n, false);
            };
            case F64 -> (s, e) -> {
                for (int i = s; i < e; i++)
                    Gemm.dgemm(m, n, k, (double[]) A, aOff + i * as[0], as[1], as[2], (double[]) B, bOff + i * bs[0], bs[1], bs[2],
                            (double[]) C, cOff + i * cStride, n, false);
            };
            case I32 -> (s, e) -> {
                for (int i = s; i < e; i++)
                    intProduct(m, n, k, (int[]) A, aOff + i * as[0], as[1], as[2], (int[]) B, bOff + i * bs[0], bs[1], bs[2], (int[]) C, cOff + i * cStride);
            };
            case I64 -> (s, e) -> {
                for (int i = s; i < e; i++)
                    longProduct(m, n, k, (long[]) A, aOff + i * as[0], as[1], as[2], (long[]) B, bOff + i * bs[0], bs[1], bs[2], (long[]) C, cOff + i * cStride);
            };
            case BOOL -> throw new IllegalArgumentException("matmul: not defined for BOOL tensors");
        };
        if (out.dtype() == DType.I32 || out.dtype() == DType.I64) {
            // The integer loops have no threads of their own: split the batch when there is enough work.
            Parallel.forRange(batch, (int) Math.max(1, Parallel.ELEMENTWISE_GRAIN / work), body);
        } else if (perProduct) {
            Parallel.forRange(batch, (int) Math.max(1, Gemm.PARALLEL_MIN / work), body);
        } else {
            body.run(0, batch);
        }
    }

    /** Exact integer product (wrapping on overflow, like PyTorch and Java), the i-p-j order for unit-stride rows of B. */
    private static void intProduct(int m, int n, int k, int[] a, int aOff, int aRs, int aCs, int[] b, int bOff, int bRs, int bCs, int[] c, int cOff) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            Arrays.fill(c, ci, ci + n, 0);
            for (int p = 0; p < k; p++) {
                int aip = a[aOff + i * aRs + p * aCs], bp = bOff + p * bRs;
                if (aip == 0) continue;
                for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j * bCs];
            }
        }
    }

    private static void longProduct(int m, int n, int k, long[] a, int aOff, int aRs, int aCs, long[] b, int bOff, int bRs, int bCs, long[] c, int cOff) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            Arrays.fill(c, ci, ci + n, 0L);
            for (int p = 0; p < k; p++) {
                long aip = a[aOff + i * aRs + p * aCs];
                int bp = bOff + p * bRs;
                if (aip == 0) continue;
                for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j * bCs];
            }
        }
    }
}
