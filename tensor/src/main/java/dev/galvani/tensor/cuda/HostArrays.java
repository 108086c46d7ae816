package dev.galvani.tensor.cuda;

import dev.galvani.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Java arrays to and from native memory in the device's element layout (BOOL as one byte, 0 or 1). */
final class HostArrays {

    private HostArrays() {}

    /** A native copy of {@code n} elements of a host array. */
    static MemorySegment toSegment(Arena arena, Object array, DType dtype, int n) {
        MemorySegment s = arena.allocate(Math.max(1, (long) n * dtype.byteSize()), 16);
        switch (dtype) {
            case F32 -> MemorySegment.copy((float[]) array, 0, s, ValueLayout.JAVA_FLOAT, 0, n);
            case F64 -> MemorySegment.copy((double[]) array, 0, s, ValueLayout.JAVA_DOUBLE, 0, n);
            case I32 -> MemorySegment.copy((int[]) array, 0, s, ValueLayout.JAVA_INT, 0, n);
            case I64 -> MemorySegment.copy((long[]) array, 0, s, ValueLayout.JAVA_LONG, 0, n);
            case BOOL -> {
                boolean[] b = (boolean[]) array;
                for (int i = 0; i < n; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) (b[i] ? 1 : 0));
            }
        }
        return s.asSlice(0, (long) n * dtype.byteSize());
    }

    /** A new Java array of the segment's {@code n} elements. */
    static Object fromSegment(MemorySegment s, DType dtype, int n) {
        return switch (dtype) {
            case F32 -> s.asSlice(0, 4L * n).toArray(ValueLayout.JAVA_FLOAT);
            case F64 -> s.asSlice(0, 8L * n).toArray(ValueLayout.JAVA_DOUBLE);
            case I32 -> s.asSlice(0, 4L * n).toArray(ValueLayout.JAVA_INT);
            case I64 -> s.asSlice(0, 8L * n).toArray(ValueLayout.JAVA_LONG);
            case BOOL -> {
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) b[i] = s.get(ValueLayout.JAVA_BYTE, i) != 0;
                yield b;
            }
        };
    }
}
