package dev.galvani.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.MemoryStats;
import org.junit.jupiter.api.Test;

/** The allocator's bookkeeping on an instance of its own (the shared one also sees every other test's garbage). */
class CpuAllocatorTest {

    @Test
    void statisticsFollowLiveCachedPeakAndReuse() {
        CpuAllocator a = new CpuAllocator(1 << 20);
        CpuStorage s1 = a.allocate(DType.F64, 100, true), s2 = a.allocate(DType.F32, 50, false);
        assertEquals(new MemoryStats(1000, 0, 1000, 1000, 2, 0, 0, 0), a.stats());
        Object array = s1.array();
        s1.release();
        assertEquals(new MemoryStats(200, 800, 1000, 1000, 2, 0, 1, 0), a.stats());
        ((double[]) array)[3] = 42;
        CpuStorage s3 = a.allocate(DType.F64, 100, true);
        assertSame(array, s3.array(), "same dtype and length: the cached array");
        assertEquals(0.0, s3.doubles()[3], "zero-filled on reuse");
        assertNotSame(array, a.allocate(DType.F64, 101, true).array(), "another length: a new array");
        assertEquals(new MemoryStats(1808, 0, 1808, 2608, 4, 1, 1, 0), a.stats());
        a.resetPeak();
        s2.release();
        s3.release();
        assertEquals(new MemoryStats(808, 1000, 1808, 2608, 4, 1, 3, 0), a.stats());
        a.emptyCache();
        assertEquals(0, a.stats().cached());
    }

    @Test
    void theCacheHoldsAtMostItsCapacity() {
        CpuAllocator a = new CpuAllocator(1000);
        CpuStorage big = a.allocate(DType.F64, 100, true), more = a.allocate(DType.F64, 100, true);
        big.release();
        more.release();                  // 1600 bytes would pass the 1000-byte cap: left to the garbage collector
        assertEquals(800, a.stats().cached());
        assertEquals(0, a.stats().live());
    }

    @Test
    void adoptedArraysAreCountedButNeverRecycled() {
        CpuAllocator a = new CpuAllocator(1 << 20);
        float[] mine = new float[10];
        CpuStorage s = a.adopt(DType.F32, mine);
        assertEquals(40, a.stats().live());
        s.release();
        assertEquals(0, a.stats().live());
        assertEquals(0, a.stats().cached(), "a user's array never enters the cache");
        assertNotSame(mine, a.allocate(DType.F32, 10, false).array());
    }
}
