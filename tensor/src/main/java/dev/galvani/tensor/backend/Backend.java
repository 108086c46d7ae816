package dev.galvani.tensor.backend;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Tensor;

/**
 * The primitives a device implements; everything else in Galvani is composed from them in Java.
 *
 * <p>Contract shared by all methods: the caller (the tensor front end) has already checked shapes,
 * dtypes and devices, broadcast inputs to the output shape with zero strides, and allocated the
 * output. Inputs may have any strides and offsets; outputs are freshly allocated and contiguous
 * unless a method says otherwise. A backend never allocates tensors users see.
 */
public interface Backend {

    Device device();

    // ---- storage -------------------------------------------------------------------------------

    /** A zero-filled buffer. */
    Storage allocate(DType dtype, int length);

    /**
     * A buffer holding a copy of (or on the CPU: wrapping) a host array: {@code float[]} for F32,
     * {@code double[]} F64, {@code int[]} I32, {@code long[]} I64, {@code boolean[]} BOOL.
     */
    Storage fromHost(Object hostArray, DType dtype);

    /** The elements of {@code t} in row-major order, as a new host array of its dtype's Java type. */
    Object toHost(Tensor t);

    // ---- data movement -------------------------------------------------------------------------

    /** dst[i] = (dst.dtype) src[i]; same shape, any strides on both sides (dst must not overlap itself). */
    void copy(Tensor src, Tensor dst);

    /** Every element of {@code dst} (any strides) set to {@code value}. */
    void fill(Tensor dst, double value);

    // ---- element-wise --------------------------------------------------------------------------

    /** out = op(x); x has out's shape and dtype. */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /** out = op(a, b); a and b share one dtype and have out's shape; out is BOOL for comparisons. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** out = cond ? a : b; cond is BOOL, a and b have out's dtype, all three have out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    // ---- reductions ----------------------------------------------------------------------------

    /**
     * Reduces {@code x} over {@code dims} (sorted, distinct). {@code out} has x's rank with size 1 on
     * the reduced dims; its dtype is x's (ARGMAX/ARGMIN: I64, the index along the single reduced dim or
     * into the row-major flattening of several).
     */
    void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out);

    /** Inclusive prefix sum along {@code dim}; out has x's shape and dtype. */
    void cumsum(Tensor x, int dim, Tensor out);

    // ---- linear algebra ------------------------------------------------------------------------

    /**
     * Batched matrix product: a [B, M, K] times b [B, K, N] into out [B, M, N]. a and b may have any
     * strides (a transposed operand is a stride pattern, a broadcast batch a zero batch stride).
     */
    void matmul(Tensor a, Tensor b, Tensor out);

    // ---- convolution and pooling (N, C, H, W); 1-D is 2-D with H = 1 ---------------------------

    /** x [N, C, H, W], w [O, C/groups, kH, kW] into out [N, O, outH, outW] (no bias). */
    void conv2d(Tensor x, Tensor w, Tensor out, Conv2dSpec spec);

    /** The gradient of conv2d with respect to its input: gradOut [N, O, oH, oW], w into gradIn [N, C, H, W]. */
    void conv2dInputGrad(Tensor gradOut, Tensor w, Tensor gradIn, Conv2dSpec spec);

    /** The gradient of conv2d with respect to its weight: x, gradOut into gradW [O, C/groups, kH, kW]. */
    void conv2dWeightGrad(Tensor x, Tensor gradOut, Tensor gradW, Conv2dSpec spec);

    /** Max pooling; {@code indices} (I64, out's shape) receives the flat h * W + w position of each maximum. */
    void maxPool2d(Tensor x, Tensor out, Tensor indices, Pool2dSpec spec);

    /** Routes gradOut to the recorded maxima: gradIn (zeroed by the caller) [N, C, H, W] accumulates. */
    void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn, Pool2dSpec spec);

    void avgPool2d(Tensor x, Tensor out, Pool2dSpec spec);

    /** gradIn (zeroed by the caller) accumulates each window's share of gradOut. */
    void avgPool2dBackward(Tensor gradOut, Tensor gradIn, Pool2dSpec spec);

    // ---- normalisation -------------------------------------------------------------------------

    /**
     * Batch normalisation of x [N, C, S] (contiguous) per channel c: out = (x - mean[c]) invstd[c]
     * weight[c] + bias[c]. With {@code computeStats} the backend first writes the batch mean and
     * 1/sqrt(biased variance + eps) of each channel into {@code mean} and {@code invstd} [C]; otherwise
     * it reads them. {@code weight} and {@code bias} [C] may be null (1 and 0).
     */
    void batchNormForward(Tensor x, Tensor weight, Tensor bias, Tensor mean, Tensor invstd, Tensor out, boolean computeStats, double eps);

    /**
     * The gradients of {@link #batchNormForward}: gradOut and x [N, C, S], the saved mean and invstd
     * [C]. With {@code batchStats} the statistics are functions of x (training):
     * gradIn = w invstd (g - mean(g) - xhat mean(g xhat)); otherwise gradIn = g w invstd. Writes
     * gradWeight = sum(g xhat) and gradBias = sum(g) when they are not null.
     */
    void batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor invstd, Tensor gradIn,
                           Tensor gradWeight, Tensor gradBias, boolean batchStats);

    // ---- fused optimizer updates ----------------------------------------------------------------

    /**
     * One Adam/AdamW step in place on contiguous tensors of one shape and dtype, element by element,
     * in exactly this order: g = grad (negated when maximizing); decoupled decay: p *= 1 - lr wd, else
     * g += wd p; m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2; with amsgrad
     * vmax = max(vmax, v) and v := vmax; p -= lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps).
     * {@code maxExpAvgSq} is null without amsgrad.
     */
    void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, AdamStep hp);

    // ---- indexing ------------------------------------------------------------------------------

    /** out = x with dimension {@code dim} indexed by the I64 vector {@code index} (already bounds-checked). */
    void indexSelect(Tensor x, int dim, Tensor index, Tensor out);

    /** out[..i_dim..] = x[..index[..]..] (PyTorch's gather; index I64 with out's shape, bounds-checked). */
    void gather(Tensor x, int dim, Tensor index, Tensor out);

    /** target[..index[..]..] += src[..] along {@code dim}, in place; target is contiguous. */
    void scatterAdd(Tensor target, int dim, Tensor index, Tensor src);

    // ---- random --------------------------------------------------------------------------------

    /**
     * Fills the contiguous tensor {@code out} (F32/F64 for UNIFORM and NORMAL, I64 for BITS64) from
     * Philox4x32-10: element i from the block at counter {@code offset + i} under key {@code seed}
     * (the exact formulas are in {@code dev.galvani.tensor.Philox}).
     */
    void random(Distribution dist, Tensor out, long seed, long offset);
}
