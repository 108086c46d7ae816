package dev.galvani.tensor.backend;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import java.util.Optional;

/**
 * The core every device implements; everything else in Galvani is composed from it in Java, and
 * optional {@link KernelFamily kernel families} add fused operations where a device has them.
 *
 * <p>Contract shared by all methods: the caller (the tensor front end) has already checked shapes,
 * dtypes and devices, broadcast inputs to the output shape with zero strides, and allocated the
 * output. Inputs may have any strides and offsets; outputs are contiguous unless a method says
 * otherwise. A backend sees {@link Operand}s, never tensors: it cannot record autograd nodes or
 * make tensors users see.
 *
 * <p>Work may run asynchronously (a CUDA stream, or the checking device of the tests): a method
 * may return before its result exists. Results become visible to the host only through
 * {@link #toHost} and {@link #synchronize}, which wait for everything issued before them. An error
 * a kernel finds (an index out of bounds) is thrown by the call itself where the device is
 * synchronous (the CPU) and by the next {@code toHost}/{@code synchronize} otherwise.
 */
public interface Backend {

    /**
     * The device this backend computes on.
     * @return the device
     */
    Device device();

    // ---- memory ----------------------------------------------------------------------------------

    /** A zero-filled buffer. */
    Storage allocate(DType dtype, int length);

    /**
     * A buffer whose contents are unspecified, for an output the next kernel overwrites entirely.
     * The default is {@link #allocate}; a caching allocator skips the zeroing.
     */
    default Storage allocateUninitialized(DType dtype, int length) { return allocate(dtype, length); }

    /**
     * A buffer holding the values of a host array ({@code float[]} for F32, {@code double[]} F64,
     * {@code int[]} I32, {@code long[]} I64, {@code boolean[]} BOOL). The backend may keep the array
     * itself (the CPU does), so the caller must hand over one nobody else holds.
     */
    Storage fromHost(Object hostArray, DType dtype);

    /**
     * The elements of {@code x} in row-major order, as a new host array of its dtype's Java type
     * that belongs to the caller. Waits for the work issued before it.
     */
    Object toHost(Operand x);

    /**
     * Whether this backend copies between its device and {@code other} without passing through
     * host memory ({@link #copyAcrossDevices}); otherwise the front end stages the copy through the host.
     */
    default boolean copiesDirectlyWith(Device other) { return false; }

    /** dst = src between this device and another, for a device {@link #copiesDirectlyWith} names (same shape and dtype). */
    default void copyAcrossDevices(Operand src, Operand dst) {
        throw new UnsupportedOperationException(device() + " cannot copy directly to or from " + (src.device().equals(device()) ? dst.device() : src.device()));
    }

    /** Waits until every operation issued on this device so far has finished, and reports the first error one of them hit. */
    void synchronize();

    /** The allocator: statistics and cache. */
    DeviceMemory memory();

    // ---- data movement -----------------------------------------------------------------------------

    /** dst[i] = (dst.dtype) src[i]; same shape, any strides on both sides (dst must not overlap itself). */
    void copy(Operand src, Operand dst);

    /** Every element of {@code dst} (any strides) set to {@code value}. */
    void fill(Operand dst, double value);

    // ---- element-wise ------------------------------------------------------------------------------

    /** out = op(x); x has out's shape and dtype. */
    void unary(UnaryOp op, Operand x, Operand out);

    /**
     * out = op(a, b); a and b share one dtype and have out's shape; out is BOOL for comparisons. out
     * (contiguous, as every output) may be a itself: an in-place update, element for element.
     */
    void binary(BinaryOp op, Operand a, Operand b, Operand out);

    /**
     * out = op(a, s), or op(s, a) with {@code scalarFirst}: a Java number in an expression, passed
     * by value (never as a tensor). {@code scalar} already holds the value in a's dtype: a float
     * rounded to F32, an integer for integral types (read it with {@code longValue()}). out may be a.
     */
    void binaryScalar(BinaryOp op, Operand a, Number scalar, boolean scalarFirst, Operand out);

    /** out = cond ? a : b; cond is BOOL, a and b have out's dtype, all three have out's shape. */
    void where(Operand cond, Operand a, Operand b, Operand out);

    // ---- reductions --------------------------------------------------------------------------------

    /**
     * Reduces {@code x} over {@code dims} (sorted, distinct). {@code out} has x's rank with size 1 on
     * the reduced dims; its dtype is x's (ARGMAX/ARGMIN: I64, the index along the single reduced dim or
     * into the row-major flattening of several).
     */
    void reduce(ReduceOp op, Operand x, int[] dims, Operand out);

    /** Inclusive prefix sum along {@code dim}; out has x's shape and dtype. */
    void cumsum(Operand x, int dim, Operand out);

    // ---- linear algebra ----------------------------------------------------------------------------

    /**
     * Batched matrix product: a [B, M, K] times b [B, K, N] into out [B, M, N]. a and b may have any
     * strides (a transposed operand is a stride pattern, a broadcast batch a zero batch stride).
     */
    void matmul(Operand a, Operand b, Operand out);

    // ---- indexing ----------------------------------------------------------------------------------
    // Index operands are I64. The kernel checks every index against the size of the dimension it
    // addresses and reports one out of range (IndexOutOfBoundsException naming the op, the index, the
    // dimension and the shape), so the front end never reads indices back to check them.

    /** out = x with dimension {@code dim} indexed by the I64 vector {@code index}. */
    void indexSelect(Operand x, int dim, Operand index, Operand out);

    /** out[..i_dim..] = x[..index[..]..] (PyTorch's gather; index I64 with out's shape). */
    void gather(Operand x, int dim, Operand index, Operand out);

    /** target[..index[..]..] += src[..] along {@code dim}, in place; target is contiguous. */
    void scatterAdd(Operand target, int dim, Operand index, Operand src);

    // ---- random ------------------------------------------------------------------------------------

    /**
     * Fills the contiguous {@code out} from Philox4x32-10: element i from the block at counter
     * {@code offset + i} under key {@code seed} (formulas in {@code dev.galvani.tensor.Philox} and
     * {@link Distribution}).
     */
    void random(Distribution dist, Operand out, long seed, long offset);

    // ---- kernel families ---------------------------------------------------------------------------

    /**
     * This device's implementation of a kernel family, or empty; the front end then uses the
     * composed form. The default looks up the {@link KernelProvider}s registered for this device type.
     */
    default <F extends KernelFamily> Optional<F> kernels(Class<F> family) { return KernelRegistry.find(this, family); }
}
