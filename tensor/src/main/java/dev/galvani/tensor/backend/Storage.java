package dev.galvani.tensor.backend;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;

/**
 * A flat buffer of elements of one dtype on one device. Tensors are views onto storages (shape,
 * strides, offset); several tensors may share one storage.
 */
public interface Storage {

    /**
     * The device the elements live on.
     * @return the device
     */
    Device device();

    /**
     * The element type.
     * @return the dtype
     */
    DType dtype();

    /** Number of elements. */
    int length();

    /** Bytes held on the device. */
    default long byteSize() { return (long) length() * dtype().byteSize(); }

    /** Gives the memory back now (a {@code TensorScope} closing). Later use fails with a clear message. */
    void release();

    /**
     * True once {@link #release()} has given the memory back.
     * @return whether the storage is released
     */
    boolean isReleased();

    /** Incremented by every in-place write; autograd compares it with the value seen when an op was recorded. */
    int version();

    /** Increments {@link #version()}; called after every in-place write. */
    void bumpVersion();
}
