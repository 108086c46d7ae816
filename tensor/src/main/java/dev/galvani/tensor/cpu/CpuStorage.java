package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.backend.Storage;

/**
 * A heap array: {@code float[]} (F32), {@code double[]} (F64), {@code int[]} (I32), {@code long[]} (I64)
 * or {@code boolean[]} (BOOL).
 */
public final class CpuStorage implements Storage {

    private final DType dtype;
    private final int length;
    private Object data;
    private int version;

    CpuStorage(DType dtype, Object data) {
        this.dtype = dtype;
        this.data = data;
        this.length = java.lang.reflect.Array.getLength(data);
    }

    static CpuStorage allocate(DType dtype, int length) {
        Object data = switch (dtype) {
            case F32 -> new float[length];
            case F64 -> new double[length];
            case I32 -> new int[length];
            case I64 -> new long[length];
            case BOOL -> new boolean[length];
        };
        return new CpuStorage(dtype, data);
    }

    @Override public Device device() { return Device.CPU; }

    @Override public DType dtype() { return dtype; }

    @Override public int length() { return length; }

    @Override public void release() { data = null; }

    @Override public boolean isReleased() { return data == null; }

    @Override public int version() { return version; }

    @Override public void bumpVersion() { version++; }

    /** The backing array, whatever its type. */
    public Object array() {
        Object d = data;
        if (d == null) throw new IllegalStateException(
                "this tensor's memory was released when its TensorScope closed; return it from the scope with scope.keep(tensor)");
        return d;
    }

    public float[] floats() { return (float[]) array(); }

    public double[] doubles() { return (double[]) array(); }

    public int[] ints() { return (int[]) array(); }

    public long[] longs() { return (long[]) array(); }

    public boolean[] bools() { return (boolean[]) array(); }
}
