package dev.galvani.benchmarks.jmh;

import dev.galvani.benchmarks.CpuWorkloads;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * 2-D convolution forward: input [8, 32, 64, 64], weight [32, 32, 3, 3], bias [32], stride 1,
 * padding 1, output [8, 32, 64, 64] (see {@link CpuWorkloads#CONV_INPUT}).
 */
@State(Scope.Benchmark)
public class Conv2dBenchmark extends CpuBenchmark {

    private Tensor x, w, bias;

    /** Makes the input, weight and bias of {@link CpuWorkloads}' convolution from fixed seeds. */
    @Setup
    public void setUp() {
        int[] in = CpuWorkloads.CONV_INPUT;
        int o = CpuWorkloads.CONV_OUT_CHANNELS, k = CpuWorkloads.CONV_KERNEL;
        x = Tensor.randn(new Generator(7), in);
        w = Tensor.randn(new Generator(8), o, in[1], k, k);
        bias = Tensor.randn(new Generator(9), o);
    }

    /**
     * One convolution with bias, stride 1, padding 1.
     * @return the output, handed to the blackhole
     */
    @Benchmark
    public Tensor conv2d() { return CpuWorkloads.conv2d(x, w, bias); }
}
