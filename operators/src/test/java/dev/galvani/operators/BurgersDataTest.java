package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.io.SafeTensors;
import dev.galvani.tensor.Generator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Burgers data set of operators.md §5.2 on tiny grids: sub-sampling, reproducibility across threads, the cache. */
class BurgersDataTest {

    @TempDir Path cache;

    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** The reference's settings on a 64-point grid kept at 16, 20 steps. */
    static BurgersData.Spec tiny(int samples) {
        var r = BurgersData.Spec.reference(samples).withGrid(64, 4);
        return new BurgersData.Spec(r.resolution(), r.stride(), samples, r.viscosity(), r.sigma(), r.tau(), r.gamma(), r.time(), 20, r.seed());
    }

    @Test void theReferenceSettingsAreThePapers() {
        var spec = BurgersData.Spec.reference(2048);
        assertEquals(8192, spec.resolution());
        assertEquals(1024, spec.size(), "FNO1d's s = 1024 (§2.2)");
        assertEquals(0.1, spec.viscosity());
        assertEquals(25, spec.sigma());
        assertEquals(5, spec.tau());
        assertEquals(2, spec.gamma());
        assertEquals(1, spec.time());
    }

    @Test void samplesAreTheFineSolutionsSubSampledAndIndependentOfThreads() {
        var spec = tiny(5);
        BurgersData.Data one = BurgersData.generate(spec, 1, QUIET), two = BurgersData.generate(spec, 2, QUIET);
        assertArrayEquals(one.solutions().toFloatArray(), two.solutions().toFloatArray());
        assertArrayEquals(one.initial().toFloatArray(), two.initial().toFloatArray());
        var three = BurgersData.generate(spec.withSamples(3), 2, QUIET);
        assertArrayEquals(one.range(0, 3).solutions().toFloatArray(), three.solutions().toFloatArray(), "sample i depends on (seed, i) only");

        // Sample 4, written out: the field's draw for (seed, 4), the solver on the fine grid, every 4th point.
        var field = PeriodicRandomField1d.burgers(64);
        double[] u0 = field.sample(new Generator(0, 4L << 32));
        double[] u = new BurgersSolver(64, 0.1).solve(u0, 1, 20);
        float[] a = one.initial().toFloatArray(), sol = one.solutions().toFloatArray();
        for (int p = 0; p < 16; p++) {
            assertEquals((float) u0[4 * p], a[4 * 16 + p]);
            assertEquals((float) u[4 * p], sol[4 * 16 + p]);
        }
        assertNotEquals(a[0], a[16], "samples differ");
    }

    @Test void theCacheIsWrittenOnceWithItsSettingsAndReused() throws Exception {
        var spec = tiny(4).withSeed(7);
        var log = new ByteArrayOutputStream();
        var first = BurgersData.load(spec, cache, 2, new PrintStream(log, true));
        Path file = BurgersData.cacheFile(cache, spec);
        assertTrue(Files.isRegularFile(file) && file.getFileName().toString().matches("burgers-[0-9a-f]{12}-n4\\.safetensors"), file.toString());
        assertTrue(log.toString().contains("Burgers 64 -> 16"), "a progress bar: " + log);
        var meta = SafeTensors.read(file).metadata();
        assertEquals("7", meta.get("seed"));
        assertEquals("64", meta.get("resolution"));
        assertEquals("0.1", meta.get("viscosity"));
        assertEquals("25.0", meta.get("sigma"));
        assertEquals("20", meta.get("steps"));
        assertEquals("4", meta.get("samples"));

        var again = BurgersData.load(spec, cache, 2, QUIET);
        assertEquals(file.toString(), again.source());
        assertArrayEquals(first.solutions().toFloatArray(), again.solutions().toFloatArray());
        assertArrayEquals(first.initial().toFloatArray(), again.initial().toFloatArray());
        var fewer = BurgersData.load(spec.withSamples(2), cache, 2, QUIET);
        assertEquals(file.toString(), fewer.source(), "a larger file with the same settings serves a smaller request");
        assertArrayEquals(first.range(0, 2).solutions().toFloatArray(), fewer.solutions().toFloatArray());
        var otherSeed = BurgersData.load(spec.withSeed(8), cache, 2, QUIET);
        assertNotEquals(file.toString(), otherSeed.source(), "another seed is another file");
    }
}
