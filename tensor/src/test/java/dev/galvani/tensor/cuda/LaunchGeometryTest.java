package dev.galvani.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Launch configurations: every work item is covered, and every grid is within CUDA's limits. */
class LaunchGeometryTest {

    /** A grid-stride loop covers items [0, n) exactly once: thread t takes t, t + T, t + 2T, ... */
    private static void assertCovers(long n, LaunchGeometry.Grid g) {
        long threads = g.threads();
        long[] hits = new long[(int) n];
        for (long t = 0; t < Math.min(threads, n); t++) for (long i = t; i < n; i += threads) hits[(int) i]++;
        for (long h : hits) assertEquals(1, h);
    }

    @Test
    void gridStrideUsesOneThreadPerItemUpToSixteenBlocksPerMultiprocessor() {
        assertEquals(new LaunchGeometry.Grid(1, 1, 1, 256, 1, 1, 0), LaunchGeometry.gridStride(1, 132));
        assertEquals(1, LaunchGeometry.gridStride(256, 132).gridX());
        assertEquals(2, LaunchGeometry.gridStride(257, 132).gridX());
        assertEquals(132 * 16, LaunchGeometry.gridStride(1L << 30, 132).gridX());
        assertEquals(16, LaunchGeometry.gridStride(1L << 30, 0).gridX(), "a device reporting no SMs still gets a grid");
        for (long n : new long[]{1, 255, 256, 257, 10_000, 33_333 + 256 * 16 * 2 * 3})
            assertCovers(n, LaunchGeometry.gridStride(n, 2));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.gridStride(0, 132));
    }

    @Test
    void reductionsPickThreadsByLengthAndCapTheirBlocks() {
        assertEquals(32, LaunchGeometry.reduceRows(10, 17, 132).blockX());
        assertEquals(64, LaunchGeometry.reduceRows(10, 33, 132).blockX());
        assertEquals(256, LaunchGeometry.reduceRows(10, 1 << 20, 132).blockX());
        assertEquals(10, LaunchGeometry.reduceRows(10, 1 << 20, 132).gridX());
        assertEquals(132 * 64, LaunchGeometry.reduceRows(1 << 24, 1000, 132).gridX());
        assertTrue(LaunchGeometry.shortReduction(5, 16));
        assertFalse(LaunchGeometry.shortReduction(5, 17));
        assertTrue(LaunchGeometry.shortReduction(8192, 64));
        assertFalse(LaunchGeometry.shortReduction(8191, 64));
    }

    @Test
    void gemmGridsTileTheOutputAndChunkLargeBatches() {
        LaunchGeometry.Grid g = LaunchGeometry.sgemm(4096, 4096, 1);
        assertEquals(32, g.gridX());
        assertEquals(32, g.gridY());
        assertEquals(256, g.blockX());
        LaunchGeometry.Grid e = LaunchGeometry.sgemm(129, 1, 7);
        assertEquals(1, e.gridX());
        assertEquals(2, e.gridY());
        assertEquals(7, e.gridZ());
        LaunchGeometry.Grid d = LaunchGeometry.dgemm(17, 33, 2);
        assertEquals(3, d.gridX());
        assertEquals(2, d.gridY());
        assertEquals(16 * 16, d.blockX() * d.blockY());
        assertEquals(65_535, LaunchGeometry.batchChunk(100_000));
        assertEquals(12, LaunchGeometry.batchChunk(12));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.sgemm(8, 8, 70_000), "grid z is at most 65535");
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry.Grid(1, 1, 1, 1025, 1, 1, 0));
    }

    /** Few lines of modest length scan per target element; many lines, or very long ones, take a thread per line. */
    @Test
    void scatterAddScansWhenLinesAreFew() {
        assertTrue(LaunchGeometry.scatterByScan(1, 1000, 132), "a vector");
        assertTrue(LaunchGeometry.scatterByScan(128, 10, 132), "cross-entropy's class dimension");
        assertFalse(LaunchGeometry.scatterByScan(32 * 132, 10, 132), "a warp of lines per multiprocessor");
        assertFalse(LaunchGeometry.scatterByScan(256, 100_000, 132), "embedding rows: long lines");
    }
}
