package dev.galvani.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.MemoryStats;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.Storage;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend's own checks on a GPU: Philox bit-identity with the CPU, Galvani's SGEMM against
 * cuBLAS and the CPU, the allocator on the device (reuse, statistics, out-of-memory message), and
 * kernel errors reported at the next synchronisation. Skipped where no CUDA device can be used.
 */
@Tag("cuda")
class CudaKernelsTest {

    static final Device GPU = Device.cuda(0);
    static CudaBackend backend;

    @BeforeAll
    static void gpu() {
        Optional<String> why = CudaBackend.unavailableReason(0);
        assumeTrue(why.isEmpty(), () -> why.orElse(""));
        backend = CudaBackend.open(0);
        System.out.println("CUDA device: " + backend.describe());
    }

    /** Same generator state on both devices: uniforms, raw bits, integers and Bernoulli draws bit for bit; normals to an ulp. */
    @Test
    void philoxGivesTheCpusNumbers() {
        for (long offset : new long[]{0, (1L << 32) - 7}) {         // the second crosses into the counter's high word
            int n = 100_003;
            for (DType dt : new DType[]{DType.F32, DType.F64}) {
                assertArrayEquals(Tensor.rand(at(offset), dt, n).toDoubleArray(), Tensor.rand(at(offset), dt, GPU, n).toDoubleArray(), "uniform " + dt);
                double[] cpu = Tensor.randn(at(offset), dt, n).toDoubleArray(), gpu = Tensor.randn(at(offset), dt, GPU, n).toDoubleArray();
                int differ = 0;
                for (int i = 0; i < n; i++) {
                    double ulp = dt == DType.F32 ? Math.ulp((float) cpu[i]) : Math.ulp(cpu[i]);
                    assertTrue(Math.abs(cpu[i] - gpu[i]) <= (dt == DType.F32 ? 1 : 4) * ulp, "normal " + dt + " [" + i + "]: " + cpu[i] + " vs " + gpu[i]);
                    if (cpu[i] != gpu[i]) differ++;
                }
                if (dt == DType.F32) assertTrue(differ <= n / 1000, differ + " F32 normals differ from the CPU's");
            }
            assertArrayEquals(Tensor.randint(at(offset), -5, 1_000_003, n).toLongArray(), Tensor.randint(at(offset), -5, 1_000_003, GPU, n).toLongArray(), "integers");
            assertArrayEquals(Tensor.bernoulli(at(offset), 0.3, n).toDoubleArray(), Tensor.bernoulli(at(offset), 0.3, DType.F32, GPU, n).toDoubleArray(), "bernoulli");
        }
    }

    private static Generator at(long offset) {
        Generator g = new Generator(1234);
        g.setOffset(offset);
        return g;
    }

    /** Galvani's tiled SGEMM, cuBLAS and the CPU agree on awkward sizes and every transpose pattern. */
    @Test
    void ownSgemmMatchesCublasAndTheCpu() {
        Generator g = new Generator(3);
        for (int[] mnk : new int[][]{{1, 1, 1}, {129, 131, 257}, {256, 128, 64}, {7, 300, 5}}) {
            int m = mnk[0], n = mnk[1], k = mnk[2];
            for (boolean ta : new boolean[]{false, true})
                for (boolean tb : new boolean[]{false, true}) {
                    Tensor a = ta ? Tensor.randn(g, 3, k, m).transpose(1, 2) : Tensor.randn(g, 3, m, k);
                    Tensor b = tb ? Tensor.randn(g, 3, n, k).transpose(1, 2) : Tensor.randn(g, 3, k, n);
                    float[] cpu = a.matmul(b).toFloatArray();
                    Tensor ga = a.to(GPU), gb = b.to(GPU);
                    float[] gpu = ga.matmul(gb).toFloatArray();          // cuBLAS where found
                    Tensor own = Tensor.zeros(GPU, 3, m, n);
                    backend.sgemmOwn(TestAccess.operand(ga), TestAccess.operand(gb), TestAccess.operand(own));
                    float[] ownValues = own.toFloatArray();
                    String where = m + "x" + n + "x" + k + (ta ? " aT" : "") + (tb ? " bT" : "");
                    for (int i = 0; i < cpu.length; i++) {
                        double tol = 1e-4 * Math.sqrt(k) * Math.max(1, Math.abs(cpu[i]));
                        assertEquals(cpu[i], gpu[i], tol, where + " matmul [" + i + "]");
                        assertEquals(cpu[i], ownValues[i], tol, where + " own SGEMM [" + i + "]");
                    }
                }
        }
    }

    /**
     * The TF32 paths (Galvani's WMMA kernel, and {@code matmul} with {@link CudaBackend#allowTf32})
     * on ragged sizes and every transpose pattern, against products computed here in F64. Bounds, with
     * {@code s = sum_k |a_ik| |b_kj|} and u = 2^-24: rounding each operand to TF32 (10-bit mantissa,
     * to nearest) moves each product by at most 2^-10 of its size, and FP32 accumulation of K terms
     * adds at most about K u s (2 K u s if every addition truncated); the bound doubles that again for
     * the tensor cores' own adders, which align a group's addends to the largest before adding. So the
     * own kernel must equal the F64 product of the operands rounded to TF32 as {@code cvt.rna} rounds
     * them within {@code 4 (K + 16) u s}, and either path the exact product within
     * {@code 2^-10 s} more. That the tensor cores did round: for K of 64 or more, most elements differ
     * from the exact FP32 kernel's.
     */
    @Test
    void tf32ProductsStayWithinTf32RoundingOfTheExactOnes() {
        Generator g = new Generator(5);
        boolean before = backend.allowsTf32();
        try {
            for (int[] mnk : new int[][]{{1, 1, 1}, {129, 131, 257}, {256, 128, 64}, {7, 300, 5}, {33, 17, 31}, {200, 72, 1000}}) {
                int m = mnk[0], n = mnk[1], k = mnk[2], batch = 3;
                for (boolean ta : new boolean[]{false, true})
                    for (boolean tb : new boolean[]{false, true}) {
                        Tensor a = ta ? Tensor.randn(g, batch, k, m).transpose(1, 2) : Tensor.randn(g, batch, m, k);
                        Tensor b = tb ? Tensor.randn(g, batch, n, k).transpose(1, 2) : Tensor.randn(g, batch, k, n);
                        float[] av = a.contiguous().toFloatArray(), bv = b.contiguous().toFloatArray();
                        Tensor ga = a.to(GPU), gb = b.to(GPU);
                        Tensor exactOwn = Tensor.zeros(GPU, batch, m, n), tf32Own = Tensor.zeros(GPU, batch, m, n);
                        backend.sgemmOwn(TestAccess.operand(ga), TestAccess.operand(gb), TestAccess.operand(exactOwn), false);
                        backend.sgemmOwn(TestAccess.operand(ga), TestAccess.operand(gb), TestAccess.operand(tf32Own), true);
                        backend.allowTf32(true);
                        float[] viaMatmul = ga.matmul(gb).toFloatArray();          // cuBLAS in its TF32 mode where found
                        backend.allowTf32(false);
                        float[] own = tf32Own.toFloatArray(), exact = exactOwn.toFloatArray();
                        String where = m + "x" + n + "x" + k + (ta ? " aT" : "") + (tb ? " bT" : "");
                        int differ = 0;
                        for (int p = 0; p < batch; p++)
                            for (int i = 0; i < m; i++)
                                for (int j = 0; j < n; j++) {
                                    double ref = 0, rounded = 0, size = 0;
                                    for (int q = 0; q < k; q++) {
                                        float x = av[(p * m + i) * k + q], y = bv[(p * k + q) * n + j];
                                        ref += (double) x * y;
                                        rounded += (double) tf32(x) * tf32(y);
                                        size += Math.abs((double) x * y);
                                    }
                                    int e = (p * m + i) * n + j;
                                    double accumulation = 4.0 * (k + 16) * 0x1p-24 * size, rounding = 0x1p-10 * size;
                                    assertEquals(rounded, own[e], accumulation, where + " own TF32 against the TF32-rounded operands' product [" + e + "]");
                                    assertEquals(ref, own[e], rounding + accumulation, where + " own TF32 against the exact product [" + e + "]");
                                    assertEquals(ref, viaMatmul[e], rounding + accumulation, where + " matmul with TF32 allowed [" + e + "]");
                                    if (own[e] != exact[e]) differ++;
                                }
                        if (k >= 64) assertTrue(differ > batch * m * n / 2, where + ": only " + differ + " of " + batch * m * n + " elements differ from exact FP32");
                    }
            }
        } finally {
            backend.allowTf32(before);
        }
    }

    /** {@code x} rounded to TF32 as {@code cvt.rna.tf32.f32} does: 10 mantissa bits, to nearest, ties away from zero. */
    static float tf32(float x) { return Float.intBitsToFloat((Float.floatToRawIntBits(x) + 0x1000) & 0xFFFFE000); }

    @Test
    void theAllocatorReusesBlocksAndExplainsAnImpossibleRequest() {
        backend.synchronize();
        backend.memory().emptyCache();
        MemoryStats before = backend.memory().stats();
        Storage s = backend.allocate(DType.F32, 1000);
        s.release();
        Storage again = backend.allocate(DType.F32, 900);            // the same 4 KiB class
        MemoryStats d = backend.memory().stats().since(before);
        assertEquals(2, d.allocations());
        assertEquals(1, d.reuses());
        again.release();
        CudaOutOfMemoryError e = assertThrows(CudaOutOfMemoryError.class, () -> backend.allocator().allocate(1L << 50));
        assertTrue(e.getMessage().contains("cuda:0 is out of memory") && e.getMessage().contains("free of"), e.getMessage());
        assertEquals(0, Tensor.zeros(GPU, 1000).sum().item(), "the device still works after an out-of-memory");
    }

    @Test
    void aKernelsErrorIsReportedAtTheNextSynchronisation() {
        Tensor base = Tensor.of(new long[]{2, 3}, 2).to(GPU), exponent = Tensor.of(new long[]{-1, 2}, 2).to(GPU);
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> base.pow(exponent).toLongArray());
        assertTrue(e.getMessage().contains("negative integer powers"), e.getMessage());
        assertArrayEquals(new long[]{4, 9}, base.pow(Tensor.of(new long[]{2, 2}, 2).to(GPU)).toLongArray(), "the slot was cleared");
    }

    @Test
    void elementwiseAndCopyKernelsCoverEveryLayout() {
        Generator g = new Generator(9);
        Tensor x = Tensor.randn(g, 37, 1, 65);
        Tensor y = Tensor.randn(g, 5, 65);
        Tensor onGpu = x.to(GPU).add(y.to(GPU)).transpose(0, 2).mul(2).contiguous();   // broadcast, strided, contiguous, odd sizes
        assertArrayEquals(x.add(y).transpose(0, 2).mul(2).contiguous().toFloatArray(), onGpu.toFloatArray());
        assertTrue(backend.launches() > 0);
    }

    /** Reaches the operand of a tensor (package-private in the front end) for the direct kernel calls above. */
    static final class TestAccess {
        static Operand operand(Tensor t) { return dev.galvani.tensor.KernelAccess.operand(t); }
    }
}
