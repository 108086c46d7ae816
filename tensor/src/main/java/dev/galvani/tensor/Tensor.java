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

    /**
     * A new F32 CPU tensor holding a copy of {@code data} in the given shape (1-D when no shape is given; the
     * shape must hold exactly {@code data.length} elements), as {@code torch.tensor(data)}: {@code
     * Tensor.of(new float[]{1, 2, 3, 4}, 2, 2)}.
     */
    public static Tensor of(float[] data, int... shape) { return Creation.of(data, DType.F32, shape); }

    /**
     * A new F64 CPU tensor holding a copy of {@code data} in the given shape (1-D when no shape is given), as
     * {@code torch.tensor(data, dtype=torch.float64)}: {@code Tensor.of(new double[]{...}, 2, 3)}.
     */
    public static Tensor of(double[] data, int... shape) { return Creation.of(data, DType.F64, shape); }

    /**
     * A new I32 CPU tensor holding a copy of {@code data} in the given shape (1-D when no shape is given), as
     * {@code torch.tensor(data, dtype=torch.int32)}: {@code Tensor.of(new int[]{...}, 2, 3)}.
     */
    public static Tensor of(int[] data, int... shape) { return Creation.of(data, DType.I32, shape); }

    /**
     * A new I64 CPU tensor holding a copy of {@code data} in the given shape (1-D when no shape is given), as
     * {@code torch.tensor(data, dtype=torch.int64)}: {@code Tensor.of(new long[]{...}, 2, 3)}.
     */
    public static Tensor of(long[] data, int... shape) { return Creation.of(data, DType.I64, shape); }

    /**
     * A new BOOL CPU tensor holding a copy of {@code data} in the given shape (1-D when no shape is given),
     * as {@code torch.tensor(data, dtype=torch.bool)}: {@code Tensor.of(new boolean[]{...}, 2, 3)}.
     */
    public static Tensor of(boolean[] data, int... shape) { return Creation.of(data, DType.BOOL, shape); }

    /**
     * A tensor shaped like a nested array, as {@code torch.tensor([[1., 2.], [3., 4.]])}:
     * {@code Tensor.of(new float[][]{{1, 2}, {3, 4}})} is F32 [2, 2]. Rows must not be ragged.
     */
    public static Tensor of(float[][] data) { return Creation.ofNested(data); }
    /** {@link #of(float[][])} for three levels, e.g. [batch, rows, columns]. */
    public static Tensor of(float[][][] data) { return Creation.ofNested(data); }
    /**
     * A new F64 CPU tensor of shape [rows, columns] copied from a nested array, as
     * {@code torch.tensor([[...], [...]], dtype=torch.float64)}; rows must not be ragged.
     */
    public static Tensor of(double[][] data) { return Creation.ofNested(data); }
    /**
     * A new F64 CPU tensor of shape [batch, rows, columns] copied from a nested array, as
     * {@code torch.tensor(..., dtype=torch.float64)}; rows must not be ragged.
     */
    public static Tensor of(double[][][] data) { return Creation.ofNested(data); }
    /**
     * A new I32 CPU tensor of shape [rows, columns] copied from a nested array, as
     * {@code torch.tensor([[...], [...]], dtype=torch.int32)}; rows must not be ragged.
     */
    public static Tensor of(int[][] data) { return Creation.ofNested(data); }
    /**
     * A new I64 CPU tensor of shape [rows, columns] copied from a nested array, as
     * {@code torch.tensor([[...], [...]], dtype=torch.int64)}; rows must not be ragged.
     */
    public static Tensor of(long[][] data) { return Creation.ofNested(data); }
    /**
     * A new BOOL CPU tensor of shape [rows, columns] copied from a nested array, as
     * {@code torch.tensor([[...], [...]], dtype=torch.bool)}; rows must not be ragged.
     */
    public static Tensor of(boolean[][] data) { return Creation.ofNested(data); }

    /**
     * A tensor from a primitive array nested to any depth ({@code float[][][][]}, ...); the dtype
     * follows the element type.
     */
    public static Tensor ofNested(Object array) { return Creation.ofNested(array); }

    /**
     * A 0-dimensional F32 CPU tensor holding {@code value}, as {@code torch.tensor(2.5)}:
     * {@code Tensor.scalar(2.5)}.
     */
    public static Tensor scalar(double value) { return Creation.full(DType.F32, value, Device.CPU); }

    /**
     * A 0-dimensional CPU tensor of {@code dtype} holding {@code value}, as
     * {@code torch.tensor(3, dtype=torch.int64)}: {@code Tensor.scalar(DType.I64, 3)}.
     */
    public static Tensor scalar(DType dtype, double value) { return Creation.full(dtype, value, Device.CPU); }

    /**
     * A 0-dimensional tensor of {@code dtype} holding {@code value} on {@code device}, as
     * {@code torch.tensor(value, dtype=..., device=...)}.
     */
    public static Tensor scalar(DType dtype, double value, Device device) { return Creation.full(dtype, value, device); }

    /**
     * A new F32 CPU tensor of zeros, as {@code torch.zeros(2, 3)}: {@code Tensor.zeros(2, 3)} (no sizes: a
     * 0-d tensor).
     */
    public static Tensor zeros(int... shape) { return Creation.full(DType.F32, 0, Device.CPU, shape); }

    /** On a device: {@code Tensor.zeros(Device.cuda(0), 3, 4)} (PyTorch's {@code device=}); the same overloads exist for every factory. */
    public static Tensor zeros(Device device, int... shape) { return Creation.full(DType.F32, 0, device, shape); }

    /** Zeros of {@code dtype} on {@code device}, as {@code torch.zeros(shape, dtype=..., device=...)}. */
    public static Tensor zeros(DType dtype, Device device, int... shape) { return Creation.full(dtype, 0, device, shape); }

    /**
     * Zeros of {@code dtype} on the CPU, as {@code torch.zeros(3, dtype=torch.int64)}:
     * {@code Tensor.zeros(DType.I64, 3)}.
     */
    public static Tensor zeros(DType dtype, int... shape) { return Creation.full(dtype, 0, Device.CPU, shape); }

    /** A new F32 CPU tensor of ones, as {@code torch.ones(2, 3)}: {@code Tensor.ones(2, 3)}. */
    public static Tensor ones(int... shape) { return Creation.full(DType.F32, 1, Device.CPU, shape); }

    /** Ones of {@code dtype} on the CPU, as {@code torch.ones(shape, dtype=...)}. */
    public static Tensor ones(DType dtype, int... shape) { return Creation.full(dtype, 1, Device.CPU, shape); }

    /** F32 ones on {@code device}, as {@code torch.ones(shape, device=...)}. */
    public static Tensor ones(Device device, int... shape) { return Creation.full(DType.F32, 1, device, shape); }

    /** Ones of {@code dtype} on {@code device}, as {@code torch.ones(shape, dtype=..., device=...)}. */
    public static Tensor ones(DType dtype, Device device, int... shape) { return Creation.full(dtype, 1, device, shape); }

    /**
     * A new F32 CPU tensor with every element {@code value}, as {@code torch.full((2, 3), 7.)}:
     * {@code Tensor.full(7.0, 2, 3)}.
     */
    public static Tensor full(double value, int... shape) { return Creation.full(DType.F32, value, Device.CPU, shape); }

    /**
     * A CPU tensor of {@code dtype} with every element {@code value}, as
     * {@code torch.full(shape, value, dtype=...)}.
     */
    public static Tensor full(DType dtype, double value, int... shape) { return Creation.full(dtype, value, Device.CPU, shape); }

    /**
     * A tensor of {@code dtype} on {@code device} with every element {@code value}, as
     * {@code torch.full(shape, value, dtype=..., device=...)}.
     */
    public static Tensor full(DType dtype, double value, Device device, int... shape) { return Creation.full(dtype, value, device, shape); }

    /**
     * Zeros with this tensor's shape, dtype and device, as {@code torch.zeros_like(x)}; a new tensor that
     * does not require grad.
     */
    public Tensor zerosLike() { return Creation.full(dtype(), 0, device(), shape.raw()); }

    /**
     * Ones with this tensor's shape, dtype and device, as {@code torch.ones_like(x)}; a new tensor that does
     * not require grad.
     */
    public Tensor onesLike() { return Creation.full(dtype(), 1, device(), shape.raw()); }

    /**
     * A new tensor with this tensor's shape, dtype and device and every element {@code value}, as
     * {@code torch.full_like(x, value)}.
     */
    public Tensor fullLike(double value) { return Creation.full(dtype(), value, device(), shape.raw()); }

    /**
     * The integers {@code [0, end)} as a 1-D I64 CPU tensor, as {@code torch.arange(end)}:
     * {@code Tensor.arange(5)}.
     */
    public static Tensor arange(long end) { return Creation.arange(0, end, 1); }

    /** The integers {@code [start, end)} as a 1-D I64 CPU tensor, as {@code torch.arange(start, end)}. */
    public static Tensor arange(long start, long end) { return Creation.arange(start, end, 1); }

    /**
     * The integers {@code start, start + step, ...} before {@code end} as a 1-D I64 CPU tensor, as
     * {@code torch.arange(start, end, step)}; {@code step} may be negative but not zero.
     */
    public static Tensor arange(long start, long end, long step) { return Creation.arange(start, end, step); }

    /**
     * {@link #arange(long, long, long)} on {@code device} (made on the CPU and copied), as
     * {@code torch.arange(start, end, step, device=...)}.
     */
    public static Tensor arange(long start, long end, long step, Device device) { return Creation.arange(start, end, step, device); }

    /**
     * {@code start, start + step, ...} below {@code end} as a 1-D F32 CPU tensor (computed in double
     * precision), as PyTorch's float {@code torch.arange(0., 1., 0.1)}: {@code Tensor.arange(0.0, 1.0, 0.1)}.
     */
    public static Tensor arange(double start, double end, double step) { return Creation.arange(DType.F32, start, end, step); }

    /**
     * {@code start, start + step, ...} below {@code end}, computed in double precision and converted to
     * {@code dtype}, as {@code torch.arange(start, end, step, dtype=...)}.
     */
    public static Tensor arange(DType dtype, double start, double end, double step) { return Creation.arange(dtype, start, end, step); }

    /**
     * {@code steps} evenly spaced values from {@code start} to {@code end} inclusive, as a 1-D F32 CPU
     * tensor, as {@code torch.linspace(start, end, steps)} (the same symmetric formula: the second half
     * counts down from {@code end}).
     */
    public static Tensor linspace(double start, double end, int steps) { return Creation.linspace(DType.F32, start, end, steps); }

    /**
     * {@link #linspace(double, double, int)} converted to {@code dtype}, as
     * {@code torch.linspace(start, end, steps, dtype=...)}.
     */
    public static Tensor linspace(DType dtype, double start, double end, int steps) { return Creation.linspace(dtype, start, end, steps); }

    /** The n x n F32 identity matrix on the CPU, as {@code torch.eye(n)}. */
    public static Tensor eye(int n) { return Creation.eye(DType.F32, Device.CPU, n, n); }

    /**
     * A rows x cols F32 CPU matrix with ones on the main diagonal and zeros elsewhere, as
     * {@code torch.eye(rows, cols)}.
     */
    public static Tensor eye(int rows, int cols) { return Creation.eye(DType.F32, Device.CPU, rows, cols); }

    /** {@link #eye(int, int)} of {@code dtype}, as {@code torch.eye(rows, cols, dtype=...)}. */
    public static Tensor eye(DType dtype, int rows, int cols) { return Creation.eye(dtype, Device.CPU, rows, cols); }

    /**
     * {@link #eye(int, int)} of {@code dtype} on {@code device}, as
     * {@code torch.eye(rows, cols, dtype=..., device=...)}.
     */
    public static Tensor eye(DType dtype, Device device, int rows, int cols) { return Creation.eye(dtype, device, rows, cols); }

    /**
     * Uniform on [0, 1), F32 on the CPU, drawn from {@code gen}, as {@code torch.rand(2, 3, generator=gen)}:
     * {@code Tensor.rand(gen, 2, 3)}.
     */
    public static Tensor rand(Generator gen, int... shape) { return Random.uniform(gen, DType.F32, Device.CPU, shape); }

    /**
     * Uniform on [0, 1) of {@code dtype} (F32 or F64) on the CPU, drawn from {@code gen}, as
     * {@code torch.rand(shape, generator=gen, dtype=...)}.
     */
    public static Tensor rand(Generator gen, DType dtype, int... shape) { return Random.uniform(gen, dtype, Device.CPU, shape); }

    /** Drawn on {@code device}: the same numbers as on the CPU for the same generator state (Philox on every device). */
    public static Tensor rand(Generator gen, Device device, int... shape) { return Random.uniform(gen, DType.F32, device, shape); }

    /**
     * Uniform on [0, 1) of {@code dtype} (F32 or F64) on {@code device}, drawn from {@code gen}; the same
     * numbers on every device for the same generator state.
     */
    public static Tensor rand(Generator gen, DType dtype, Device device, int... shape) { return Random.uniform(gen, dtype, device, shape); }

    /**
     * Standard normal (mean 0, variance 1), F32 on the CPU, drawn from {@code gen}, as
     * {@code torch.randn(2, 3, generator=gen)}: {@code Tensor.randn(gen, 2, 3)}.
     */
    public static Tensor randn(Generator gen, int... shape) { return Random.normal(gen, DType.F32, Device.CPU, shape); }

    /**
     * Standard normal of {@code dtype} (F32 or F64) on the CPU, drawn from {@code gen}, as
     * {@code torch.randn(shape, generator=gen, dtype=...)}.
     */
    public static Tensor randn(Generator gen, DType dtype, int... shape) { return Random.normal(gen, dtype, Device.CPU, shape); }

    /**
     * Standard normal F32 on {@code device}, drawn from {@code gen}; the same numbers on every device for the
     * same generator state.
     */
    public static Tensor randn(Generator gen, Device device, int... shape) { return Random.normal(gen, DType.F32, device, shape); }

    /** Standard normal of {@code dtype} (F32 or F64) on {@code device}, drawn from {@code gen}. */
    public static Tensor randn(Generator gen, DType dtype, Device device, int... shape) { return Random.normal(gen, dtype, device, shape); }

    /**
     * Integers uniform on [low, high) as I64 on the CPU, drawn from {@code gen}, as
     * {@code torch.randint(low, high, shape, generator=gen)}; {@code low} must be less than {@code high}.
     */
    public static Tensor randint(Generator gen, long low, long high, int... shape) { return Random.integers(gen, low, high, Device.CPU, shape); }

    /** Integers uniform on [low, high) as I64 on {@code device}, drawn from {@code gen}. */
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

    /**
     * A random permutation of {@code 0 .. n-1} as a 1-D I64 CPU tensor, as
     * {@code torch.randperm(n, generator=gen)}.
     */
    public static Tensor randperm(Generator gen, int n) { return Random.permutation(gen, n, Device.CPU); }

    /**
     * {@link #randperm(Generator, int)} on {@code device}: shuffled on the host (Fisher-Yates) and copied.
     */
    public static Tensor randperm(Generator gen, int n, Device device) { return Random.permutation(gen, n, device); }

    // ================================ metadata ================================

    /** The sizes of the dimensions, as PyTorch's {@code x.shape}; the same as {@link #size()}. */
    public Shape shape() { return shape; }

    /** Number of dimensions (PyTorch's {@code dim()}). */
    public int dim() { return shape.rank(); }

    /** The shape, as PyTorch's {@code size()}; the same as {@link #shape()}. */
    public Shape size() { return shape; }

    /** Size of dimension {@code d}; negative counts from the end. */
    public int size(int d) { return shape.raw()[Shape.normalizeDim("size", d, dim())]; }

    /** The number of elements: the product of the sizes, 1 for a 0-d tensor, as {@code x.numel()}. */
    public long numel() { return shape.numel(); }

    /** The element type, as PyTorch's {@code x.dtype}. */
    public DType dtype() { return storage.dtype(); }

    /** The device the storage lives on, as PyTorch's {@code x.device}. */
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

    /**
     * The elements as a new {@code float[]} in row-major order, converted to F32 first when the dtype differs
     * (as {@link #to(DType)}); waits for the device. PyTorch: {@code x.flatten().tolist()} or
     * {@code x.numpy()}.
     */
    public float[] toFloatArray() { return (float[]) Creation.toHost(to(DType.F32)); }

    /**
     * The elements as a new {@code double[]} in row-major order, converted to F64 first when the dtype
     * differs (as {@link #to(DType)}); waits for the device. PyTorch: {@code x.flatten().tolist()} or
     * {@code x.numpy()}.
     */
    public double[] toDoubleArray() { return (double[]) Creation.toHost(to(DType.F64)); }

    /**
     * The elements as a new {@code int[]} in row-major order, converted to I32 first when the dtype differs
     * (as {@link #to(DType)}); waits for the device. PyTorch: {@code x.flatten().tolist()} or
     * {@code x.numpy()}.
     */
    public int[] toIntArray() { return (int[]) Creation.toHost(to(DType.I32)); }

    /**
     * The elements as a new {@code long[]} in row-major order, converted to I64 first when the dtype differs
     * (as {@link #to(DType)}); waits for the device. PyTorch: {@code x.flatten().tolist()} or
     * {@code x.numpy()}.
     */
    public long[] toLongArray() { return (long[]) Creation.toHost(to(DType.I64)); }

    /**
     * The elements as a new {@code boolean[]} in row-major order, converted to BOOL first when the dtype
     * differs (as {@link #to(DType)}); waits for the device. PyTorch: {@code x.flatten().tolist()} or
     * {@code x.numpy()}.
     */
    public boolean[] toBooleanArray() { return (boolean[]) Creation.toHost(to(DType.BOOL)); }

    /**
     * The elements as nested, unmodifiable lists of boxed values (Float, Double, Integer, Long,
     * Boolean), as PyTorch's {@code tolist()}: {@code List<List<Float>>} for a 2-D F32 tensor, the
     * boxed value itself for a 0-d tensor.
     */
    public Object toList() { return Creation.toList(this); }

    /**
     * The value of a one-element tensor (of any shape), as a float: PyTorch's {@code x.item()}; waits for the
     * device.
     */
    public float item() { return (float) itemDouble(); }

    /**
     * The value of a one-element tensor (of any shape) as a double, as PyTorch's {@code x.item()}; waits for
     * the device.
     */
    public double itemDouble() { return Creation.item(this).doubleValue(); }

    /**
     * The value of a one-element tensor as a long (a floating-point value is truncated toward zero), as
     * {@code int(x.item())}.
     */
    public long itemLong() { return Creation.item(this).longValue(); }

    /** True when the value of a one-element tensor is non-zero, as {@code bool(x.item())}. */
    public boolean itemBool() { return Creation.item(this).doubleValue() != 0; }

    /** The element at the given index (negative indices count from the end), as a double. */
    public double get(int... index) { return Creation.get(this, index); }

    /**
     * This tensor converted to {@code dtype}, as {@code x.to(torch.float64)}: {@code x.to(DType.F64)}; a
     * copy, or this tensor itself when it already has that dtype. Differentiable between floating-point
     * types.
     */
    public Tensor to(DType dtype) { return dtype == dtype() ? this : Elementwise.cast(this, dtype); }

    /**
     * This tensor on {@code device}, as {@code x.to(device)}: a copy, or this tensor itself when it is
     * already there. Differentiable: the gradient goes back to the source device.
     */
    public Tensor to(Device device) { return Creation.toDevice(this, device); }

    /** This tensor on the CPU, as {@code x.cpu()}: {@link #to(Device)} with {@link Device#CPU}. */
    public Tensor cpu() { return to(Device.CPU); }

    /**
     * A contiguous tensor with the same values, as {@code x.contiguous()}: this tensor when it already is,
     * else a differentiable copy.
     */
    public Tensor contiguous() { return isContiguous() ? this : clone(); }

    /** A contiguous copy with its own storage and the same dtype, as {@code x.clone()}; differentiable. */
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

    /**
     * The same data cut from the graph, as {@code x.detach()}: a new leaf view of the same storage that does
     * not require grad (writes through it change this tensor's elements).
     */
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

    /**
     * Copies {@code src}, broadcast to this shape and converted to this dtype, into this tensor and returns
     * it, as {@code x.copy_(src)}. While gradients are recorded, refused (IllegalStateException) on a leaf
     * that requires grad and on the result of a recorded operation.
     */
    public Tensor copyFrom(Tensor src) { return InPlace.copyFrom(this, src); }

    /**
     * Adds {@code other} (broadcast to this shape) to this tensor in place and returns it, as
     * {@code x.add_(other)}. While gradients are recorded, refused (IllegalStateException) on a leaf that
     * requires grad and on the result of a recorded operation.
     */
    public Tensor addInPlace(Tensor other) { return InPlace.apply(BinaryOp.ADD, this, other); }

    /**
     * {@code this += alpha * other} in place, returning this tensor, as {@code x.add_(other, alpha=alpha)}.
     * While gradients are recorded, refused (IllegalStateException) on a leaf that requires grad and on the
     * result of a recorded operation.
     */
    public Tensor addInPlace(Tensor other, double alpha) { return InPlace.apply(BinaryOp.ADD, this, alpha == 1 ? other : other.mul(alpha)); }

    /**
     * Subtracts {@code other} (broadcast to this shape) in place and returns this tensor, as
     * {@code x.sub_(other)}. While gradients are recorded, refused (IllegalStateException) on a leaf that
     * requires grad and on the result of a recorded operation.
     */
    public Tensor subInPlace(Tensor other) { return InPlace.apply(BinaryOp.SUB, this, other); }

    /**
     * Multiplies this tensor by {@code other} (broadcast to this shape) in place and returns it, as
     * {@code x.mul_(other)}. While gradients are recorded, refused (IllegalStateException) on a leaf that
     * requires grad and on the result of a recorded operation.
     */
    public Tensor mulInPlace(Tensor other) { return InPlace.apply(BinaryOp.MUL, this, other); }

    /**
     * Multiplies this tensor by the number {@code v} in place and returns it, as {@code x.mul_(v)}; an
     * integer tensor cannot store the floating-point result. While gradients are recorded, refused
     * (IllegalStateException) on a leaf that requires grad and on the result of a recorded operation.
     */
    public Tensor mulInPlace(double v) { return InPlace.applyScalar(BinaryOp.MUL, this, v); }

    /**
     * Adds the number {@code v} to this tensor in place and returns it, as {@code x.add_(v)}; an integer
     * tensor cannot store the floating-point result. While gradients are recorded, refused
     * (IllegalStateException) on a leaf that requires grad and on the result of a recorded operation.
     */
    public Tensor addInPlace(double v) { return InPlace.applyScalar(BinaryOp.ADD, this, v); }

    /**
     * Divides this tensor by {@code other} (broadcast to this shape) in place and returns it, as
     * {@code x.div_(other)}; an integer tensor cannot store the quotient. While gradients are recorded,
     * refused (IllegalStateException) on a leaf that requires grad and on the result of a recorded operation.
     */
    public Tensor divInPlace(Tensor other) { return InPlace.apply(BinaryOp.DIV, this, other); }

    /**
     * Sets every element to {@code value} and returns this tensor, as {@code x.fill_(value)}. While gradients
     * are recorded, refused (IllegalStateException) on a leaf that requires grad and on the result of a
     * recorded operation.
     */
    public Tensor fill(double value) { return InPlace.fill(this, value); }

    /**
     * Sets every element to zero and returns this tensor, as {@code x.zero_()}. While gradients are recorded,
     * refused (IllegalStateException) on a leaf that requires grad and on the result of a recorded operation.
     */
    public Tensor zero() { return InPlace.fill(this, 0); }

    // ================================ views ================================

    /**
     * The same elements in a new shape, as {@code x.reshape(2, -1)}; one size may be -1. A view when the
     * strides allow one, else a copy; differentiable.
     */
    public Tensor reshape(int... shape) { return Views.reshape(this, shape); }

    /**
     * The same elements in a new shape, always a view (one size may be -1), as {@code x.view(2, -1)}; fails
     * when the strides do not allow one (use {@link #reshape}). Differentiable.
     */
    public Tensor view(int... shape) { return Views.view(this, shape); }

    /**
     * A view with the dimensions reordered: dimension {@code i} of the result is dimension {@code dims[i]} of
     * this tensor, as {@code x.permute(2, 0, 1)}; differentiable.
     */
    public Tensor permute(int... dims) { return Views.permute(this, dims); }

    /**
     * A view with dimensions {@code dim0} and {@code dim1} swapped, as {@code x.transpose(0, 1)}; a 0-d
     * tensor is returned as it is. Differentiable.
     */
    public Tensor transpose(int dim0, int dim1) { return Views.transpose(this, dim0, dim1); }

    /**
     * The transpose of a 2-D tensor, a view, as PyTorch's {@code x.T} for matrices; 0-D and 1-D tensors are
     * returned as they are, more than 2 dimensions is an error (use {@link #transpose} or {@link #permute}).
     */
    public Tensor T() { return Views.matrixTranspose(this); }

    /** PyTorch's {@code t()}: {@link #T()}. */
    public Tensor t() { return T(); }

    /** A view without any of the size-1 dimensions, as {@code x.squeeze()}; differentiable. */
    public Tensor squeeze() { return Views.squeeze(this); }

    /**
     * A view without dimension {@code dim} if its size is 1 (else this tensor), as {@code x.squeeze(dim)};
     * differentiable.
     */
    public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }

    /**
     * A view with a new size-1 dimension at position {@code dim} (negative counts from the end of the
     * result), as {@code x.unsqueeze(0)}; differentiable.
     */
    public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }

    /**
     * A view that broadcasts size-1 dimensions to larger sizes without copying (stride 0), as
     * {@code x.expand(4, -1)}; -1 keeps a size, new leading dimensions may be added. Differentiable (the
     * gradient is summed back).
     */
    public Tensor expand(int... shape) { return Views.expand(this, shape); }

    /** {@link #expand} to {@code other}'s shape, as {@code x.expand_as(other)}. */
    public Tensor expandAs(Tensor other) { return Views.expand(this, other.shape.raw()); }

    /**
     * A view of {@code length} elements of dimension {@code dim} from {@code start} (negative counts from the
     * end), as {@code x.narrow(dim, start, length)}; differentiable.
     */
    public Tensor narrow(int dim, int start, int length) { return Views.narrow(this, dim, start, length); }

    /**
     * Python's {@code x[start:end:step]} along {@code dim}, a view: negative start/end count from the end,
     * out-of-range bounds clamp, step must be positive. Differentiable.
     */
    public Tensor slice(int dim, int start, int end, int step) { return Views.slice(this, dim, start, end, step); }

    /**
     * Python's {@code x[start:end]} along {@code dim}: {@link #slice(int, int, int, int)} with step 1, a
     * view.
     */
    public Tensor slice(int dim, int start, int end) { return Views.slice(this, dim, start, end, 1); }

    /**
     * A view of index {@code index} of dimension {@code dim}, which is removed, as
     * {@code x.select(dim, index)} or {@code x[:, index]}; negative indices count from the end.
     * Differentiable.
     */
    public Tensor select(int dim, int index) { return Views.select(this, dim, index); }

    /**
     * The elements as a 1-D tensor, as {@code x.flatten()} (a 0-d tensor becomes shape [1]); a view when the
     * strides allow one, else a copy.
     */
    public Tensor flatten() { return Views.flatten(this, 0, -1); }

    /**
     * Dimensions {@code startDim} to {@code endDim} (inclusive; negative counts from the end) merged into
     * one, as {@code x.flatten(1, -1)}; a view when the strides allow one, else a copy.
     */
    public Tensor flatten(int startDim, int endDim) { return Views.flatten(this, startDim, endDim); }

    /**
     * A view that splits dimension {@code dim} into {@code sizes} (one may be -1), as
     * {@code x.unflatten(1, (2, -1))}: {@code x.unflatten(1, 2, -1)}.
     */
    public Tensor unflatten(int dim, int... sizes) { return Views.unflatten(this, dim, sizes); }

    // ================================ element-wise ================================

    /**
     * {@code -x} element-wise, as {@code torch.neg} / {@code -x}; keeps the dtype (BOOL is refused);
     * differentiable.
     */
    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this); }
    /**
     * {@code |x|} element-wise, as {@code torch.abs}; keeps the dtype (BOOL is refused); the gradient is 0 at
     * 0.
     */
    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this); }
    /**
     * -1, 0 or 1 element-wise (0 at NaN), as {@code torch.sign}; keeps the dtype (BOOL is refused); gradient
     * 0.
     */
    public Tensor sign() { return Elementwise.unary(UnaryOp.SIGN, this); }
    /**
     * {@code e^x} element-wise, as {@code torch.exp}; integer and BOOL tensors become F32 first;
     * differentiable.
     */
    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this); }
    /**
     * {@code e^x - 1} element-wise, accurate near 0, as {@code torch.expm1}; integer and BOOL tensors become
     * F32 first; differentiable.
     */
    public Tensor expm1() { return Elementwise.unary(UnaryOp.EXPM1, this); }
    /**
     * The natural logarithm element-wise, as {@code torch.log}; integer and BOOL tensors become F32 first;
     * differentiable.
     */
    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this); }
    /**
     * {@code log(1 + x)} element-wise, accurate near 0, as {@code torch.log1p}; integer and BOOL tensors
     * become F32 first; differentiable.
     */
    public Tensor log1p() { return Elementwise.unary(UnaryOp.LOG1P, this); }
    /**
     * The square root element-wise, as {@code torch.sqrt}; integer and BOOL tensors become F32 first;
     * differentiable.
     */
    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this); }
    /**
     * {@code 1 / sqrt(x)} element-wise, as {@code torch.rsqrt}; integer and BOOL tensors become F32 first;
     * differentiable.
     */
    public Tensor rsqrt() { return Elementwise.unary(UnaryOp.RSQRT, this); }
    /**
     * {@code 1 / x} element-wise, as {@code torch.reciprocal}; integer and BOOL tensors become F32 first;
     * differentiable.
     */
    public Tensor reciprocal() { return Elementwise.unary(UnaryOp.RECIPROCAL, this); }
    /**
     * {@code x * x} element-wise, as {@code torch.square}; keeps the dtype (BOOL is refused); differentiable.
     */
    public Tensor square() { return Elementwise.unary(UnaryOp.SQUARE, this); }
    /**
     * The sine element-wise (radians), as {@code torch.sin}; integer and BOOL tensors become F32 first;
     * differentiable.
     */
    public Tensor sin() { return Elementwise.unary(UnaryOp.SIN, this); }
    /**
     * The cosine element-wise (radians), as {@code torch.cos}; integer and BOOL tensors become F32 first;
     * differentiable.
     */
    public Tensor cos() { return Elementwise.unary(UnaryOp.COS, this); }
    /**
     * The hyperbolic tangent element-wise, as {@code torch.tanh}; integer and BOOL tensors become F32 first;
     * differentiable.
     */
    public Tensor tanh() { return Elementwise.unary(UnaryOp.TANH, this); }
    /**
     * {@code 1 / (1 + e^-x)} element-wise, as {@code torch.sigmoid}; integer and BOOL tensors become F32
     * first; differentiable.
     */
    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this); }
    /**
     * {@code max(x, 0)} element-wise (NaN stays NaN), as {@code torch.relu}; keeps the dtype (BOOL is
     * refused); differentiable.
     */
    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this); }
    /**
     * GELU element-wise, the exact erf form {@code x/2 (1 + erf(x / sqrt 2))}, as {@code F.gelu(x)}; integer
     * and BOOL tensors become F32 first; differentiable.
     */
    public Tensor gelu() { return Elementwise.unary(UnaryOp.GELU, this); }
    /**
     * {@code x * sigmoid(x)} element-wise (swish), as {@code F.silu}; integer and BOOL tensors become F32
     * first; differentiable.
     */
    public Tensor silu() { return Elementwise.unary(UnaryOp.SILU, this); }
    /**
     * {@code log(1 + e^x)} element-wise, computed without overflow, as {@code F.softplus} with beta 1
     * (without PyTorch's linear threshold); integer and BOOL tensors become F32 first; differentiable.
     */
    public Tensor softplus() { return Elementwise.unary(UnaryOp.SOFTPLUS, this); }
    /**
     * The error function element-wise, as {@code torch.erf}; integer and BOOL tensors become F32 first;
     * differentiable.
     */
    public Tensor erf() { return Elementwise.unary(UnaryOp.ERF, this); }
    /**
     * The largest integer not above x, element-wise, as {@code torch.floor}; integer tensors are returned
     * unchanged in value (BOOL is refused); gradient 0.
     */
    public Tensor floor() { return Elementwise.unary(UnaryOp.FLOOR, this); }
    /**
     * The smallest integer not below x, element-wise, as {@code torch.ceil}; integer tensors are returned
     * unchanged in value (BOOL is refused); gradient 0.
     */
    public Tensor ceil() { return Elementwise.unary(UnaryOp.CEIL, this); }
    /**
     * Rounds element-wise half to even, as {@code torch.round}; integer tensors are unchanged (BOOL is
     * refused); gradient 0.
     */
    public Tensor round() { return Elementwise.unary(UnaryOp.ROUND, this); }

    /**
     * Every element limited to [min, max], as {@code torch.clamp(x, min, max)}; {@code min > max} is an
     * error. The gradient passes where x is within the bounds, the bounds included.
     */
    public Tensor clamp(double min, double max) { return Elementwise.clamp(this, min, max); }
    /** {@code max(x, min)} element-wise, as {@code torch.clamp(x, min=min)}: {@link #maximum(double)}. */
    public Tensor clampMin(double min) { return maximum(min); }
    /** {@code min(x, max)} element-wise, as {@code torch.clamp(x, max=max)}: {@link #minimum(double)}. */
    public Tensor clampMax(double max) { return minimum(max); }

    /**
     * {@code this + other} element-wise, as {@code torch.add(x, y)} / {@code x + y}, with broadcasting and
     * type promotion; differentiable.
     */
    public Tensor add(Tensor other) { return Elementwise.binary(BinaryOp.ADD, this, other); }
    /**
     * {@code this + alpha * other}, as {@code torch.add(x, y, alpha=alpha)}, with broadcasting and type
     * promotion; differentiable.
     */
    public Tensor add(Tensor other, double alpha) { return add(other.mul(alpha)); }
    /**
     * {@code this - other} element-wise, as {@code x - y}, with broadcasting and type promotion;
     * differentiable. BOOL is refused.
     */
    public Tensor sub(Tensor other) { return Elementwise.binary(BinaryOp.SUB, this, other); }
    /**
     * {@code this * other} element-wise, as {@code x * y}, with broadcasting and type promotion;
     * differentiable.
     */
    public Tensor mul(Tensor other) { return Elementwise.binary(BinaryOp.MUL, this, other); }
    /**
     * True division {@code this / other} element-wise, as {@code x / y}, with broadcasting and type
     * promotion; differentiable. Integer inputs give F32.
     */
    public Tensor div(Tensor other) { return Elementwise.binary(BinaryOp.DIV, this, other); }
    /**
     * {@code this ^ exponent} element-wise, as {@code torch.pow(x, y)} / {@code x ** y}, with broadcasting
     * and type promotion; differentiable. Integers to negative integer powers are an error (except bases 1
     * and -1).
     */
    public Tensor pow(Tensor exponent) { return Elementwise.binary(BinaryOp.POW, this, exponent); }
    /**
     * The element-wise maximum, NaN-propagating, as {@code torch.maximum(x, y)}, with broadcasting and type
     * promotion; differentiable. A tie splits the gradient in halves.
     */
    public Tensor maximum(Tensor other) { return Elementwise.binary(BinaryOp.MAXIMUM, this, other); }
    /**
     * The element-wise minimum, NaN-propagating, as {@code torch.minimum(x, y)}, with broadcasting and type
     * promotion; differentiable. A tie splits the gradient in halves.
     */
    public Tensor minimum(Tensor other) { return Elementwise.binary(BinaryOp.MINIMUM, this, other); }
    /**
     * {@code atan2(this, other)}, the angle of the point (other, this), as {@code torch.atan2(x, other)},
     * with broadcasting and type promotion; differentiable. Integer inputs give F32.
     */
    public Tensor atan2(Tensor other) { return Elementwise.binary(BinaryOp.ATAN2, this, other); }

    /**
     * {@code this == other} element-wise, as {@code torch.eq(x, y)} / {@code x == y}, with broadcasting and
     * type promotion; a BOOL tensor, not differentiable.
     */
    public Tensor eq(Tensor other) { return Elementwise.binary(BinaryOp.EQ, this, other); }
    /**
     * {@code this != other} element-wise, as {@code torch.ne(x, y)} / {@code x != y}, with broadcasting and
     * type promotion; a BOOL tensor, not differentiable.
     */
    public Tensor ne(Tensor other) { return Elementwise.binary(BinaryOp.NE, this, other); }
    /**
     * {@code this < other} element-wise, as {@code torch.lt(x, y)} / {@code x < y}, with broadcasting and
     * type promotion; a BOOL tensor, not differentiable.
     */
    public Tensor lt(Tensor other) { return Elementwise.binary(BinaryOp.LT, this, other); }
    /**
     * {@code this <= other} element-wise, as {@code torch.le(x, y)} / {@code x <= y}, with broadcasting and
     * type promotion; a BOOL tensor, not differentiable.
     */
    public Tensor le(Tensor other) { return Elementwise.binary(BinaryOp.LE, this, other); }
    /**
     * {@code this > other} element-wise, as {@code torch.gt(x, y)} / {@code x > y}, with broadcasting and
     * type promotion; a BOOL tensor, not differentiable.
     */
    public Tensor gt(Tensor other) { return Elementwise.binary(BinaryOp.GT, this, other); }
    /**
     * {@code this >= other} element-wise, as {@code torch.ge(x, y)} / {@code x >= y}, with broadcasting and
     * type promotion; a BOOL tensor, not differentiable.
     */
    public Tensor ge(Tensor other) { return Elementwise.binary(BinaryOp.GE, this, other); }
    /**
     * Element-wise AND of {@code this != 0} and {@code other != 0}, as {@code torch.logical_and};
     * broadcasting, a BOOL tensor.
     */
    public Tensor logicalAnd(Tensor other) { return Elementwise.binary(BinaryOp.LOGICAL_AND, this, other); }
    /**
     * Element-wise OR of {@code this != 0} and {@code other != 0}, as {@code torch.logical_or}; broadcasting,
     * a BOOL tensor.
     */
    public Tensor logicalOr(Tensor other) { return Elementwise.binary(BinaryOp.LOGICAL_OR, this, other); }
    /** Element-wise {@code this == 0}, as {@code torch.logical_not}: a BOOL tensor. */
    public Tensor logicalNot() { return Elementwise.logicalNot(this); }

    // Scalar overloads: a Java integer keeps integer tensors integral, a Java floating-point number
    // makes them F32 (PyTorch's rules for Python numbers).
    /**
     * {@code this + v} element-wise for a Java double, as {@code x + 2.0}: {@code x.add(2.0)}. A Java double
     * makes integer and BOOL tensors F32, as a Python float does; floating-point tensors keep their dtype.
     * Differentiable.
     */
    public Tensor add(double v) { return Elementwise.binaryScalar(BinaryOp.ADD, this, v, false); }
    /**
     * {@code this + v} element-wise for a Java integer, as {@code x + 2}: {@code x.add(2)}. A Java integer
     * keeps integer tensors integral (BOOL becomes I64), as a Python int does. Differentiable.
     */
    public Tensor add(long v) { return Elementwise.binaryScalar(BinaryOp.ADD, this, v, false); }
    /**
     * {@code this - v} element-wise for a Java double, as {@code x - 0.5}. A Java double makes integer and
     * BOOL tensors F32, as a Python float does; floating-point tensors keep their dtype. Differentiable.
     */
    public Tensor sub(double v) { return Elementwise.binaryScalar(BinaryOp.SUB, this, v, false); }
    /**
     * {@code this - v} element-wise for a Java integer, as {@code x - 1}. A Java integer keeps integer
     * tensors integral (BOOL becomes I64), as a Python int does. Differentiable.
     */
    public Tensor sub(long v) { return Elementwise.binaryScalar(BinaryOp.SUB, this, v, false); }
    /**
     * {@code this * v} element-wise for a Java double, as {@code x * 0.5}. A Java double makes integer and
     * BOOL tensors F32, as a Python float does; floating-point tensors keep their dtype. Differentiable.
     */
    public Tensor mul(double v) { return Elementwise.binaryScalar(BinaryOp.MUL, this, v, false); }
    /**
     * {@code this * v} element-wise for a Java integer, as {@code x * 2}. A Java integer keeps integer
     * tensors integral (BOOL becomes I64), as a Python int does. Differentiable.
     */
    public Tensor mul(long v) { return Elementwise.binaryScalar(BinaryOp.MUL, this, v, false); }
    /**
     * True division {@code this / v} element-wise, as {@code x / 2.0}; integer and BOOL tensors give F32.
     * Differentiable.
     */
    public Tensor div(double v) { return Elementwise.binaryScalar(BinaryOp.DIV, this, v, false); }
    /**
     * True division {@code this / v} element-wise, as {@code x / 2}; integer and BOOL tensors give F32 (it is
     * never integer division). Differentiable.
     */
    public Tensor div(long v) { return Elementwise.binaryScalar(BinaryOp.DIV, this, v, false); }
    /**
     * {@code this ^ v} element-wise, as {@code x ** 0.5}; integer and BOOL tensors give F32. For
     * floating-point tensors {@code v = 2} is computed as {@link #square()} and {@code v = 1} gives a copy.
     * Differentiable.
     */
    public Tensor pow(double v) { return Elementwise.powScalar(this, v); }
    /**
     * {@code this ^ v} element-wise for a Java integer, as {@code x ** 2}; integer tensors stay integral
     * (negative exponents are an error, except for bases 1 and -1). Differentiable.
     */
    public Tensor pow(long v) { return Elementwise.binaryScalar(BinaryOp.POW, this, v, false); }
    /**
     * {@code max(this, v)} element-wise, NaN-propagating, as {@code torch.clamp(x, min=v)}; integer and BOOL
     * tensors give F32. The gradient passes where x is at or above v.
     */
    public Tensor maximum(double v) { return Elementwise.binaryScalar(BinaryOp.MAXIMUM, this, v, false); }
    /**
     * {@code max(this, v)} element-wise for a Java integer, as {@code torch.clamp(x, min=v)}; integer tensors
     * stay integral. The gradient passes where x is at or above v.
     */
    public Tensor maximum(long v) { return Elementwise.binaryScalar(BinaryOp.MAXIMUM, this, v, false); }
    /**
     * {@code min(this, v)} element-wise, NaN-propagating, as {@code torch.clamp(x, max=v)}; integer and BOOL
     * tensors give F32. The gradient passes where x is at or below v.
     */
    public Tensor minimum(double v) { return Elementwise.binaryScalar(BinaryOp.MINIMUM, this, v, false); }
    /**
     * {@code min(this, v)} element-wise for a Java integer, as {@code torch.clamp(x, max=v)}; integer tensors
     * stay integral. The gradient passes where x is at or below v.
     */
    public Tensor minimum(long v) { return Elementwise.binaryScalar(BinaryOp.MINIMUM, this, v, false); }
    /** {@code this == v} element-wise, as {@code x == v}: a BOOL tensor, not differentiable. */
    public Tensor eq(double v) { return Elementwise.binaryScalar(BinaryOp.EQ, this, v, false); }
    /**
     * {@code this == v} element-wise for a Java integer, as {@code x == v}: a BOOL tensor, not
     * differentiable.
     */
    public Tensor eq(long v) { return Elementwise.binaryScalar(BinaryOp.EQ, this, v, false); }
    /** {@code this != v} element-wise, as {@code x != v}: a BOOL tensor, not differentiable. */
    public Tensor ne(double v) { return Elementwise.binaryScalar(BinaryOp.NE, this, v, false); }
    /**
     * {@code this != v} element-wise for a Java integer, as {@code x != v}: a BOOL tensor, not
     * differentiable.
     */
    public Tensor ne(long v) { return Elementwise.binaryScalar(BinaryOp.NE, this, v, false); }
    /** {@code this < v} element-wise, as {@code x < v}: a BOOL tensor, not differentiable. */
    public Tensor lt(double v) { return Elementwise.binaryScalar(BinaryOp.LT, this, v, false); }
    /**
     * {@code this < v} element-wise for a Java integer, as {@code x < v}: a BOOL tensor, not differentiable.
     */
    public Tensor lt(long v) { return Elementwise.binaryScalar(BinaryOp.LT, this, v, false); }
    /** {@code this <= v} element-wise, as {@code x <= v}: a BOOL tensor, not differentiable. */
    public Tensor le(double v) { return Elementwise.binaryScalar(BinaryOp.LE, this, v, false); }
    /**
     * {@code this <= v} element-wise for a Java integer, as {@code x <= v}: a BOOL tensor, not
     * differentiable.
     */
    public Tensor le(long v) { return Elementwise.binaryScalar(BinaryOp.LE, this, v, false); }
    /** {@code this > v} element-wise, as {@code x > v}: a BOOL tensor, not differentiable. */
    public Tensor gt(double v) { return Elementwise.binaryScalar(BinaryOp.GT, this, v, false); }
    /**
     * {@code this > v} element-wise for a Java integer, as {@code x > v}: a BOOL tensor, not differentiable.
     */
    public Tensor gt(long v) { return Elementwise.binaryScalar(BinaryOp.GT, this, v, false); }
    /** {@code this >= v} element-wise, as {@code x >= v}: a BOOL tensor, not differentiable. */
    public Tensor ge(double v) { return Elementwise.binaryScalar(BinaryOp.GE, this, v, false); }
    /**
     * {@code this >= v} element-wise for a Java integer, as {@code x >= v}: a BOOL tensor, not
     * differentiable.
     */
    public Tensor ge(long v) { return Elementwise.binaryScalar(BinaryOp.GE, this, v, false); }
    /**
     * {@code v - this} element-wise, as {@code v - x} in PyTorch ({@code torch.rsub(x, v)}). A Java double
     * makes integer and BOOL tensors F32, as a Python float does; floating-point tensors keep their dtype.
     * Differentiable.
     */
    public Tensor rsub(double v) { return Elementwise.binaryScalar(BinaryOp.SUB, this, v, true); }

    /**
     * {@code v / this} element-wise, as {@code v / x} in PyTorch; integer and BOOL tensors give F32.
     * Differentiable.
     */
    public Tensor rdiv(double v) { return Elementwise.binaryScalar(BinaryOp.DIV, this, v, true); }

    /**
     * {@code base ^ this} element-wise, as {@code base ** x} / {@code torch.pow(base, x)}. A Java double
     * makes integer and BOOL tensors F32, as a Python float does; floating-point tensors keep their dtype.
     * Differentiable.
     */
    public Tensor rpow(double base) { return Elementwise.binaryScalar(BinaryOp.POW, this, base, true); }

    /**
     * {@code atan2(this, v)} element-wise, as {@code torch.atan2(x, torch.tensor(v))}; integer and BOOL
     * tensors give F32. Differentiable.
     */
    public Tensor atan2(double v) { return Elementwise.binaryScalar(BinaryOp.ATAN2, this, v, false); }

    /**
     * {@code cond ? a : b} element by element, as {@code torch.where(cond, a, b)}: {@code cond} must be BOOL,
     * all three broadcast, {@code a} and {@code b} are promoted to a common dtype. Differentiable in
     * {@code a} and {@code b}.
     */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }

    /**
     * {@code cond ? a : b} with a Java double for b, as {@code torch.where(cond, a, 0.0)}; an integer
     * {@code a} gives F32. Differentiable in {@code a}.
     */
    public static Tensor where(Tensor cond, Tensor a, double b) { return Elementwise.where(cond, a, b); }

    /**
     * {@code cond ? a : b} with a Java double for a, as {@code torch.where(cond, 1.0, b)}; an integer
     * {@code b} gives F32. Differentiable in {@code b}.
     */
    public static Tensor where(Tensor cond, double a, Tensor b) { return Elementwise.where(cond, a, b); }

    /**
     * {@code cond ? a : b} with a Java integer for b, as {@code torch.where(cond, a, 0)}; integer tensors
     * stay integral. Differentiable in {@code a}.
     */
    public static Tensor where(Tensor cond, Tensor a, long b) { return Elementwise.where(cond, a, b); }

    /**
     * {@code cond ? a : b} with a Java integer for a, as {@code torch.where(cond, 1, b)}; integer tensors
     * stay integral. Differentiable in {@code b}.
     */
    public static Tensor where(Tensor cond, long a, Tensor b) { return Elementwise.where(cond, a, b); }

    /**
     * A copy with the elements where the BOOL {@code mask} (broadcast) is true replaced by {@code value}, as
     * {@code x.masked_fill(mask, value)}; keeps this dtype. Differentiable (the gradient is 0 at the filled
     * elements).
     */
    public Tensor maskedFill(Tensor mask, double value) { return Elementwise.where(mask, Creation.full(dtype(), value, device()), this); }

    // ================================ reductions ================================

    /**
     * The sum of all elements as a 0-d tensor, as {@code x.sum()}; integer and BOOL tensors sum to I64,
     * floating-point ones keep their dtype; differentiable.
     */
    public Tensor sum() { return Reductions.sum(this, null, false); }
    /**
     * Sums over dimension {@code dim}, which is removed, as {@code x.sum(dim)}; integer and BOOL tensors sum
     * to I64, floating-point ones keep their dtype; differentiable.
     */
    public Tensor sum(int dim) { return Reductions.sum(this, new int[]{dim}, false); }
    /**
     * Sums over {@code dim}, kept with size 1 when {@code keepDim}, as {@code x.sum(dim, keepdim)}; integer
     * and BOOL tensors sum to I64, floating-point ones keep their dtype; differentiable.
     */
    public Tensor sum(int dim, boolean keepDim) { return Reductions.sum(this, new int[]{dim}, keepDim); }
    /**
     * Sums over every dimension in {@code dims} (distinct; negative counts from the end), as
     * {@code x.sum((0, 2), keepdim)}: {@code x.sum(new int[]{0, 2}, false)}; integer and BOOL tensors sum to
     * I64, floating-point ones keep their dtype; differentiable.
     */
    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.sum(this, dims, keepDim); }

    /**
     * The mean of all elements as a 0-d tensor, as {@code x.mean()}; floating-point tensors only;
     * differentiable.
     */
    public Tensor mean() { return Reductions.mean(this, null, false); }
    /**
     * The mean over dimension {@code dim}, which is removed, as {@code x.mean(dim)}; floating-point tensors
     * only; differentiable.
     */
    public Tensor mean(int dim) { return Reductions.mean(this, new int[]{dim}, false); }
    /**
     * The mean over {@code dim}, kept with size 1 when {@code keepDim}, as {@code x.mean(dim, keepdim)};
     * floating-point tensors only; differentiable.
     */
    public Tensor mean(int dim, boolean keepDim) { return Reductions.mean(this, new int[]{dim}, keepDim); }
    /**
     * The mean over every dimension in {@code dims}, as {@code x.mean((0, 2), keepdim)}; floating-point
     * tensors only; differentiable.
     */
    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.mean(this, dims, keepDim); }

    /**
     * The product of all elements as a 0-d tensor, as {@code x.prod()}; integer and BOOL tensors give I64;
     * the product over an empty dimension is 1; differentiable.
     */
    public Tensor prod() { return Reductions.prod(this, null, false); }
    /**
     * The product over {@code dim}, as {@code x.prod(dim, keepdim)}; integer and BOOL tensors give I64; the
     * product over an empty dimension is 1; differentiable.
     */
    public Tensor prod(int dim, boolean keepDim) { return Reductions.prod(this, new int[]{dim}, keepDim); }
    /**
     * The product over every dimension in {@code dims}; integer and BOOL tensors give I64; the product over
     * an empty dimension is 1; differentiable.
     */
    public Tensor prod(int[] dims, boolean keepDim) { return Reductions.prod(this, dims, keepDim); }

    /**
     * The largest element as a 0-d tensor, as {@code torch.amax(x)}; keeps the dtype; differentiable, the
     * gradient shared evenly among tied elements; an empty dimension is an error.
     */
    public Tensor amax() { return Reductions.amax(this, null, false); }
    /**
     * The largest values along {@code dim}, as {@code torch.amax(x, dim, keepdim)}; keeps the dtype;
     * differentiable, the gradient shared evenly among tied elements; an empty dimension is an error.
     */
    public Tensor amax(int dim, boolean keepDim) { return Reductions.amax(this, new int[]{dim}, keepDim); }
    /**
     * The largest values over every dimension in {@code dims}, as {@code torch.amax(x, dims, keepdim)}; keeps
     * the dtype; differentiable, the gradient shared evenly among tied elements; an empty dimension is an
     * error.
     */
    public Tensor amax(int[] dims, boolean keepDim) { return Reductions.amax(this, dims, keepDim); }

    /**
     * The smallest element as a 0-d tensor, as {@code torch.amin(x)}; keeps the dtype; differentiable, the
     * gradient shared evenly among tied elements; an empty dimension is an error.
     */
    public Tensor amin() { return Reductions.amin(this, null, false); }
    /**
     * The smallest values along {@code dim}, as {@code torch.amin(x, dim, keepdim)}; keeps the dtype;
     * differentiable, the gradient shared evenly among tied elements; an empty dimension is an error.
     */
    public Tensor amin(int dim, boolean keepDim) { return Reductions.amin(this, new int[]{dim}, keepDim); }
    /**
     * The smallest values over every dimension in {@code dims}, as {@code torch.amin(x, dims, keepdim)};
     * keeps the dtype; differentiable, the gradient shared evenly among tied elements; an empty dimension is
     * an error.
     */
    public Tensor amin(int[] dims, boolean keepDim) { return Reductions.amin(this, dims, keepDim); }

    /**
     * The variance of all elements as a 0-d tensor, as {@code x.var(unbiased=...)}: {@code unbiased} divides
     * by n - 1 (Bessel's correction, PyTorch's default), else by n; floating-point tensors only;
     * differentiable.
     */
    public Tensor var(boolean unbiased) { return Reductions.var(this, null, unbiased, false); }
    /**
     * The variance along {@code dim}, as {@code x.var(dim, unbiased=..., keepdim=...)}; floating-point
     * tensors only; differentiable.
     */
    public Tensor var(int dim, boolean unbiased, boolean keepDim) { return Reductions.var(this, new int[]{dim}, unbiased, keepDim); }
    /**
     * The variance over every dimension in {@code dims}, as {@code x.var(dims, unbiased=..., keepdim=...)};
     * floating-point tensors only; differentiable.
     */
    public Tensor var(int[] dims, boolean unbiased, boolean keepDim) { return Reductions.var(this, dims, unbiased, keepDim); }

    /**
     * The standard deviation of all elements as a 0-d tensor, as {@code x.std(unbiased=...)}; as in PyTorch,
     * its gradient is 0 (not NaN) where all the values are equal.
     */
    public Tensor std(boolean unbiased) { return Reductions.rootWithZeroGradientAtZero(var(unbiased), 2); }
    /**
     * The standard deviation along {@code dim}, as {@code x.std(dim, unbiased=..., keepdim=...)}; gradient 0
     * where the values are equal.
     */
    public Tensor std(int dim, boolean unbiased, boolean keepDim) { return Reductions.rootWithZeroGradientAtZero(var(dim, unbiased, keepDim), 2); }
    /**
     * The standard deviation over every dimension in {@code dims}, as
     * {@code x.std(dims, unbiased=..., keepdim=...)}; gradient 0 where the values are equal.
     */
    public Tensor std(int[] dims, boolean unbiased, boolean keepDim) { return Reductions.rootWithZeroGradientAtZero(var(dims, unbiased, keepDim), 2); }

    /**
     * The index of the largest element of the flattened tensor (the first on ties) as a 0-d I64 tensor, as
     * {@code torch.argmax(x)}; not differentiable.
     */
    public Tensor argmax() { return Reductions.arg(dev.galvani.tensor.backend.ReduceOp.ARGMAX, this, null, false); }
    /**
     * The indices (I64) of the largest values along {@code dim} (the first on ties), as
     * {@code torch.argmax(x, dim, keepdim)}; not differentiable.
     */
    public Tensor argmax(int dim, boolean keepDim) { return Reductions.arg(dev.galvani.tensor.backend.ReduceOp.ARGMAX, this, dim, keepDim); }
    /**
     * The index of the smallest element of the flattened tensor (the first on ties) as a 0-d I64 tensor, as
     * {@code torch.argmin(x)}; not differentiable.
     */
    public Tensor argmin() { return Reductions.arg(dev.galvani.tensor.backend.ReduceOp.ARGMIN, this, null, false); }
    /**
     * The indices (I64) of the smallest values along {@code dim} (the first on ties), as
     * {@code torch.argmin(x, dim, keepdim)}; not differentiable.
     */
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

    /**
     * {@code log(sum(exp(x)))} along {@code dim}, computed without overflow, as
     * {@code torch.logsumexp(x, dim, keepdim)}; integer and BOOL tensors become F32 first; differentiable.
     */
    public Tensor logsumexp(int dim, boolean keepDim) { return Reductions.logsumexp(this, new int[]{dim}, keepDim); }
    /**
     * {@code log(sum(exp(x)))} over every dimension in {@code dims}, as
     * {@code torch.logsumexp(x, dims, keepdim)}; differentiable.
     */
    public Tensor logsumexp(int[] dims, boolean keepDim) { return Reductions.logsumexp(this, dims, keepDim); }

    /**
     * The p-norm of all elements as a 0-d tensor, as {@code torch.linalg.vector_norm(x, p)}: p = 2, 1,
     * {@code Double.POSITIVE_INFINITY} (max |x|), {@code NEGATIVE_INFINITY} (min |x|), 0 (the count of
     * non-zeros) or any p &gt; 0; floating-point tensors only. Differentiable, with gradient 0 at a zero
     * vector.
     */
    public Tensor norm(double p) { return Reductions.norm(this, p, null, false); }
    /**
     * The p-norm over every dimension in {@code dims} (p as in {@link #norm(double)}), as
     * {@code torch.linalg.vector_norm(x, p, dims, keepdim)}; differentiable.
     */
    public Tensor norm(double p, int[] dims, boolean keepDim) { return Reductions.norm(this, p, dims, keepDim); }
    /** The Euclidean (2-)norm of all elements as a 0-d tensor, as {@code x.norm()}; differentiable. */
    public Tensor norm() { return norm(2); }

    /** A 0-d BOOL tensor: true when every element is non-zero, as {@code x.all()}. */
    public Tensor all() { return Reductions.all(this, null, false); }
    /** BOOL: whether every element over {@code dims} is non-zero, as {@code torch.all(x, dims, keepdim)}. */
    public Tensor all(int[] dims, boolean keepDim) { return Reductions.all(this, dims, keepDim); }
    /** A 0-d BOOL tensor: true when some element is non-zero, as {@code x.any()}. */
    public Tensor any() { return Reductions.any(this, null, false); }
    /** BOOL: whether some element over {@code dims} is non-zero, as {@code torch.any(x, dims, keepdim)}. */
    public Tensor any(int[] dims, boolean keepDim) { return Reductions.any(this, dims, keepDim); }

    /**
     * The inclusive running sum along {@code dim}, as {@code torch.cumsum(x, dim)}; integer and BOOL tensors
     * give I64; differentiable.
     */
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

    /**
     * A copy of the entries at positions {@code index} (a 0-d or 1-D I32/I64 tensor on this device) along
     * {@code dim}, as {@code torch.index_select(x, dim, index)} / {@code x[:, idx]}; differentiable in this
     * tensor.
     */
    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }

    /**
     * Values picked along {@code dim} by {@code index}, as {@code torch.gather(x, dim, index)}: for dim 1,
     * {@code out[i][j] = x[i][index[i][j]]}. The result has the index's shape; the index (I32/I64) has this
     * rank and is no larger outside {@code dim}. A copy, differentiable in this tensor.
     */
    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }

    /**
     * A copy of this tensor with the values of {@code src} added at {@code index} along {@code dim}, as
     * {@code x.scatter_add(dim, index, src)} (out of place): for dim 0,
     * {@code out[index[i][j]][j] += src[i][j]}. Differentiable in this tensor and {@code src}.
     */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Indexing.scatterAdd(this, dim, index, src); }

    /**
     * {@link #gather} with {@code indices} broadcast against this tensor outside {@code dim}, as
     * {@code torch.take_along_dim(x, indices, dim)} (NumPy's take_along_axis); differentiable.
     */
    public Tensor takeAlongDim(Tensor indices, int dim) { return Indexing.takeAlongDim(this, indices, dim); }

    /**
     * The one-hot I64 encoding of this integer tensor: a new last dimension of size {@code numClasses}, as
     * {@code F.one_hot(x, num_classes)}; -1 takes the largest class present plus one.
     */
    public Tensor oneHot(int numClasses) { return Indexing.oneHot(this, numClasses); }

    /**
     * The tensors joined along the existing dimension {@code dim}, as {@code torch.cat(tensors, dim)}: shapes
     * match except in {@code dim}, dtypes are promoted, one device. A copy; differentiable.
     */
    public static Tensor cat(List<Tensor> tensors, int dim) { return Indexing.cat(tensors, dim); }

    /**
     * {@link #cat(List, int)} for tensors given one by one: {@code Tensor.cat(0, a, b)} is
     * {@code torch.cat([a, b], 0)}.
     */
    public static Tensor cat(int dim, Tensor... tensors) { return Indexing.cat(List.of(tensors), dim); }

    /**
     * Tensors of one shape joined along a new dimension {@code dim}, as {@code torch.stack(tensors, dim)}. A
     * copy; differentiable.
     */
    public static Tensor stack(List<Tensor> tensors, int dim) { return Indexing.stack(tensors, dim); }

    /**
     * {@link #stack(List, int)} for tensors given one by one: {@code Tensor.stack(0, a, b)} is
     * {@code torch.stack([a, b])}.
     */
    public static Tensor stack(int dim, Tensor... tensors) { return Indexing.stack(List.of(tensors), dim); }

    /**
     * Views of {@code splitSize} elements along {@code dim} (the last may be shorter), as
     * {@code torch.split(x, splitSize, dim)}; differentiable.
     */
    public List<Tensor> split(int splitSize, int dim) { return Indexing.split(this, splitSize, dim); }

    /**
     * Views of the given sizes along {@code dim} (they must add up to its size), as
     * {@code torch.split(x, [2, 3], dim)}; differentiable.
     */
    public List<Tensor> split(int[] sizes, int dim) { return Indexing.split(this, sizes, dim); }

    /**
     * At most {@code chunks} views of equal size along {@code dim} (the last may be smaller), as
     * {@code torch.chunk(x, chunks, dim)}; differentiable.
     */
    public List<Tensor> chunk(int chunks, int dim) { return Indexing.chunk(this, chunks, dim); }

    /**
     * A copy with the whole tensor repeated {@code repeats[d]} times along each dimension, as
     * {@code x.repeat(2, 1)}; extra leading repeats add dimensions. Differentiable.
     */
    public Tensor repeat(int... repeats) { return Indexing.repeat(this, repeats); }

    /**
     * As {@link #repeat}, with fewer repeats than dimensions meaning leading ones, as
     * {@code torch.tile(x, reps)}; differentiable.
     */
    public Tensor tile(int... repeats) { return Indexing.tile(this, repeats); }

    /**
     * A copy with the order of the elements reversed along each of {@code dims}, as
     * {@code torch.flip(x, dims)}; differentiable.
     */
    public Tensor flip(int... dims) { return Indexing.flip(this, dims); }

    /**
     * A copy with the elements shifted by {@code shift} along {@code dim}, wrapping around, as
     * {@code torch.roll(x, shift, dim)}; differentiable.
     */
    public Tensor roll(int shift, int dim) { return Indexing.roll(this, new int[]{shift}, new int[]{dim}); }

    /**
     * A copy rolled by {@code shifts[i]} along {@code dims[i]} for each i, as
     * {@code torch.roll(x, shifts, dims)}; differentiable.
     */
    public Tensor roll(int[] shifts, int[] dims) { return Indexing.roll(this, shifts, dims); }

    /**
     * The lower triangle of the last two dimensions, as {@code torch.tril(x, diagonal)}: elements with column
     * - row &lt;= diagonal kept, the others zero; a copy, differentiable.
     */
    public Tensor tril(int diagonal) { return Indexing.tril(this, diagonal); }

    /** The lower triangle including the main diagonal, as {@code torch.tril(x)}: {@code tril(0)}. */
    public Tensor tril() { return tril(0); }

    /**
     * The upper triangle of the last two dimensions, as {@code torch.triu(x, diagonal)}: elements with column
     * - row &gt;= diagonal kept, the others zero; a copy, differentiable.
     */
    public Tensor triu(int diagonal) { return Indexing.triu(this, diagonal); }

    /** The upper triangle including the main diagonal, as {@code torch.triu(x)}: {@code triu(0)}. */
    public Tensor triu() { return triu(0); }

    /**
     * A padded copy, as {@code F.pad(x, pads, mode, value)}: {@code pads} in PyTorch's order,
     * {@code (left, right)} for the last dimension, then {@code (top, bottom)} for the one before, ...;
     * negative padding crops; {@code value} is used by {@link PadMode#CONSTANT}. Differentiable.
     */
    public Tensor pad(PadMode mode, double value, int... pads) { return Indexing.pad(this, mode, value, pads); }

    /**
     * Zero padding, as {@code F.pad(x, pads)}: {@code x.pad(1, 1)} pads the last dimension by one on each
     * side.
     */
    public Tensor pad(int... pads) { return Indexing.pad(this, PadMode.CONSTANT, 0, pads); }

    // ================================ complex numbers ================================

    /**
     * This real tensor [..., 2] as complex numbers (real and imaginary parts side by side in the
     * last dimension), as {@code torch.view_as_complex}: views, no copy; see {@link ComplexTensor}
     * and {@link FFT}.
     */
    public ComplexTensor viewAsComplex() { return ComplexTensor.viewAsComplex(this); }

    // ================================ printing ================================

    /** PyTorch's format: {@code tensor([[1., 2.], [3., 4.]])}, summarised with ... beyond 1000 elements. */
    @Override public String toString() { return TensorFormatter.format(this); }
}
