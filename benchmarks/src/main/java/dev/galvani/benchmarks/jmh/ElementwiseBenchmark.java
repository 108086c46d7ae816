package dev.galvani.benchmarks.jmh;

import dev.galvani.benchmarks.CpuWorkloads;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Element-wise work and a full reduction on contiguous 1-D F32 tensors of 2^24 elements (64 MiB
 * each, far beyond the caches, so these measure memory bandwidth as much as arithmetic).
 */
@State(Scope.Benchmark)
public class ElementwiseBenchmark extends CpuBenchmark {

    private Tensor x, y;

    /** Makes the two 1-D F32 inputs of {@link CpuWorkloads#ELEMENTS} normal elements from fixed seeds. */
    @Setup
    public void setUp() {
        x = Tensor.randn(new Generator(3), CpuWorkloads.ELEMENTS);
        y = Tensor.randn(new Generator(4), CpuWorkloads.ELEMENTS);
    }

    /** x + y: reads two tensors, writes one. */
    @Benchmark
    public Tensor add() { return CpuWorkloads.add(x, y); }

    /** relu(x * 2 + 1) as three eager ops (mul, add, relu), each reading and writing a full tensor. */
    @Benchmark
    public Tensor mulAddRelu() { return CpuWorkloads.mulAddRelu(x); }

    /** Sum of all 2^24 elements into a 0-d tensor. */
    @Benchmark
    public Tensor sum() { return CpuWorkloads.sum(x); }
}
