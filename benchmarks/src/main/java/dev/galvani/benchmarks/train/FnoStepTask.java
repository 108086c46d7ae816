package dev.galvani.benchmarks.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.galvani.benchmarks.Cli;
import dev.galvani.nn.F;
import dev.galvani.operators.FNO2d;
import dev.galvani.operators.OperatorLosses;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One FNO2d training step side by side with PyTorch (issue 9; operators.md §2.1): forward, the
 * relative L2 loss summed over the batch, backward, on the Darcy shapes (batch 20, 85 × 85, width
 * 32, modes 12, padding 9) in Galvani, then the same network written from §2.1 in PyTorch by
 * {@code benchmarks/scripts/fno2d_step_torch.py} (shipped in the jar) with the same shapes and
 * threads; prints both medians and the ratio PyTorch time / Galvani time (goal ≥ 0.8).
 */
public final class FnoStepTask {

    private FnoStepTask() {}

    /** The command line of {@code fno-step}. */
    @Command(name = "fno-step", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = {"Times one FNO2d training step (forward, relative L2, backward) in Galvani and in PyTorch (operators.md §2.1) on the",
                    "same shapes and threads, and prints the ratio. PyTorch: GALVANI_PYTHON, else /tmp/torch/bin/python. Threads: GALVANI_NUM_THREADS=N."})
    public static final class Options implements Cli.Checked {
        @Option(names = "--batch", paramLabel = "N") int batch = 20;
        @Option(names = "--size", paramLabel = "S", description = "grid points per axis") int size = 85;
        @Option(names = "--width", paramLabel = "C") int width = 32;
        @Option(names = "--modes", paramLabel = "M") int modes = 12;
        @Option(names = "--padding", paramLabel = "P") int padding = 9;
        @Option(names = "--warmup", paramLabel = "N", description = "untimed steps") int warmup = 2;
        @Option(names = "--runs", paramLabel = "N", description = "timed steps; the median is reported") int runs = 5;
        @Option(names = "--no-torch", description = "time Galvani only") boolean noTorch;

        @Override public void check() {
            for (int v : new int[]{batch, size, width, modes, runs})
                if (v <= 0) throw new IllegalArgumentException("fno-step: --batch, --size, --width, --modes and --runs must be positive");
            if (padding < 0 || warmup < 0) throw new IllegalArgumentException("fno-step: --padding and --warmup must be 0 or positive");
            if (2 * modes > size + padding) throw new IllegalArgumentException("fno-step: --modes " + modes + " needs a padded grid of at least " + 2 * modes);
        }
    }

    /**
     * The outcome.
     * @param galvaniMs Galvani's median step
     * @param torchMs PyTorch's median step, or NaN
     * @param torchNote null, or why PyTorch was not measured
     */
    public record Result(double galvaniMs, double torchMs, String torchNote) {
        /** PyTorch's time over Galvani's (above 1: Galvani is faster), or NaN. */
        public double ratio() { return torchMs / galvaniMs; }
    }

    /**
     * Runs the task from the command line.
     * @param args the command line
     */
    public static void main(String[] args) { run(Cli.parseOrExit(new Options(), args), System.out); }

    /**
     * Times both libraries and prints the figures.
     * @param o the options, checked first
     * @param out where the figures are printed
     * @return the medians and the ratio
     */
    public static Result run(Options o, PrintStream out) {
        o.check();
        Generator gen = new Generator(0);
        FNO2d model = new FNO2d(o.modes, o.modes, o.width, o.padding, gen);
        Tensor a = Tensor.randn(gen, o.batch, 1, o.size, o.size), y = Tensor.rand(gen, o.batch, 1, o.size, o.size).add(0.1);
        double[] ms = new double[o.runs];
        for (int i = 0; i < o.warmup + o.runs; i++) {
            long start = System.nanoTime();
            try (var _ = TensorScope.open()) {
                model.zeroGrad();
                OperatorLosses.relativeL2(model.forward(a), y, F.Reduction.SUM).backward();
            }
            if (i >= o.warmup) ms[i - o.warmup] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        double galvani = ms[o.runs / 2];
        String shape = String.format(Locale.ROOT, "batch %d, %dx%d, width %d, modes %d, padding %d", o.batch, o.size, o.size, o.width, o.modes, o.padding);
        out.printf(Locale.ROOT, "Galvani FNO2d step (%s; %,d parameters; %d threads): median %.1f ms of %d%n", shape, model.parameterCount(),
                Parallel.threads(), galvani, o.runs);
        double[] torch = {Double.NaN};
        String note = o.noTorch ? "not asked for (--no-torch)" : torch(o, torch, out);
        if (note == null) {
            out.printf(Locale.ROOT, "PyTorch FNO2d step: median %.1f ms%n", torch[0]);
            out.printf(Locale.ROOT, "ratio PyTorch / Galvani: %.2f (goal >= 0.8)%n", torch[0] / galvani);
        } else out.println("PyTorch not measured: " + note);
        return new Result(galvani, torch[0], note);
    }

    static final String SCRIPT = "fno2d_step_torch.py";

    /** Runs the PyTorch script; puts its median into {@code ms[0]} and returns null, or why there is none. */
    private static String torch(Options o, double[] ms, PrintStream out) {
        String python = DelayKernelTask.python();
        if (python == null) return "no Python with torch (set GALVANI_PYTHON, or install torch at /tmp/torch/bin/python)";
        try {
            Path script = Files.createTempFile("fno2d_step_torch", ".py");
            try {
                try (InputStream in = FnoStepTask.class.getResourceAsStream("/dev/galvani/benchmarks/" + SCRIPT)) {
                    if (in == null) return SCRIPT + " is missing from the jar (rebuild it)";
                    Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                List<String> command = List.of(python, script.toString(), "--batch", "" + o.batch, "--size", "" + o.size, "--width", "" + o.width,
                        "--modes", "" + o.modes, "--padding", "" + o.padding, "--threads", "" + Parallel.threads(), "--warmup", "" + o.warmup, "--runs", "" + o.runs);
                out.println("PyTorch (" + python + "): " + String.join(" ", command.subList(2, command.size())));
                ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
                pb.environment().put("OMP_NUM_THREADS", "" + Parallel.threads());
                pb.environment().put("MKL_NUM_THREADS", "" + Parallel.threads());
                Process p = pb.start();
                String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) return SCRIPT + " failed with " + python + " (exit " + p.exitValue() + ")";
                JsonNode result = new ObjectMapper().readTree(json);
                ms[0] = result.get("step_ms").asDouble();
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
}
