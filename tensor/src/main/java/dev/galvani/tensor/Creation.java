package dev.galvani.tensor;

import dev.galvani.tensor.backend.Backend;
import java.lang.reflect.Array;
import java.util.Arrays;

/** Factories and host transfers: where tensors come from and how their values get out. */
final class Creation {

    private Creation() {}

    /** A new zero-filled contiguous tensor; with {@link #uninitialized}, the one place storage for user-visible tensors is allocated. */
    static Tensor empty(DType dtype, Device device, int... shape) {
        Shape s = Shape.of(shape);
        Tensor t = new Tensor(allocate(dtype, device, s, true), s, s.contiguousStrides(), 0);
        TensorScope.track(t);
        return t;
    }

    /**
     * A new contiguous tensor whose values are unspecified: for an output the next kernel
     * overwrites entirely (element-wise results, copies, matmul), so a caching allocator can skip
     * zeroing a reused block. Never hand one to a kernel that accumulates into its output.
     */
    static Tensor uninitialized(DType dtype, Device device, int... shape) {
        Shape s = Shape.of(shape);
        Tensor t = new Tensor(allocate(dtype, device, s, false), s, s.contiguousStrides(), 0);
        TensorScope.track(t);
        return t;
    }

    /**
     * A kernel's output: {@link #uninitialized} when the kernel will overwrite every element (its
     * contract says so and the work is not empty), else {@link #empty} (an empty sum is zero).
     * Skipping the zero fill of a reused block was about 5 % of a CNN training step.
     */
    static Tensor output(boolean overwritten, DType dtype, Device device, int... shape) {
        return overwritten ? uninitialized(dtype, device, shape) : empty(dtype, device, shape);
    }

    /** The storage for a new tensor; running out of memory says which op, what shape, how many bytes and what to do. */
    private static dev.galvani.tensor.backend.Storage allocate(DType dtype, Device device, Shape s, boolean zeroed) {
        Backend backend = Backends.of(device);
        try {
            return zeroed ? backend.allocate(dtype, (int) s.numel()) : backend.allocateUninitialized(dtype, (int) s.numel());
        } catch (TensorOutOfMemoryError e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw TensorOutOfMemoryError.of(dtype, device, s, e);
        }
    }

    /** A new contiguous tensor with {@code like}'s shape, device and the given dtype. */
    static Tensor emptyLike(Tensor like, DType dtype) { return empty(dtype, like.device(), like.shape.raw()); }

    /** A contiguous tensor that takes ownership of {@code hostArray} (the caller must not keep it). */
    static Tensor wrap(Object hostArray, DType dtype, Device device, int... shape) {
        Shape s = Shape.of(shape);
        Tensor t = new Tensor(Backends.of(device).fromHost(hostArray, dtype), s, s.contiguousStrides(), 0);
        TensorScope.track(t);
        return t;
    }

    static Tensor of(Object data, DType dtype, int[] shape) {
        if (data == null) throw new IllegalArgumentException("Tensor.of: data is null");
        int length = Array.getLength(data);
        int[] dims = shape == null || shape.length == 0 ? new int[]{length} : shape;
        long numel = Shape.of(dims).numel();
        if (numel != length)
            throw new IllegalArgumentException("Tensor.of: " + length + " values cannot fill shape " + Arrays.toString(dims) + " (" + numel + " elements)");
        Object copy = switch (dtype) {
            case F32 -> ((float[]) data).clone();
            case F64 -> ((double[]) data).clone();
            case I32 -> ((int[]) data).clone();
            case I64 -> ((long[]) data).clone();
            case BOOL -> ((boolean[]) data).clone();
        };
        return wrap(copy, dtype, Device.CPU, dims);
    }

    /**
     * A tensor from a nested Java array ({@code float[][]}, {@code double[][][]}, {@code long[][]}, ...):
     * the shape is read from the nesting, and every row must be as long as its siblings, as in
     * {@code torch.tensor([[1, 2], [3, 4]])}.
     */
    static Tensor ofNested(Object data) {
        if (data == null) throw new IllegalArgumentException("Tensor.of: data is null");
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        Class<?> leaf = data.getClass();
        for (Object level = data; level != null && level.getClass().isArray(); ) {
            dims.add(Array.getLength(level));
            leaf = level.getClass().getComponentType();
            level = Array.getLength(level) > 0 && !leaf.isPrimitive() ? Array.get(level, 0) : null;
        }
        while (leaf.isArray()) leaf = leaf.getComponentType();      // an empty outer level still names the element type
        DType dtype = leaf == float.class ? DType.F32 : leaf == double.class ? DType.F64 : leaf == int.class ? DType.I32
                : leaf == long.class ? DType.I64 : leaf == boolean.class ? DType.BOOL : null;
        if (dtype == null) throw new IllegalArgumentException("Tensor.of: arrays of " + leaf.getSimpleName() + " are not a tensor's elements (float, double, int, long, boolean)");
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        Object flat = Array.newInstance(leaf, Math.toIntExact(Shape.of(shape).numel()));
        if (Array.getLength(flat) > 0) flatten(data, 0, shape, flat, new int[]{0}, new int[shape.length]);
        return wrap(flat, dtype, Device.CPU, shape);
    }

    private static void flatten(Object level, int depth, int[] shape, Object flat, int[] at, int[] index) {
        if (level == null) throw new IllegalArgumentException("Tensor.of: the row at " + Arrays.toString(Arrays.copyOf(index, depth)) + " is null");
        int n = Array.getLength(level);
        if (n != shape[depth])
            throw new IllegalArgumentException("Tensor.of: ragged array: the row at " + Arrays.toString(Arrays.copyOf(index, depth)) + " has " + n
                    + " elements, its first sibling " + shape[depth]);
        if (depth == shape.length - 1) {
            System.arraycopy(level, 0, flat, at[0], n);
            at[0] += n;
            return;
        }
        for (int i = 0; i < n; i++) {
            index[depth] = i;
            flatten(Array.get(level, i), depth + 1, shape, flat, at, index);
        }
    }

    /** The elements as nested lists (PyTorch's {@code tolist()}): a boxed value for a 0-d tensor. */
    static Object toList(Tensor t) {
        Object flat = toHost(t.contiguous());
        int[] shape = t.shape().raw();
        if (shape.length == 0) return Array.get(flat, 0);
        return nest(flat, shape, 0, 0, Shape.of(shape).contiguousStrides());
    }

    private static java.util.List<Object> nest(Object flat, int[] shape, int depth, int start, int[] strides) {
        java.util.List<Object> out = new java.util.ArrayList<>(shape[depth]);
        for (int i = 0; i < shape[depth]; i++) {
            int at = start + i * strides[depth];
            out.add(depth == shape.length - 1 ? Array.get(flat, at) : nest(flat, shape, depth + 1, at, strides));
        }
        return java.util.Collections.unmodifiableList(out);
    }

    static Tensor full(DType dtype, double value, Device device, int... shape) {
        if (value == 0) return empty(dtype, device, shape);
        Tensor t = uninitialized(dtype, device, shape);
        if (t.numel() > 0) Backends.of(device).fill(t.operand(), value);
        return t;
    }

    static Tensor arange(long start, long end, long step, Device device) { return arange(start, end, step).to(device); }

    static Tensor arange(long start, long end, long step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be non-zero");
        long n = step > 0 ? Math.max(0, Math.ceilDiv(end - start, step)) : Math.max(0, Math.ceilDiv(start - end, -step));
        if ((end - start) != 0 && Long.signum(end - start) != Long.signum(step))
            throw new IllegalArgumentException("arange: the range [" + start + ", " + end + ") is not reachable with step " + step);
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("arange: " + n + " elements are too many for one tensor");
        long[] v = new long[(int) n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return wrap(v, DType.I64, Device.CPU, v.length);
    }

    static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end))
            throw new IllegalArgumentException("arange: start, end and step must be finite and step non-zero, got " + start + ", " + end + ", " + step);
        if (end != start && Math.signum(end - start) != Math.signum(step))
            throw new IllegalArgumentException("arange: the range [" + start + ", " + end + ") is not reachable with step " + step);
        double count = Math.ceil((end - start) / step);
        if (count > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("arange: " + count + " elements are too many for one tensor");
        int n = (int) Math.max(0, count);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return wrap(v, DType.F64, Device.CPU, n).to(dtype);
    }

    /** PyTorch's symmetric linspace: the first half counts up from start, the second down from end. */
    static Tensor linspace(DType dtype, double start, double end, int steps) {
        if (steps < 0) throw new IllegalArgumentException("linspace: number of steps must be non-negative, got " + steps);
        double[] v = new double[steps];
        if (steps == 1) v[0] = start;
        else if (steps > 1) {
            double step = (end - start) / (steps - 1);
            int half = steps / 2;
            for (int i = 0; i < steps; i++) v[i] = i < half ? start + i * step : end - (steps - 1 - i) * step;
        }
        return wrap(v, DType.F64, Device.CPU, steps).to(dtype);
    }

    static Tensor eye(DType dtype, Device device, int rows, int cols) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("eye: sizes must be non-negative, got " + rows + " x " + cols);
        Tensor t = empty(dtype, device, rows, cols);
        int n = Math.min(rows, cols);
        if (n > 0) Backends.of(device).fill(new Tensor(t.storage, Shape.of(n), new int[]{cols + 1}, 0).operand(), 1);
        return t;
    }

    /** The values on the host, in row-major order: waits for the device (a synchronisation the user asked for). */
    static Object toHost(Tensor t) { return Backends.of(t.device()).toHost(t.operand()); }

    static Number item(Tensor t) {
        if (t.numel() != 1)
            throw new IllegalArgumentException("item: a tensor with " + t.numel() + " elements " + t.shape() + " cannot be converted to one number");
        return element(t, t.offset);
    }

    static double get(Tensor t, int[] index) {
        int rank = t.dim();
        if (index.length != rank)
            throw new IllegalArgumentException("get: " + index.length + " indices for a tensor of shape " + t.shape());
        int off = t.offset;
        for (int d = 0; d < rank; d++) {
            int size = t.shape.raw()[d];
            int i = index[d] < 0 ? index[d] + size : index[d];
            if (i < 0 || i >= size)
                throw new IndexOutOfBoundsException("get: index " + index[d] + " is out of bounds for dimension " + d + " with size " + size + " (shape " + t.shape() + ")");
            off += i * t.strides[d];
        }
        return element(t, off).doubleValue();
    }

    /** The element at storage position {@code off}, read through a one-element view. */
    private static Number element(Tensor t, int off) {
        Tensor one = new Tensor(t.storage, Shape.SCALAR, new int[0], off);
        Object host = toHost(one);
        return switch (t.dtype()) {
            case F32 -> ((float[]) host)[0];
            case F64 -> ((double[]) host)[0];
            case I32 -> ((int[]) host)[0];
            case I64 -> ((long[]) host)[0];
            case BOOL -> ((boolean[]) host)[0] ? 1 : 0;
        };
    }

    /**
     * A copy on another device, recorded (the gradient goes back to the source device). The devices'
     * backends copy directly where one of them can; otherwise the copy is staged through the host.
     */
    static Tensor toDevice(Tensor t, Device device) {
        if (device.equals(t.device())) return t;
        Backend target = Backends.of(device), source = Backends.of(t.device());
        Tensor out;
        if (t.numel() == 0) {
            out = empty(t.dtype(), device, t.shape.raw());
        } else if (target.copiesDirectlyWith(t.device()) || source.copiesDirectlyWith(device)) {
            out = uninitialized(t.dtype(), device, t.shape.raw());
            (target.copiesDirectlyWith(t.device()) ? target : source).copyAcrossDevices(t.operand(), out.operand());
        } else {
            out = wrap(toHost(t), t.dtype(), device, t.shape.raw());     // staged through the host: one read, one write
        }
        return Tape.record(new Ops.ToDevice(), out, t);
    }
}
