package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.cpu.Parallel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Smoke tests: the harness runs every workload at a tiny size, and the report joins and divides right. */
class SideBySideTest {

    @Test
    void runsEveryWorkloadAtATinySize() {
        var config = new SideBySide.Config(Parallel.threads(), 1, 0.0, 3, new int[]{8, 16}, 1000,
                new int[]{1, 2, 6, 6, 3, 3}, new int[]{3, 100}, new int[]{1, 2, 8, 6}, new int[]{16, 17}, new LinkedHashSet<>(SideBySide.OPS));
        List<SideBySide.Result> seen = new ArrayList<>();
        List<SideBySide.Result> results = SideBySide.run(config, seen::add);

        assertEquals(results, seen);
        assertEquals(List.of("sgemm-8", "sgemm-16", "dgemm-8", "dgemm-16", "gemm-1x128x3136x128", "gemm-32x128x64x128", "gemm-144x20x32x32", "add", "mul-add-relu", "sum", "exp", "tanh", "sigmoid",
                        "erf", "gelu", "expm1", "log1p", "gelu-bwd", "gelu-bwd-composed", "relu-bwd", "relu-bwd-composed", "exp-f64", "tanh-f64",
                        "log-softmax", "log-softmax-composed", "softmax-vocab", "softmax-vocab-composed", "softmax-dim1", "softmax-bwd", "log-softmax-bwd", "conv2d",
                        "conv-fwd", "conv-dx", "conv-dw", "cnn1-fwd", "cnn1-dw", "cnn2-fwd", "cnn2-dx", "cnn2-dw",
                        "step-relu", "step-relu-bwd", "step-conv", "step-conv-dx", "step-fc", "lif", "lif-composed", "triad",
                        "rfft2", "rfft-16", "fft-16", "rfft-17", "fft-17"),
                results.stream().map(SideBySide.Result::id).toList());
        for (var r : results)
            assertTrue(r.skipped() == null && r.medianMs() > 0 && r.minMs() <= r.medianMs() && r.runs() == 3, r.toString());
    }

    @Test
    void theTanhGroupTimesF64ExpAndTanhBesideF32Tanh() {
        var config = new SideBySide.Config(Parallel.threads(), 1, 0.0, 3, new int[]{8}, 1000,
                new int[]{1, 2, 6, 6, 3, 3}, new int[]{3, 100}, new int[]{1, 2, 8, 6}, new int[]{16}, new LinkedHashSet<>(List.of("tanh")));
        assertEquals(List.of("tanh", "exp-f64", "tanh-f64"), SideBySide.run(config, r -> { }).stream().map(SideBySide.Result::id).toList());
    }

    @Test
    void theTriadIsBPlusSTimesC() {
        float[] a = new float[70_000], b = new float[a.length], c = new float[a.length];
        for (int i = 0; i < a.length; i++) { b[i] = i; c[i] = 0.5f * i; }
        CpuWorkloads.triad(a, b, c, 3f);
        for (int i = 0; i < a.length; i++) assertEquals(b[i] + 3f * c[i], a[i], "a[" + i + "]");
    }

    @Test
    void workloadsComputeWhatTheirNamesSay() {
        Tensor x = Tensor.of(new float[]{-1f, -0.5f, 0f, 1f});
        assertArrayEquals(new float[]{0f, 0f, 1f, 3f}, CpuWorkloads.mulAddRelu(x).toFloatArray());   // relu(2x + 1)
        assertArrayEquals(new float[]{-2f, -1f, 0f, 2f}, CpuWorkloads.add(x, x).toFloatArray());
        assertArrayEquals(new float[]{0f, 0f, 0f, 7f}, CpuWorkloads.reluBackward(x, Tensor.full(7, 4)).toFloatArray());
        // dW = g^T x for x [1, 2] = (1, 2), g [1, 1] = 3: [[3, 6]]
        assertArrayEquals(new float[]{3f, 6f}, CpuWorkloads.linearStep(Tensor.of(new float[]{1, 2}, 1, 2), Tensor.ones(1, 2), Tensor.full(3, 1, 1)).toFloatArray());
        // A 1x1 image, padding 1: only the 3x3 weight's centre sees the input, dW = g · x there.
        assertArrayEquals(new float[]{0, 0, 0, 0, 6, 0, 0, 0, 0},
                CpuWorkloads.conv2dWeightGrad(Tensor.full(2, 1, 1, 1, 1), Tensor.full(3, 1, 1, 1, 1), new int[]{1, 1, 3, 3}).toFloatArray());
        float[] e = CpuWorkloads.unary("exp", x).toFloatArray(), t = CpuWorkloads.unary("tanh", x).toFloatArray();
        float[] s = CpuWorkloads.unary("sigmoid", x).toFloatArray();
        for (int i = 0; i < 4; i++) {
            double v = x.toFloatArray()[i];
            assertEquals(Math.exp(v), e[i], 1e-6 * Math.exp(v));
            assertEquals(Math.tanh(v), t[i], 1e-6);
            assertEquals(1 / (1 + Math.exp(-v)), s[i], 1e-6);
        }
        assertEquals(-0.5f, CpuWorkloads.sum(x).item());
        Tensor a = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2), b = Tensor.of(new float[]{5, 6, 7, 8}, 2, 2);
        assertArrayEquals(new float[]{19, 22, 43, 50}, CpuWorkloads.sgemm(a, b).toFloatArray());
        // Ones through a 3x3 kernel of ones with padding 1: each output counts its in-bounds neighbours, plus the bias.
        Tensor y = CpuWorkloads.conv2d(Tensor.ones(1, 1, 3, 3), Tensor.ones(1, 1, 3, 3), Tensor.of(new float[]{0.5f}));
        assertArrayEquals(new int[]{1, 1, 3, 3}, y.shape().dims());
        assertArrayEquals(new float[]{4.5f, 6.5f, 4.5f, 6.5f, 9.5f, 6.5f, 4.5f, 6.5f, 4.5f}, y.toFloatArray());
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, SideBySide.median(new double[]{3, 1, 2}));
        assertEquals(2.5, SideBySide.median(new double[]{4, 1, 3, 2}));
    }

    @Test
    void optionsParseAndBadOnesAreNamed() {
        var o = SideBySide.parse(new String[]{"--threads", "1", "--sizes", "32,64", "--only", "sgemm,sum", "--out", "x.md", "--no-torch"});
        var c = o.config();
        assertEquals(1, c.threads());
        assertArrayEquals(new int[]{32, 64}, c.gemmSizes());
        assertEquals(List.of("sgemm", "sum"), List.copyOf(c.only()));
        assertEquals(Path.of("x.md"), o.out());
        assertFalse(o.torch());
        // PyTorch gets the same options back, in the form its script parses.
        assertEquals(c.toArgs(), SideBySide.parse(c.toArgs().toArray(String[]::new)).config().toArgs());
        var e = assertThrows(IllegalArgumentException.class, () -> SideBySide.parse(new String[]{"--only", "gemm"}));
        assertTrue(e.getMessage().contains("gemm"), e.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportDividesPyTorchTimeByGalvaniTime() {
        var config = SideBySide.Config.defaults();
        String galvaniJson = SideBySide.toJson(config, List.of(
                new SideBySide.Result("sgemm-256", "sgemm", "[256, 256] @ [256, 256]", 2.0, 1.9, 11, null),
                new SideBySide.Result("conv2d", "conv | 2d", "x", Double.NaN, Double.NaN, 0, "not built")));
        var galvani = (Map<String, Object>) Json.parse(galvaniJson);
        var torch = (Map<String, Object>) Json.parse("""
                {"library": "pytorch", "torch": "2.x", "python": "3.11", "threads": 2, "results": [
                  {"id": "sgemm-256", "op": "sgemm", "shape": "[256, 256] @ [256, 256]", "median_ms": 4.0, "min_ms": 3.9, "runs": 11},
                  {"id": "conv2d", "op": "conv2d", "shape": "x", "median_ms": 1.0, "min_ms": 1.0, "runs": 11}]}
                """);
        var machine = new SideBySideReport.Machine("Test CPU", 2, "2000-01-01", "0.50, 0.40, 0.30", 0.01);
        String page = SideBySideReport.render(galvani, torch, machine, null, "side-by-side");
        assertTrue(page.contains("| sgemm | [256, 256] @ [256, 256] | 2.00 | 4.00 | 2.00 |"), page);
        // A | inside a cell is escaped, so it cannot split the row.
        assertTrue(page.contains("| conv \\| 2d | x | — | 1.00 | — |"), page);
        assertTrue(page.contains("Galvani `conv2d`: not built"), page);
        assertTrue(page.contains("| CPU | Test CPU, 2 cores"), page);
        assertTrue(page.contains("| load average just before the run (1, 5, 15 min) | 0.50, 0.40, 0.30 |"), page);
        assertFalse(page.contains("machine was busy"), page);
        var busy = new SideBySideReport.Machine("Test CPU", 2, "2000-01-01", null, 0.4);
        assertTrue(SideBySideReport.render(galvani, torch, busy, null, null).contains("other processes took 40%"));

        String galvaniOnly = SideBySideReport.render(galvani, null, machine, "no torch here", null);
        assertTrue(galvaniOnly.contains("no torch here") && galvaniOnly.contains("| 2.00 | not run | — |"), galvaniOnly);
    }

    @Test
    @SuppressWarnings("unchecked")
    void gemmRowsStateTheFractionOfTheFmaPeak() {
        var config = SideBySide.Config.defaults();
        var galvani = (Map<String, Object>) Json.parse(SideBySide.toJson(config, List.of(
                new SideBySide.Result("sgemm-256", "sgemm", "[256, 256] @ [256, 256]", 2.0, 1.9, 11, null))));
        // threads = the pool's; the one-thread figures times threads stay below the all-threads ones,
        // so the peak is the all-threads figure.
        galvani.put("fma_peak_f32_gflops", 100.0);
        galvani.put("fma_peak_f64_gflops", 50.0);
        galvani.put("fma_peak_f32_gflops_1thread", 100.0 / (1 + Parallel.threads()));
        galvani.put("fma_peak_f64_gflops_1thread", 50.0 / (1 + Parallel.threads()));
        var torch = (Map<String, Object>) Json.parse("""
                {"library": "pytorch", "threads": 2, "results": [
                  {"id": "sgemm-256", "op": "sgemm", "shape": "[256, 256] @ [256, 256]", "median_ms": 4.0, "min_ms": 3.9, "runs": 11}]}
                """);
        String page = SideBySideReport.render(galvani, torch, new SideBySideReport.Machine("Test CPU", 2, "2000-01-01", null, null), null, null);
        // 2 * 256^3 flops = 33.55 MFLOP: in 2 ms 16.8 GFLOP/s, 17 % of 100; in 4 ms 8.4 GFLOP/s, 8 %.
        double flops = 2.0 * 256 * 256 * 256;
        String row = String.format(java.util.Locale.ROOT, "| sgemm-256 | [256, 256] @ [256, 256] | %.1f | %.0f %% | %.1f | %.0f %% |",
                flops / 2e6, flops / 2e6, flops / 4e6, flops / 4e6);
        assertTrue(page.contains(row), page);
        assertTrue(page.contains("**100.0 GFLOP/s F32, 50.0 GFLOP/s F64**"), page);

        // An all-threads figure that lost a core to other work: threads x the one-thread figure is the peak.
        galvani.put("fma_peak_f32_gflops_1thread", 200.0);
        galvani.put("fma_peak_f64_gflops_1thread", 80.0);
        int threads = Parallel.threads();
        String busy = SideBySideReport.render(galvani, torch, new SideBySideReport.Machine("Test CPU", 2, "2000-01-01", null, null), null, null);
        assertTrue(busy.contains(String.format(java.util.Locale.ROOT, "**%.1f GFLOP/s F32, %.1f GFLOP/s F64**",
                Math.max(100.0, threads * 200.0), Math.max(50.0, threads * 80.0))), busy);
        assertTrue(busy.contains(String.format(java.util.Locale.ROOT, "| %.0f %% |", flops / 2e6 / Math.max(100.0, threads * 200.0) * 100)), busy);
    }

    @Test
    void theFmaLoopsComputeTheirRecurrence() {
        // Each chain runs a <- a * x + y from a0 = seed + chain; the loop returns the sum over chains and lanes.
        long iters = 1000;
        double expected32 = 0, expected64 = 0;
        for (int chain = 0; chain < MachineLimits.CHAINS; chain++) {
            float a = 0.5f + chain;
            double d = 0.5 + chain;
            for (long i = 0; i < iters; i++) {
                a = Math.fma(a, 0.999999f, 0.5f);
                d = Math.fma(d, 0.999999, 0.5);
            }
            expected32 += a;
            expected64 += d;
        }
        int lanes32 = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(), lanes64 = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length();
        assertEquals(lanes32 * expected32, MachineLimits.fmaLoopF32(iters, 0.5f), 1e-4 * lanes32 * expected32);
        assertEquals(lanes64 * expected64, MachineLimits.fmaLoopF64(iters, 0.5), 1e-12 * lanes64 * expected64);
    }

    @Test
    @SuppressWarnings("unchecked")
    void roundsKeepEachRowsLowestMedian() {
        var r1 = (Map<String, Object>) Json.parse("""
                {"threads": 2, "results": [{"id": "a", "median_ms": 3.0}, {"id": "b", "skipped": "no kernel"}]}""");
        var r2 = (Map<String, Object>) Json.parse("""
                {"threads": 2, "results": [{"id": "a", "median_ms": 2.0}, {"id": "b", "median_ms": 5.0}]}""");
        var best = SideBySide.bestOf(List.of(r1, r2));
        assertEquals(Json.parse("""
                {"threads": 2, "results": [{"id": "a", "median_ms": 2.0}, {"id": "b", "median_ms": 5.0}], "rounds": 2}"""),
                Json.parse(Json.write(best)));
    }

    @Test
    void theTorchScriptIsInTheJar() {
        assertNotNull(TorchRunner.class.getResource(TorchRunner.SCRIPT_RESOURCE));
    }

    @Test
    void usageListsEveryCommand() {
        for (String name : Main.COMMANDS.keySet()) assertTrue(Main.usage().contains(name), name);
    }
}
