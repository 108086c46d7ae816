package dev.galvani.benchmarks.train;

import dev.galvani.benchmarks.Cli;
import dev.galvani.io.AtomicFiles;
import dev.galvani.nn.sparse.SparseLinear;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.cpu.Parallel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sparse layer's two kernels side by side (bio reference §1.3; sparse-layers issue): the
 * masked dense product against the CSR kernel, forward + backward of a batch, at each shape and
 * sparsity; the page says which is faster where. Times are medians of {@code --runs} calls after
 * warm-up, on this machine's threads.
 */
public final class SparseKernelTask {

    /** The task's settings, with the defaults the help shows. */
    @Command(name = "sparse-kernels", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = "Masked dense vs CSR kernel of SparseLinear, forward + backward, per shape and sparsity; writes a Markdown page.")
    public static final class Options implements Cli.Checked {
        @Option(names = "--batch", paramLabel = "B") int batch = 128;
        @Option(names = "--shapes", paramLabel = "IN:OUT,...", split = ",", description = "layer shapes") String[] shapes = {"784:1024", "1024:1024"};
        @Option(names = "--sparsity", paramLabel = "S,...", split = ",", description = "fractions of zero weights") double[] sparsity = {0.75, 0.9};
        @Option(names = "--runs", paramLabel = "N") int runs = 15;
        @Option(names = "--out", paramLabel = "FILE") Path out = Path.of("benchmarks", "results", "sparse-kernels-" + LocalDate.now() + ".md");

        @Override public void check() {
            if (batch < 1 || runs < 1) throw new IllegalArgumentException("sparse-kernels: --batch and --runs must be positive");
            for (String s : shapes) if (!s.matches("\\d+:\\d+")) throw new IllegalArgumentException("sparse-kernels: a shape is IN:OUT, got '" + s + "'");
            for (double s : sparsity) if (!(s >= 0 && s < 1)) throw new IllegalArgumentException("sparse-kernels: sparsity in [0, 1), got " + s);
        }
    }

    /** The command line: {@code ./galvani sparse-kernels [options]}. */
    public static void main(String[] args) throws Exception {
        run(Cli.parseOrExit(new Options(), args), System.out);
    }

    /** Times both kernels at every shape and sparsity; returns the page it wrote. */
    public static String run(Options o, PrintStream out) throws Exception {
        o.check();
        StringBuilder page = new StringBuilder("# SparseLinear kernels: masked dense against CSR, " + LocalDate.now() + "\n\n");
        page.append(String.format(Locale.ROOT, "Forward + backward (dx and dW) of a batch of %d, F32, %d threads, median of %d calls after warm-up. "
                + "Masked dense: `x (W ⊙ M)ᵀ` as one GEMM; CSR: B · nnz multiply-adds from the nonzeros (`CsrMatmul`). "
                + "ratio > 1: CSR is faster. Machine: %s.%n%n", o.batch, Parallel.threads(), o.runs, dev.galvani.benchmarks.MachineInfo.cpu()));
        page.append("| in → out | sparsity | masked dense ms | CSR ms | ratio masked / CSR | faster |\n|---|---:|---:|---:|---:|---|\n");
        for (String shape : o.shapes) {
            int in = Integer.parseInt(shape.split(":")[0]), outF = Integer.parseInt(shape.split(":")[1]);
            for (double s : o.sparsity) {
                Generator gen = new Generator(7);
                Tensor mask = Tensor.rand(gen, outF, in).ge(s).to(dev.galvani.tensor.DType.F32);
                var masked = new SparseLinear(in, outF, mask, true, new Generator(8));
                var csr = new SparseLinear(in, outF, mask, true, new Generator(8)).kernel(SparseLinear.Kernel.CSR);
                Tensor x = Tensor.randn(new Generator(9), o.batch, in);
                double tm = time(masked, x, o.runs), tc = time(csr, x, o.runs);
                String row = String.format(Locale.ROOT, "| %d → %d | %.0f %% | %.3f | %.3f | %.2f | %s |%n", in, outF, 100 * s, tm, tc, tm / tc,
                        tm <= tc ? "masked dense" : "CSR");
                out.print(row);
                page.append(row);
            }
        }
        page.append("\nReproduce: `./galvani sparse-kernels`\n");
        AtomicFiles.writeString(o.out, page.toString());
        out.println("wrote " + o.out.toAbsolutePath());
        return page.toString();
    }

    private static double time(SparseLinear layer, Tensor x, int runs) {
        double[] ms = new double[runs];
        for (int r = -5; r < runs; r++) {                        // five warm-up calls
            try (var scope = TensorScope.open()) {
                Tensor input = x.detach().requiresGrad(true);
                layer.zeroGrad();
                long t0 = System.nanoTime();
                layer.forward(input).sum().backward();
                long t1 = System.nanoTime();
                if (r >= 0) ms[r] = (t1 - t0) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }
}
