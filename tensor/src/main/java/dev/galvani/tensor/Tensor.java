package dev.galvani.tensor;

import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.Storage;
import dev.galvani.tensor.backend.UnaryOp;
import java.util.List;

/**
 * An n-dimensional array on a device: a view (shape, strides, offset) onto a {@link Storage}.
 *
 * <p>This class is the facade users see. Each method is a line or two that hands over to the code
 * that owns the operation: {@link Creation} (factories), {@link Views}, {@link Elementwise} (type
 * promotion, broadcasting), {@link Reductions}, {@link Indexing}, {@link LinearAlgebra} and
 * {@link Random}; those check shapes and dispatch to the device's backend. Operations return new
 * tensors and never change their inputs; names and semantics follow PyTorch.
 */
public final class Tensor {

    final Storage storage;
    final Shape shape;
    final int[] strides;
    final int offset;
    /** What kernels see of this tensor; made on first use. */
    private Operand operand;

    // Autograd state. The tensor module records what happened (gradFn); galvani-autograd differentiates it.
    boolean requiresGrad;
    Tensor grad;
    Node gradFn;
    /** Which output of {@link #gradFn} this tensor is. */
    int outputIndex;
    java.util.List<java.util.function.UnaryOperator<Tensor>> hooks;
    boolean retainsGrad;

    Tensor(Storage storage, Shape shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** The storage and layout a backend works on. */
    Operand operand() {
        Operand o = operand;
        if (o == null) operand = o = new Operand(storage, shape, strides, offset);
        return o;
    }

    // ================================ factories ================================

    /** A tensor holding a copy of {@code data} with the given shape (1-D when no shape is given). */
    public static Tensor of(float[] data, int... shape) { return Creation.of(data, DType.F32, shape); }

    public static Tensor of(double[] data, int... shape) { return Creation.of(data, DType.F64, shape); }

    public static Tensor of(int[] data, int... shape) { return Creation.of(data, DType.I32, shape); }

    public static Tensor of(long[] data, int... shape) { return Creation.of(data, DType.I64, shape); }

    public static Tensor of(boolean[] data, int... shape) { return Creation.of(data, DType.BOOL, shape); }

    /**
     * A tensor shaped like a nested array, as {@code torch.tensor([[1., 2.], [3., 4.]])}:
     * {@code Tensor.of(new float[][]{{1, 2}, {3, 4}})} is F32 [2, 2]. Rows must not be ragged.
     */
    public static Tensor of(float[][] data) { return Creation.ofNested(data); }
    /** {@link #of(float[][])} for three levels, e.g. [batch, rows, columns]. */
    public static Tensor of(float[][][] data) { return Creation.ofNested(data); }
    public static Tensor of(double[][] data) { return Creation.ofNested(data); }
    public static Tensor of(double[][][] data) { return Creation.ofNested(data); }
    public static Tensor of(int[][] data) { return Creation.ofNested(data); }
    public static Tensor of(long[][] data) { return Creation.ofNested(data); }
    public static Tensor of(boolean[][] data) { return Creation.ofNested(data); }

    /**
     * A tensor from a primitive array nested to any depth ({@code float[][][][]}, ...); the dtype
     * follows the element type.
     */
    public static Tensor ofNested(Object array) { return Creation.ofNested(array); }

    /** A 0-dimensional F32 tensor. */
    public static Tensor scalar(double value) { return Creation.full(DType.F32, value, Device.CPU); }

    /** A 0-dimensional tensor of the given type. */
    public static Tensor scalar(DType dtype, double value) { return Creation.full(dtype, value, Device.CPU); }

    public static Tensor scalar(DType dtype, double value, Device device) { return Creation.full(dtype, value, device); }

    public static Tensor zeros(int... shape) { return Creation.full(DType.F32, 0, Device.CPU, shape); }

    /** On a device: {@code Tensor.zeros(Device.cuda(0), 3, 4)} (PyTorch's {@code device=}); the same overloads exist for every factory. */
    public static Tensor zeros(Device device, int... shape) { return Creation.full(DType.F32, 0, device, shape); }

    public static Tensor zeros(DType dtype, Device device, int... shape) { return Creation.full(dtype, 0, device, shape); }

    public static Tensor zeros(DType dtype, int... shape) { return Creation.full(dtype, 0, Device.CPU, shape); }

    public static Tensor ones(int... shape) { return Creation.full(DType.F32, 1, Device.CPU, shape); }

    public static Tensor ones(DType dtype, int... shape) { return Creation.full(dtype, 1, Device.CPU, shape); }

    public static Tensor ones(Device device, int... shape) { return Creation.full(DType.F32, 1, device, shape); }

    public static Tensor ones(DType dtype, Device device, int... shape) { return Creation.full(dtype, 1, device, shape); }

    public static Tensor full(double value, int... shape) { return Creation.full(DType.F32, value, Device.CPU, shape); }

    public static Tensor full(DType dtype, double value, int... shape) { return Creation.full(dtype, value, Device.CPU, shape); }

    public static Tensor full(DType dtype, double value, Device device, int... shape) { return Creation.full(dtype, value, device, shape); }

    /** Zeros with this tensor's shape, dtype and device. */
    public Tensor zerosLike() { return Creation.full(dtype(), 0, device(), shape.raw()); }

    public Tensor onesLike() { return Creation.full(dtype(), 1, device(), shape.raw()); }

    public Tensor fullLike(double value) { return Creation.full(dtype(), value, device(), shape.raw()); }

    /** The integers {@code [0, end)} as I64. */
    public static Tensor arange(long end) { return Creation.arange(0, end, 1); }

    /** The integers {@code [start, end)} as I64. */
    public static Tensor arange(long start, long end) { return Creation.arange(start, end, 1); }

    public static Tensor arange(long start, long end, long step) { return Creation.arange(start, end, step); }

    public static Tensor arange(long start, long end, long step, Device device) { return Creation.arange(start, end, step, device); }

    /** {@code start, start + step, ...} below {@code end} as F32 (PyTorch's float arange). */
    public static Tensor arange(double start, double end, double step) { return Creation.arange(DType.F32, start, end, step); }

    public static Tensor arange(DType dtype, double start, double end, double step) { return Creation.arange(dtype, start, end, step); }

    /** {@code steps} evenly spaced values from start to end inclusive, F32. */
    public static Tensor linspace(double start, double end, int steps) { return Creation.linspace(DType.F32, start, end, steps); }

    public static Tensor linspace(DType dtype, double start, double end, int steps) { return Creation.linspace(dtype, start, end, steps); }

    /** The n x n identity, F32. */
    public static Tensor eye(int n) { return Creation.eye(DType.F32, Device.CPU, n, n); }

    public static Tensor eye(int rows, int cols) { return Creation.eye(DType.F32, Device.CPU, rows, cols); }

    public static Tensor eye(DType dtype, int rows, int cols) { return Creation.eye(dtype, Device.CPU, rows, cols); }

    public static Tensor eye(DType dtype, Device device, int rows, int cols) { return Creation.eye(dtype, device, rows, cols); }

    /** Uniform on [0, 1), F32. */
    public static Tensor rand(Generator gen, int... shape) { return Random.uniform(gen, DType.F32, Device.CPU, shape); }

    public static Tensor rand(Generator gen, DType dtype, int... shape) { return Random.uniform(gen, dtype, Device.CPU, shape); }

    /** Drawn on {@code device}: the same numbers as on the CPU for the same generator state (Philox on every device). */
    public static Tensor rand(Generator gen, Device device, int... shape) { return Random.uniform(gen, DType.F32, device, shape); }

    public static Tensor rand(Generator gen, DType dtype, Device device, int... shape) { return Random.uniform(gen, dtype, device, shape); }

    /** Standard normal, F32. */
    public static Tensor randn(Generator gen, int... shape) { return Random.normal(gen, DType.F32, Device.CPU, shape); }

    public static Tensor randn(Generator gen, DType dtype, int... shape) { return Random.normal(gen, dtype, Device.CPU, shape); }

    public static Tensor randn(Generator gen, Device device, int... shape) { return Random.normal(gen, DType.F32, device, shape); }

    public static Tensor randn(Generator gen, DType dtype, Device device, int... shape) { return Random.normal(gen, dtype, device, shape); }

    /** Integers uniform on [low, high), I64. */
    public static Tensor randint(Generator gen, long low, long high, int... shape) { return Random.integers(gen, low, high, Device.CPU, shape); }

    public static Tensor randint(Generator gen, long low, long high, Device device, int... shape) { return Random.integers(gen, low, high, device, shape); }

    /** F32 zeros and ones, each element 1 with probability {@code p} (PyTorch's {@code bernoulli(full(p))}). */
    public static Tensor bernoulli(Generator gen, double p, int... shape) { return Random.bernoulli(gen, p, DType.F32, Device.CPU, shape); }

    /** Zeros and ones of {@code dtype} on {@code device}, each 1 with probability {@code p} (one kernel: a dropout mask). */
    public static Tensor bernoulli(Generator gen, double p, DType dtype, Device device, int... shape) { return Random.bernoulli(gen, p, dtype, device, shape); }

    /** Zeros and ones (this tensor's dtype), one with the probability held in each element of this tensor. */
    public Tensor bernoulli(Generator gen) { return Random.bernoulli(gen, this); }

    /**
     * Seeds the default generator that {@link #rand(int...)}, {@link #randn(int...)} and the
     * other generator-less factories draw from, as {@code torch.manual_seed(seed)}.
     */
    public static void manualSeed(long seed) { Generator.global().manualSeed(seed); }

    /** Uniform [0, 1) F32 from the default generator ({@link #manualSeed}), as {@code torch.rand(2, 3)}. */
    public static Tensor rand(int... shape) { return rand(Generator.global(), shape); }

    /** Standard normal F32 from the default generator ({@link #manualSeed}), as {@code torch.randn(2, 3)}. */
    public static Tensor randn(int... shape) { return randn(Generator.global(), shape); }

    /** A random permutation of {@code 0 .. n-1}, I64. */
    public static Tensor randperm(Generator gen, int n) { return Random.permutation(gen, n, Device.CPU); }

    public static Tensor randperm(Generator gen, int n, Device device) { return Random.permutation(gen, n, device); }

    // ================================ metadata ================================

    public Shape shape() { return shape; }

    /** Number of dimensions (PyTorch's {@code dim()}). */
    public int dim() { return shape.rank(); }

    /** The shape, as PyTorch's {@code size()}; the same as {@link #shape()}. */
    public Shape size() { return shape; }

    /** Size of dimension {@code d}; negative counts from the end. */
    public int size(int d) { return shape.raw()[Shape.normalizeDim("size", d, dim())]; }

    public long numel() { return shape.numel(); }

    public DType dtype() { return storage.dtype(); }

    public Device device() { return storage.device(); }

    /** A copy of the strides, in elements. */
    public int[] strides() { return strides.clone(); }

    /** Offset of element [0, ..., 0] in the storage, in elements. */
    public int offset() { return offset; }

    /** The storage this tensor views (shared with other views). */
    public Storage storage() { return storage; }

    /** True when the elements lie in row-major order without gaps. */
    public boolean isContiguous() { return Views.isContiguous(this); }

    // ================================ conversions ================================

    public float[] toFloatArray() { return (float[]) Creation.toHost(to(DType.F32)); }

    public double[] toDoubleArray() { return (double[]) Creation.toHost(to(DType.F64)); }

    public int[] toIntArray() { return (int[]) Creation.toHost(to(DType.I32)); }

    public long[] toLongArray() { return (long[]) Creation.toHost(to(DType.I64)); }

    public boolean[] toBooleanArray() { return (boolean[]) Creation.toHost(to(DType.BOOL)); }

    /**
     * The elements as nested, unmodifiable lists of boxed values (Float, Double, Integer, Long,
     * Boolean), as PyTorch's {@code tolist()}: {@code List<List<Float>>} for a 2-D F32 tensor, the
     * boxed value itself for a 0-d tensor.
     */
    public Object toList() { return Creation.toList(this); }

    /** The value of a one-element tensor, as a float. */
    public float item() { return (float) itemDouble(); }

    public double itemDouble() { return Creation.item(this).doubleValue(); }

    public long itemLong() { return Creation.item(this).longValue(); }

    public boolean itemBool() { return Creation.item(this).doubleValue() != 0; }

    /** The element at the given index (negative indices count from the end), as a double. */
    public double get(int... index) { return Creation.get(this, index); }

    /** This tensor converted to another dtype (itself when it already has it). */
    public Tensor to(DType dtype) { return dtype == dtype() ? this : Elementwise.cast(this, dtype); }

    /** This tensor on another device (itself when it is already there). */
    public Tensor to(Device device) { return Creation.toDevice(this, device); }

    public Tensor cpu() { return to(Device.CPU); }

    /** A contiguous tensor with the same values: this one, or a copy. */
    public Tensor contiguous() { return isContiguous() ? this : clone(); }

    /** A contiguous copy with its own storage. */
    @Override public Tensor clone() { return Elementwise.copyOf(this); }

    // ================================ autograd ================================

    /** Whether gradients flow to (leaf) or through (recorded result) this tensor. */
    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf tensor as one whose gradient {@link #backward} should compute; returns this tensor. */
    public Tensor requiresGrad(boolean flag) { return AutogradSupport.setRequiresGrad(this, flag); }

    /** The gradient accumulated by {@link #backward}, or null. */
    public Tensor grad() { return grad; }

    /** Replaces the accumulated gradient (null clears it); it must have this tensor's shape. */
    public void setGrad(Tensor gradient) { AutogradSupport.setGrad(this, gradient); }

    /** True for tensors not produced by a recorded operation (user-created tensors, parameters). */
    public boolean isLeaf() { return gradFn == null; }

    /** The recorded operation that produced this tensor, or null for a leaf. */
    public Node gradFn() { return gradFn; }

    /** The same data, cut from the graph: a view that does not require grad. */
    public Tensor detach() { return new Tensor(storage, shape, strides, offset); }

    /** Back-propagates from this one-element tensor (seed 1). */
    public void backward() { AutogradSupport.backward(this, null, false, false); }

    /** Back-propagates with an explicit seed gradient of this tensor's shape. */
    public void backward(Tensor seed) { AutogradSupport.backward(this, seed, false, false); }

    /** As {@link #backward(Tensor)}; with {@code retainGraph} the graph can be walked again. */
    public void backward(Tensor seed, boolean retainGraph) { AutogradSupport.backward(this, seed, retainGraph, false); }

    /**
     * As {@link #backward(Tensor, boolean)}; with {@code createGraph} the backward computation is
     * recorded too, so the gradients in {@code grad()} can be differentiated again (gradient
     * penalties, physics-informed losses). Seed null: the implicit 1 of a one-element tensor.
     */
    public void backward(Tensor seed, boolean retainGraph, boolean createGraph) { AutogradSupport.backward(this, seed, retainGraph || createGraph, createGraph); }

    /**
     * Calls {@code hook} with the gradient flowing into this tensor during backward; a non-null
     * return value replaces that gradient. Returns a handle whose {@code close()} removes the hook.
     */
    public AutoCloseable registerHook(java.util.function.UnaryOperator<Tensor> hook) { return AutogradSupport.registerHook(this, hook); }

    /** Keeps the gradient of this non-leaf tensor in {@link #grad()} after backward. */
    public Tensor retainGrad() {
        if (!requiresGrad) throw new IllegalStateException("retainGrad: this tensor does not require grad");
        retainsGrad = true;
        return this;
    }

    // ================================ in place ================================
    // Only where they matter for memory (parameter updates, accumulation); refused on tensors autograd needs.

    /** Copies {@code src} (broadcast and converted to this dtype) into this tensor. */
    public Tensor copyFrom(Tensor src) { return InPlace.copyFrom(this, src); }

    public Tensor addInPlace(Tensor other) { return InPlace.apply(BinaryOp.ADD, this, other); }

    /** this += alpha * other. */
    public Tensor addInPlace(Tensor other, double alpha) { return InPlace.apply(BinaryOp.ADD, this, alpha == 1 ? other : other.mul(alpha)); }

    public Tensor subInPlace(Tensor other) { return InPlace.apply(BinaryOp.SUB, this, other); }

    public Tensor mulInPlace(Tensor other) { return InPlace.apply(BinaryOp.MUL, this, other); }

    public Tensor mulInPlace(double v) { return InPlace.applyScalar(BinaryOp.MUL, this, v); }

    public Tensor addInPlace(double v) { return InPlace.applyScalar(BinaryOp.ADD, this, v); }

    public Tensor divInPlace(Tensor other) { return InPlace.apply(BinaryOp.DIV, this, other); }

    /** Sets every element to {@code value}. */
    public Tensor fill(double value) { return InPlace.fill(this, value); }

    /** Sets every element to zero. */
    public Tensor zero() { return InPlace.fill(this, 0); }

    // ================================ views ================================

    /** The same elements in a new shape; a view when the strides allow it, else a copy. One size may be -1. */
    public Tensor reshape(int... shape) { return Views.reshape(this, shape); }

    /** The same elements in a new shape, always a view; fails when the strides do not allow one. */
    public Tensor view(int... shape) { return Views.view(this, shape); }

    public Tensor permute(int... dims) { return Views.permute(this, dims); }

    public Tensor transpose(int dim0, int dim1) { return Views.transpose(this, dim0, dim1); }

    /** The transpose of a 2-D tensor (0-D and 1-D tensors are returned as they are, as in PyTorch). */
    public Tensor T() { return Views.matrixTranspose(this); }

    /** PyTorch's {@code t()}: {@link #T()}. */
    public Tensor t() { return T(); }

    /** Removes every size-1 dimension. */
    public Tensor squeeze() { return Views.squeeze(this); }

    /** Removes dimension {@code dim} if its size is 1. */
    public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }

    public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }

    /** Broadcasts size-1 dimensions to larger sizes without copying; -1 keeps a size. */
    public Tensor expand(int... shape) { return Views.expand(this, shape); }

    public Tensor expandAs(Tensor other) { return Views.expand(this, other.shape.raw()); }

    /** {@code length} elements of dimension {@code dim} from {@code start}. */
    public Tensor narrow(int dim, int start, int length) { return Views.narrow(this, dim, start, length); }

    /** Python's {@code x[start:end:step]} along {@code dim}; negative start/end count from the end, out-of-range bounds clamp. */
    public Tensor slice(int dim, int start, int end, int step) { return Views.slice(this, dim, start, end, step); }

    public Tensor slice(int dim, int start, int end) { return Views.slice(this, dim, start, end, 1); }

    /** Index {@code index} of dimension {@code dim}, which is removed. */
    public Tensor select(int dim, int index) { return Views.select(this, dim, index); }

    public Tensor flatten() { return Views.flatten(this, 0, -1); }

    public Tensor flatten(int startDim, int endDim) { return Views.flatten(this, startDim, endDim); }

    /** Splits dimension {@code dim} into {@code sizes} (one may be -1). */
    public Tensor unflatten(int dim, int... sizes) { return Views.unflatten(this, dim, sizes); }

    // ================================ element-wise ================================

    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this); }
    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this); }
    public Tensor sign() { return Elementwise.unary(UnaryOp.SIGN, this); }
    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this); }
    public Tensor expm1() { return Elementwise.unary(UnaryOp.EXPM1, this); }
    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this); }
    public Tensor log1p() { return Elementwise.unary(UnaryOp.LOG1P, this); }
    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this); }
    public Tensor rsqrt() { return Elementwise.unary(UnaryOp.RSQRT, this); }
    public Tensor reciprocal() { return Elementwise.unary(UnaryOp.RECIPROCAL, this); }
    public Tensor square() { return Elementwise.unary(UnaryOp.SQUARE, this); }
    public Tensor sin() { return Elementwise.unary(UnaryOp.SIN, this); }
    public Tensor cos() { return Elementwise.unary(UnaryOp.COS, this); }
    public Tensor tanh() { return Elementwise.unary(UnaryOp.TANH, this); }
    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this); }
    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this); }
    /** GELU, the exact erf form. */
    public Tensor gelu() { return Elementwise.unary(UnaryOp.GELU, this); }
    public Tensor silu() { return Elementwise.unary(UnaryOp.SILU, this); }
    public Tensor softplus() { return Elementwise.unary(UnaryOp.SOFTPLUS, this); }
    public Tensor erf() { return Elementwise.unary(UnaryOp.ERF, this); }
    public Tensor floor() { return Elementwise.unary(UnaryOp.FLOOR, this); }
    public Tensor ceil() { return Elementwise.unary(UnaryOp.CEIL, this); }
    /** Round half to even. */
    public Tensor round() { return Elementwise.unary(UnaryOp.ROUND, this); }

    /** Limits every element to [min, max]. */
    public Tensor clamp(double min, double max) { return Elementwise.clamp(this, min, max); }
    public Tensor clampMin(double min) { return maximum(min); }
    public Tensor clampMax(double max) { return minimum(max); }

    public Tensor add(Tensor other) { return Elementwise.binary(BinaryOp.ADD, this, other); }
    /** this + alpha * other. */
    public Tensor add(Tensor other, double alpha) { return add(other.mul(alpha)); }
    public Tensor sub(Tensor other) { return Elementwise.binary(BinaryOp.SUB, this, other); }
    public Tensor mul(Tensor other) { return Elementwise.binary(BinaryOp.MUL, this, other); }
    /** True division: integer inputs give a floating-point result. */
    public Tensor div(Tensor other) { return Elementwise.binary(BinaryOp.DIV, this, other); }
    public Tensor pow(Tensor exponent) { return Elementwise.binary(BinaryOp.POW, this, exponent); }
    public Tensor maximum(Tensor other) { return Elementwise.binary(BinaryOp.MAXIMUM, this, other); }
    public Tensor minimum(Tensor other) { return Elementwise.binary(BinaryOp.MINIMUM, this, other); }
    /** atan2(this, other), the angle of the point (other, this). */
    public Tensor atan2(Tensor other) { return Elementwise.binary(BinaryOp.ATAN2, this, other); }

    public Tensor eq(Tensor other) { return Elementwise.binary(BinaryOp.EQ, this, other); }
    public Tensor ne(Tensor other) { return Elementwise.binary(BinaryOp.NE, this, other); }
    public Tensor lt(Tensor other) { return Elementwise.binary(BinaryOp.LT, this, other); }
    public Tensor le(Tensor other) { return Elementwise.binary(BinaryOp.LE, this, other); }
    public Tensor gt(Tensor other) { return Elementwise.binary(BinaryOp.GT, this, other); }
    public Tensor ge(Tensor other) { return Elementwise.binary(BinaryOp.GE, this, other); }
    public Tensor logicalAnd(Tensor other) { return Elementwise.binary(BinaryOp.LOGICAL_AND, this, other); }
    public Tensor logicalOr(Tensor other) { return Elementwise.binary(BinaryOp.LOGICAL_OR, this, other); }
    public Tensor logicalNot() { return Elementwise.logicalNot(this); }

    // Scalar overloads: a Java integer keeps integer tensors integral, a Java floating-point number
    // makes them F32 (PyTorch's rules for Python numbers).
    public Tensor add(double v) { return Elementwise.binaryScalar(BinaryOp.ADD, this, v, false); }
    public Tensor add(long v) { return Elementwise.binaryScalar(BinaryOp.ADD, this, v, false); }
    public Tensor sub(double v) { return Elementwise.binaryScalar(BinaryOp.SUB, this, v, false); }
    public Tensor sub(long v) { return Elementwise.binaryScalar(BinaryOp.SUB, this, v, false); }
    public Tensor mul(double v) { return Elementwise.binaryScalar(BinaryOp.MUL, this, v, false); }
    public Tensor mul(long v) { return Elementwise.binaryScalar(BinaryOp.MUL, this, v, false); }
    public Tensor div(double v) { return Elementwise.binaryScalar(BinaryOp.DIV, this, v, false); }
    public Tensor div(long v) { return Elementwise.binaryScalar(BinaryOp.DIV, this, v, false); }
    public Tensor pow(double v) { return Elementwise.powScalar(this, v); }
    public Tensor pow(long v) { return Elementwise.binaryScalar(BinaryOp.POW, this, v, false); }
    public Tensor maximum(double v) { return Elementwise.binaryScalar(BinaryOp.MAXIMUM, this, v, false); }
    public Tensor maximum(long v) { return Elementwise.binaryScalar(BinaryOp.MAXIMUM, this, v, false); }
    public Tensor minimum(double v) { return Elementwise.binaryScalar(BinaryOp.MINIMUM, this, v, false); }
    public Tensor minimum(long v) { return Elementwise.binaryScalar(BinaryOp.MINIMUM, this, v, false); }
    public Tensor eq(double v) { return Elementwise.binaryScalar(BinaryOp.EQ, this, v, false); }
    public Tensor eq(long v) { return Elementwise.binaryScalar(BinaryOp.EQ, this, v, false); }
    public Tensor ne(double v) { return Elementwise.binaryScalar(BinaryOp.NE, this, v, false); }
    public Tensor ne(long v) { return Elementwise.binaryScalar(BinaryOp.NE, this, v, false); }
    public Tensor lt(double v) { return Elementwise.binaryScalar(BinaryOp.LT, this, v, false); }
    public Tensor lt(long v) { return Elementwise.binaryScalar(BinaryOp.LT, this, v, false); }
    public Tensor le(double v) { return Elementwise.binaryScalar(BinaryOp.LE, this, v, false); }
    public Tensor le(long v) { return Elementwise.binaryScalar(BinaryOp.LE, this, v, false); }
    public Tensor gt(double v) { return Elementwise.binaryScalar(BinaryOp.GT, this, v, false); }
    public Tensor gt(long v) { return Elementwise.binaryScalar(BinaryOp.GT, this, v, false); }
    public Tensor ge(double v) { return Elementwise.binaryScalar(BinaryOp.GE, this, v, false); }
    public Tensor ge(long v) { return Elementwise.binaryScalar(BinaryOp.GE, this, v, false); }
    /** value - this. */
    public Tensor rsub(double v) { return Elementwise.binaryScalar(BinaryOp.SUB, this, v, true); }

    /** value / this. */
    public Tensor rdiv(double v) { return Elementwise.binaryScalar(BinaryOp.DIV, this, v, true); }

    /** base ^ this (PyTorch's {@code torch.pow(base, x)}). */
    public Tensor rpow(double base) { return Elementwise.binaryScalar(BinaryOp.POW, this, base, true); }

    /** atan2(this, v). */
    public Tensor atan2(double v) { return Elementwise.binaryScalar(BinaryOp.ATAN2, this, v, false); }

    /** cond ? a : b element by element, broadcasting all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }

    public static Tensor where(Tensor cond, Tensor a, double b) { return Elementwise.where(cond, a, b); }

    public static Tensor where(Tensor cond, double a, Tensor b) { return Elementwise.where(cond, a, b); }

    public static Tensor where(Tensor cond, Tensor a, long b) { return Elementwise.where(cond, a, b); }

    public static Tensor where(Tensor cond, long a, Tensor b) { return Elementwise.where(cond, a, b); }

    /** Elements where {@code mask} is true replaced by {@code value}. */
    public Tensor maskedFill(Tensor mask, double value) { return Elementwise.where(mask, Creation.full(dtype(), value, device()), this); }

    // ================================ reductions ================================

    public Tensor sum() { return Reductions.sum(this, null, false); }
    public Tensor sum(int dim) { return Reductions.sum(this, new int[]{dim}, false); }
    public Tensor sum(int dim, boolean keepDim) { return Reductions.sum(this, new int[]{dim}, keepDim); }
    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.sum(this, dims, keepDim); }

    public Tensor mean() { return Reductions.mean(this, null, false); }
    public Tensor mean(int dim) { return Reductions.mean(this, new int[]{dim}, false); }
    public Tensor mean(int dim, boolean keepDim) { return Reductions.mean(this, new int[]{dim}, keepDim); }
    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.mean(this, dims, keepDim); }

    public Tensor prod() { return Reductions.prod(this, null, false); }
    public Tensor prod(int dim, boolean keepDim) { return Reductions.prod(this, new int[]{dim}, keepDim); }
    public Tensor prod(int[] dims, boolean keepDim) { return Reductions.prod(this, dims, keepDim); }

    public Tensor amax() { return Reductions.amax(this, null, false); }
    public Tensor amax(int dim, boolean keepDim) { return Reductions.amax(this, new int[]{dim}, keepDim); }
    public Tensor amax(int[] dims, boolean keepDim) { return Reductions.amax(this, dims, keepDim); }

    public Tensor amin() { return Reductions.amin(this, null, false); }
    public Tensor amin(int dim, boolean keepDim) { return Reductions.amin(this, new int[]{dim}, keepDim); }
    public Tensor amin(int[] dims, boolean keepDim) { return Reductions.amin(this, dims, keepDim); }

    /** Variance; {@code unbiased} divides by n - 1 (Bessel's correction), else by n. */
    public Tensor var(boolean unbiased) { return Reductions.var(this, null, unbiased, false); }
    public Tensor var(int dim, boolean unbiased, boolean keepDim) { return Reductions.var(this, new int[]{dim}, unbiased, keepDim); }
    public Tensor var(int[] dims, boolean unbiased, boolean keepDim) { return Reductions.var(this, dims, unbiased, keepDim); }

    /** The standard deviation; as in PyTorch, its gradient is 0 (not NaN) where all the values are equal. */
    public Tensor std(boolean unbiased) { return Reductions.rootWithZeroGradientAtZero(var(unbiased), 2); }
    public Tensor std(int dim, boolean unbiased, boolean keepDim) { return Reductions.rootWithZeroGradientAtZero(var(dim, unbiased, keepDim), 2); }
    public Tensor std(int[] dims, boolean unbiased, boolean keepDim) { return Reductions.rootWithZeroGradientAtZero(var(dims, unbiased, keepDim), 2); }

    /** Index of the largest element of the flattened tensor (first one on ties), I64. */
    public Tensor argmax() { return Reductions.arg(dev.galvani.tensor.backend.ReduceOp.ARGMAX, this, null, false); }
    public Tensor argmax(int dim, boolean keepDim) { return Reductions.arg(dev.galvani.tensor.backend.ReduceOp.ARGMAX, this, dim, keepDim); }
    public Tensor argmin() { return Reductions.arg(dev.galvani.tensor.backend.ReduceOp.ARGMIN, this, null, false); }
    public Tensor argmin(int dim, boolean keepDim) { return Reductions.arg(dev.galvani.tensor.backend.ReduceOp.ARGMIN, this, dim, keepDim); }
    /** {@code argmax(dim, false)}, as PyTorch's {@code argmax(dim)}. */
    public Tensor argmax(int dim) { return argmax(dim, false); }
    /** {@code argmin(dim, false)}, as PyTorch's {@code argmin(dim)}. */
    public Tensor argmin(int dim) { return argmin(dim, false); }

    /** What PyTorch's {@code max(dim)} and {@code min(dim)} return: the values and where they are (I64). */
    public record ValuesIndices(Tensor values, Tensor indices) {}

    /** The largest element, as PyTorch's {@code max()}: {@link #amax()} (a gradient is shared among ties). */
    public Tensor max() { return amax(); }
    /** The smallest element, as PyTorch's {@code min()}: {@link #amin()}. */
    public Tensor min() { return amin(); }
    /** {@code max(dim, false)}. */
    public ValuesIndices max(int dim) { return max(dim, false); }
    /**
     * The largest values along {@code dim} and their indices (the first on ties), as PyTorch's
     * {@code max(dim, keepdim)}: the gradient goes to the index returned, as in PyTorch.
     */
    public ValuesIndices max(int dim, boolean keepDim) { return valuesAt(argmax(dim, true), dim, keepDim); }
    /** {@code min(dim, false)}. */
    public ValuesIndices min(int dim) { return min(dim, false); }
    /** The smallest values along {@code dim} and their indices (the first on ties), as PyTorch's {@code min(dim, keepdim)}. */
    public ValuesIndices min(int dim, boolean keepDim) { return valuesAt(argmin(dim, true), dim, keepDim); }
    /** The element-wise maximum, as PyTorch's {@code max(other)}: {@link #maximum(Tensor)}. */
    public Tensor max(Tensor other) { return maximum(other); }
    /** The element-wise minimum, as PyTorch's {@code min(other)}: {@link #minimum(Tensor)}. */
    public Tensor min(Tensor other) { return minimum(other); }

    private ValuesIndices valuesAt(Tensor index, int dim, boolean keepDim) {
        Tensor values = gather(dim, index);           // differentiable: the gradient lands on the chosen element only
        return keepDim ? new ValuesIndices(values, index) : new ValuesIndices(values.squeeze(dim), index.squeeze(dim));
    }

    /** log(sum(exp(x))) computed without overflow. */
    public Tensor logsumexp(int dim, boolean keepDim) { return Reductions.logsumexp(this, new int[]{dim}, keepDim); }
    public Tensor logsumexp(int[] dims, boolean keepDim) { return Reductions.logsumexp(this, dims, keepDim); }

    /** The p-norm of all elements: p = 1, 2, {@code Double.POSITIVE_INFINITY}, or any p &gt; 0. */
    public Tensor norm(double p) { return Reductions.norm(this, p, null, false); }
    public Tensor norm(double p, int[] dims, boolean keepDim) { return Reductions.norm(this, p, dims, keepDim); }
    /** The Euclidean norm of all elements. */
    public Tensor norm() { return norm(2); }

    /** True (BOOL) when every element is non-zero. */
    public Tensor all() { return Reductions.all(this, null, false); }
    public Tensor all(int[] dims, boolean keepDim) { return Reductions.all(this, dims, keepDim); }
    /** True (BOOL) when some element is non-zero. */
    public Tensor any() { return Reductions.any(this, null, false); }
    public Tensor any(int[] dims, boolean keepDim) { return Reductions.any(this, dims, keepDim); }

    /** Inclusive running sum along {@code dim}. */
    public Tensor cumsum(int dim) { return Reductions.cumsum(this, dim); }

    // ================================ linear algebra ================================

    /** Matrix product with PyTorch's rules: 1-D operands become vectors, leading dims are batch dims and broadcast. */
    public Tensor matmul(Tensor other) { return LinearAlgebra.matmul(this, other); }

    /** Batched product of [B, M, K] and [B, K, N], no broadcasting. */
    public Tensor bmm(Tensor other) { return LinearAlgebra.bmm(this, other); }

    /** Product of two 2-D matrices. */
    public Tensor mm(Tensor other) { return LinearAlgebra.mm(this, other); }

    /** Dot product of two 1-D tensors. */
    public Tensor dot(Tensor other) { return LinearAlgebra.dot(this, other); }

    /** Outer product of two 1-D tensors. */
    public Tensor outer(Tensor other) { return LinearAlgebra.outer(this, other); }

    /** Einstein summation over two operands, e.g. {@code "bij,bjk->bik"}. */
    public static Tensor einsum(String equation, Tensor a, Tensor b) { return LinearAlgebra.einsum(equation, a, b); }

    // ================================ indexing and joining ================================

    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }

    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }

    /** A copy of this tensor with {@code src} added at {@code index} along {@code dim}. */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Indexing.scatterAdd(this, dim, index, src); }

    /** Gather with {@code indices} broadcast against this tensor (NumPy's take_along_axis). */
    public Tensor takeAlongDim(Tensor indices, int dim) { return Indexing.takeAlongDim(this, indices, dim); }

    /** One-hot I64 encoding of this integer tensor: a new last dimension of size {@code numClasses}. */
    public Tensor oneHot(int numClasses) { return Indexing.oneHot(this, numClasses); }

    public static Tensor cat(List<Tensor> tensors, int dim) { return Indexing.cat(tensors, dim); }

    public static Tensor cat(int dim, Tensor... tensors) { return Indexing.cat(List.of(tensors), dim); }

    public static Tensor stack(List<Tensor> tensors, int dim) { return Indexing.stack(tensors, dim); }

    public static Tensor stack(int dim, Tensor... tensors) { return Indexing.stack(List.of(tensors), dim); }

    /** Views of {@code splitSize} elements along {@code dim} (the last one may be shorter). */
    public List<Tensor> split(int splitSize, int dim) { return Indexing.split(this, splitSize, dim); }

    /** Views of the given sizes along {@code dim}. */
    public List<Tensor> split(int[] sizes, int dim) { return Indexing.split(this, sizes, dim); }

    /** {@code chunks} views of (nearly) equal size along {@code dim}, as torch.chunk. */
    public List<Tensor> chunk(int chunks, int dim) { return Indexing.chunk(this, chunks, dim); }

    /** Repeats the whole tensor {@code repeats[d]} times along each dimension (torch.Tensor.repeat). */
    public Tensor repeat(int... repeats) { return Indexing.repeat(this, repeats); }

    /** As repeat, with fewer repeats than dimensions meaning leading ones (torch.tile). */
    public Tensor tile(int... repeats) { return Indexing.tile(this, repeats); }

    public Tensor flip(int... dims) { return Indexing.flip(this, dims); }

    /** Rolls elements along {@code dim} by {@code shift} (wrapping around). */
    public Tensor roll(int shift, int dim) { return Indexing.roll(this, new int[]{shift}, new int[]{dim}); }

    public Tensor roll(int[] shifts, int[] dims) { return Indexing.roll(this, shifts, dims); }

    /** Lower triangle of the last two dims: elements with column - row &lt;= diagonal kept, others zero. */
    public Tensor tril(int diagonal) { return Indexing.tril(this, diagonal); }

    public Tensor tril() { return tril(0); }

    /** Upper triangle: elements with column - row &gt;= diagonal kept. */
    public Tensor triu(int diagonal) { return Indexing.triu(this, diagonal); }

    public Tensor triu() { return triu(0); }

    /**
     * Pads the last dimensions, PyTorch's order: {@code (left, right)} for the last dim, then
     * {@code (top, bottom)} for the one before, ... ; negative padding crops.
     */
    public Tensor pad(PadMode mode, double value, int... pads) { return Indexing.pad(this, mode, value, pads); }

    /** Zero padding. */
    public Tensor pad(int... pads) { return Indexing.pad(this, PadMode.CONSTANT, 0, pads); }

    // ================================ printing ================================

    /** PyTorch's format: {@code tensor([[1., 2.], [3., 4.]])}, summarised with ... beyond 1000 elements. */
    @Override public String toString() { return TensorFormatter.format(this); }
}
