package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.io.SafeTensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Darcy data set of operators.md §5.1: sub-sampling, reproducibility across threads, the cache. */
class DarcyDataTest {

    @TempDir Path cache;

    @Test void subSampledSizesFollowTheReference() {
        assertEquals(85, DarcyData.Spec.reference(421, 5, 1).size());
        assertEquals(211, DarcyData.Spec.reference(421, 2, 1).size());
        assertEquals(141, DarcyData.Spec.reference(421, 3, 1).size());
    }

    @Test void samplesAreTheFineGridsSubSampledAndIndependentOfThreads() {
        var spec = DarcyData.Spec.reference(21, 2, 6);
        var quiet = new PrintStream(new ByteArrayOutputStream());
        DarcyData.Data one = DarcyData.generate(spec, 1, quiet), two = DarcyData.generate(spec, 2, quiet);
        assertArrayEquals(one.coefficients().toFloatArray(), two.coefficients().toFloatArray());
        assertArrayEquals(one.solutions().toFloatArray(), two.solutions().toFloatArray());
        var three = DarcyData.generate(spec.withSamples(3), 2, quiet);
        assertArrayEquals(three.solutions().toFloatArray(), one.range(0, 3).solutions().toFloatArray(), "sample i depends on (seed, i) only");

        int s = spec.size(), k = spec.resolution();
        assertEquals(11, s);
        var field = new GaussianRandomField(k, 2, 3);
        float[] a = one.coefficients().toFloatArray(), u = one.solutions().toFloatArray();
        var fine = DarcyData.sample(spec, field, 4);
        for (int p = 0; p < s; p++)
            for (int q = 0; q < s; q++) {
                assertEquals((float) fine.coefficient()[2 * p * k + 2 * q], a[4 * s * s + p * s + q]);
                assertEquals((float) fine.solution().u()[2 * p * k + 2 * q], u[4 * s * s + p * s + q]);
            }
        for (int i = 0; i < a.length; i++) assertTrue(a[i] == 12 || a[i] == 3, "a is 12 or 3 (§5.1)");
        for (int n = 0; n < 6; n++)
            for (int p = 0; p < s; p++)
                for (int q = 0; q < s; q++) {
                    float v = u[n * s * s + p * s + q];
                    boolean boundary = p == 0 || q == 0 || p == s - 1 || q == s - 1;
                    assertTrue(boundary ? v == 0 : v > 0, "u = 0 on the boundary and, with f = 1 > 0, positive inside: " + v);
                }
    }

    @Test void theCacheIsWrittenOnceWithItsSettingsAndReused() throws Exception {
        var spec = DarcyData.Spec.reference(17, 2, 5).withSeed(7);
        var log = new ByteArrayOutputStream();
        var first = DarcyData.load(spec, cache, 2, new PrintStream(log, true));
        Path file = DarcyData.cacheFile(cache, spec);
        assertTrue(Files.isRegularFile(file) && file.getFileName().toString().matches("darcy-[0-9a-f]{12}-n5\\.safetensors"), file.toString());
        assertTrue(log.toString().contains("Darcy 17x17 -> 9x9"), "a progress bar: " + log);
        var meta = SafeTensors.read(file).metadata();
        assertEquals("7", meta.get("seed"));
        assertEquals("17", meta.get("resolution"));
        assertEquals("5", meta.get("samples"));
        assertEquals("3.0", meta.get("tau"));

        var again = DarcyData.load(spec, cache, 2, new PrintStream(new ByteArrayOutputStream()));
        assertEquals(file.toString(), again.source());
        assertArrayEquals(first.solutions().toFloatArray(), again.solutions().toFloatArray());
        var fewer = DarcyData.load(spec.withSamples(3), cache, 2, new PrintStream(new ByteArrayOutputStream()));
        assertEquals(file.toString(), fewer.source(), "a larger file with the same settings serves a smaller request");
        assertArrayEquals(first.range(0, 3).solutions().toFloatArray(), fewer.solutions().toFloatArray());
        var otherSeed = DarcyData.load(spec.withSeed(8), cache, 2, new PrintStream(new ByteArrayOutputStream()));
        assertEquals("generated", DarcyData.generate(spec.withSeed(8), 1, new PrintStream(new ByteArrayOutputStream())).source());
        assertTrue(!otherSeed.source().equals(file.toString()), "another seed is another file");
    }
}
