package dev.galvani.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.backend.MemoryStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caching allocator's logic against a fake device memory with a fixed capacity. */
class CachingAllocatorTest {

    /** A device of {@code capacity} bytes handing out increasing addresses; records frees and synchronisations. */
    static final class FakeDevice implements RawDeviceMemory {
        final long capacity;
        long used, next = 0x1000_0000L;
        final Map<Long, Long> blocks = new HashMap<>();
        final List<String> calls = new ArrayList<>();

        FakeDevice(long capacity) { this.capacity = capacity; }

        @Override public long malloc(long bytes) throws OutOfDeviceMemory {
            if (used + bytes > capacity) { calls.add("malloc failed " + bytes); throw new OutOfDeviceMemory(); }
            long at = next;
            next += bytes + 4096;
            used += bytes;
            blocks.put(at, bytes);
            calls.add("malloc " + bytes);
            return at;
        }

        @Override public void free(long address) {
            Long bytes = blocks.remove(address);
            if (bytes == null) throw new AssertionError("free of an unknown block");
            used -= bytes;
            calls.add("free " + bytes);
        }

        @Override public long freeBytes() { return capacity - used; }

        @Override public long totalBytes() { return capacity; }

        @Override public void synchronize() { calls.add("sync"); }
    }

    @Test
    void sizeClassesRoundTo512BytesThenTo2MiB() {
        assertEquals(512, CachingAllocator.roundSize(0));
        assertEquals(512, CachingAllocator.roundSize(1));
        assertEquals(512, CachingAllocator.roundSize(512));
        assertEquals(1024, CachingAllocator.roundSize(513));
        assertEquals(1 << 20, CachingAllocator.roundSize(1 << 20));
        assertEquals(2L << 20, CachingAllocator.roundSize((1 << 20) + 1));
        assertEquals(4L << 20, CachingAllocator.roundSize((2L << 20) + 1));
        assertEquals(1000L << 20, CachingAllocator.roundSize((999L << 20) + 5));
        assertThrows(IllegalArgumentException.class, () -> CachingAllocator.roundSize(-1));
    }

    @Test
    void aReleasedBlockServesTheNextRequestOfItsClassWithoutTheDevice() {
        FakeDevice dev = new FakeDevice(1L << 30);
        CachingAllocator a = new CachingAllocator(dev, "cuda:0");
        long p = a.allocate(1000);                 // class 1024
        a.release(p, true);
        long q = a.allocate(700);                  // class 1024 again: the same block
        assertEquals(p, q);
        assertEquals(1, a.deviceAllocations());
        long r = a.allocate(2000);                 // another class: a new block
        assertNotEquals(p, r);
        assertEquals(2, a.deviceAllocations());
        MemoryStats s = a.stats();
        assertEquals(1024 + 2048, s.live());
        assertEquals(0, s.cached());
        assertEquals(3, s.allocations());
        assertEquals(1, s.reuses());
        assertEquals(1024 + 1024 + 2048, s.allocated());
        assertEquals(1, s.released());
    }

    @Test
    void statisticsCountLivePeakCachedAndTheCleanersReleases() {
        CachingAllocator a = new CachingAllocator(new FakeDevice(1L << 30), "cuda:0");
        long x = a.allocate(3L << 20), y = a.allocate(512);          // 4 MiB + 512 B
        assertEquals((4L << 20) + 512, a.stats().peakLive());
        a.release(x, true);
        a.release(y, false);                                          // the cleaner found it unreachable
        MemoryStats s = a.stats();
        assertEquals(0, s.live());
        assertEquals((4L << 20) + 512, s.cached());
        assertEquals((4L << 20) + 512, s.peakLive());
        assertEquals(2, s.released());
        assertEquals(1, s.cleaned());
        a.resetPeak();
        assertEquals(0, a.stats().peakLive());
        a.allocate(100);
        assertEquals(512, a.stats().peakLive());
    }

    @Test
    void emptyCacheSynchronisesThenFreesEveryCachedBlockButNoLiveOne() {
        FakeDevice dev = new FakeDevice(1L << 30);
        CachingAllocator a = new CachingAllocator(dev, "cuda:0");
        long x = a.allocate(600), y = a.allocate(5L << 20);
        long keep = a.allocate(100);
        a.release(x, true);
        a.release(y, true);
        dev.calls.clear();
        a.emptyCache();
        assertEquals("sync", dev.calls.getFirst(), "blocks may still be read by queued kernels");
        assertEquals(List.of("sync", "free 1024", "free 6291456"), dev.calls);
        assertEquals(0, a.stats().cached());
        assertEquals(512, dev.used);
        assertEquals(512, a.sizeOf(keep));
        dev.calls.clear();
        a.emptyCache();                       // nothing cached: no synchronisation either
        assertEquals(List.of(), dev.calls);
    }

    @Test
    void outOfMemoryEmptiesTheCacheRetriesOnceThenNamesRequestFreeCachedAndLargestLive() {
        FakeDevice dev = new FakeDevice(10L << 20);
        CachingAllocator a = new CachingAllocator(dev, "cuda:0");
        long big = a.allocate(6L << 20);               // 6 MiB live
        long cachedBlock = a.allocate(3L << 20);       // 4 MiB class, released into the cache
        a.release(cachedBlock, true);
        // 5 MiB (6 MiB class) does not fit beside 6 + 4 MiB; after the cache is emptied it still does not (6 + 6 > 10).
        CudaOutOfMemoryError e = assertThrows(CudaOutOfMemoryError.class, () -> a.allocate(5L << 20));
        String m = e.getMessage();
        assertTrue(m.contains("cuda:0 is out of memory"), m);
        assertTrue(m.contains("5.0 MiB") && m.contains("5,242,880 bytes") && m.contains("6.0 MiB as a block"), m);
        assertTrue(m.contains("4.0 MiB free of 10.0 MiB"), m);                 // after the cache went back
        assertTrue(m.contains("6.0 MiB live in 1 blocks (largest: 6.0 MiB)"), m);
        assertTrue(m.contains("had 4.0 MiB cached"), m);
        assertEquals(List.of("malloc 6291456", "malloc 4194304", "malloc failed 6291456", "sync", "free 4194304", "malloc failed 6291456"), dev.calls);
        // The retry succeeds when emptying the cache made room.
        long ok = a.allocate(3L << 20);
        assertEquals(4L << 20, a.sizeOf(ok));
        a.release(big, true);
    }

    @Test
    void theRetryAfterEmptyingTheCacheSucceedsWhenThatMadeRoom() {
        FakeDevice dev = new FakeDevice(8L << 20);
        CachingAllocator a = new CachingAllocator(dev, "cuda:0");
        long x = a.allocate(6L << 20);
        a.release(x, true);                            // 6 MiB cached
        long y = a.allocate(4L << 20);                 // needs a new 4 MiB block: only fits once the cache is freed
        assertEquals(4L << 20, a.sizeOf(y));
        assertEquals(0, a.stats().cached());
    }

    @Test
    void aDoubleReleaseIsAnError() {
        CachingAllocator a = new CachingAllocator(new FakeDevice(1 << 20), "cuda:0");
        long x = a.allocate(10);
        a.release(x, true);
        assertThrows(IllegalStateException.class, () -> a.release(x, true));
    }
}
