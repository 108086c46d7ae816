package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.backend.MemoryStats;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The CPU's caching allocator: released arrays are reused for requests of the same dtype and
 * length, zero-filled where zeros were asked for, never handed out while a user holds them, and
 * counted (live, cached, peak, reuses, cleaner returns).
 */
class AllocatorTest {

    private static final Device CPU = Device.CPU;
    /** An odd length no other test uses, so that this test's arrays form their own size class. */
    private static final int N = 12_347;

    @Test
    void aReleasedArrayIsReusedAndZeroedWhenZerosAreAsked() {
        try (var scope = TensorScope.open()) {
            Tensor.full(7f, N);                           // released at close, its array cached
        }
        MemoryStats before = CPU.memoryStats();
        Tensor z;
        try (var scope = TensorScope.open()) {
            z = scope.keep(Tensor.zeros(N));
        }
        MemoryStats after = CPU.memoryStats();
        assertEquals(1, after.reuses() - before.reuses(), "the zeros came from the cache");
        assertEquals(0f, z.amax().item(), "and were zero-filled, not the 7s left in the array");
        assertEquals(0f, z.amin().item());
    }

    @Test
    void arraysHandedToUsersAreNeverRecycled() {
        Tensor t = Tensor.full(3f, N);
        float[] host = t.toFloatArray();
        float[] data = new float[N];
        Arrays.fill(data, 5f);
        Tensor adopted = Tensor.of(data, N);
        try (var scope = TensorScope.open()) {
            scope.adopt(adopted);
            scope.adopt(t);
        }
        for (int i = 0; i < 4; i++)
            try (var scope = TensorScope.open()) {
                Tensor.full(9f, N).add(1.0).mul(2.0);
            }
        float[] threes = new float[N], fives = new float[N];
        Arrays.fill(threes, 3f);
        Arrays.fill(fives, 5f);
        assertArrayEquals(threes, host, "toHost's array is the caller's");
        assertArrayEquals(fives, data, "the user's array (Tensor.of copies it) is never written");
    }

    @Test
    void theCleanerReturnsWhatNoScopeReleased() throws InterruptedException {
        MemoryStats before = CPU.memoryStats();
        for (int i = 0; i < 3; i++) Tensor.zeros(N + 1);     // unreachable at once, never released
        long cleaned = 0;
        for (int i = 0; i < 100 && cleaned < 3; i++) {
            System.gc();
            Thread.sleep(20);
            cleaned = CPU.memoryStats().cleaned() - before.cleaned();
        }
        assertTrue(cleaned >= 3, "the cleaner gave back the unreleased storages: " + CPU.memoryStats());
    }
}
