package dev.galvani.tensor.cuda;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.SoftmaxKernels;

/**
 * {@link SoftmaxKernels} on one CUDA device (softmax.cu): each row of the {@code [outer, n, inner]}
 * operands is reduced by one thread, one warp or one block, chosen here by the row count and length.
 */
final class CudaSoftmax implements SoftmaxKernels {

    /** Rows up to this length take a warp each (8 rows per block of 256); longer rows a block. */
    static final int WARP_ROW_LIMIT = 1024;
    /** Rows along a dimension that is not the last take a thread each when there are at least this many. */
    static final int THREAD_ROWS_MIN = 4096;

    /** How a launch spreads rows over threads: the kernels' name part and threads per row. */
    enum Mode {
        THREAD, WARP, BLOCK;

        String kernelPart() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private final CudaBackend backend;

    CudaSoftmax(CudaBackend backend) { this.backend = backend; }

    /**
     * The mode for rows of length n, {@code rows} of them, inner the stride between a row's elements
     * in the output: a thread per row where rows are strided and many (adjacent threads read adjacent
     * elements), else a warp for short rows and a block for long ones.
     */
    static Mode mode(long rows, int n, int inner) {
        if (inner > 1 && rows >= THREAD_ROWS_MIN) return Mode.THREAD;
        return n <= WARP_ROW_LIMIT ? Mode.WARP : Mode.BLOCK;
    }

    @Override public void softmax(Operand x, Operand out, boolean log) {
        int[] d = out.shape().dims();
        int outer = d[0], n = d[1], inner = d[2];
        if ((long) outer * n * inner == 0) return;
        DType dt = dtype(x, out);
        Mode mode = mode((long) outer * inner, n, inner);
        int[] s = x.strides();
        backend.launchFamily(KernelArgs.of(Kernels.SOFTMAX_FORWARD.named("softmax_forward_" + mode.kernelPart() + "_" + Kernels.suffix(dt)))
                .ptr(backend.address(x)).ptr(backend.address(out)).i32(outer).i32(n).i32(inner).i32(s[0]).i32(s[1]).i32(s[2]).i32(log ? 1 : 0),
                grid(mode, (long) outer * inner, n));
    }

    @Override public void softmaxBackward(Operand grad, Operand output, Operand out, boolean log) {
        int[] d = out.shape().dims();
        int outer = d[0], n = d[1], inner = d[2];
        if ((long) outer * n * inner == 0) return;
        DType dt = dtype(grad, out);
        dtype(output, out);
        Mode mode = mode((long) outer * inner, n, inner);
        int[] gs = grad.strides(), ys = output.strides();
        backend.launchFamily(KernelArgs.of(Kernels.SOFTMAX_BACKWARD.named("softmax_backward_" + mode.kernelPart() + "_" + Kernels.suffix(dt)))
                .ptr(backend.address(grad)).ptr(backend.address(output)).ptr(backend.address(out)).i32(outer).i32(n).i32(inner)
                .i32(gs[0]).i32(gs[1]).i32(gs[2]).i32(ys[0]).i32(ys[1]).i32(ys[2]).i32(log ? 1 : 0),
                grid(mode, (long) outer * inner, n));
    }

    /** Blocks of 256 threads (1024 for rows past 8192 elements in block mode), grid-stride over the rows beyond the grid. */
    private LaunchGeometry.Grid grid(Mode mode, long rows, int n) {
        int sms = Math.max(1, backend.context().multiprocessors);
        return switch (mode) {
            case THREAD -> LaunchGeometry.gridStride(rows, sms);
            case WARP -> new LaunchGeometry.Grid((int) Math.min(LaunchGeometry.ceilDiv(rows, LaunchGeometry.THREADS / 32),
                    (long) sms * LaunchGeometry.BLOCKS_PER_SM), 1, 1, LaunchGeometry.THREADS, 1, 1, 0);
            case BLOCK -> new LaunchGeometry.Grid((int) Math.min(rows, (long) sms * LaunchGeometry.BLOCKS_PER_SM * 4), 1, 1,
                    n > 8192 ? 1024 : LaunchGeometry.THREADS, 1, 1, 0);
        };
    }

    private DType dtype(Operand a, Operand out) {
        DType dt = out.dtype();
        if ((dt != DType.F32 && dt != DType.F64) || a.dtype() != dt)
            throw new UnsupportedOperationException("softmax on " + backend.device() + " needs F32 or F64 operands of one dtype, got " + a.dtype() + " and " + dt);
        return dt;
    }
}
