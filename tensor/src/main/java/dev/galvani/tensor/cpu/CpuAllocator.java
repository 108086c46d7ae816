package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.DeviceMemory;
import dev.galvani.tensor.backend.MemoryStats;
import java.lang.ref.Cleaner;
import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU's caching allocator, with the design and statistics of a device allocator (PyTorch's
 * CUDA caching allocator): a storage's array goes back to a cache when the storage is released
 * (a {@code TensorScope} closing) or, for a storage nobody released, when a {@link Cleaner} sees
 * it unreachable; the next request for an array of the same dtype and length takes it from there.
 *
 * <p>Why: a fresh Java array is zeroed by the JVM and, when large, allocated outside the young
 * generation, so a training step that allocates its activations anew pays for zeroing, page faults
 * and old-generation collections every step. Training repeats the same shapes, so exact-size
 * classes (dtype, length) serve nearly every request after the first step.
 *
 * <p>Rules: an array handed to a user ({@code toHost}, a host array a tensor adopted) is never
 * recycled; a reused array is zero-filled unless the caller asked for an uninitialised one (an
 * output its kernel overwrites), so results are bit-identical with and without the cache. The
 * cache holds at most {@code galvani.cpu.cacheBytes} bytes (default a quarter of the maximum heap);
 * arrays beyond that are left to the garbage collector.
 *
 * <p>The heap comes first: the cache and the cleaner's pending returns hold their arrays through
 * soft references, which the collector clears before it would throw {@code OutOfMemoryError}. (A
 * cleaner action holding its array strongly kept every dead storage's array alive until the
 * cleaner thread caught up: code that allocated faster than that, with no scopes, ran out of heap.)
 * The statistics drop a cleared cache entry when they next look.
 */
final class CpuAllocator implements DeviceMemory {

    static final CpuAllocator INSTANCE = new CpuAllocator(capacity());

    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "galvani-cpu-cleaner");
        t.setDaemon(true);
        return t;
    });

    private record SizeClass(DType dtype, int length) {}

    private final long capacity;
    private final Map<SizeClass, ArrayDeque<SoftReference<Object>>> cache = new HashMap<>();
    private long live, cached, peak, allocated, allocations, reuses, released, cleaned;

    CpuAllocator(long capacity) { this.capacity = capacity; }

    private static long capacity() {
        String p = System.getProperty("galvani.cpu.cacheBytes");
        if (p != null) {
            try {
                long v = Long.parseLong(p.trim());
                if (v >= 0) return v;
            } catch (NumberFormatException ignored) { /* the default below */ }
            System.getLogger("dev.galvani.tensor").log(System.Logger.Level.WARNING,
                    "galvani.cpu.cacheBytes must be a non-negative number of bytes, got '" + p + "'; using the default");
        }
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /** A storage of {@code length} elements, from the cache when one fits; zero-filled when {@code zeroed}. */
    CpuStorage allocate(DType dtype, int length, boolean zeroed) {
        long bytes = (long) length * dtype.byteSize();
        Object array;
        synchronized (this) {
            array = null;
            ArrayDeque<SoftReference<Object>> free = cache.get(new SizeClass(dtype, length));
            while (array == null && free != null && !free.isEmpty()) {
                array = free.poll().get();          // null: the collector took it under memory pressure
                cached -= bytes;
            }
            if (array != null) reuses++;
            allocations++;
            allocated += bytes;
            live += bytes;
            peak = Math.max(peak, live);
        }
        if (array == null) array = CpuStorage.newArray(dtype, length);
        else if (zeroed) zero(array, dtype);
        if (!zeroed && POISON) poison(array, dtype);
        return track(dtype, array, true);
    }

    /** A storage that takes over a host array; counted while it lives, never recycled. */
    CpuStorage adopt(DType dtype, Object array) {
        long bytes = (long) java.lang.reflect.Array.getLength(array) * dtype.byteSize();
        synchronized (this) {
            allocations++;
            allocated += bytes;
            live += bytes;
            peak = Math.max(peak, live);
        }
        return track(dtype, array, false);
    }

    private CpuStorage track(DType dtype, Object array, boolean recycle) {
        long bytes = (long) java.lang.reflect.Array.getLength(array) * dtype.byteSize();
        CpuStorage storage = new CpuStorage(dtype, array);
        // The action holds the array, never the storage: a storage it reached would never become unreachable.
        Return back = new Return(this, dtype, recycle ? new SoftReference<>(array) : null, bytes);
        storage.track(CLEANER.register(storage, back), back);
        return storage;
    }

    /** Gives one storage's bytes back, once: on release, or from the cleaner when nobody released the storage. */
    static final class Return implements Runnable {
        private final CpuAllocator allocator;
        private final DType dtype;
        private final SoftReference<Object> array;     // null: not to be recycled
        private final long bytes;
        volatile boolean explicit;

        Return(CpuAllocator allocator, DType dtype, SoftReference<Object> array, long bytes) {
            this.allocator = allocator;
            this.dtype = dtype;
            this.array = array;
            this.bytes = bytes;
        }

        @Override public void run() { allocator.giveBack(dtype, array == null ? null : array.get(), bytes, explicit); }
    }

    private synchronized void giveBack(DType dtype, Object array, long bytes, boolean explicit) {
        live -= bytes;
        released++;
        if (!explicit) cleaned++;
        if (array == null || cached + bytes > capacity) return;
        cache.computeIfAbsent(new SizeClass(dtype, java.lang.reflect.Array.getLength(array)), k -> new ArrayDeque<>()).push(new SoftReference<>(array));
        cached += bytes;
    }

    @Override public synchronized MemoryStats stats() {
        for (var e : cache.entrySet()) {           // entries the collector cleared are no longer cached
            long bytes = (long) e.getKey().length() * e.getKey().dtype().byteSize();
            int before = e.getValue().size();
            e.getValue().removeIf(r -> r.get() == null);
            cached -= (before - e.getValue().size()) * bytes;
        }
        return new MemoryStats(live, cached, peak, allocated, allocations, reuses, released, cleaned);
    }

    @Override public synchronized void emptyCache() {
        cache.clear();
        cached = 0;
    }

    @Override public synchronized void resetPeak() { peak = live; }

    /**
     * {@code galvani.cpu.poison}: fill every uninitialised block with NaN (integers with their most
     * negative value, BOOL with true), so a kernel that reads or accumulates into an output it was
     * told to overwrite shows up as a wrong result, fresh array or reused. The build's tests run
     * with it on; it costs a pass over memory, so it is off otherwise.
     */
    static final boolean POISON = Boolean.getBoolean("galvani.cpu.poison");

    private static void poison(Object array, DType dtype) {
        switch (dtype) {
            case F32 -> Arrays.fill((float[]) array, Float.NaN);
            case F64 -> Arrays.fill((double[]) array, Double.NaN);
            case I32 -> Arrays.fill((int[]) array, Integer.MIN_VALUE);
            case I64 -> Arrays.fill((long[]) array, Long.MIN_VALUE);
            case BOOL -> Arrays.fill((boolean[]) array, true);
        }
    }

    private static void zero(Object array, DType dtype) {
        switch (dtype) {
            case F32 -> Arrays.fill((float[]) array, 0f);
            case F64 -> Arrays.fill((double[]) array, 0d);
            case I32 -> Arrays.fill((int[]) array, 0);
            case I64 -> Arrays.fill((long[]) array, 0L);
            case BOOL -> Arrays.fill((boolean[]) array, false);
        }
    }
}
