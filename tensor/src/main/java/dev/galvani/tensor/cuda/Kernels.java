package dev.galvani.tensor.cuda;

import static dev.galvani.tensor.cuda.KernelArgs.Param.F32;
import static dev.galvani.tensor.cuda.KernelArgs.Param.F64;
import static dev.galvani.tensor.cuda.KernelArgs.Param.I32;
import static dev.galvani.tensor.cuda.KernelArgs.Param.I64;
import static dev.galvani.tensor.cuda.KernelArgs.Param.LIF_PARAMS;
import static dev.galvani.tensor.cuda.KernelArgs.Param.PTR;
import static dev.galvani.tensor.cuda.KernelArgs.Param.SHAPE;
import static dev.galvani.tensor.cuda.KernelArgs.Param.STRIDED;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.cuda.KernelArgs.Signature;

/**
 * The signatures of the kernels in galvani-cuda-kernels, as declared in its CUDA sources (one per
 * kernel family; the dtype's suffix completes the name). {@code KernelSourceTest} reads the sources
 * and checks every name and parameter list here against them.
 */
final class Kernels {

    private Kernels() {}

    /** The suffix of a dtype's kernels: f32, f64, i32, i64, bool. */
    static String suffix(DType dtype) {
        return switch (dtype) {
            case F32 -> "f32";
            case F64 -> "f64";
            case I32 -> "i32";
            case I64 -> "i64";
            case BOOL -> "bool";
        };
    }

    static final Signature FILL_FLOAT = new Signature("fill_", PTR, SHAPE, STRIDED, I64, F64);
    static final Signature FILL_INT = new Signature("fill_", PTR, SHAPE, STRIDED, I64, I64);
    static final Signature COPY = new Signature("copy_", PTR, PTR, SHAPE, STRIDED, STRIDED, I64);
    static final Signature UNARY = new Signature("unary_", PTR, PTR, SHAPE, STRIDED, STRIDED, I64, I32);
    static final Signature UNARY_CONTIGUOUS = new Signature("unary_f32_contiguous", PTR, PTR, I64, I32);
    static final Signature BINARY_FLOAT = new Signature("binary_", PTR, PTR, PTR, SHAPE, STRIDED, STRIDED, STRIDED, I64, I32, I32, F64);
    static final Signature BINARY_INT = new Signature("binary_", PTR, PTR, PTR, SHAPE, STRIDED, STRIDED, STRIDED, I64, I32, I32, I64);
    static final Signature BINARY_CONTIGUOUS = new Signature("binary_f32_contiguous", PTR, PTR, PTR, I64, I32, I32, F32);
    static final Signature WHERE = new Signature("where_", PTR, PTR, PTR, PTR, SHAPE, STRIDED, STRIDED, STRIDED, I64);
    static final Signature REDUCE = new Signature("reduce_", PTR, PTR, SHAPE, STRIDED, SHAPE, STRIDED, I64, I64, I32);
    static final Signature CUMSUM = new Signature("cumsum_", PTR, PTR, SHAPE, STRIDED, STRIDED, I64, I32, I32, I32);
    static final Signature RANDOM = new Signature("random_", PTR, I64, I64, I64);
    static final Signature RANDOM_INTEGERS = new Signature("random_integers", PTR, I64, I64, I64, I64, I64);
    static final Signature RANDOM_BERNOULLI = new Signature("random_bernoulli_", PTR, I64, I64, I64, F64);
    static final Signature SGEMM = new Signature("sgemm_", PTR, PTR, PTR, I32, I32, I32, I64, I32, I64, I32);
    static final Signature SGEMM_TF32 = new Signature("sgemm_tf32_", PTR, PTR, PTR, I32, I32, I32, I64, I32, I64, I32);
    static final Signature DGEMM = new Signature("dgemm_strided", PTR, PTR, PTR, I32, I32, I32, I64, I64, I64, I64, I64, I64);
    static final Signature LIF_FORWARD = new Signature("lif_forward_", PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, LIF_PARAMS);
    static final Signature LIF_BACKWARD = new Signature("lif_backward_", PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, LIF_PARAMS);
    static final Signature LIF_DECAY_SUM = new Signature("lif_decay_sum_", PTR, I32, PTR);
    static final Signature GATHER = new Signature("gather_", PTR, PTR, PTR, SHAPE, STRIDED, STRIDED, STRIDED, I64, I32, I32, I32);
    static final Signature SCATTER_ADD = new Signature("scatter_add_", PTR, PTR, PTR, SHAPE, STRIDED, STRIDED, STRIDED, I64, I32, I32, I32, I32, I32, I32);
    static final Signature POOL_MAX_FORWARD = new Signature("pool_max_forward_", PTR, PTR, PTR, STRIDED, I64, I32, I32, I32, I32, I32,
            I32, I32, I32, I32, I32, I32, I32, I32);
    static final Signature POOL_MAX_BACKWARD = new Signature("pool_max_backward_", PTR, PTR, PTR, STRIDED, STRIDED, I64, I32, I32, I32, I32, I32,
            I32, I32, I32, I32, I32, I32, I32, I32);
    static final Signature POOL_AVG_FORWARD = new Signature("pool_avg_forward_", PTR, PTR, STRIDED, I64, I32, I32, I32, I32, I32,
            I32, I32, I32, I32, I32, I32, I32, I32, I32);
    static final Signature POOL_AVG_BACKWARD = new Signature("pool_avg_backward_", PTR, PTR, STRIDED, I64, I32, I32, I32, I32, I32,
            I32, I32, I32, I32, I32, I32, I32, I32, I32);
    static final Signature BN_STATISTICS = new Signature("bn_statistics_", PTR, PTR, I32, PTR, I32, I32, I32, I32, F64);
    static final Signature BN_NORMALIZE = new Signature("bn_normalize_", PTR, PTR, I32, PTR, I32, PTR, I32, PTR, I32, PTR, I64, I32, I32);
    static final Signature BN_BACKWARD_REDUCE = new Signature("bn_backward_reduce_", PTR, PTR, PTR, I32, PTR, I32, PTR, I32, PTR, I32, PTR, I32,
            PTR, I32, I32, I32, I32);
    static final Signature BN_BACKWARD_INPUT = new Signature("bn_backward_input_", PTR, PTR, PTR, PTR, I64, I32, I32);
    static final Signature IM2COL = new Signature("im2col_", PTR, PTR, STRIDED, I64, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32,
            I32, I32, I64, I64);
    static final Signature COL2IM = new Signature("col2im_", PTR, PTR, I64, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32);
    static final Signature FFT_PACK = new Signature("fft_pack_", PTR, PTR, PTR, I64, I32, I32, I32, I32);
    static final Signature FFT_UNPACK = new Signature("fft_unpack_", PTR, PTR, PTR, I64, I32, I32, F64);
    static final Signature FFT_PACK_REAL = new Signature("fft_pack_real_", PTR, PTR, I64, I32, I32);
    static final Signature DCLS_BUILD = new Signature("dcls_build_", PTR, PTR, PTR, PTR, I64, I32, I32, F64, I32);
    static final Signature DCLS_KERNEL_BACKWARD = new Signature("dcls_kernel_backward_", PTR, PTR, PTR, PTR, PTR, PTR, PTR, I64, I32, I32, F64, I32);
    static final Signature DCLS_UNFOLD = new Signature("dcls_unfold_", PTR, PTR, I64, I32, I32, I32, I32, I32);
    static final Signature DCLS_FOLD = new Signature("dcls_fold_", PTR, PTR, I64, I32, I32, I32, I32, I32);
    static final Signature DCLS_INTEGER_FORWARD = new Signature("dcls_integer_forward_", PTR, PTR, PTR, PTR, I64, I32, I32, I32, I32, I32);
    static final Signature DCLS_INTEGER_BACKWARD_INPUT = new Signature("dcls_integer_backward_input_", PTR, PTR, PTR, PTR, I64, I32, I32, I32, I32, I32);
    static final Signature DCLS_INTEGER_BACKWARD_WEIGHT = new Signature("dcls_integer_backward_weight_", PTR, PTR, PTR, PTR, I64, I32, I32, I32, I32,
            I32, I32);
    static final Signature DCLS_INTEGER_STEP = new Signature("dcls_integer_step_", PTR, I32, PTR, PTR, PTR, I64, I32, I32, I32, I32);
    static final Signature SOFTMAX_FORWARD = new Signature("softmax_forward_", PTR, PTR, I32, I32, I32, I32, I32, I32, I32);
    static final Signature SOFTMAX_BACKWARD = new Signature("softmax_backward_", PTR, PTR, PTR, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32);
    static final Signature ADAM_STEP = new Signature("adam_step_", PTR, PTR, PTR, PTR, PTR, I64, F64, F64, F64, F64, F64, F64, F64, I32, I32);
}
