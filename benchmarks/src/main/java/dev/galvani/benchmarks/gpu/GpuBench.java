package dev.galvani.benchmarks.gpu;

import dev.galvani.tensor.AdamStep;
import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.FFT;
import dev.galvani.tensor.Normalization;
import dev.galvani.tensor.OptimizerUpdates;
import dev.galvani.tensor.Pooling;
import dev.galvani.tensor.Spiking;
import dev.galvani.autograd.Autograd;
import dev.galvani.benchmarks.CpuWorkloads;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.Pool2dSpec;
import dev.galvani.tensor.backend.Surrogate;
import dev.galvani.tensor.cuda.CudaBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The GPU benchmarks of {@code benchmarks/gpu-check.sh}, timed with CUDA events on the device's
 * stream (median of several runs after warm-up): the device-to-device copy (the bandwidth every
 * memory-bound kernel is compared with), element-wise add and scale, SGEMM 4096 with Galvani's own
 * kernel (exact FP32, and its TF32 tensor-core variant) and with the matmul path (cuBLAS where found),
 * the fused multi-step LIF forward and backward at T = 32, N = 2^20, the kernel families (convolution,
 * pooling, batch norm, Adam, FFT, index_select, scatter_add; see {@code families}), the Open Neuromorphic
 * Linear + LIF benchmark at n = 4096, 8192, 16384 (with the peak live memory as a note), and last one
 * training epoch of the Fashion-MNIST CNN on synthetic data of its shape ({@link CnnEpoch}). Writes one tab-separated line per benchmark: name, milliseconds,
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
                row(w, "sgemm4096_own_tf32", median(() -> gpu.timeMillis(() -> gpu.sgemmOwn(op(a), op(b), op(c), true))), flops);
                row(w, "sgemm4096_" + (gpu.usesCublas() ? "cublas" : "own_matmul"), median(() -> gpu.timeMillis(() -> a.matmul(b))), flops);
            }
            lif(w, gpu, d, g);
            families(w, gpu, d, g);
            linearLif(w, gpu, d, g);
            cnnEpoch(w, gpu, d);                       // last: the newest and longest row cannot cost the others a timeout
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

    /**
     * The kernel families and indexing kernels, each in the form a training step uses it: a 3x3
     * convolution forward and both gradients (flops), 2x2 max pooling and training batch norm forward
     * and backward, the Adam step, a batched rfft, index_select and scatter_add (bytes moved at
     * least once). Each timed run allocates inside its own scope, as a training step would.
     */
    private static void families(PrintWriter w, CudaBackend gpu, Device d, Generator g) {
        try (var scope = TensorScope.open()) {
            int n = 64, c = 64, hw = 56;
            Tensor x = Tensor.randn(g, d, n, c, hw, hw), wt = Tensor.randn(g, d, c, c, 3, 3), gy = Tensor.randn(g, d, n, c, hw, hw);
            Conv2dSpec s = new Conv2dSpec(1, 1, 1, 1, 1, 1, 1);
            long flops = 3L * 2 * n * c * hw * hw * c * 9;
            row(w, "conv3x3_fwd_bwd_N64_C64_56", median(() -> scoped(gpu, () -> {
                Convolution.conv2d(x, wt, null, s);
                Convolution.conv2dInputGrad(gy, wt, x.shape().dims(), s);
                Convolution.conv2dWeightGrad(x, gy, wt.shape().dims(), s);
            })), flops);
            Tensor weight = Tensor.ones(d, c), bias = Tensor.zeros(d, c);
            row(w, "batchnorm_train_fwd_bwd_N64_C64_56", median(() -> scoped(gpu, () -> {
                Normalization.BatchNormResult r = Normalization.batchNorm(x, weight, bias, null, null, true, 1e-5);
                Normalization.batchNormBackward(gy, x, weight, r.mean(), r.invstd(), true, true, true, true);
            })), 4L * x.numel() * 5);
        }
        try (var scope = TensorScope.open()) {
            Tensor x = Tensor.randn(g, d, 64, 64, 112, 112), gy = Tensor.randn(g, d, 64, 64, 56, 56);
            Pool2dSpec s = new Pool2dSpec(2, 2, 2, 2, 0, 0, 1, 1, false, true);
            row(w, "maxpool2x2_fwd_bwd_N64_C64_112", median(() -> scoped(gpu, () -> {
                Pooling.MaxPoolResult r = Pooling.maxPool2dWithIndices(x, s);
                Pooling.maxPool2dBackward(gy, r.indices(), x.shape().dims(), s);
            })), 4L * x.numel() * 2 + 4L * gy.numel() * 2 + 8L * gy.numel() * 2);
        }
        try (var scope = TensorScope.open()) {
            int n = 1 << 24;
            Tensor p = Tensor.randn(g, d, n), grad = Tensor.randn(g, d, n), m = Tensor.zeros(d, n), v = Tensor.zeros(d, n);
            long[] step = {0};
            row(w, "adam_step_2^24", median(() -> gpu.timeMillis(() -> OptimizerUpdates.adamStep(p, grad, m, v, null,
                    new AdamStep(1e-3, 0.9, 0.999, 1e-8, 0, false, false, false, ++step[0])))), 4L * n * 7);
        }
        try (var scope = TensorScope.open()) {
            Tensor x = Tensor.randn(g, d, 4096, 4096);
            row(w, "rfft_rows_4096x4096", median(() -> scoped(gpu, () -> FFT.rfft(x, -1, -1, null))), 4L * 4096 * 4096 + 8L * 4096 * 2049);
        }
        try (var scope = TensorScope.open()) {
            int rows = 100_000, width = 256, picks = 16_384;
            Tensor table = Tensor.randn(g, d, rows, width), idx = Tensor.randint(g, 0, rows, d, picks);
            row(w, "index_select_16384_of_100000x256", median(() -> scoped(gpu, () -> table.indexSelect(0, idx))), 2L * 4 * picks * width + 8L * picks);
            Tensor idx2 = Tensor.randint(g, 0, rows, d, picks, width), src = Tensor.randn(g, d, picks, width);
            row(w, "scatter_add_16384x256_into_100000x256", median(() -> scoped(gpu, () -> table.scatterAdd(0, idx2, src))),
                    2L * 4 * rows * width + 12L * picks * width);
        }
    }

    /**
     * One training epoch of the Fashion-MNIST CNN on synthetic data of Fashion-MNIST's shape made on the
     * device ({@link CnnEpoch}), five warm-up steps, then the whole epoch between two CUDA events. Work:
     * the images of the epoch.
     */
    private static void cnnEpoch(PrintWriter w, CudaBackend gpu, Device d) {
        try (var scope = TensorScope.open()) {
            CnnEpoch.Result r;
            try {
                r = CnnEpoch.run(d, CnnEpoch.IMAGES, 5, gpu::timeMillis);
            } catch (RuntimeException e) {                 // said in the table, and the run's last note still written
                e.printStackTrace(System.out);
                w.println("# cnn_epoch_fashion_shape: failed (" + e + ")");
                return;
            }
            row(w, "cnn_epoch_fashion_shape", r.millis(), CnnEpoch.IMAGES);
            w.println(String.format(Locale.ROOT, "# cnn_epoch_fashion_shape: %d steps of batch %d on synthetic data of Fashion-MNIST's shape "
                    + "(%d x 1 x 28 x 28, labels 0..9, made on the device from seed %d), AdamW; last loss %.4f; host fallbacks so far %s",
                    r.steps(), CnnEpoch.BATCH, CnnEpoch.IMAGES, CnnEpoch.SEED, r.lastLoss(), gpu.hostFallbacks()));
            w.flush();
        }
    }

    /**
     * The Open Neuromorphic benchmark (snn.md §9.3): {@code Linear(n, n)} then one LIF layer over
     * T = 500 steps of a batch of 16, loss {@code spikes.sum()}, forward and backward (the gradients
     * of the weight and bias), F32, for n = 4096, 8192, 16384; one warm-up and three runs each, as
     * §9.3 times it. The LIF is the fused kernel with the LIF benchmark's neuron (decay 0.5, ATan).
     * Work: the flops of the forward product and of dW; a note gives the peak live device memory.
     */
    private static void linearLif(PrintWriter w, CudaBackend gpu, Device d, Generator g) {
        int t = 500, b = 16;
        for (int n : new int[]{4096, 8192, 16384}) {
            try (var scope = TensorScope.open()) {
                Tensor x = Tensor.randn(g, d, t, b, n);
                Tensor weight = Tensor.randn(g, d, n, n).mul(1.0 / Math.sqrt(n)).requiresGrad(true), bias = Tensor.zeros(d, n).requiresGrad(true);
                gpu.memory().resetPeak();
                double ms = median(1, 3, () -> scoped(gpu, () -> {
                    Tensor y = x.reshape(t * b, n).matmul(weight.transpose(0, 1)).add(bias).reshape(t, b * n);     // one [T B, n] x [n, n] GEMM
                    Tensor spikes = Spiking.lif(y, null, null, CpuWorkloads.LIF_SPEC, false).spikes();
                    Autograd.grad(List.of(spikes.sum()), List.of(weight, bias));
                }));
                row(w, "linear_lif_n" + n, ms, 2L * 2 * t * b * n * n);
                w.println(String.format(Locale.ROOT, "# linear_lif_n%d: peak live %.2f GB", n, gpu.memory().stats().peakLive() / 1e9));
            }
        }
    }

    /** Device milliseconds of {@code work} run inside its own tensor scope. */
    private static float scoped(CudaBackend gpu, Runnable work) {
        return gpu.timeMillis(() -> {
            try (var s = TensorScope.open()) {
                work.run();
            }
        });
    }

    private static Operand op(Tensor t) { return dev.galvani.tensor.KernelAccess.operand(t); }

    /** A timed piece of work returning its milliseconds. */
    @FunctionalInterface
    private interface Timed { float millis(); }

    private static double median(Timed timed) { return median(WARMUP, RUNS, timed); }

    /** The median of {@code runs} timings after {@code warmup} untimed ones. */
    private static double median(int warmup, int runs, Timed timed) {
        for (int i = 0; i < warmup; i++) timed.millis();
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) ms[i] = timed.millis();
        Arrays.sort(ms);
        return runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    }

    private static void row(PrintWriter w, String name, double ms, long work) {
        String line = String.format(Locale.ROOT, "%s\t%.4f\t%d", name, ms, work);
        w.println(line);
        w.flush();
        System.out.println(line);
    }

}
