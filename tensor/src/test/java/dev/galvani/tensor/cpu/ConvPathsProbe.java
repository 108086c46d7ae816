package dev.galvani.tensor.cpu;

import dev.galvani.tensor.KernelAccess;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.backend.Operand;
import java.util.Arrays;
import java.util.Random;

/**
 * A probe, not a test: times the GEMM path and DirectConv of conv2d's three products on the
 * benchmark shapes, alternated in rounds in one process, and a bare Gemm.sgemm of the forward's
 * size (the im2col path's arithmetic alone). Run with the test classpath:
 * {@code java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes dev.galvani.tensor.cpu.ConvPathsProbe}.
 */
public final class ConvPathsProbe {

    private ConvPathsProbe() {}

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /**
     * Prints milliseconds (median of the rounds) per shape and product.
     * @param args optional: rounds
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int[][] shapes = {{8, 32, 64, 64, 32}, {128, 32, 14, 14, 64}, {128, 1, 28, 28, 32}};
        if (args.length > 1) shapes = new int[][]{shapes[Integer.parseInt(args[1])]};
        String only = args.length > 2 ? args[2] : "";
        for (int[] s : shapes) {
            int n = s[0], c = s[1], h = s[2], w = s[3], o = s[4];
            Conv2dSpec spec = new Conv2dSpec(1, 1, 1, 1, 1, 1, 1);
            Random r = new Random(1);
            Operand x = op(rand(r, n * c * h * w), n, c, h, w), wt = op(rand(r, o * c * 9), o, c, 3, 3);
            Operand y = op(new float[n * o * h * w], n, o, h, w), gy = op(rand(r, n * o * h * w), n, o, h, w);
            Operand gx = op(new float[n * c * h * w], n, c, h, w), gw = op(new float[o * c * 9], o, c, 3, 3);
            float[] cols = rand(r, c * 9 * h * w), out = new float[o * h * w], wa = rand(r, o * c * 9);
            Runnable[] runs = {
                    () -> ConvKernels.gemmConv2d(x, wt, y, spec),
                    () -> ConvKernels.conv2d(x, wt, y, spec),
                    () -> ConvKernels.gemmInputGrad(gy, wt, gx, spec),
                    () -> ConvKernels.inputGrad(gy, wt, gx, spec),
                    () -> ConvKernels.gemmWeightGrad(x, gy, gw, spec),
                    () -> ConvKernels.weightGrad(x, gy, gw, spec),
                    () -> Parallel.forTasks(n, (i0, i1) -> {
                        float[] res = new float[o * h * w];
                        for (int i = i0; i < i1; i++) Gemm.sgemm(o, h * w, c * 9, wa, 0, c * 9, 1, cols, 0, h * w, 1, res, 0, h * w, false);
                    }),
            };
            String[] names = {"fwd gemm", "fwd dispatch", "dx gemm", "dx dispatch", "dw gemm", "dw dispatch", "bare sgemm/img"};
            double[][] t = new double[runs.length][rounds], cpu = new double[runs.length][rounds];
            for (int k = 0; k < rounds + 3; k++)
                for (int i = 0; i < runs.length; i++) {
                    if (!names[i].startsWith(only)) continue;
                    long c0 = cpuNanos(), t0 = System.nanoTime();
                    runs[i].run();
                    if (k >= 3) {
                        t[i][k - 3] = (System.nanoTime() - t0) / 1e6;
                        cpu[i][k - 3] = (cpuNanos() - c0) / 1e6;
                    }
                }
            double flops = 2.0 * n * o * h * w * c * 9;
            System.out.printf("x [%d, %d, %d, %d] w [%d, %d, 3, 3]  (%.3f GFLOP per product)%n", n, c, h, w, o, c, flops / 1e9);
            for (int i = 0; i < runs.length; i++) {
                if (!names[i].startsWith(only)) continue;
                Arrays.sort(t[i]);
                Arrays.sort(cpu[i]);
                System.out.printf("  %-16s wall %8.3f ms  cpu %8.3f ms  %6.1f GFLOP/cpu-s%n", names[i], t[i][rounds / 2], cpu[i][rounds / 2],
                        flops / cpu[i][rounds / 2] / 1e6);
            }
        }
    }

    /** CPU time of every live thread of the process, in nanoseconds (per-thread clocks, unlike the process's 10 ms ticks). */
    private static long cpuNanos() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) sum += Math.max(0, THREADS.getThreadCpuTime(id));
        return sum;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static Operand op(float[] a, int... shape) { return KernelAccess.operand(Tensor.of(a, shape)); }

    private static float[] rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() - 0.5f;
        return a;
    }
}
