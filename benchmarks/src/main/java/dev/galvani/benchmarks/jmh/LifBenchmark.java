package dev.galvani.benchmarks.jmh;

import dev.galvani.benchmarks.CpuWorkloads;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The fused multi-step LIF (T = 32, N = 2^20, F32, τ = 2, hard reset, ATan) forward + backward, the
 * same neuron composed from tensor ops, and STREAM's triad (the bandwidth limit the fused kernel is
 * measured against). Bytes: {@link CpuWorkloads#lifBytes} for the LIF, 12 per element for the triad.
 */
@State(Scope.Benchmark)
// The composed neuron's step scope holds every step's temporaries until it closes (about 5 GB here).
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms8g", "-Xmx8g", "-XX:+AlwaysPreTouch"})
public class LifBenchmark extends CpuBenchmark {

    private Tensor x, gradSpikes;
    private float[] a, b, c;

    /**
     * Makes the LIF input x [T, N] (normal, times 0.8 plus 0.9), the
     * spikes' gradient, and the triad's three arrays.
     */
    @Setup
    public void setUp() {
        x = Tensor.randn(new Generator(22), CpuWorkloads.LIF_STEPS, CpuWorkloads.LIF_NEURONS).mul(0.8).add(0.9);
        gradSpikes = Tensor.randn(new Generator(23), CpuWorkloads.LIF_STEPS, CpuWorkloads.LIF_NEURONS);
        a = new float[CpuWorkloads.ELEMENTS];
        b = Tensor.randn(new Generator(24), CpuWorkloads.ELEMENTS).toFloatArray();
        c = Tensor.randn(new Generator(25), CpuWorkloads.ELEMENTS).toFloatArray();
    }

    /**
     * One forward and backward of the fused LIF kernels.
     * @return null: the step frees its tensors
     */
    @Benchmark
    public Tensor fused() { return CpuWorkloads.lif(x, gradSpikes, true); }

    /**
     * One forward and backward of the LIF composed from recorded tensor ops.
     * @return null: the step frees its tensors
     */
    @Benchmark
    public Tensor composed() { return CpuWorkloads.lif(x, gradSpikes, false); }

    /**
     * STREAM's triad a = b + 3c over {@link CpuWorkloads#ELEMENTS} floats, the memory-bandwidth reference.
     * @return the array written, handed to the blackhole
     */
    @Benchmark
    public float[] triad() {
        CpuWorkloads.triad(a, b, c, 3f);
        return a;
    }
}
