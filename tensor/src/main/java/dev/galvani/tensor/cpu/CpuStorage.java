package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.Storage;
import java.lang.ref.Cleaner;

/**
 * A heap array: {@code float[]} (F32), {@code double[]} (F64), {@code int[]} (I32), {@code long[]} (I64)
 * or {@code boolean[]} (BOOL). Storages made by {@link CpuAllocator} give their array back when
 * released (a {@code TensorScope} closing) or, failing that, when the garbage collector finds them
 * unreachable; the allocator then reuses it.
 */
public final class CpuStorage implements Storage {

    private final DType dtype;
    private final int length;
    private Object data;
    private int version;
    /** Gives the array back to the allocator, once; null for storages the allocator does not account. */
    private Cleaner.Cleanable cleanable;
    private CpuAllocator.Return giveBack;
    /** Why the storage was released, when not by its scope closing (an early release); null otherwise. */
    private volatile String releasedBecause;
    private final java.util.concurrent.atomic.AtomicInteger graphReads = new java.util.concurrent.atomic.AtomicInteger();

    CpuStorage(DType dtype, Object data) {
        this.dtype = dtype;
        this.data = data;
        this.length = java.lang.reflect.Array.getLength(data);
    }

    void track(Cleaner.Cleanable cleanable, CpuAllocator.Return giveBack) {
        this.cleanable = cleanable;
        this.giveBack = giveBack;
    }

    /** A storage outside the allocator (never pooled, never counted): host copies and a kernel's own temporaries. */
    static CpuStorage unpooled(DType dtype, int length) { return new CpuStorage(dtype, newArray(dtype, length)); }

    /**
     * A storage over a host array that no allocator accounts, for another backend that runs the
     * CPU kernels on data it staged on the heap (the checking device of the tests does).
     */
    public static CpuStorage wrap(DType dtype, Object array) { return new CpuStorage(dtype, array); }

    static Object newArray(DType dtype, int length) {
        return switch (dtype) {
            case F32 -> new float[length];
            case F64 -> new double[length];
            case I32 -> new int[length];
            case I64 -> new long[length];
            case BOOL -> new boolean[length];
        };
    }

    /** Element 0 seen as a tensor of {@code shape} with zero strides (a scalar broadcast). */
    Operand broadcast(int[] shape) { return Operand.contiguous(this, 1).withLayout(shape, new int[shape.length], 0); }

    @Override public Device device() { return Device.CPU; }

    @Override public DType dtype() { return dtype; }

    @Override public int length() { return length; }

    @Override public void release() {
        if (data == null) return;
        data = null;
        if (cleanable != null) {
            giveBack.explicit = true;
            cleanable.clean();
        }
    }

    @Override public void release(String why) {
        if (data == null) return;
        releasedBecause = why;
        release();
    }

    @Override public boolean isReleased() { return data == null; }

    @Override public int graphReads() { return graphReads.get(); }

    @Override public void addGraphReads(int delta) { graphReads.addAndGet(delta); }

    @Override public int version() { return version; }

    @Override public void bumpVersion() { version++; }

    /** The backing array, whatever its type. */
    public Object array() {
        Object d = data;
        if (d == null) throw new IllegalStateException(releasedBecause != null ? releasedBecause
                : "this tensor's memory was released when its TensorScope closed; return it from the scope with scope.keep(tensor)");
        return d;
    }

    /**
     * The backing array of an F32 storage.
     * @return the array itself, not a copy
     * @throws IllegalStateException if the storage was released
     * @throws ClassCastException if the dtype is not F32
     */
    public float[] floats() { return (float[]) array(); }

    /**
     * The backing array of an F64 storage.
     * @return the array itself, not a copy
     * @throws IllegalStateException if the storage was released
     * @throws ClassCastException if the dtype is not F64
     */
    public double[] doubles() { return (double[]) array(); }

    /**
     * The backing array of an I32 storage.
     * @return the array itself, not a copy
     * @throws IllegalStateException if the storage was released
     * @throws ClassCastException if the dtype is not I32
     */
    public int[] ints() { return (int[]) array(); }

    /**
     * The backing array of an I64 storage.
     * @return the array itself, not a copy
     * @throws IllegalStateException if the storage was released
     * @throws ClassCastException if the dtype is not I64
     */
    public long[] longs() { return (long[]) array(); }

    /**
     * The backing array of a BOOL storage.
     * @return the array itself, not a copy
     * @throws IllegalStateException if the storage was released
     * @throws ClassCastException if the dtype is not BOOL
     */
    public boolean[] bools() { return (boolean[]) array(); }
}
