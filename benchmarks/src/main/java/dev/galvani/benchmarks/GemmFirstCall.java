package dev.galvani.benchmarks;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The first products of a fresh JVM (issue 10: "no slow first call"): makes two random square F32
 * matrices (which opens the CPU backend and so starts the GEMM warm-up), optionally waits as an
 * application's other set-up would, then times the first few products. Run it once as is and once
 * with {@code -Dgalvani.gemm.warmup=false} (in {@code GALVANI_JAVA_OPTS}) to see what the warm-up buys.
 */
public final class GemmFirstCall {

    private GemmFirstCall() {}

    /** The command line of {@code ./galvani gemm-first-call}. */
    @Command(name = "gemm-first-call", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = "Times the first square SGEMMs of a fresh JVM (run with -Dgalvani.gemm.warmup=false to compare).")
    static final class Flags implements Cli.Checked {
        @Option(names = "--size", paramLabel = "N", description = "the product [N, N] @ [N, N]") int size = 1024;
        @Option(names = "--setup-ms", paramLabel = "MS", description = "wait this long after making the inputs (an application's other set-up)") int setupMs = 0;
        @Option(names = "--calls", paramLabel = "N", description = "products to time") int calls = 3;

        @Override public void check() {
            if (size < 1 || calls < 1 || setupMs < 0) throw new IllegalArgumentException("--size and --calls must be positive, --setup-ms not negative");
        }
    }

    /**
     * Runs {@code gemm-first-call}.
     * @param args the command line
     * @throws InterruptedException if interrupted during the set-up wait
     */
    public static void main(String[] args) throws InterruptedException {
        Flags f = Cli.parseOrExit(new Flags(), args);
        long t0 = System.nanoTime();
        Tensor a = Tensor.randn(new Generator(1), f.size, f.size), b = Tensor.randn(new Generator(2), f.size, f.size);
        System.out.printf(Locale.ROOT, "inputs made in %.1f ms; GEMM warm-up %s; machine %s, load average %s%n", (System.nanoTime() - t0) / 1e6,
                Boolean.parseBoolean(System.getProperty("galvani.gemm.warmup", "true")) ? "on" : "off (-Dgalvani.gemm.warmup=false)",
                MachineInfo.cpu(), SideBySideReport.loadAverage());
        Thread.sleep(f.setupMs);
        for (int i = 1; i <= f.calls; i++) {
            long s = System.nanoTime();
            Tensor c = a.matmul(b);
            System.out.printf(Locale.ROOT, "product %d of [%d, %d] @ [%d, %d]: %.1f ms (result %s)%n", i, f.size, f.size, f.size, f.size,
                    (System.nanoTime() - s) / 1e6, c.shape());
        }
    }
}
