package dev.galvani.benchmarks;

import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.Tensor;

/**
 * The CPU operations that the JMH benchmarks and the side-by-side harness time, written once so
 * that both measure exactly the same calls. {@code scripts/torch_cpu_bench.py} mirrors each of them
 * in PyTorch; a change here needs the same change there.
 *
 * <p>Every operation is eager and out of place in both libraries: each call allocates its result.
 */
public final class CpuWorkloads {

    private CpuWorkloads() {}

    /** Square SGEMM sizes: C[n, n] = A[n, n] · B[n, n]. */
    public static final int[] GEMM_SIZES = {256, 512, 1024, 2048};

    /** Length of the 1-D F32 tensors of the element-wise and reduction workloads (64 MiB each). */
    public static final int ELEMENTS = 1 << 24;

    /**
     * The convolution: input [N, C, H, W] = [8, 32, 64, 64], weight [O, C, K, K] = [32, 32, 3, 3],
     * bias [32], stride 1, padding K / 2 = 1, so the output is [8, 32, 64, 64] (0.60 GFLOP: 2 x 32 x 3 x 3 flops for each of the 2^20 output elements).
     */
    public static final int[] CONV_INPUT = {8, 32, 64, 64};
    public static final int CONV_OUT_CHANNELS = 32;
    public static final int CONV_KERNEL = 3;

    public static Tensor sgemm(Tensor a, Tensor b) { return a.matmul(b); }

    public static Tensor add(Tensor a, Tensor b) { return a.add(b); }

    /**
     * The element-wise chain {@code relu(x * 2 + 1)}: three eager operations, each writing a full
     * tensor. Galvani does not fuse them (neither does PyTorch's eager mode), so this measures what
     * a chain of small ops costs today, memory traffic included.
     */
    public static Tensor mulAddRelu(Tensor x) { return x.mul(2.0).add(1.0).relu(); }

    public static Tensor sum(Tensor x) { return x.sum(); }

    /** One transcendental function by name: exp, tanh or sigmoid. */
    public static Tensor unary(String fn, Tensor x) {
        return switch (fn) {
            case "exp" -> x.exp();
            case "tanh" -> x.tanh();
            case "sigmoid" -> x.sigmoid();
            default -> throw new IllegalArgumentException("unary: unknown function " + fn + " (exp, tanh, sigmoid)");
        };
    }

    /** 2-D convolution with bias, stride 1 and "same" padding (K / 2). */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias) {
        return Convolution.conv2d(x, w, bias, 1, w.size(-1) / 2);
    }
}
