package dev.galvani.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry point of {@code galvani-benchmarks.jar}: {@code java FLAGS -jar galvani-benchmarks.jar
 * <command> [arguments]}. Each command is one line in {@link #COMMANDS}; adding one (the training
 * runner, say) is adding a line there.
 */
public final class Main {

    private Main() {}

    /** A command's entry point, handed the arguments after the command name. */
    @FunctionalInterface
    interface Entry { void run(String[] args) throws Exception; }

    /** One command: a one-line description for the usage text, whether it runs tensor code, and its entry point. */
    record Command(String summary, boolean needsTensors, Entry entry) {}

    static final Map<String, Command> COMMANDS = new LinkedHashMap<>();
    static {
        COMMANDS.put("snn-fashion-mnist", new Command("train a spiking CNN on Fashion-MNIST (LIF/PLIF, T = 4, surrogate gradients, BPTT or SLTT):"
                + " test accuracy, firing rates, energy, raster (--help for options)", true, dev.galvani.benchmarks.train.SnnFashionMnistTask::main));
        COMMANDS.put("snn-memory", new Command("peak memory of a spiking training step against T under BPTT, SLTT and SLTT-K:"
                + " table and plot in benchmarks/results/ (--help for options)", true, dev.galvani.benchmarks.train.SnnMemoryTask::main));
        COMMANDS.put("snn-compact", new Command("peak memory of a spiking training step with compactSpikes off and on (MLP, CNN), the"
                + " saving against the shapes' prediction and the bit-for-bit gradient check (--help for options)", true,
                dev.galvani.benchmarks.train.SnnCompactTask::main));
        COMMANDS.put("delay-ablation", new Command("no delays vs fixed random vs learned (DCLS) delays on a spike-timing task:"
                + " test accuracy per arm and seed (--help for options)", true, dev.galvani.benchmarks.train.DelayAblationTask::main));
        COMMANDS.put("shd", new Command("DCLS-Delays on the Spiking Heidelberg Digits, the published configuration (needs the SHD files;"
                + " --help for options)", true, dev.galvani.benchmarks.train.ShdTask::main));
        COMMANDS.put("g2g-fashion-mnist", new Command("G2GNet sparse MLP vs dense same-parameter and Erdős–Rényi MLPs on Fashion-MNIST,"
                + " several seeds (--help for options)", true, dev.galvani.benchmarks.train.G2gFashionMnistTask::main));
        COMMANDS.put("delay-kernels", new Command("the DCLS delay layer's kernels side by side: dense method, GEMM form, sparse taps,"
                + " integer delays vs Linear, PyTorch's dense method when torch is found (--help for options)", true,
                dev.galvani.benchmarks.train.DelayKernelTask::main));
        COMMANDS.put("sparse-kernels", new Command("SparseLinear's masked dense and CSR kernels side by side per shape and sparsity"
                + " (--help for options)", true, dev.galvani.benchmarks.train.SparseKernelTask::main));
        COMMANDS.put("dendrites-continual", new Command("active dendrites against the same network without them, continual learning on permuted"
                + " Fashion-MNIST (--help for options)", true, dev.galvani.benchmarks.train.DendritesContinualTask::main));
        COMMANDS.put("perforated", new Command("perforated backpropagation: a narrow network with gradient and correlation dendrites against"
                + " wider plain networks, Fashion-MNIST and a regression (--help for options)", true, dev.galvani.benchmarks.train.PerforatedTask::main));
        COMMANDS.put("mgno-darcy", new Command("MgNO on generated Darcy-flow data (the released 'smooth' setup): test relative L2 per epoch"
                + " against the mean-field baseline, curves, prediction plot (--help for options)", true, dev.galvani.benchmarks.train.MgnoDarcyTask::main));
        COMMANDS.put("fno-darcy", new Command("the original FNO2d on the same generated Darcy-flow data (s = 85): test relative L2 per epoch"
                + " against the mean-field baseline, curves, prediction plot (--help for options)", true, dev.galvani.benchmarks.train.FnoDarcyTask::main));
        COMMANDS.put("fno-burgers", new Command("the original FNO1d on generated Burgers data (nu = 0.1, s = 1024): test relative L2 per epoch"
                + " against the mean baseline, curves, predicted curves (--help for options)", true, dev.galvani.benchmarks.train.FnoBurgersTask::main));
        COMMANDS.put("fno-step", new Command("one FNO2d training step (batch 20, 85x85, width 32, modes 12) in Galvani and in PyTorch, and the ratio"
                + " (--help for options)", true, dev.galvani.benchmarks.train.FnoStepTask::main));
        COMMANDS.put("fashion-mnist", new Command("train a small CNN on Fashion-MNIST on the CPU: test accuracy, epoch time, curves (--help for options)",
                true, dev.galvani.benchmarks.train.FashionMnistTask::main));
        COMMANDS.put("jmh", new Command("JMH micro-benchmarks; takes JMH's own options (jmh -h lists them, jmh -l the benchmarks)",
                true, org.openjdk.jmh.Main::main));
        COMMANDS.put("machine-limits", new Command("this machine's FMA peak (F32, F64; one and all threads) and STREAM-triad bandwidth,"
                + " measured with Galvani's own loops (--help for options)", true, MachineLimits::main));
        COMMANDS.put("gemm-first-call", new Command("times the first square SGEMMs of a fresh JVM, with the GEMM warm-up"
                + " (or without: -Dgalvani.gemm.warmup=false) (--help for options)", true, GemmFirstCall::main));
        COMMANDS.put("perf-guard", new Command("JMH pairs of key kernels against scalar loops; fails when a ratio falls below half its committed"
                + " baseline (--update-baseline, --help)", true, PerfGuard::main));
        COMMANDS.put("side-by-side", new Command("time the CPU workloads in Galvani, then in PyTorch, and write the"
                + " comparison to benchmarks/results/cpu-<date>.md (--help for options)", true, SideBySide::main));
    }

    /**
     * Runs the command named by the first argument with the remaining ones; prints the usage for no argument
     * or help, and exits with code 2 for an unknown command or a JVM without the vector module.
     * @param args the command name and its arguments
     * @throws Exception whatever the command throws
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.out.print(usage());
            return;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            System.err.print("unknown command '" + args[0] + "'\n\n" + usage());
            System.exit(2);
            return;
        }
        // Without the vector module the first tensor operation would fail with a NoClassDefFoundError
        // deep in a kernel; say what to do instead.
        if (command.needsTensors() && ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.err.println("galvani-benchmarks: the JVM needs the flags --add-modules jdk.incubator.vector"
                    + " --enable-native-access=ALL-UNNAMED, e.g.\n  java --add-modules jdk.incubator.vector"
                    + " --enable-native-access=ALL-UNNAMED -jar galvani-benchmarks.jar " + args[0]);
            System.exit(2);
            return;
        }
        try {
            command.entry().run(Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException | java.io.IOException | java.io.UncheckedIOException e) {
            // A setting, a file or a folder the user can fix: one line that says what, not a stack trace.
            if (System.getenv("GALVANI_DEBUG") != null) throw e;
            System.err.println(args[0] + ": " + e.getMessage());
            System.err.println("(GALVANI_DEBUG=1 shows the stack trace)");
            System.exit(2);
        }
    }

    static String usage() {
        StringBuilder s = new StringBuilder("usage: ./galvani <command> [arguments]        (<command> --help: its options)\n\ncommands:\n");
        COMMANDS.forEach((name, c) -> s.append(String.format("  %-22s %s%n", name, c.summary())));
        s.append(String.format("  %-22s %s%n", "jshell", "JShell with Galvani on the class path and its packages imported (the ./galvani script runs it)"));
        s.append("""

                environment:
                  GALVANI_NUM_THREADS=N  CPU threads (default: every processor)
                  GALVANI_JAVA_OPTS      more JVM options, after the defaults (-Xms3g -Xmx8g -XX:+AlwaysPreTouch),
                                         so -Xmx16g there raises the heap
                """);
        return s.toString();
    }
}
