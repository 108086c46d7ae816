package dev.galvani.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** The thread setting: bad values are reported and replaced, huge ones clamped, and the pool stays usable. */
@Isolated
class ParallelTest {

    private final String before = System.getProperty("galvani.threads");
    private final int processors = Runtime.getRuntime().availableProcessors();

    @AfterEach void restore() {
        if (before == null) System.clearProperty("galvani.threads");
        else System.setProperty("galvani.threads", before);
    }

    private static int configured(String value) {
        System.setProperty("galvani.threads", value);
        return Parallel.configuredThreads();
    }

    @Test void aPositiveCountIsTaken() {
        assertEquals(3, configured("3"));
        assertEquals(1, configured(" 1 "));
    }

    @Test void anythingButAPositiveIntegerFallsBackToTheProcessors() {
        for (String bad : new String[]{"0", "-4", "two", "", "1.5", "99999999999999999999"})
            assertEquals(processors, configured(bad), "galvani.threads = \"" + bad + "\"");
    }

    @Test void hugeCountsAreClampedBelowForkJoinPoolsLimit() {
        int max = Parallel.maxThreads();
        assertEquals(Math.max(4 * processors, 8), max);
        for (String huge : new String[]{"32767", "32768", "1000000", Long.toString(Long.MAX_VALUE)})
            assertEquals(max, configured(huge), "galvani.threads = " + huge);
        assertEquals(max, configured(Integer.toString(max)));
    }

    @Test void thePoolRunsWorkWhateverTheSetting() {
        System.setProperty("galvani.threads", "40000");     // too late to change the pool; it must still work
        long[] sum = new long[1];
        Parallel.forRange(1000, 1, (s, e) -> { synchronized (sum) { for (int i = s; i < e; i++) sum[0] += i; } });
        assertEquals(999L * 1000 / 2, sum[0]);
    }
}
