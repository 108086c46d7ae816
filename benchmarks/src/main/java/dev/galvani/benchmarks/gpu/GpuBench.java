package dev.galvani.benchmarks.gpu;

import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.Surrogate;
import dev.galvani.tensor.cuda.CudaBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The GPU benchmarks of {@code benchmarks/gpu-check.sh}, timed with CUDA events on the device's
 * stream (median of several runs after warm-up): the device-to-device copy (the bandwidth every
 * memory-bound kernel is compared with), element-wise add and scale, SGEMM 4096 with Galvani's own
 * kernel and with the matmul path (cuBLAS where found), and the fused multi-step LIF forward and
 * backward at T = 32, N = 2^20. Writes one tab-separated line per benchmark: name, milliseconds,
 * bytes moved or flops, so the script can put PyTorch's figures from the same run beside them.
 * Usage: {@code java ... dev.galvani.benchmarks.gpu.GpuBench OUT.tsv}
 */
public final class GpuBench {

    private GpuBench() {}

    private static final int WARMUP = 3, RUNS = 10;

    /**
     * Runs the benchmarks on {@code cuda:0} and writes the table.
     * @param args the output file
     * @throws IOException if the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "galvani-gpu.tsv");
        CudaBackend gpu = CudaBackend.open(0);
        Device d = Device.cuda(0);
        System.out.println("device: " + gpu.describe());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            w.println("# " + gpu.describe());
            Generator g = new Generator(1);
            int n = 1 << 26;                                           // 256 MiB of floats per tensor
            try (var scope = TensorScope.open()) {
                Tensor x = Tensor.randn(g, d, n), y = Tensor.randn(g, d, n), z = Tensor.zeros(d, n);
                row(w, "copy", median(() -> gpu.copyMillis(op(x), op(z))), 2L * 4 * n);
                row(w, "add", median(() -> gpu.timeMillis(() -> x.add(y))), 3L * 4 * n);
                row(w, "mul_scalar", median(() -> gpu.timeMillis(() -> x.mul(1.5f))), 2L * 4 * n);
                row(w, "relu", median(() -> gpu.timeMillis(() -> x.relu())), 2L * 4 * n);
            }
            int m = 4096;
            try (var scope = TensorScope.open()) {
                Tensor a = Tensor.randn(g, d, 1, m, m), b = Tensor.randn(g, d, 1, m, m), c = Tensor.zeros(d, 1, m, m);
                long flops = 2L * m * m * m;
                row(w, "sgemm4096_own", median(() -> gpu.timeMillis(() -> gpu.sgemmOwn(op(a), op(b), op(c)))), flops);
                row(w, "sgemm4096_" + (gpu.usesCublas() ? "cublas" : "own_matmul"), median(() -> gpu.timeMillis(() -> a.matmul(b))), flops);
            }
            lif(w, gpu, d, g);
            w.println("# host fallbacks during the run: " + gpu.hostFallbacks());
        }
        System.out.println("wrote " + out);
    }

    /** Fused LIF forward + backward, T = 32, N = 2^20, ATan surrogate, hard reset: x read, S and H written; dL/dS and H read, dL/dX written. */
    private static void lif(PrintWriter w, CudaBackend gpu, Device d, Generator g) {
        int t = 32, n = 1 << 20;
        LifSpec spec = new LifSpec(LifSpec.Kind.LIF, 0.5, true, 1.0, 0.0, false, false, Surrogate.atan());
        var kernels = gpu.kernels(dev.galvani.tensor.backend.SpikingKernels.class).orElseThrow();
        try (var scope = TensorScope.open()) {
            Tensor x = Tensor.rand(g, d, t, n).mul(1.5), v0 = Tensor.zeros(d, n), s = Tensor.zeros(d, t, n), h = Tensor.zeros(d, t, n), vLast = Tensor.zeros(d, n);
            Tensor gs = Tensor.randn(g, d, t, n), gx = Tensor.zeros(d, t, n), gv0 = Tensor.zeros(d, n);
            long bytes = 4L * t * n * 6 + 4L * n * 3;
            row(w, "lif_fwd_bwd_T32_N2^20", median(() -> gpu.timeMillis(() -> {
                kernels.lifForward(op(x), op(v0), null, op(s), op(h), null, op(vLast), spec);
                kernels.lifBackward(op(gs), null, null, op(h), null, op(v0), null, op(gx), op(gv0), null, spec);
            })), bytes);
        }
    }

    private static Operand op(Tensor t) { return dev.galvani.tensor.KernelAccess.operand(t); }

    /** A timed piece of work returning its milliseconds. */
    @FunctionalInterface
    private interface Timed { float millis(); }

    private static double median(Timed timed) {
        for (int i = 0; i < WARMUP; i++) timed.millis();
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) ms[i] = timed.millis();
        Arrays.sort(ms);
        return (ms[RUNS / 2 - 1] + ms[RUNS / 2]) / 2;
    }

    private static void row(PrintWriter w, String name, double ms, long work) {
        String line = String.format(Locale.ROOT, "%s\t%.4f\t%d", name, ms, work);
        w.println(line);
        w.flush();
        System.out.println(line);
    }

}
