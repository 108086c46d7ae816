package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard's decision and its baseline file, without timing anything. */
class PerfGuardTest {

    @Test
    void aKernelFailsOnlyBelowTheThresholdTimesItsBaseline() {
        Map<String, Double> now = new LinkedHashMap<>();
        now.put("exp", 4.9);        // baseline 10: below 0.5 x 10
        now.put("add", 0.6);        // baseline 1.0: above 0.5
        now.put("gelu", 30.0);      // no baseline: new, passes
        List<PerfGuard.Verdict> v = PerfGuard.compare(now, Map.of("exp", 10.0, "add", 1.0), 0.5);
        assertEquals(List.of("REGRESSED", "ok", "new"), v.stream().map(PerfGuard.Verdict::status).toList());
        assertTrue(PerfGuard.table(v, 0.5).contains("REGRESSED"));
    }

    @Test
    void theCommittedBaselineNamesEveryKernelWithAPositiveRatio() throws Exception {
        Map<String, Double> b = PerfGuard.readBaseline(Path.of("does-not-exist.json"));     // falls back to the jar's copy
        assertEquals(new java.util.TreeSet<>(PerfGuard.KERNELS), b.keySet());
        b.values().forEach(r -> assertTrue(r > 0, "ratio " + r));
    }

    @Test
    void aBaselineFileIsRead(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("b.json");
        Files.writeString(f, "{\"ratios\": {\"add\": 1.5, \"exp\": 12}}");
        assertEquals(Map.of("add", 1.5, "exp", 12.0), PerfGuard.readBaseline(f));
    }

    @Test
    void unknownKernelsAndThresholdsAreRejected() {
        var bad = Cli.parse(new PerfGuard.Options(), new String[]{"--only", "fft"}, System.out, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals(2, bad.exitCode());
        var badT = Cli.parse(new PerfGuard.Options(), new String[]{"--threshold", "1.5"}, System.out, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals(2, badT.exitCode());
    }
}
