package dev.galvani.tensor.cpu;

/**
 * The GEMM form of the dense delay layer (DCLS reference §13): with the sequence time-major, the
 * input rows tap k reads for output steps {@code t0 … t1} are one contiguous block {@code (t1 − t0)·B × Cin}
 * of x itself, so the forward pass is D accumulated matrix products
 * {@code out[t0 … t1] += x[t0 + k − (D − 1) …] · K_kᵀ} on the unpadded input, each over only the
 * steps where the input exists: no im2col buffer, no padded copy. Backward: {@code dK_k = dyᵀ · x}
 * over the same blocks and {@code dx[…] += dy · K_k}, 2·D products.
 *
 * <p>The products are {@link Gemm}'s (threads inside each). The kernel is transposed once per call
 * to per-tap matrices ({@code [D][Cin][Cout]} forward, {@code [D][Cout][Cin]} for dx), so the
 * packing reads unit strides; these and dK's per-tap buffer are per-thread scratch in F32.
 */
final class DelayGemm {

    private DelayGemm() {}

    /** The steps tap k writes: output steps t with {@code 0 ≤ t + k − (D − 1) < steps}, within the output. */
    private static int first(int k, int taps) { return Math.max(0, taps - 1 - k); }

    private static int end(int k, int taps, int steps, int outSteps) { return Math.min(outSteps, steps + taps - 1 - k); }

    static void forward(float[] x, int xOff, float[] kernel, int kOff, float[] out, int oOff, int steps, int batch, int cin, int cout, int taps) {
        int outSteps = steps + (taps - 1) / 2;
        float[] kt = TapGather.scratch(3, taps * cin * cout);
        transpose(kernel, kOff, cout, cin, taps, kt, true);
        java.util.Arrays.fill(out, oOff, oOff + outSteps * batch * cout, 0f);
        for (int k = 0; k < taps; k++) {
            int t0 = first(k, taps), t1 = end(k, taps, steps, outSteps);
            if (t1 <= t0) continue;
            int src = t0 + k - (taps - 1);
            Gemm.sgemm((t1 - t0) * batch, cout, cin, x, xOff + src * batch * cin, cin, 1, kt, k * cin * cout, cout, 1,
                    out, oOff + t0 * batch * cout, cout, true);
        }
    }

    static void forward(double[] x, int xOff, double[] kernel, int kOff, double[] out, int oOff, int steps, int batch, int cin, int cout, int taps) {
        int outSteps = steps + (taps - 1) / 2;
        java.util.Arrays.fill(out, oOff, oOff + outSteps * batch * cout, 0d);
        for (int k = 0; k < taps; k++) {
            int t0 = first(k, taps), t1 = end(k, taps, steps, outSteps);
            if (t1 <= t0) continue;
            int src = t0 + k - (taps - 1);
            Gemm.dgemm((t1 - t0) * batch, cout, cin, x, xOff + src * batch * cin, cin, 1, kernel, kOff + k, taps, cin * taps,
                    out, oOff + t0 * batch * cout, cout, true);
        }
    }

    /** gradX (or null) [steps, batch, cin] and gradKernel (or null) [cout, cin, taps], overwritten. */
    static void backward(float[] dy, int dyOff, float[] x, int xOff, float[] kernel, int kOff, float[] dx, int dxOff, float[] dk, int dkOff,
                         int steps, int batch, int cin, int cout, int taps) {
        int outSteps = steps + (taps - 1) / 2;
        if (dx != null) {
            float[] kd = TapGather.scratch(3, taps * cout * cin);
            transpose(kernel, kOff, cout, cin, taps, kd, false);
            java.util.Arrays.fill(dx, dxOff, dxOff + steps * batch * cin, 0f);
            for (int k = 0; k < taps; k++) {
                int t0 = first(k, taps), t1 = end(k, taps, steps, outSteps);
                if (t1 <= t0) continue;
                int src = t0 + k - (taps - 1);
                Gemm.sgemm((t1 - t0) * batch, cin, cout, dy, dyOff + t0 * batch * cout, cout, 1, kd, k * cout * cin, cin, 1,
                        dx, dxOff + src * batch * cin, cin, true);
            }
        }
        if (dk != null) {
            float[] dkt = TapGather.scratch(4, taps * cout * cin);
            for (int k = 0; k < taps; k++) {
                int t0 = first(k, taps), t1 = Math.max(t0, end(k, taps, steps, outSteps));
                int src = t0 + k - (taps - 1);
                Gemm.sgemm(cout, cin, (t1 - t0) * batch, dy, dyOff + t0 * batch * cout, 1, cout, x, xOff + Math.max(0, src) * batch * cin, cin, 1,
                        dkt, k * cout * cin, cin, false);
            }
            untranspose(dkt, dk, dkOff, cout, cin, taps);
        }
    }

    static void backward(double[] dy, int dyOff, double[] x, int xOff, double[] kernel, int kOff, double[] dx, int dxOff, double[] dk, int dkOff,
                         int steps, int batch, int cin, int cout, int taps) {
        int outSteps = steps + (taps - 1) / 2;
        if (dx != null) {
            java.util.Arrays.fill(dx, dxOff, dxOff + steps * batch * cin, 0d);
            for (int k = 0; k < taps; k++) {
                int t0 = first(k, taps), t1 = end(k, taps, steps, outSteps);
                if (t1 <= t0) continue;
                int src = t0 + k - (taps - 1);
                Gemm.dgemm((t1 - t0) * batch, cin, cout, dy, dyOff + t0 * batch * cout, cout, 1, kernel, kOff + k, cin * taps, taps,
                        dx, dxOff + src * batch * cin, cin, true);
            }
        }
        if (dk != null) {
            double[] dkt = new double[cout * cin];
            for (int k = 0; k < taps; k++) {
                int t0 = first(k, taps), t1 = Math.max(t0, end(k, taps, steps, outSteps));
                int src = t0 + k - (taps - 1);
                Gemm.dgemm(cout, cin, (t1 - t0) * batch, dy, dyOff + t0 * batch * cout, 1, cout, x, xOff + Math.max(0, src) * batch * cin, cin, 1,
                        dkt, 0, cin, false);
                for (int oi = 0; oi < cout * cin; oi++) dk[dkOff + oi * taps + k] = dkt[oi];
            }
        }
    }

    /** kernel [cout, cin, taps] to per-tap matrices: [taps][cin][cout] ({@code inMajor}) or [taps][cout][cin]. */
    private static void transpose(float[] kernel, int kOff, int cout, int cin, int taps, float[] to, boolean inMajor) {
        Parallel.forRange(cout, 8, (o0, o1) -> {
            for (int o = o0; o < o1; o++)
                for (int i = 0; i < cin; i++)
                    for (int k = 0; k < taps; k++) {
                        float v = kernel[kOff + (o * cin + i) * taps + k];
                        if (inMajor) to[(k * cin + i) * cout + o] = v;
                        else to[(k * cout + o) * cin + i] = v;
                    }
        });
    }

    /** [taps][cout][cin] back to [cout, cin, taps]. */
    private static void untranspose(float[] from, float[] dk, int dkOff, int cout, int cin, int taps) {
        Parallel.forRange(cout, 8, (o0, o1) -> {
            for (int o = o0; o < o1; o++)
                for (int i = 0; i < cin; i++)
                    for (int k = 0; k < taps; k++) dk[dkOff + (o * cin + i) * taps + k] = from[(k * cout + o) * cin + i];
        });
    }
}
