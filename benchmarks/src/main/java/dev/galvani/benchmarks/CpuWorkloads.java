package dev.galvani.benchmarks;

import dev.galvani.autograd.Autograd;
import dev.galvani.tensor.Activations;
import dev.galvani.tensor.ComplexTensor;
import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.FFT;
import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.Surrogate;
import dev.galvani.tensor.cpu.Parallel;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

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
    /** Output channels O of the convolution. */
    public static final int CONV_OUT_CHANNELS = 32;
    /** Kernel size K of the convolution (square). */
    public static final int CONV_KERNEL = 3;

    /**
     * The training-step operations of the Fashion-MNIST CNN at batch 128 ({@code train-ops}): ReLU
     * and its backward on the first block's [128, 32, 28, 28] activation, the second convolution
     * ([128, 32, 14, 14] * [64, 32, 3, 3], padding 1) forward and its input gradient, and the three
     * GEMMs of the first linear layer ([128, 3136] x [3136, 128]: forward, input and weight gradient).
     */
    public static final int[] STEP_ACTIVATION = {128, 32, 28, 28};
    /** The second convolution's input [N, C, H, W] in {@code train-ops}. */
    public static final int[] STEP_CONV_INPUT = {128, 32, 14, 14};
    /** The second convolution's weight [O, C, K, K] in {@code train-ops}. */
    public static final int[] STEP_CONV_WEIGHT = {64, 32, 3, 3};
    /**
     * The Fashion-MNIST CNN's two convolutions at batch 128 ({@code conv-layers}), each {N, C, H, W, O}
     * with a 3x3 kernel and padding 1: [128, 1, 28, 28] * [32, 1, 3, 3] and [128, 32, 14, 14] * [64, 32, 3, 3].
     */
    public static final int[][] CNN_LAYERS = {{128, 1, 28, 28, 32}, {128, 32, 14, 14, 64}};
    /** The {@code conv-layers} rows run CNN_LAYERS at this many times the {@code --conv} batch (16 x 8 = 128 by default). */
    public static final int CNN_BATCH_PER_CONV_IMAGE = 16;
    /** The first linear layer's GEMM sizes in {@code train-ops}: batch, input features, output features. */
    public static final int[] STEP_FC = {128, 3136, 128};

    /**
     * The LIF benchmark (issue 7): T = 32 steps of N = 2^20 neurons in F32, τ = 2 with input decay,
     * threshold 1, hard reset to 0 (reset not detached), ATan surrogate (α = 2): forward and backward
     * of the spikes with a given dL/dS. {@code torch_cpu_bench.py} runs the same math as an eager
     * PyTorch loop with a custom autograd function for the spike, as snnTorch and SpikingJelly's
     * torch backend do.
     */
    public static final int LIF_STEPS = 32, LIF_NEURONS = 1 << 20;

    /** The batched 2-D real FFT of issue 9: rfft2 over the last two dimensions of an F32 [B, C, H, W] (512 MiB). */
    public static final int[] FFT2_INPUT = {64, 32, 256, 256};
    /** The 1-D FFT lengths: two powers of two and a prime (Bluestein's algorithm on the CPU). */
    public static final int[] FFT_SIZES = {1024, 4096, 4099};
    /** Elements per 1-D FFT workload: [FFT_ELEMENTS / n, n] (16 MiB of F32). */
    public static final int FFT_ELEMENTS = 1 << 22;

    /** torch.fft.rfft2(x); the real parts stand for the result (both parts are computed). */
    public static Tensor rfft2(Tensor x) { return FFT.rfft2(x).real(); }

    /** torch.fft.rfft(x) along the last dimension. */
    public static Tensor rfft(Tensor x) { return FFT.rfft(x).real(); }

    /** torch.fft.fft(z) along the last dimension, z complex64 (held as two F32 parts). */
    public static Tensor fft(ComplexTensor z) { return FFT.fft(z).real(); }
    /**
     * The LIF benchmark's neuron: LIF with decay 1/τ = 0.5 on the input, threshold 1, hard reset to 0, ATan
     * surrogate with α = 2.
     */
    public static final LifSpec LIF_SPEC = new LifSpec(LifSpec.Kind.LIF, 0.5, true, 1.0, 0.0, false, false, Surrogate.atan());

    /**
     * Bytes the fused LIF must move, counted as STREAM counts them (each array once, no write
     * allocation): forward reads x and writes S and H, backward reads dL/dS and H and writes dL/dx.
     */
    public static long lifBytes(int steps, int neurons) { return 6L * 4 * steps * neurons; }

    /**
     * One training pass of the LIF: forward over x [T, N], then dL/dx for dL/dS = {@code gradSpikes},
     * fused (one kernel each way) or composed from recorded tensor ops (the unrolled neuron). The
     * step's tensors go back to the allocator at the end; nothing is returned.
     */
    public static Tensor lif(Tensor x, Tensor gradSpikes, boolean fused) {
        try (var scope = TensorScope.open()) {
            Tensor input = x.detach().requiresGrad(true);
            Spiking.LifResult r = fused ? Spiking.lif(input, null, null, LIF_SPEC, false) : Spiking.lifUnrolled(input, null, null, LIF_SPEC, false);
            Autograd.grad(List.of(r.spikes()), List.of(input), List.of(gradSpikes));
            return null;
        }
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /**
     * STREAM's triad a = b + s·c on the pool's threads (chunks of 64 Ki elements), in vector lanes:
     * what this machine's memory delivers to a streaming kernel, the limit of a memory-bound one.
     * STREAM counts 12 bytes per element (three arrays, no write allocation).
     */
    public static void triad(float[] a, float[] b, float[] c, float s) {
        int chunk = 1 << 16, n = a.length;
        Parallel.forRange(Math.ceilDiv(n, chunk), 1, (c0, c1) -> {
            for (int k = c0; k < c1; k++) {
                int from = k * chunk, to = Math.min(n, from + chunk), i = from;
                for (int bound = from + F.loopBound(to - from); i < bound; i += F.length())
                    FloatVector.fromArray(F, c, i).mul(s).add(FloatVector.fromArray(F, b, i)).intoArray(a, i);
                for (; i < to; i++) a[i] = b[i] + s * c[i];
            }
        });
    }

    /** ReLU's backward as the derivative rule computes it (one fused pass): the gradient where the input is positive, else 0. */
    public static Tensor reluBackward(Tensor x, Tensor grad) { return Activations.reluBackward(grad, x); }

    /**
     * The input gradient of a stride-1, padding-1 convolution (dilation 1, one group): gradOut [N, O, H, W]
     * and w [O, C, K, K] into a tensor of {@code inputShape}.
     * @param gradOut the output gradient
     * @param w the weight
     * @param inputShape the input shape [N, C, H, W]
     * @return the input gradient
     */
    public static Tensor conv2dInputGrad(Tensor gradOut, Tensor w, int[] inputShape) {
        return Convolution.conv2dInputGrad(gradOut, w, inputShape, 1, 1, 1, 1, 1, 1, 1);
    }

    /**
     * The weight gradient of a stride-1, padding-1 convolution (dilation 1, one group): x [N, C, H, W]
     * and gradOut [N, O, H, W] into a tensor of {@code weightShape}.
     * @param x the input
     * @param gradOut the output gradient
     * @param weightShape the weight shape [O, C, K, K]
     * @return the weight gradient
     */
    public static Tensor conv2dWeightGrad(Tensor x, Tensor gradOut, int[] weightShape) {
        return Convolution.conv2dWeightGrad(x, gradOut, weightShape, 1, 1, 1, 1, 1, 1, 1);
    }

    /** y = x W^T, dx = g W, dW = g^T x: the three GEMMs of a linear layer's training step. */
    public static Tensor linearStep(Tensor x, Tensor w, Tensor g) {
        x.matmul(w.T());
        g.matmul(w);
        return g.T().matmul(x);
    }

    /**
     * The matrix product a · b.
     * @param a the left matrix
     * @param b the right matrix
     * @return the product
     */
    public static Tensor sgemm(Tensor a, Tensor b) { return a.matmul(b); }

    /**
     * The element-wise sum a + b.
     * @param a one addend
     * @param b the other addend
     * @return the sum
     */
    public static Tensor add(Tensor a, Tensor b) { return a.add(b); }

    /**
     * The element-wise chain {@code relu(x * 2 + 1)}: three eager operations, each writing a full
     * tensor. Galvani does not fuse them (neither does PyTorch's eager mode), so this measures what
     * a chain of small ops costs today, memory traffic included.
     */
    public static Tensor mulAddRelu(Tensor x) { return x.mul(2.0).add(1.0).relu(); }

    /**
     * The sum of all elements of x.
     * @param x the tensor
     * @return a scalar tensor
     */
    public static Tensor sum(Tensor x) { return x.sum(); }

    /**
     * GELU's backward as its derivative rule composed it before the fused kernel:
     * g (Φ(x) + x φ(x)) from erf, exp and eight arithmetic ops, each writing a full tensor.
     */
    public static Tensor composedGeluBackward(Tensor x, Tensor g) {
        Tensor cdf = x.div(Math.sqrt(2.0)).erf().add(1.0).mul(0.5);
        Tensor pdf = x.square().mul(-0.5).exp().mul(1.0 / Math.sqrt(2.0 * Math.PI));
        return g.mul(cdf.add(x.mul(pdf)));
    }

    /** One transcendental function by name: exp, tanh, sigmoid, erf, gelu, expm1 or log1p. */
    public static Tensor unary(String fn, Tensor x) {
        return switch (fn) {
            case "exp" -> x.exp();
            case "tanh" -> x.tanh();
            case "sigmoid" -> x.sigmoid();
            case "erf" -> x.erf();
            case "gelu" -> x.gelu();
            case "expm1" -> x.expm1();
            case "log1p" -> x.log1p();
            default -> throw new IllegalArgumentException("unary: unknown function " + fn + " (exp, tanh, sigmoid, erf, gelu, expm1, log1p)");
        };
    }

    /** 2-D convolution with bias, stride 1 and "same" padding (K / 2). */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias) {
        return Convolution.conv2d(x, w, bias, 1, w.size(-1) / 2);
    }
}
