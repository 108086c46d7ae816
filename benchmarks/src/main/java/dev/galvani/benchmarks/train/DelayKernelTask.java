package dev.galvani.benchmarks.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.galvani.autograd.Autograd;
import dev.galvani.benchmarks.Cli;
import dev.galvani.benchmarks.MachineInfo;
import dev.galvani.delay.DelayKernel;
import dev.galvani.delay.DelayedLinear;
import dev.galvani.delay.SigmaSchedule;
import dev.galvani.io.AtomicFiles;
import dev.galvani.nn.F;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.cpu.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The delay layer's kernels side by side (DCLS reference §13; issue 11): training steps (forward
 * + backward, loss = Σ y) of the dense method — the kernel built from recorded operations, then a
 * convolution (Galvani's {@code conv1d}, as the DCLS package does, and the recorded D products) —
 * against the GEMM form and the sparse taps at σ's floor, and inference with integer delays against
 * a plain linear layer of the same size on the same {@code [T·B, Cin]} input. When a Python with
 * torch is found ({@code GALVANI_PYTHON}, else {@code /tmp/torch/bin/python}), the same dense method
 * is timed in PyTorch by {@code delay_kernels_torch.py} (shipped in the jar, source in
 * {@code benchmarks/scripts/}) and the ratios use it too; otherwise the page says why it has no
 * PyTorch column. Goals (issue 11): sparse taps ≥ 5× faster than the dense method, the GEMM form ≥
 * 1×, integer delays ≤ 1.5× the linear layer.
 */
public final class DelayKernelTask {

    private DelayKernelTask() {}

    /** The task's settings, with the defaults the help shows. */
    @Command(name = "delay-kernels", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = "DCLS delay layer: dense method vs GEMM form vs sparse taps (training), integer delays vs Linear (inference);"
                    + " PyTorch's dense method beside them when torch is found; writes a Markdown page.")
    public static final class Options implements Cli.Checked {
        @Option(names = "--shapes", paramLabel = "IN:OUT,...", split = ",", description = "layer shapes") String[] shapes = {"700:256", "140:256"};
        @Option(names = "--batch", paramLabel = "B") int batch = 256;
        @Option(names = "--steps", paramLabel = "T", description = "time steps of the input") int steps = 100;
        @Option(names = "--taps", paramLabel = "D", description = "kernel length (odd)") int taps = 25;
        @Option(names = "--runs", paramLabel = "N", description = "timed calls per kernel (median)") int runs = 5;
        @Option(names = "--warmup", paramLabel = "N", description = "untimed calls per kernel") int warmup = 2;
        @Option(names = "--no-torch", description = "skip PyTorch") boolean noTorch;
        @Option(names = "--out", paramLabel = "FILE") Path out = Path.of("benchmarks", "results", "delay-kernels-" + LocalDate.now() + ".md");

        @Override public void check() {
            if (batch < 1 || steps < 1 || runs < 1 || warmup < 0) throw new IllegalArgumentException("delay-kernels: --batch, --steps, --runs must be positive");
            if (taps < 1 || taps % 2 == 0) throw new IllegalArgumentException("delay-kernels: --taps must be odd and positive, got " + taps);
            for (String s : shapes) if (!s.matches("\\d+:\\d+")) throw new IllegalArgumentException("delay-kernels: a shape is IN:OUT, got '" + s + "'");
        }
    }

    /** One shape's medians in milliseconds, by kernel name. */
    record Row(String shape, Map<String, Double> ms) {}

    static final String DENSE_CONV = "dense: kernel + conv1d", DENSE_RECORDED = "dense: kernel + D recorded products", GEMM = "GEMM form",
            SPARSE = "sparse taps (σ floor)", INTEGER = "integer delays (inference)", LINEAR = "Linear (inference)",
            TORCH_DENSE = "PyTorch dense: kernel + conv1d", TORCH_LINEAR = "PyTorch Linear (inference)";

    /** The command line: {@code ./galvani delay-kernels [options]}. */
    public static void main(String[] args) throws Exception {
        run(Cli.parseOrExit(new Options(), args), System.out);
    }

    /** Times every kernel at every shape (and PyTorch when found); returns the page it wrote. */
    public static String run(Options o, PrintStream out) throws Exception {
        o.check();
        List<Row> rows = new ArrayList<>();
        for (String shape : o.shapes) {
            int in = Integer.parseInt(shape.split(":")[0]), outF = Integer.parseInt(shape.split(":")[1]);
            Map<String, Double> ms = new LinkedHashMap<>();
            Tensor x = Tensor.randn(new Generator(1), o.steps, o.batch, in);
            var layer = new DelayedLinear(in, outF, o.taps, new Generator(2));
            ms.put(DENSE_CONV, time(o, () -> denseConv(layer, x)));
            out.printf(Locale.ROOT, "%s %s: %.1f ms%n", shape, DENSE_CONV, ms.get(DENSE_CONV));
            ms.put(DENSE_RECORDED, time(o, () -> train(layer.kernel(DelayedLinear.Kernel.REFERENCE), x)));
            out.printf(Locale.ROOT, "%s %s: %.1f ms%n", shape, DENSE_RECORDED, ms.get(DENSE_RECORDED));
            ms.put(GEMM, time(o, () -> train(layer.kernel(DelayedLinear.Kernel.GEMM), x)));
            out.printf(Locale.ROOT, "%s %s: %.1f ms%n", shape, GEMM, ms.get(GEMM));
            try (var _ = Autograd.noGrad()) {
                layer.sigma.value().fill(SigmaSchedule.FLOOR);
            }
            ms.put(SPARSE, time(o, () -> train(layer.kernel(DelayedLinear.Kernel.SPARSE_TAPS), x)));
            out.printf(Locale.ROOT, "%s %s: %.1f ms%n", shape, SPARSE, ms.get(SPARSE));
            layer.eval();
            ms.put(INTEGER, time(o, () -> infer(() -> layer.kernel(DelayedLinear.Kernel.INTEGER).forward(x))));
            Tensor w = layer.weight.value().squeeze(-1).contiguous(), flat = x.reshape(o.steps * o.batch, in);
            ms.put(LINEAR, time(o, () -> infer(() -> F.linear(flat, w, null))));
            out.printf(Locale.ROOT, "%s %s: %.1f ms, %s: %.1f ms%n", shape, INTEGER, ms.get(INTEGER), LINEAR, ms.get(LINEAR));
            rows.add(new Row(shape, ms));
        }
        String torchNote = o.noTorch ? "not asked for (--no-torch)" : torch(o, rows, out);
        String page = page(o, rows, torchNote);
        out.print(page);
        AtomicFiles.writeString(o.out, page);
        out.println("wrote " + o.out.toAbsolutePath());
        return page;
    }

    /** What the DCLS package does: the dense kernel, then a convolution over [B, Cin, T] padded by (D − 1, (D − 1)/2). */
    private static void denseConv(DelayedLinear layer, Tensor x) {
        layer.zeroGrad();
        int taps = layer.taps;
        Tensor k = DelayKernel.build(DelayKernel.Version.GAUSS, layer.weight.value(), layer.positions.value(), layer.sigma.value(), taps);
        Tensor xp = x.permute(1, 2, 0).pad(taps - 1, (taps - 1) / 2);
        F.conv1d(xp, k, null, 1, 0, 1, 1).sum().backward();
    }

    private static void train(DelayedLinear layer, Tensor x) {
        layer.zeroGrad();
        layer.forward(x).sum().backward();
    }

    private static void infer(Supplier<Tensor> f) {
        try (var _ = Autograd.noGrad()) {
            f.get();
        }
    }

    /** Median of {@code runs} calls after {@code warmup}, each in its own scope. */
    private static double time(Options o, Runnable call) {
        double[] ms = new double[o.runs];
        for (int r = -o.warmup; r < o.runs; r++) {
            try (var _ = TensorScope.open()) {
                long t0 = System.nanoTime();
                call.run();
                long t1 = System.nanoTime();
                if (r >= 0) ms[r] = (t1 - t0) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[o.runs / 2];
    }

    // ---- PyTorch ---------------------------------------------------------------------------------------

    static final String SCRIPT = "delay_kernels_torch.py";

    /** Runs the PyTorch script and adds its times to the rows; returns null, or why there are none. */
    private static String torch(Options o, List<Row> rows, PrintStream out) {
        String python = python();
        if (python == null) return "no Python with torch (set GALVANI_PYTHON, or install torch at /tmp/torch/bin/python)";
        try {
            Path script = Files.createTempFile("delay_kernels_torch", ".py");
            try {
                try (InputStream in = DelayKernelTask.class.getResourceAsStream("/dev/galvani/benchmarks/" + SCRIPT)) {
                    if (in == null) return SCRIPT + " is missing from the jar (rebuild it)";
                    Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                List<String> command = List.of(python, script.toString(), "--shapes", String.join(",", o.shapes), "--batch", "" + o.batch,
                        "--steps", "" + o.steps, "--taps", "" + o.taps, "--threads", "" + Parallel.threads(), "--runs", "" + o.runs,
                        "--warmup", "" + o.warmup);
                out.println("PyTorch (" + python + "): " + String.join(" ", command.subList(2, command.size())));
                ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
                pb.environment().put("OMP_NUM_THREADS", "" + Parallel.threads());
                pb.environment().put("MKL_NUM_THREADS", "" + Parallel.threads());
                Process p = pb.start();
                String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) return SCRIPT + " failed with " + python + " (exit " + p.exitValue() + ")";
                JsonNode result = new ObjectMapper().readTree(json);
                for (JsonNode r : result.get("rows"))
                    for (Row row : rows)
                        if (row.shape().equals(r.get("shape").asText())) {
                            row.ms().put(TORCH_DENSE, r.get("dense_train_ms").asDouble());
                            row.ms().put(TORCH_LINEAR, r.get("linear_infer_ms").asDouble());
                        }
                return null;
            } finally {
                Files.deleteIfExists(script);
            }
        } catch (IOException | RuntimeException e) {
            return SCRIPT + " could not run with " + python + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while PyTorch ran";
        }
    }

    /** GALVANI_PYTHON when set (respected as given), else /tmp/torch/bin/python when it imports torch, else null. */
    static String python() {
        String chosen = System.getenv("GALVANI_PYTHON");
        for (String candidate : chosen != null && !chosen.isBlank() ? List.of(chosen) : List.of("/tmp/torch/bin/python")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import torch").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor() == 0) return candidate;
            } catch (IOException e) {
                // not there: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    // ---- the page ----------------------------------------------------------------------------------------

    static String page(Options o, List<Row> rows, String torchNote) {
        StringBuilder s = new StringBuilder("# DCLS delay kernels, " + LocalDate.now() + "\n\n");
        s.append(String.format(Locale.ROOT, "F32, input [T = %d, B = %d, Cin], D = %d taps, %d threads, median of %d calls after %d warm-up. "
                + "Training rows: forward + backward (loss = Σ y; dx, dW, dP). Inference rows: forward only, no graph. "
                + "Machine: %s.%n%n", o.steps, o.batch, o.taps, Parallel.threads(), o.runs, o.warmup, MachineInfo.cpu()));
        List<String> kernels = new ArrayList<>(List.of(DENSE_CONV, DENSE_RECORDED, GEMM, SPARSE, INTEGER, LINEAR));
        if (torchNote == null) kernels.addAll(List.of(TORCH_DENSE, TORCH_LINEAR));
        s.append("| kernel |");
        for (Row r : rows) s.append(' ').append(r.shape().replace(":", " → ")).append(" ms |");
        s.append("\n|---|").append("---:|".repeat(rows.size())).append('\n');
        for (String k : kernels) {
            s.append("| ").append(k).append(" |");
            for (Row r : rows) s.append(String.format(Locale.ROOT, " %.2f |", r.ms().get(k)));
            s.append('\n');
        }
        s.append("\nRatios (goal in brackets; > 1 means the second kernel is faster):\n\n| ratio |");
        for (Row r : rows) s.append(' ').append(r.shape().replace(":", " → ")).append(" |");
        s.append("\n|---|").append("---:|".repeat(rows.size())).append('\n');
        List<String[]> ratios = new ArrayList<>(List.of(
                new String[]{"dense (conv1d) / GEMM form [≥ 1]", DENSE_CONV, GEMM},
                new String[]{"dense (recorded) / GEMM form [≥ 1]", DENSE_RECORDED, GEMM},
                new String[]{"dense (conv1d) / sparse taps [≥ 5]", DENSE_CONV, SPARSE},
                new String[]{"GEMM form / sparse taps", GEMM, SPARSE},
                new String[]{"integer delays / Linear [≤ 1.5]", INTEGER, LINEAR}));
        if (torchNote == null) {
            ratios.add(new String[]{"PyTorch dense / GEMM form [≥ 1]", TORCH_DENSE, GEMM});
            ratios.add(new String[]{"PyTorch dense / sparse taps [≥ 5]", TORCH_DENSE, SPARSE});
            ratios.add(new String[]{"integer delays / PyTorch Linear", INTEGER, TORCH_LINEAR});
        }
        for (String[] q : ratios) {
            s.append("| ").append(q[0]).append(" |");
            for (Row r : rows) s.append(String.format(Locale.ROOT, " %.2f |", r.ms().get(q[1]) / r.ms().get(q[2])));
            s.append('\n');
        }
        s.append(torchNote == null ? "\nPyTorch: the DCLS dense method (kernel per §2, then conv1d) by `benchmarks/scripts/delay_kernels_torch.py`, same shapes and threads.\n"
                : "\nPyTorch not measured: " + torchNote + ".\n");
        s.append(String.format(Locale.ROOT, "%nReproduce: `./galvani delay-kernels --shapes %s --batch %d --steps %d --taps %d --runs %d`%n",
                String.join(",", o.shapes), o.batch, o.steps, o.taps, o.runs));
        return s.toString();
    }
}
