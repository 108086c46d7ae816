package dev.galvani.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The spike-order task: one spike per channel at the class template's offsets, nothing else a rate could use. */
class SyntheticDelaysTest {

    @Test void withoutNoiseEveryChannelFiresOnceAtItsClassOffset() {
        int n = 40, channels = 6, classes = 4, steps = 20, span = 8;
        int[][] templates = SyntheticDelays.templates(channels, classes, span, 7);
        var data = SyntheticDelays.generate(n, channels, classes, steps, span, 0, 7, 3);
        float[] x = data.tensors().inputs().toFloatArray();
        long[] y = data.tensors().targets().toLongArray();
        for (int e = 0; e < n; e++) {
            assertEquals(e % classes, y[e]);
            int first = Integer.MAX_VALUE;
            int[] at = new int[channels];
            for (int i = 0; i < channels; i++) {
                int count = 0;
                for (int t = 0; t < steps; t++) if (x[(e * steps + t) * channels + i] == 1) { count++; at[i] = t; }
                assertEquals(1, count, "example " + e + ", channel " + i + " fires once");
                first = Math.min(first, at[i]);
            }
            int start = first - java.util.Arrays.stream(templates[(int) y[e]]).min().orElseThrow();
            for (int i = 0; i < channels; i++) assertEquals(start + templates[(int) y[e]][i], at[i], "the template's order");
        }
    }

    @Test void templatesHaveDistinctOffsetsAndDifferBetweenClasses() {
        int[][] t = SyntheticDelays.templates(8, 5, 10, 1);
        Set<String> seen = new HashSet<>();
        for (int[] row : t) {
            assertEquals(8, java.util.Arrays.stream(row).distinct().count(), "one spike per step at most");
            for (int v : row) assertTrue(v >= 0 && v < 10);
            assertTrue(seen.add(java.util.Arrays.toString(row)));
        }
        assertArrayEquals(t[0], SyntheticDelays.templates(8, 5, 10, 1)[0], "the template seed reproduces them");
    }

    @Test void badSettingsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticDelays.templates(8, 4, 6, 0));
        assertThrows(IllegalArgumentException.class, () -> SyntheticDelays.generate(4, 4, 2, 5, 6, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> SyntheticDelays.generate(4, 4, 2, 8, 6, 1.5, 0, 0));
    }
}
