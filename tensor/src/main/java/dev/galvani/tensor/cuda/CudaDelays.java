package dev.galvani.tensor.cuda;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Shape;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.DelayKernels;
import dev.galvani.tensor.backend.DelaySpec;
import dev.galvani.tensor.backend.Operand;

/**
 * {@link DelayKernels} on one CUDA device (delay.cu; DCLS reference §2, §3, §7, §10, §13):
 * <ul>
 *   <li>the kernel and its backward: per-synapse tap math in double on the device;</li>
 *   <li>the correlation (the GEMM form of §13): the input's time windows unfolded into rows
 *       {@code [t B + b, k Cin + i]}, times the kernel permuted to {@code [k Cin + i, o]}, one product
 *       per chunk of output steps (cuBLAS, or Galvani's SGEMM); backward: dx by the transposed
 *       product and a folding gather, dK by {@code unfoldᵀ · dy} summed over the chunks;</li>
 *   <li>sparse taps: the dense correlation with the kernel that keeps only each synapse's window
 *       (the same sums over the kept taps as the CPU's tap tables; on a GPU the dense product is the
 *       fast form), and the windowed kernel backward;</li>
 *   <li>integer delays: direct kernels, one thread per output element (one block per synapse for dW).</li>
 * </ul>
 */
final class CudaDelays implements DelayKernels {

    /** The most elements one unfolded-window buffer holds (256 MB of F32). */
    static final long UNFOLD_BUDGET = 1L << 26;

    /** The budget in use (tests lower it to exercise the chunking). */
    static volatile long unfoldBudget = UNFOLD_BUDGET;

    private static final int REDUCE_THREADS = 128;

    private final CudaBackend backend;

    CudaDelays(CudaBackend backend) { this.backend = backend; }

    // ---- the dense kernel ------------------------------------------------------------------------------

    @Override public void buildKernel(Operand weight, Operand positions, Operand sigma, Operand kernel, DelaySpec spec) {
        build(weight, positions, sigma, kernel, spec, false);
    }

    private void build(Operand weight, Operand positions, Operand sigma, Operand kernel, DelaySpec spec, boolean windowed) {
        long count = kernel.numel();
        if (count == 0) return;
        DType dt = dtype(weight);
        backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.DCLS_BUILD, dt)).ptr(backend.address(weight)).ptr(backend.address(positions))
                .ptr(ptr(sigma)).ptr(backend.address(kernel)).i64(count).i32(spec.taps()).i32(spec.profile().ordinal()).f64(spec.radius())
                .i32(windowed ? 1 : 0), grid(count));
    }

    @Override public void kernelBackward(Operand gradKernel, Operand weight, Operand positions, Operand sigma,
                                         Operand gradWeight, Operand gradPositions, Operand gradSigma, DelaySpec spec) {
        kernelBackward(gradKernel, weight, positions, sigma, gradWeight, gradPositions, gradSigma, spec, false);
    }

    private void kernelBackward(Operand gradKernel, Operand weight, Operand positions, Operand sigma,
                                Operand gradWeight, Operand gradPositions, Operand gradSigma, DelaySpec spec, boolean windowed) {
        long synapses = weight.numel();
        if (synapses == 0) return;
        DType dt = dtype(weight);
        backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.DCLS_KERNEL_BACKWARD, dt)).ptr(backend.address(gradKernel)).ptr(backend.address(weight))
                .ptr(backend.address(positions)).ptr(ptr(sigma)).ptr(ptr(gradWeight)).ptr(ptr(gradPositions)).ptr(ptr(gradSigma)).i64(synapses)
                .i32(spec.taps()).i32(spec.profile().ordinal()).f64(spec.radius()).i32(windowed ? 1 : 0), grid(synapses));
    }

    // ---- the GEMM form ------------------------------------------------------------------------------------

    /** The sizes of one correlation. */
    private record Sizes(int steps, int batch, int cin, int cout, int taps, int outSteps) {
        static Sizes of(Operand x, Operand kernel, DelaySpec spec) {
            return new Sizes(x.size(0), x.size(1), x.size(2), kernel.size(0), spec.taps(), x.size(0) + spec.half());
        }

        int width() { return taps * cin; }

        /** Output steps per chunk: as many as fit the unfold budget, at least one. */
        int chunk() { return (int) Math.max(1, Math.min(outSteps, unfoldBudget / Math.max(1L, (long) batch * width()))); }
    }

    @Override public void correlate(Operand x, Operand kernel, Operand out, DelaySpec spec) {
        if (out.numel() == 0) return;
        if (x.numel() == 0 || kernel.numel() == 0) { backend.fill(out, 0); return; }
        Sizes z = Sizes.of(x, kernel, spec);
        DType dt = dtype(x);
        int rows = z.chunk(), width = z.width();
        CudaStorage kp = permuted(kernel, z), u = alloc(dt, (long) rows * z.batch() * width);
        try {
            Operand k = view(kp, new int[]{1, width, z.cout()}, new int[]{width * z.cout(), z.cout(), 1});
            for (int t0 = 0; t0 < z.outSteps(); t0 += rows) {
                int r = Math.min(rows, z.outSteps() - t0), m = r * z.batch();
                unfold(x, u, t0, r, z);
                backend.matmul(view(u, new int[]{1, m, width}, new int[]{m * width, width, 1}), k,
                        out.withLayout(new int[]{1, m, z.cout()}, new int[]{m * z.cout(), z.cout(), 1}, out.offset() + t0 * z.batch() * z.cout()));
            }
        } finally {
            release(kp, u);              // stream-ordered: the work enqueued before reads them first
        }
    }

    @Override public void correlateBackward(Operand gradOut, Operand x, Operand kernel, Operand gradX, Operand gradKernel, DelaySpec spec) {
        Sizes z = Sizes.of(x, kernel, spec);
        DType dt = dtype(x);
        if (gradX != null && gradX.numel() > 0) {
            if (gradOut.numel() == 0 || kernel.numel() == 0) backend.fill(gradX, 0);
            else inputGradient(gradOut, kernel, gradX, z, dt);
        }
        if (gradKernel != null && gradKernel.numel() > 0) {
            if (gradOut.numel() == 0 || x.numel() == 0) backend.fill(gradKernel, 0);
            else kernelGradient(gradOut, x, gradKernel, z, dt);
        }
    }

    /** dx: per chunk of output steps, du = dy · Kpᵀ, folded into dx (zeroed first) in chunk order. */
    private void inputGradient(Operand gradOut, Operand kernel, Operand gradX, Sizes z, DType dt) {
        int rows = z.chunk(), width = z.width();
        CudaStorage kp = permuted(kernel, z), du = alloc(dt, (long) rows * z.batch() * width);
        try {
            backend.fill(gradX, 0);
            Operand kt = view(kp, new int[]{1, z.cout(), width}, new int[]{width * z.cout(), 1, z.cout()});
            long count = gradX.numel();
            for (int t0 = 0; t0 < z.outSteps(); t0 += rows) {
                int r = Math.min(rows, z.outSteps() - t0), m = r * z.batch();
                Operand dy = gradOut.withLayout(new int[]{1, m, z.cout()}, new int[]{m * z.cout(), z.cout(), 1}, gradOut.offset() + t0 * z.batch() * z.cout());
                backend.matmul(dy, kt, view(du, new int[]{1, m, width}, new int[]{m * width, width, 1}));
                backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.DCLS_FOLD, dt)).ptr(du.address()).ptr(backend.address(gradX)).i64(count)
                        .i32(t0).i32(r).i32(z.batch()).i32(z.cin()).i32(z.taps()), grid(count));
            }
        } finally {
            release(kp, du);
        }
    }

    /** dK: dKp = Σ over chunks of unfoldᵀ · dy, then permuted back to [Cout, Cin, D]. */
    private void kernelGradient(Operand gradOut, Operand x, Operand gradKernel, Sizes z, DType dt) {
        int rows = z.chunk(), width = z.width();
        boolean chunked = rows < z.outSteps();
        CudaStorage u = alloc(dt, (long) rows * z.batch() * width), dkp = alloc(dt, (long) width * z.cout());
        CudaStorage partial = chunked ? alloc(dt, (long) width * z.cout()) : null;
        try {
            Operand sum = view(dkp, new int[]{1, width, z.cout()}, new int[]{width * z.cout(), z.cout(), 1});
            for (int t0 = 0; t0 < z.outSteps(); t0 += rows) {
                int r = Math.min(rows, z.outSteps() - t0), m = r * z.batch();
                unfold(x, u, t0, r, z);
                Operand ut = view(u, new int[]{1, width, m}, new int[]{m * width, 1, width});
                Operand dy = gradOut.withLayout(new int[]{1, m, z.cout()}, new int[]{m * z.cout(), z.cout(), 1}, gradOut.offset() + t0 * z.batch() * z.cout());
                if (t0 == 0) {
                    backend.matmul(ut, dy, sum);
                } else {
                    Operand p = view(partial, new int[]{1, width, z.cout()}, new int[]{width * z.cout(), z.cout(), 1});
                    backend.matmul(ut, dy, p);
                    backend.binary(BinaryOp.ADD, sum, p, sum);
                }
            }
            // gradKernel[o, i, k] = dKp[k Cin + i, o]
            backend.copy(view(dkp, new int[]{z.cout(), z.cin(), z.taps()}, new int[]{1, z.cout(), z.cin() * z.cout()}), gradKernel);
        } finally {
            release(u, dkp, partial);
        }
    }

    /** The kernel [Cout, Cin, D] as Kp [D, Cin, Cout] (row k Cin + i, column o), contiguous. */
    private CudaStorage permuted(Operand kernel, Sizes z) {
        CudaStorage kp = alloc(kernel.dtype(), (long) z.taps() * z.cin() * z.cout());
        backend.copy(kernel.withLayout(new int[]{z.taps(), z.cin(), z.cout()}, new int[]{1, z.taps(), z.cin() * z.taps()}, kernel.offset()),
                Operand.contiguous(kp, z.taps(), z.cin(), z.cout()));
        return kp;
    }

    private void unfold(Operand x, CudaStorage u, int t0, int rows, Sizes z) {
        long count = (long) rows * z.batch() * z.width();
        backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.DCLS_UNFOLD, x.dtype())).ptr(backend.address(x)).ptr(u.address()).i64(count)
                .i32(t0).i32(z.steps()).i32(z.batch()).i32(z.cin()).i32(z.taps()), grid(count));
    }

    // ---- sparse taps: the dense form with each synapse's window ------------------------------------------

    @Override public void sparseForward(Operand x, Operand weight, Operand positions, Operand sigma, Operand out, DelaySpec spec) {
        CudaStorage k = windowKernel(weight, positions, sigma, spec);
        try {
            correlate(x, Operand.contiguous(k, weight.size(0), weight.size(1), spec.taps()), out, spec);
        } finally {
            k.release();
        }
    }

    @Override public void sparseBackward(Operand gradOut, Operand x, Operand weight, Operand positions, Operand sigma,
                                         Operand gradX, Operand gradWeight, Operand gradPositions, Operand gradSigma, DelaySpec spec) {
        boolean synapseGrads = gradWeight != null || gradPositions != null || gradSigma != null;
        int cout = weight.size(0), cin = weight.size(1), taps = spec.taps();
        CudaStorage k = windowKernel(weight, positions, sigma, spec), dk = synapseGrads ? alloc(weight.dtype(), (long) cout * cin * taps) : null;
        try {
            Operand kernel = Operand.contiguous(k, cout, cin, taps), gradKernel = dk == null ? null : Operand.contiguous(dk, cout, cin, taps);
            correlateBackward(gradOut, x, kernel, gradX, gradKernel, spec);
            if (synapseGrads) kernelBackward(gradKernel, weight, positions, sigma, gradWeight, gradPositions, gradSigma, spec, true);
        } finally {
            release(k, dk);
        }
    }

    private CudaStorage windowKernel(Operand weight, Operand positions, Operand sigma, DelaySpec spec) {
        int cout = weight.size(0), cin = weight.size(1);
        CudaStorage k = alloc(weight.dtype(), (long) cout * cin * spec.taps());
        build(weight, positions, sigma, Operand.contiguous(k, cout, cin, spec.taps()), spec, true);
        return k;
    }

    // ---- integer delays -------------------------------------------------------------------------------------

    @Override public void integerForward(Operand x, Operand weight, Operand delays, Operand out, DelaySpec spec) {
        long count = out.numel();
        if (count == 0) return;
        DType dt = dtype(x);
        backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.DCLS_INTEGER_FORWARD, dt)).ptr(backend.address(x)).ptr(backend.address(weight))
                .ptr(backend.address(delays)).ptr(backend.address(out)).i64(count).i32(x.size(0)).i32(x.size(1)).i32(x.size(2)).i32(weight.size(0))
                .i32(spec.taps()), grid(count));
    }

    @Override public void integerBackward(Operand gradOut, Operand x, Operand weight, Operand delays, Operand gradX, Operand gradWeight, DelaySpec spec) {
        DType dt = dtype(x);
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), cout = weight.size(0), outSteps = steps + spec.half();
        if (gradX != null && gradX.numel() > 0)
            backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.DCLS_INTEGER_BACKWARD_INPUT, dt)).ptr(backend.address(gradOut))
                    .ptr(backend.address(weight)).ptr(backend.address(delays)).ptr(backend.address(gradX)).i64(gradX.numel()).i32(outSteps).i32(batch)
                    .i32(cin).i32(cout).i32(spec.taps()), grid(gradX.numel()));
        if (gradWeight != null && gradWeight.numel() > 0) {
            long synapses = gradWeight.numel();
            backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.DCLS_INTEGER_BACKWARD_WEIGHT, dt)).ptr(backend.address(gradOut))
                    .ptr(backend.address(x)).ptr(backend.address(delays)).ptr(backend.address(gradWeight)).i64(synapses).i32(steps).i32(outSteps)
                    .i32(batch).i32(cin).i32(cout).i32(spec.taps()),
                    new LaunchGeometry.Grid((int) Math.min(synapses, Integer.MAX_VALUE), 1, 1, REDUCE_THREADS, 1, 1, 0));
        }
    }

    @Override public void integerStep(Operand ring, int newest, Operand weight, Operand delays, Operand out, DelaySpec spec) {
        long count = out.numel();
        if (count == 0) return;
        DType dt = dtype(ring);
        backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.DCLS_INTEGER_STEP, dt)).ptr(backend.address(ring)).i32(newest)
                .ptr(backend.address(weight)).ptr(backend.address(delays)).ptr(backend.address(out)).i64(count).i32(ring.size(2)).i32(ring.size(1))
                .i32(weight.size(0)).i32(spec.taps()), grid(count));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private LaunchGeometry.Grid grid(long items) { return LaunchGeometry.gridStride(items, backend.context().multiprocessors); }

    private long ptr(Operand o) { return o == null ? 0 : backend.address(o); }

    private CudaStorage alloc(DType dt, long length) {
        if (length > Integer.MAX_VALUE) throw new UnsupportedOperationException("delay kernels on " + backend.device() + ": a buffer of " + length + " elements");
        return (CudaStorage) backend.allocateUninitialized(dt, (int) Math.max(1, length));
    }

    private static Operand view(CudaStorage s, int[] shape, int[] strides) { return new Operand(s, Shape.of(shape), strides, 0); }

    private static void release(CudaStorage... storages) {
        for (CudaStorage s : storages) if (s != null) s.release();
    }

    private DType dtype(Operand o) {
        DType dt = o.dtype();
        if (dt != DType.F32 && dt != DType.F64) throw new UnsupportedOperationException("delay kernels on " + backend.device() + " need F32 or F64, got " + dt);
        return dt;
    }
}
