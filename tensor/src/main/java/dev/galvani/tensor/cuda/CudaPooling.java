package dev.galvani.tensor.cuda;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.Pool2dSpec;
import dev.galvani.tensor.backend.PoolingKernels;

/**
 * {@link PoolingKernels} on one CUDA device (pool.cu): one thread per output element forward, one per
 * input element backward (a gather over the windows that contain it, in the CPU's order of
 * additions, so the gradients are the CPU's bit for bit and need no atomics).
 */
final class CudaPooling implements PoolingKernels {

    private final CudaBackend backend;

    CudaPooling(CudaBackend backend) { this.backend = backend; }

    @Override public void maxPool2d(Operand x, Operand out, Operand indices, Pool2dSpec spec) {
        long count = out.numel();
        if (count == 0) return;
        launch(geometry(KernelArgs.of(named(Kernels.POOL_MAX_FORWARD, x)).ptr(backend.address(x)).ptr(backend.address(out)).ptr(backend.address(indices))
                .strided(strided(x)).i64(count).i32(x.size(1)).i32(x.size(2)).i32(x.size(3)).i32(out.size(2)).i32(out.size(3)), spec), count);
    }

    @Override public void maxPool2dBackward(Operand gradOut, Operand indices, Operand gradIn, Pool2dSpec spec) {
        long count = gradIn.numel();
        if (count == 0 || gradOut.numel() == 0) return;
        launch(geometry(KernelArgs.of(named(Kernels.POOL_MAX_BACKWARD, gradIn)).ptr(backend.address(gradOut)).ptr(backend.address(indices))
                .ptr(backend.address(gradIn)).strided(strided(gradOut)).strided(strided(indices)).i64(count).i32(gradIn.size(1)).i32(gradIn.size(2))
                .i32(gradIn.size(3)).i32(gradOut.size(2)).i32(gradOut.size(3)), spec), count);
    }

    @Override public void avgPool2d(Operand x, Operand out, Pool2dSpec spec) {
        long count = out.numel();
        if (count == 0) return;
        launch(geometry(KernelArgs.of(named(Kernels.POOL_AVG_FORWARD, x)).ptr(backend.address(x)).ptr(backend.address(out)).strided(strided(x))
                .i64(count).i32(x.size(1)).i32(x.size(2)).i32(x.size(3)).i32(out.size(2)).i32(out.size(3)), spec).i32(spec.countIncludePad() ? 1 : 0), count);
    }

    @Override public void avgPool2dBackward(Operand gradOut, Operand gradIn, Pool2dSpec spec) {
        long count = gradIn.numel();
        if (count == 0 || gradOut.numel() == 0) return;
        launch(geometry(KernelArgs.of(named(Kernels.POOL_AVG_BACKWARD, gradIn)).ptr(backend.address(gradOut)).ptr(backend.address(gradIn))
                .strided(strided(gradOut)).i64(count).i32(gradIn.size(1)).i32(gradIn.size(2)).i32(gradIn.size(3)).i32(gradOut.size(2))
                .i32(gradOut.size(3)), spec).i32(spec.countIncludePad() ? 1 : 0), count);
    }

    private void launch(KernelArgs args, long items) { backend.launchFamily(args, LaunchGeometry.gridStride(items, backend.context().multiprocessors)); }

    /** The window: kernel, stride, padding and dilation, each (H, W). */
    private static KernelArgs geometry(KernelArgs args, Pool2dSpec s) {
        return args.i32(s.kernelH()).i32(s.kernelW()).i32(s.strideH()).i32(s.strideW()).i32(s.padH()).i32(s.padW()).i32(s.dilationH()).i32(s.dilationW());
    }

    /** A 4-D operand's layout as a Strided of its own offset and strides (N, C, H, W), relative to its element 0. */
    static int[] strided(Operand o) {
        int[] s = new int[CudaLayouts.MAX_DIMS + 1];
        int[] st = o.strides();
        System.arraycopy(st, 0, s, 1, st.length);
        return s;
    }

    private KernelArgs.Signature named(KernelArgs.Signature s, Operand o) {
        DType dt = o.dtype();
        if (dt != DType.F32 && dt != DType.F64) throw new UnsupportedOperationException("pooling on " + backend.device() + " needs F32 or F64, got " + dt);
        return CudaBackend.named(s, dt);
    }
}
