package dev.galvani.tensor.backend;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Shape;
import java.util.Arrays;

/**
 * What a kernel sees of a tensor: a storage and where the elements lie in it (shape, strides and
 * offset, in elements). No autograd state, no scope, no way to make tensors users see: a backend
 * reads and writes operands, and the front end owns everything else.
 */
public final class Operand {

    private final Storage storage;
    private final Shape shape;
    private final int[] strides;
    private final int offset;

    /** The caller hands over {@code strides}: it must not change them afterwards. */
    public Operand(Storage storage, Shape shape, int[] strides, int offset) {
        if (strides.length != shape.rank())
            throw new IllegalArgumentException("Operand: " + strides.length + " strides for shape " + shape);
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** A contiguous operand over the first elements of {@code storage}. */
    public static Operand contiguous(Storage storage, int... shape) {
        Shape s = Shape.of(shape);
        return new Operand(storage, s, s.contiguousStrides(), 0);
    }

    /** Another layout over the same storage (for kernels that view their operands differently). */
    public Operand withLayout(int[] shape, int[] strides, int offset) { return new Operand(storage, Shape.of(shape), strides.clone(), offset); }

    /** The same layout over another storage of the same length (a backend staging its data elsewhere). */
    public Operand withStorage(Storage other) { return new Operand(other, shape, strides, offset); }

    /** Index {@code index} of dimension {@code dim}, which is removed (no bounds check: kernels check first). */
    public Operand select(int dim, int index) {
        int[] dims = shape.dims();
        int[] newShape = new int[dims.length - 1], newStrides = new int[dims.length - 1];
        for (int d = 0, k = 0; d < dims.length; d++) {
            if (d == dim) continue;
            newShape[k] = dims[d];
            newStrides[k++] = strides[d];
        }
        return new Operand(storage, Shape.of(newShape), newStrides, offset + index * strides[dim]);
    }

    /**
     * The storage the elements lie in.
     * @return the storage
     */
    public Storage storage() { return storage; }

    /**
     * The element type (the storage's).
     * @return the dtype
     */
    public DType dtype() { return storage.dtype(); }

    /**
     * The device the storage lives on.
     * @return the device
     */
    public Device device() { return storage.device(); }

    /**
     * The logical shape.
     * @return the shape
     */
    public Shape shape() { return shape; }

    /** A copy of the strides. */
    public int[] strides() { return strides.clone(); }

    /**
     * The stride of dimension {@code d}, in elements.
     * @param d the dimension
     * @return the stride
     */
    public int stride(int d) { return strides[d]; }

    /**
     * Where element (0, ..., 0) lies in the storage, in elements.
     * @return the offset
     */
    public int offset() { return offset; }

    /**
     * The number of elements (the product of the shape).
     * @return the element count
     */
    public long numel() { return shape.numel(); }

    /**
     * The number of dimensions.
     * @return the rank
     */
    public int dim() { return shape.rank(); }

    /**
     * The size of dimension {@code d}.
     * @param d the dimension
     * @return the size
     */
    public int size(int d) { return shape.size(d); }

    /** True when the elements lie in row-major order without gaps. */
    public boolean isContiguous() {
        int[] dims = shape.dims();
        int expected = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            if (dims[d] == 0) return true;
            if (dims[d] != 1 && strides[d] != expected) return false;
            expected *= dims[d];
        }
        return true;
    }

    @Override public String toString() {
        return dtype() + shape.toString() + " strides " + Arrays.toString(strides) + " offset " + offset + " on " + device();
    }
}
