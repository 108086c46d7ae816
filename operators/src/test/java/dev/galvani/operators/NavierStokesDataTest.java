package dev.galvani.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.io.SafeTensors;
import dev.galvani.tensor.Generator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Navier–Stokes data sets of operators.md §5.3 on tiny grids: layout, reproducibility across threads, the cache. */
class NavierStokesDataTest {

    @TempDir Path cache;

    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** 16² sub-sampled to 8², ν = 1e-3, T = 0.2 in 20 steps of 0.01, 4 records. */
    static NavierStokesData.Spec tiny(int samples) {
        return new NavierStokesData.Spec(16, 2, samples, 1e-3, 0.2, 4, 0.01, 2.5, 7, 0);
    }

    @Test void theReferenceSettingsAreTheFnoSets() {
        var spec = NavierStokesData.Spec.reference(1e-5, 20, 1200);
        assertEquals(64, spec.size());
        assertEquals(256, spec.resolution());
        assertEquals(200_000, spec.steps(), "T / dt with dt = 1e-4");
        assertEquals(20, spec.records(), "one snapshot per time unit");
        assertThrows(IllegalArgumentException.class, () -> new NavierStokesData.Spec(16, 2, 1, 1e-3, 0.2, 3, 0.01, 2.5, 7, 0), "20 steps in 3 records");
    }

    @Test void samplesAreTheFineRecordsSubSampledAndIndependentOfThreads() {
        var spec = tiny(3);
        var one = NavierStokesData.generate(spec, 1, QUIET);
        var two = NavierStokesData.generate(spec, 2, QUIET);
        assertArrayEquals(new int[]{3, 8, 8, 4}, one.solutions().shape().dims());
        assertArrayEquals(one.solutions().toFloatArray(), two.solutions().toFloatArray());
        assertArrayEquals(one.range(0, 2).initial().toFloatArray(), NavierStokesData.generate(spec.withSamples(2), 2, QUIET).initial().toFloatArray());

        // Sample 2, written out: the field's draw for (seed, 2), the solver with the reference forcing, records every 5 steps.
        double[] w0 = PeriodicRandomField2d.navierStokes(16).sample(new Generator(0, 2L << 32));
        double[][] rec = new NavierStokesSolver(16, 1e-3, 0.01, NavierStokesSolver.referenceForcing(16)).solve(w0, 20, 5, null);
        float[] a = one.initial().toFloatArray(), u = one.solutions().toFloatArray();
        for (int p = 0; p < 8; p++)
            for (int q = 0; q < 8; q++) {
                int coarse = (2 * 8 + p) * 8 + q, fine = 2 * p * 16 + 2 * q;
                assertEquals((float) w0[fine], a[coarse]);
                for (int m = 0; m < 4; m++) assertEquals((float) rec[m][fine], u[coarse * 4 + m], "record " + m);
            }
    }

    @Test void theCacheIsWrittenOnceWithItsSettingsAndReused() throws Exception {
        var spec = tiny(3).withSeed(5);
        var log = new ByteArrayOutputStream();
        var first = NavierStokesData.load(spec, cache, 2, new PrintStream(log, true));
        Path file = NavierStokesData.cacheFile(cache, spec);
        assertTrue(Files.isRegularFile(file) && file.getFileName().toString().matches("navier-stokes-[0-9a-f]{12}-n3\\.safetensors"), file.toString());
        assertTrue(log.toString().contains("Navier-Stokes 16x16 -> 8x8"), "a progress bar: " + log);
        var meta = SafeTensors.read(file).metadata();
        assertEquals("5", meta.get("seed"));
        assertEquals("0.001", meta.get("viscosity"));
        assertEquals("4", meta.get("records"));
        assertEquals("0.01", meta.get("dt"));
        assertEquals("3", meta.get("samples"));

        var fewer = NavierStokesData.load(spec.withSamples(2), cache, 2, QUIET);
        assertEquals(file.toString(), fewer.source(), "a larger file with the same settings serves a smaller request");
        assertArrayEquals(first.range(0, 2).solutions().toFloatArray(), fewer.solutions().toFloatArray());
        assertNotEquals(file.toString(), NavierStokesData.load(spec.withSeed(6), cache, 2, QUIET).source());
    }
}
