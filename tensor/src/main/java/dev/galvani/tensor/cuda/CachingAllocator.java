package dev.galvani.tensor.cuda;

import dev.galvani.tensor.backend.DeviceMemory;
import dev.galvani.tensor.backend.MemoryStats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CUDA caching allocator, with the design and statistics of the CPU's ({@code CpuAllocator}) and
 * of PyTorch's CUDA caching allocator: {@code cuMemAlloc} per tensor costs far more than the kernels
 * of a small step, so a released block goes back to a cache of size classes and the next request of
 * that class takes it.
 *
 * <ul>
 *   <li><b>Size classes</b>: requests are rounded up to a multiple of 512 bytes up to 1 MiB, and of
 *       2 MiB above (PyTorch's rounding), and a request takes a cached block of exactly its class.</li>
 *   <li><b>Stream-ordered reuse</b>: each device has one stream and every kernel, copy and fill runs on
 *       it, so a block released while kernels that read it are still queued can be handed out at once:
 *       whatever the new owner enqueues runs after them. Blocks are given back to the device only after
 *       a synchronisation ({@link #emptyCache}).</li>
 *   <li><b>Out of memory</b>: the cache is emptied and the request tried once more; then a
 *       {@link CudaOutOfMemoryError} names the request, the device's free and total bytes, the cached
 *       bytes and the largest live allocations.</li>
 *   <li><b>Statistics</b> ({@link MemoryStats}): live, cached and peak bytes, allocations, reuses,
 *       releases and the releases the cleaner made; live bytes count the rounded blocks.</li>
 * </ul>
 * Thread-safe: releases arrive from scopes on any thread and from the cleaner's thread.
 */
final class CachingAllocator implements DeviceMemory {

    /** Requests up to this size are rounded to {@link #SMALL_ROUND}; larger ones to {@link #LARGE_ROUND}. */
    static final long SMALL_LIMIT = 1L << 20, SMALL_ROUND = 512, LARGE_ROUND = 2L << 20;

    private final RawDeviceMemory device;
    private final String name;
    private final Map<Long, ArrayDeque<Long>> cache = new HashMap<>();
    private final Map<Long, Long> liveBlocks = new HashMap<>();       // address -> rounded size
    private long live, cached, peak, allocated, allocations, reuses, released, cleaned, deviceAllocations;

    /**
     * An allocator over a device's raw memory.
     * @param device the device's own allocator
     * @param name the device as messages name it ("cuda:0")
     */
    CachingAllocator(RawDeviceMemory device, String name) {
        this.device = device;
        this.name = name;
    }

    /** The size class of a request: 512-byte steps up to 1 MiB, 2 MiB steps above; at least 512 bytes. */
    static long roundSize(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation: " + bytes);
        if (bytes <= SMALL_LIMIT) return Math.max(SMALL_ROUND, ceil(bytes, SMALL_ROUND));
        return ceil(bytes, LARGE_ROUND);
    }

    private static long ceil(long bytes, long step) { return (bytes + step - 1) / step * step; }

    /** A block of at least {@code bytes} bytes (its class's size): a cached one when there is one, else a new one. */
    synchronized long allocate(long bytes) {
        long size = roundSize(bytes);
        Long address = null;
        ArrayDeque<Long> free = cache.get(size);
        if (free != null && !free.isEmpty()) {
            address = free.pop();
            cached -= size;
            reuses++;
        } else {
            address = fresh(bytes, size);
        }
        allocations++;
        allocated += size;
        live += size;
        peak = Math.max(peak, live);
        liveBlocks.put(address, size);
        return address;
    }

    /** A new device block; on failure the cache is given back and the request tried once more. */
    private long fresh(long bytes, long size) {
        try {
            return newBlock(size);
        } catch (RawDeviceMemory.OutOfDeviceMemory first) {
            long hadCached = cached;
            emptyCache();
            try {
                return newBlock(size);
            } catch (RawDeviceMemory.OutOfDeviceMemory second) {
                throw new CudaOutOfMemoryError(outOfMemoryMessage(bytes, size, hadCached));
            }
        }
    }

    private long newBlock(long size) throws RawDeviceMemory.OutOfDeviceMemory {
        long address = device.malloc(size);
        deviceAllocations++;
        return address;
    }

    private String outOfMemoryMessage(long bytes, long size, long hadCached) {
        List<Long> largest = new ArrayList<>(liveBlocks.values());
        largest.sort(Comparator.reverseOrder());
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s is out of memory: a request of %s (%,d bytes, %s as a block) did not fit;"
                + " the device has %s free of %s; Galvani holds %s live in %d blocks", name, human(bytes), bytes, human(size),
                human(device.freeBytes()), human(device.totalBytes()), human(live), liveBlocks.size()));
        if (!largest.isEmpty()) {
            s.append(" (largest:");
            for (int i = 0; i < Math.min(5, largest.size()); i++) s.append(i == 0 ? " " : ", ").append(human(largest.get(i)));
            s.append(')');
        }
        s.append(" and had ").append(human(hadCached)).append(" cached, which was given back before one more try");
        return s.toString();
    }

    /**
     * Returns a block to the cache: when its storage is released ({@code explicit}) or when the cleaner
     * found the storage unreachable.
     */
    synchronized void release(long address, boolean explicit) {
        Long size = liveBlocks.remove(address);
        if (size == null) throw new IllegalStateException(name + ": block 0x" + Long.toHexString(address) + " released twice or never allocated here");
        live -= size;
        released++;
        if (!explicit) cleaned++;
        cache.computeIfAbsent(size, k -> new ArrayDeque<>()).push(address);
        cached += size;
    }

    /** The rounded size of a live block (its usable bytes). */
    synchronized long sizeOf(long address) {
        Long size = liveBlocks.get(address);
        if (size == null) throw new IllegalStateException(name + ": no live block at 0x" + Long.toHexString(address));
        return size;
    }

    /** How many blocks were taken from the device itself ({@code cuMemAlloc} calls) since the start. */
    synchronized long deviceAllocations() { return deviceAllocations; }

    @Override public synchronized MemoryStats stats() { return new MemoryStats(live, cached, peak, allocated, allocations, reuses, released, cleaned); }

    /** Waits for the stream (a cached block may still be read by queued kernels), then frees every cached block. */
    @Override public synchronized void emptyCache() {
        if (cached == 0) return;
        device.synchronize();
        for (ArrayDeque<Long> blocks : new TreeMap<>(cache).values()) for (long address : blocks) device.free(address);
        cache.clear();
        cached = 0;
    }

    @Override public synchronized void resetPeak() { peak = live; }

    static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        if (bytes >= 1L << 10) return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) (1L << 10));
        return bytes + " B";
    }
}
