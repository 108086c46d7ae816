package dev.galvani.tensor.cuda;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.NormalizationKernels;
import dev.galvani.tensor.backend.Operand;

/**
 * {@link NormalizationKernels} on one CUDA device (norm.cu): the per-channel statistics and gradient
 * sums in double with one block per channel, the element-wise parts with one thread per element.
 */
final class CudaNormalization implements NormalizationKernels {

    /** Threads of the per-channel reductions (a multiple of 32, for block_sum). */
    private static final int REDUCE_THREADS = 256;

    private final CudaBackend backend;

    CudaNormalization(CudaBackend backend) { this.backend = backend; }

    @Override public void batchNormForward(Operand x, Operand weight, Operand bias, Operand mean, Operand invstd, Operand out, boolean computeStats, double eps) {
        int n = x.size(0), c = x.size(1), s = x.size(2);
        long total = x.numel();
        if (total == 0) return;
        DType dt = dtype(x);
        if (computeStats)
            backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.BN_STATISTICS, dt)).ptr(backend.address(x)).ptr(backend.address(mean)).i32(stride(mean))
                    .ptr(backend.address(invstd)).i32(stride(invstd)).i32(n).i32(c).i32(s).f64(eps), perChannel(c));
        backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.BN_NORMALIZE, dt)).ptr(backend.address(x)).ptr(backend.address(mean)).i32(stride(mean))
                .ptr(backend.address(invstd)).i32(stride(invstd)).ptr(ptr(weight)).i32(stride(weight)).ptr(ptr(bias)).i32(stride(bias))
                .ptr(backend.address(out)).i64(total).i32(c).i32(s), LaunchGeometry.gridStride(total, backend.context().multiprocessors));
    }

    @Override public void batchNormBackward(Operand gradOut, Operand x, Operand weight, Operand mean, Operand invstd, Operand gradIn,
                                            Operand gradWeight, Operand gradBias, boolean batchStats) {
        int n = x.size(0), c = x.size(1), s = x.size(2);
        long total = x.numel();
        if (total == 0) return;
        DType dt = dtype(x);
        CudaStorage coef = (CudaStorage) backend.allocateUninitialized(DType.F64, 3 * c);
        try {
            backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.BN_BACKWARD_REDUCE, dt)).ptr(backend.address(gradOut)).ptr(backend.address(x))
                    .ptr(backend.address(mean)).i32(stride(mean)).ptr(backend.address(invstd)).i32(stride(invstd)).ptr(ptr(weight)).i32(stride(weight))
                    .ptr(ptr(gradWeight)).i32(stride(gradWeight)).ptr(ptr(gradBias)).i32(stride(gradBias)).ptr(coef.address()).i32(n).i32(c).i32(s)
                    .i32(batchStats ? 1 : 0), perChannel(c));
            if (gradIn != null)
                backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.BN_BACKWARD_INPUT, dt)).ptr(backend.address(gradOut)).ptr(backend.address(x))
                        .ptr(coef.address()).ptr(backend.address(gradIn)).i64(total).i32(c).i32(s), LaunchGeometry.gridStride(total, backend.context().multiprocessors));
        } finally {
            coef.release();              // stream-ordered: the kernels enqueued before read it first
        }
    }

    /** One block per channel (the kernels loop when there are more channels than blocks). */
    private static LaunchGeometry.Grid perChannel(int c) {
        return new LaunchGeometry.Grid(Math.min(c, Integer.MAX_VALUE), 1, 1, REDUCE_THREADS, 1, 1, 0);
    }

    private long ptr(Operand o) { return o == null ? 0 : backend.address(o); }

    private static int stride(Operand o) { return o == null || o.dim() == 0 ? 0 : o.strides()[0]; }

    private DType dtype(Operand x) {
        DType dt = x.dtype();
        if (dt != DType.F32 && dt != DType.F64) throw new UnsupportedOperationException("batch norm on " + backend.device() + " needs F32 or F64, got " + dt);
        return dt;
    }
}
