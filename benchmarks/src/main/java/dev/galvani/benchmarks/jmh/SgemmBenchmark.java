package dev.galvani.benchmarks.jmh;

import dev.galvani.benchmarks.CpuWorkloads;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Square F32 matrix product C[n, n] = A[n, n] · B[n, n] (2 n^3 flops), A and B standard normal. */
@State(Scope.Benchmark)
public class SgemmBenchmark extends CpuBenchmark {

    /** Kept in step with {@link CpuWorkloads#GEMM_SIZES} (an annotation needs literals). */
    @Param({"256", "512", "1024", "2048"})
    public int n;

    private Tensor a, b;

    /** Makes the two normal n x n F32 matrices from fixed seeds. */
    @Setup
    public void setUp() {
        a = Tensor.randn(new Generator(1), n, n);
        b = Tensor.randn(new Generator(2), n, n);
    }

    /** Returning the result hands it to JMH's blackhole, so the call cannot be optimised away. */
    @Benchmark
    public Tensor sgemm() { return CpuWorkloads.sgemm(a, b); }
}
