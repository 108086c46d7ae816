package dev.galvani.benchmarks;

import dev.galvani.tensor.Tensor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

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
     * bias [32], stride 1, padding K / 2 = 1, so the output is [8, 32, 64, 64] (1.2 GFLOP).
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

    /** 2-D convolution with bias, stride 1 and "same" padding (K / 2). */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias) {
        if (CONV2D == null) throw new UnsupportedOperationException(CONV2D_MISSING);
        try {
            return (Tensor) CONV2D.invokeExact(x, w, bias, 1, w.size(-1) / 2);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Null when this build of galvani-tensor has conv2d, else why it cannot be timed. */
    public static String conv2dUnavailableReason() { return CONV2D == null ? CONV2D_MISSING : null; }

    // TODO(conv2d): dev.galvani.tensor.Convolution is being written concurrently; once it is on the
    // classpath of every build, replace this look-up with the direct call
    //   Convolution.conv2d(x, w, bias, 1, w.size(-1) / 2)
    // Until then the look-up lets the module compile and the other workloads run without it.
    private static final String CONV2D_SIGNATURE =
            "dev.galvani.tensor.Convolution.conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding)";
    private static final String CONV2D_MISSING = "conv2d not in this build of galvani-tensor (looked for " + CONV2D_SIGNATURE + ")";
    private static final MethodHandle CONV2D = findConv2d();

    private static MethodHandle findConv2d() {
        try {
            Class<?> convolution = Class.forName("dev.galvani.tensor.Convolution");
            return MethodHandles.publicLookup().findStatic(convolution, "conv2d",
                    MethodType.methodType(Tensor.class, Tensor.class, Tensor.class, Tensor.class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
