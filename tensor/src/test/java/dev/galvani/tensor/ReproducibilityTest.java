package dev.galvani.tensor;

import dev.galvani.tensor.cpu.Parallel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The same computation gives the same bits before and after the JIT compiles the kernels. The Vector
 * API leaves the order of a lane reduction unspecified, and its interpreted and compiled forms do add
 * lanes in different orders; a kernel that relied on it gave sums an ulp apart depending on warm-up
 * (which surfaced as a flaky "recording on differs from recording off" in the gradient table).
 */
class ReproducibilityTest {

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws Exception {
        for (int i = 0; i < 30; i++) ReproducibilityProbe.results();      // warm up: the JIT compiles the hot kernels
        Map<String, String> compiled = ReproducibilityProbe.results();
        Map<String, String> interpreted = runInterpreted();

        assertEquals(compiled.keySet(), interpreted.keySet());
        List<String> differing = new ArrayList<>();
        compiled.forEach((name, bits) -> { if (!bits.equals(interpreted.get(name))) differing.add(name); });
        assertTrue(differing.isEmpty(), "results that differ between -Xint and JIT-compiled code: " + differing);
    }

    /** The probe in a child JVM that never compiles, with the same thread count (chunking depends on it). */
    private static Map<String, String> runInterpreted() throws IOException, InterruptedException {
        // This JVM's own launcher: "java" on the PATH may be an older JDK (17 on the CI machines).
        String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(launcher, "-Xint", "--add-modules", "jdk.incubator.vector",
                "-Dgalvani.threads=" + Parallel.threads(), "-cp", System.getProperty("java.class.path"),
                ReproducibilityProbe.class.getName());
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!child.waitFor(5, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            fail("the interpreted probe did not finish in 5 minutes");
        }
        assertEquals(0, child.exitValue(), "the interpreted probe failed");
        Map<String, String> results = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) results.put(line.substring(0, tab), line.substring(tab + 1));
        }
        return results;
    }
}
