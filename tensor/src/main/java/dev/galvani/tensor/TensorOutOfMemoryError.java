package dev.galvani.tensor;

import java.util.Locale;

/**
 * A tensor did not fit: says which operation asked, for what shape and how many bytes, what the
 * device holds, and how to make room, where the JVM's own {@link OutOfMemoryError} says only "Java
 * heap space". It is an {@code OutOfMemoryError}, so code that catches those still does.
 */
public final class TensorOutOfMemoryError extends OutOfMemoryError {

    TensorOutOfMemoryError(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }

    /** The error for a failed allocation of {@code numel} elements of {@code dtype} on {@code device}. */
    static TensorOutOfMemoryError of(DType dtype, Device device, Shape shape, OutOfMemoryError cause) {
        long bytes = shape.numel() * dtype.byteSize();
        String op = callingOp();
        StringBuilder s = new StringBuilder(op == null ? "" : op + ": ")
                .append("cannot allocate a ").append(dtype).append(" tensor of shape ").append(shape).append(" on ").append(device)
                .append(": ").append(size(bytes)).append(" (").append(String.format(Locale.ROOT, "%,d", bytes)).append(" bytes)");
        long live = -1;
        try {
            live = device.memoryStats().live();
        } catch (RuntimeException | OutOfMemoryError ignored) { /* the statistics are a courtesy */ }
        if (device.isCpu()) {
            s.append("; the Java heap allows ").append(size(Runtime.getRuntime().maxMemory())).append(" (-Xmx)");
            if (live >= 0) s.append(" and tensors hold ").append(size(live)).append(" of it");
            s.append(". Raise the heap (java -Xmx16g ..., or GALVANI_JAVA_OPTS=-Xmx16g ./galvani ...), use a smaller shape or batch,"
                    + " or release tensors sooner (TensorScope).");
        } else {
            if (live >= 0) s.append("; tensors hold ").append(size(live)).append(" on the device");
            s.append(". Use a smaller shape or batch, release tensors sooner (TensorScope), or free the allocator's cache (device.emptyCache()).");
        }
        return new TensorOutOfMemoryError(s.toString(), cause);
    }

    /**
     * The outermost {@link Tensor} method of the library frames on top of the stack: the operation
     * the user called ({@code Tensor.ones}, {@code Tensor.matmul}), not the helper that allocated.
     */
    private static String callingOp() {
        return StackWalker.getInstance().walk(frames -> {
            String op = null;
            for (var it = frames.iterator(); it.hasNext(); ) {
                var f = it.next();
                if (!f.getClassName().startsWith("dev.galvani.tensor.")) break;
                if (f.getClassName().equals(Tensor.class.getName())) op = "Tensor." + f.getMethodName();
            }
            return op;
        });
    }

    private static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
