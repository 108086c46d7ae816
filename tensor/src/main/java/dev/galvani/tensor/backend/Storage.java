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
     * Gives the memory back now for the reason {@code why}, which later use of the storage reports
     * in its error instead of the scope's (an early release: {@code TensorScope.releaseUnread}).
     * @param why what released it and how to avoid that, as the error should say it
     */
    void release(String why);

    /**
     * True once {@link #release()} has given the memory back.
     * @return whether the storage is released
     */
    boolean isReleased();

    /** Incremented by every in-place write; autograd compares it with the value seen when an op was recorded. */
    int version();

    /** Increments {@link #version()}; called after every in-place write. */
    void bumpVersion();

    /**
     * The recorded graph nodes, not yet freed, whose derivative rules read this storage's values
     * (see {@code Op.readsInput}); zero means no backward pass will read them, so the memory may be
     * given back before its scope closes. Counted by {@code Node}: up when recorded, down when freed.
     * @return the number of value-reading graph uses
     */
    int graphReads();

    /**
     * Adds {@code delta} to {@link #graphReads()} (atomically: graphs may be recorded on several threads).
     * @param delta +1 for a recorded node that reads the values, −1 when it is freed
     */
    void addGraphReads(int delta);
}
