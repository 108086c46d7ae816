package dev.galvani.benchmarks;

import dev.galvani.io.AtomicFiles;
import dev.galvani.tensor.Activations;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Softmax;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.cpu.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CPU comparison with PyTorch, the {@code side-by-side} command. It times the
 * {@link CpuWorkloads} in Galvani (inputs made once, a warm-up, then the median of N timed calls with
 * {@link System#nanoTime()}), then, once that is over so the two never share the cores, runs
 * {@code torch_cpu_bench.py} with the same options in PyTorch ({@link TorchRunner}), and writes the
 * Markdown page of {@link SideBySideReport} to {@code benchmarks/results/cpu-<date>.md}.
 * The median, not the mean, so that one GC pause or one preempted call does not move the number;
 * and {@code --rounds} alternations of the two libraries, each row keeping each library's lowest
 * median, so that a burst of other work on a shared machine does not decide a row either.
 *
 * <p>Without a Python that imports torch the page has the Galvani column only, and says why.
 */
public final class SideBySide {

    private SideBySide() {}

    /** The workload families, in the order they run and are reported. */
    public static final List<String> OPS = List.of("sgemm", "dgemm", "gemm-shapes", "add", "mul-add-relu", "sum", "exp", "tanh", "sigmoid", "special", "softmax", "conv2d", "conv-layers", "train-ops", "lif", "fft");

    /**
     * What to time. {@code conv} is {N, C, H, W, O, K}: input [N, C, H, W], weight [O, C, K, K],
     * stride 1, padding K / 2. Warm-up lasts at least {@code warmup} calls and at least
     * {@code warmupSeconds}, so that small operations give the JIT time to compile their kernels.
     */
    public record Config(int threads, int warmup, double warmupSeconds, int runs,
                         int[] gemmSizes, int elements, int[] conv, int[] lif, int[] fft2, int[] fftSizes, Set<String> only) {

        /**
         * The defaults: 2 threads, warm-up of at least 3 calls and 1 s, median of 11 runs, {@link
         * CpuWorkloads}' sizes, every op in {@link #OPS}.
         * @return the default configuration
         */
        public static Config defaults() {
            return new Config(2, 3, 1.0, 11, CpuWorkloads.GEMM_SIZES, CpuWorkloads.ELEMENTS,
                    new int[]{CpuWorkloads.CONV_INPUT[0], CpuWorkloads.CONV_INPUT[1], CpuWorkloads.CONV_INPUT[2],
                              CpuWorkloads.CONV_INPUT[3], CpuWorkloads.CONV_OUT_CHANNELS, CpuWorkloads.CONV_KERNEL},
                    new int[]{CpuWorkloads.LIF_STEPS, CpuWorkloads.LIF_NEURONS}, CpuWorkloads.FFT2_INPUT, CpuWorkloads.FFT_SIZES, new LinkedHashSet<>(OPS));
        }

        boolean runs(String op) { return only.contains(op); }

        /** These options as command-line arguments, the form torch_cpu_bench.py takes them in. */
        List<String> toArgs() {
            return List.of("--threads", Integer.toString(threads), "--warmup", Integer.toString(warmup),
                    "--warmup-seconds", Double.toString(warmupSeconds), "--runs", Integer.toString(runs),
                    "--sizes", join(gemmSizes), "--elements", Integer.toString(elements), "--conv", join(conv),
                    "--lif", join(lif), "--fft2", join(fft2), "--fft-sizes", join(fftSizes), "--only", String.join(",", only));
        }

        private static String join(int[] v) {
            return Arrays.stream(v).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
        }
    }

    /** The command's options: what to time, and where the results go. */
    record Options(Config config, int rounds, Path out, Path json, boolean torch) {}

    /** One timed operation; {@code skipped} is null when it ran, else why it did not. */
    public record Result(String id, String op, String shape, double medianMs, double minMs, int runs, String skipped) {}

    /**
     * Runs the {@code side-by-side} command: times Galvani, then PyTorch (unless {@code --no-torch} or no
     * Python with torch is found), for {@code --rounds} alternations, prints each result and writes the
     * Markdown report (and the JSON results when asked).
     * @param args the command line
     * @throws IOException if writing the results fails
     */
    public static void main(String[] args) throws IOException {
        Options options = Cli.parseOrExit(new Flags(), args).options();
        Config config = options.config();
        String loadAtStart = SideBySideReport.loadAverage();
        var cpuAtStart = SideBySideReport.CpuTimes.now();
        // Galvani's pool reads galvani.threads once, when the first parallel kernel runs, so it is
        // set here, before any tensor exists.
        System.setProperty("galvani.threads", Integer.toString(config.threads()));

        List<String> jvmOptions = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Xms")))
            System.out.println("side-by-side: note: no fixed heap (-Xms); the large workloads may time heap growth."
                    + " benchmarks/scripts/side-by-side.sh runs with -Xms3g -Xmx3g -XX:+AlwaysPreTouch.");

        String python = null, torchMissing = "not asked for (--no-torch)";
        if (options.torch()) {
            python = TorchRunner.findPython();
            torchMissing = python == null ? TorchRunner.noTorchReason() : null;
        }
        // The machine's FMA peak, so the GEMM rows can say how close they come to it (issue 10).
        MachineLimits.Limits limits = null;
        if (config.runs("sgemm") || config.runs("dgemm") || config.runs("gemm-shapes")) {
            System.out.println("Machine limits (FMA peak, F32 and F64, 1 and " + config.threads() + " threads):");
            try {
                limits = MachineLimits.measure(config.threads(), 0);
                System.out.print(limits.markdown());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Rounds alternate the libraries, Galvani first, so that a burst of other work on a shared
        // machine lands in one round of one library and not in the row's final number.
        List<Map<String, Object>> galvaniRounds = new ArrayList<>(), torchRounds = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            String of = options.rounds() > 1 ? " (round " + round + " of " + options.rounds() + ")" : "";
            System.out.printf(Locale.ROOT, "Galvani CPU, %d threads, warm-up >= %d calls and %.1f s, median of %d runs%s%n",
                    Parallel.threads(), config.warmup(), config.warmupSeconds(), config.runs(), of);
            galvaniRounds.add(toMap(config, run(config, r -> System.out.println(format(r)))));
            System.gc();   // leave PyTorch a machine without Galvani's garbage
            if (python != null && torchMissing == null) {
                System.out.println("PyTorch CPU (" + python + "), " + config.threads() + " threads" + of);
                TorchRunner.Outcome torch = TorchRunner.run(python, config.toArgs(), config.threads());
                if (torch.missing() != null) torchMissing = torch.missing();
                else torchRounds.add(torch.results());
            }
        }
        // A round that failed after others succeeded costs that round only.
        Map<String, Object> torch = torchRounds.isEmpty() ? null : bestOf(torchRounds);
        if (torch != null) torchMissing = null;
        else System.out.println("PyTorch not measured: " + torchMissing + ". Writing the Galvani-only table.");

        Map<String, Object> galvani = bestOf(galvaniRounds);
        galvani.put("jvm_options", String.join(" ", jvmOptions));
        if (limits != null) {
            galvani.put("fma_peak_f32_gflops", limits.f32All());
            galvani.put("fma_peak_f64_gflops", limits.f64All());
            galvani.put("fma_peak_f32_gflops_1thread", limits.f32One());
            galvani.put("fma_peak_f64_gflops_1thread", limits.f64One());
        }
        if (options.json() != null) AtomicFiles.writeString(options.json(), Json.write(galvani));
        String command = "benchmarks/scripts/side-by-side.sh " + String.join(" ", config.toArgs()) + " --rounds " + options.rounds();
        String page = SideBySideReport.render(galvani, torch, SideBySideReport.machine(loadAtStart, cpuAtStart),
                torchMissing, command);
        SideBySideReport.write(options.out(), page);
        System.out.println();
        System.out.print(page);
        System.out.println("\nwrote " + options.out());
    }

    /**
     * One library's rounds folded into one: each row is the round with the lowest median (a row
     * that ran beats one that was skipped), and {@code rounds} says how many there were.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> bestOf(List<Map<String, Object>> rounds) {
        Map<String, Map<String, Object>> best = new LinkedHashMap<>();
        for (Map<String, Object> round : rounds)
            for (Object o : (List<Object>) round.getOrDefault("results", List.of())) {
                Map<String, Object> row = (Map<String, Object>) o;
                best.merge(String.valueOf(row.get("id")), row, (a, b) -> median(b) < median(a) ? b : a);
            }
        Map<String, Object> out = new LinkedHashMap<>(rounds.getFirst());
        out.put("results", new ArrayList<>(best.values()));
        out.put("rounds", (double) rounds.size());
        return out;
    }

    private static double median(Map<String, Object> row) {
        return row.get("skipped") == null && row.get("median_ms") instanceof Double d && !d.isNaN() ? d : Double.POSITIVE_INFINITY;
    }

    /** Times every selected workload; {@code progress} sees each result as it is measured. */
    public static List<Result> run(Config c, java.util.function.Consumer<Result> progress) {
        if (Parallel.threads() != c.threads())
            System.err.printf("side-by-side: warning: asked for %d threads but Galvani's pool already has %d; the results say %d%n",
                    c.threads(), Parallel.threads(), Parallel.threads());
        List<Result> results = new ArrayList<>();
        for (Case k : cases(c)) {
            Result r = measure(k, c);
            results.add(r);
            progress.accept(r);
        }
        return results;
    }

    /** A workload: its row in the table, and a factory that makes its inputs (untimed) and returns the timed call. */
    private record Case(String id, String op, String shape, Supplier<Supplier<Tensor>> prepare, double flops) {
        /** A workload whose floating-point operations are not counted. */
        Case(String id, String op, String shape, Supplier<Supplier<Tensor>> prepare) { this(id, op, shape, prepare, 0); }
    }

    /**
     * The GEMM shapes beyond the square ones (issue 10): a classifier head's product, and batched
     * small products as attention (scores of 32 heads) and spectral mixing (an FNO layer's
     * per-mode channel mixing) issue them. Each is {batch, m, k, n}.
     */
    static final int[][] GEMM_SHAPES = {{1, 128, 3136, 128}, {32, 128, 64, 128}, {144, 20, 32, 32}};

    private static List<Case> cases(Config c) {
        List<Case> cases = new ArrayList<>();
        // One seed per workload, so that adding a workload does not change the inputs of another.
        if (c.runs("sgemm"))
            for (int n : c.gemmSizes())
                cases.add(new Case("sgemm-" + n, "sgemm", "[%d, %d] @ [%d, %d]".formatted(n, n, n, n), () -> {
                    Tensor a = Tensor.randn(new Generator(1), n, n), b = Tensor.randn(new Generator(2), n, n);
                    return () -> CpuWorkloads.sgemm(a, b);
                }, 2.0 * n * n * n));
        if (c.runs("dgemm"))
            for (int n : c.gemmSizes())
                cases.add(new Case("dgemm-" + n, "dgemm (F64)", "[%d, %d] @ [%d, %d]".formatted(n, n, n, n), () -> {
                    Tensor a = Tensor.randn(new Generator(1), DType.F64, n, n), b = Tensor.randn(new Generator(2), DType.F64, n, n);
                    return () -> CpuWorkloads.sgemm(a, b);
                }, 2.0 * n * n * n));
        if (c.runs("gemm-shapes"))
            for (int[] v : GEMM_SHAPES) {
                int batch = v[0], m = v[1], k = v[2], n = v[3];
                String shape = batch == 1 ? "[%d, %d] @ [%d, %d]".formatted(m, k, k, n) : "[%d, %d, %d] @ [%d, %d, %d]".formatted(batch, m, k, batch, k, n);
                cases.add(new Case("gemm-%dx%dx%dx%d".formatted(batch, m, k, n), batch == 1 ? "sgemm (skinny)" : "batched sgemm", shape, () -> {
                    Tensor a = batch == 1 ? Tensor.randn(new Generator(30), m, k) : Tensor.randn(new Generator(30), batch, m, k);
                    Tensor b = batch == 1 ? Tensor.randn(new Generator(31), k, n) : Tensor.randn(new Generator(31), batch, k, n);
                    return () -> CpuWorkloads.sgemm(a, b);
                }, 2.0 * batch * m * n * k));
            }
        int e = c.elements();
        if (c.runs("add"))
            cases.add(new Case("add", "add", "[%d] + [%d]".formatted(e, e), () -> {
                Tensor a = Tensor.randn(new Generator(3), e), b = Tensor.randn(new Generator(4), e);
                return () -> CpuWorkloads.add(a, b);
            }));
        if (c.runs("mul-add-relu"))
            cases.add(new Case("mul-add-relu", "mul-add-relu: relu(x * 2 + 1), 3 eager ops", "[%d]".formatted(e), () -> {
                Tensor x = Tensor.randn(new Generator(5), e);
                return () -> CpuWorkloads.mulAddRelu(x);
            }));
        if (c.runs("sum"))
            cases.add(new Case("sum", "sum of all elements", "[%d] -> []".formatted(e), () -> {
                Tensor x = Tensor.randn(new Generator(6), e);
                return () -> CpuWorkloads.sum(x);
            }));
        // Transcendentals: Galvani's own vector math (VectorMath) against PyTorch's (SLEEF).
        for (String fn : List.of("exp", "tanh", "sigmoid"))
            if (c.runs(fn))
                cases.add(new Case(fn, fn, "[%d]".formatted(e), () -> {
                    Tensor x = Tensor.randn(new Generator(10), e);
                    return () -> CpuWorkloads.unary(fn, x);
                }));
        if (c.runs("tanh") && !c.runs("special")) f64ExpTanh(cases, e);
        if (c.runs("special")) special(cases, e);
        if (c.runs("softmax")) softmax(cases);
        if (c.runs("conv2d")) {
            int[] v = c.conv();
            int n = v[0], ch = v[1], h = v[2], w = v[3], o = v[4], k = v[5];
            int oh = h + 2 * (k / 2) - k + 1, ow = w + 2 * (k / 2) - k + 1;
            String shape = "x [%d, %d, %d, %d] * w [%d, %d, %d, %d] + b [%d] -> [%d, %d, %d, %d]"
                    .formatted(n, ch, h, w, o, ch, k, k, o, n, o, oh, ow);
            cases.add(new Case("conv2d", "conv2d %dx%d, stride 1, padding %d".formatted(k, k, k / 2), shape, () -> {
                Tensor x = Tensor.randn(new Generator(7), n, ch, h, w);
                Tensor wt = Tensor.randn(new Generator(8), o, ch, k, k);
                Tensor b = Tensor.randn(new Generator(9), o);
                return () -> CpuWorkloads.conv2d(x, wt, b);
            }));
        }
        if (c.runs("conv-layers")) convLayers(cases, c);
        if (c.runs("train-ops")) trainOps(cases);
        if (c.runs("lif")) lif(cases, c);
        if (c.runs("fft")) fft(cases, c);
        return cases;
    }

    /**
     * Convolution's three products (forward with bias, input gradient, weight gradient; 3x3, stride 1,
     * padding 1) on the {@code --conv} shape and on the Fashion-MNIST CNN's two layers
     * (CpuWorkloads.CNN_LAYERS) at {@link CpuWorkloads#CNN_BATCH_PER_CONV_IMAGE} times the {@code --conv}
     * batch: 128 at the default batch of 8, and small in the smoke test. The first layer's input
     * gradient is left out: training never needs it.
     */
    private static void convLayers(List<Case> cases, Config config) {
        int[] v = config.conv();
        List<int[]> layers = new ArrayList<>();
        layers.add(new int[]{v[0], v[1], v[2], v[3], v[4]});
        for (int[] l : CpuWorkloads.CNN_LAYERS)
            layers.add(new int[]{v[0] * CpuWorkloads.CNN_BATCH_PER_CONV_IMAGE, l[1], l[2], l[3], l[4]});
        String[] ids = {"conv", "cnn1", "cnn2"};
        for (int i = 0; i < layers.size(); i++) {
            int[] l = layers.get(i);
            int[] xs = {l[0], l[1], l[2], l[3]}, ws = {l[4], l[1], 3, 3}, ys = {l[0], l[4], l[2], l[3]};
            String shape = "x %s * w %s, padding 1 -> %s".formatted(Arrays.toString(xs), Arrays.toString(ws), Arrays.toString(ys));
            String id = ids[i];
            long seed = 40 + 4L * i;
            cases.add(new Case(id + "-fwd", "conv-layers: conv2d forward + bias", shape, () -> {
                Tensor x = Tensor.randn(new Generator(seed), xs), w = Tensor.randn(new Generator(seed + 1), ws), b = Tensor.randn(new Generator(seed + 2), ws[0]);
                return () -> CpuWorkloads.conv2d(x, w, b);
            }));
            if (xs[1] > 1)
                cases.add(new Case(id + "-dx", "conv-layers: conv2d input gradient", shape, () -> {
                    Tensor g = Tensor.randn(new Generator(seed + 3), ys), w = Tensor.randn(new Generator(seed + 1), ws);
                    return () -> CpuWorkloads.conv2dInputGrad(g, w, xs);
                }));
            cases.add(new Case(id + "-dw", "conv-layers: conv2d weight gradient", shape, () -> {
                Tensor x = Tensor.randn(new Generator(seed), xs), g = Tensor.randn(new Generator(seed + 3), ys);
                return () -> CpuWorkloads.conv2dWeightGrad(x, g, ws);
            }));
        }
    }

    /**
     * erf, GELU and its backward, ReLU's backward, expm1 and log1p in F32, and exp and tanh in F64 (issue 10's
     * "F64 tanh on par with F64 exp"): Galvani's vector lanes (ErfLanes, VectorMath) against PyTorch's
     * torch.special.erf, F.gelu, aten.gelu_backward, aten.threshold_backward, expm1, log1p, exp and tanh.
     */
    private static void special(List<Case> cases, int e) {
        for (String fn : List.of("erf", "gelu", "expm1", "log1p"))
            cases.add(new Case(fn, fn, "[%d]".formatted(e), () -> {
                Tensor x = Tensor.randn(new Generator(40), e);
                return () -> CpuWorkloads.unary(fn, x);
            }));
        cases.add(new Case("gelu-bwd", "gelu backward", "[%d]".formatted(e), () -> {
            Tensor x = Tensor.randn(new Generator(41), e), g = Tensor.randn(new Generator(42), e);
            return () -> Activations.geluBackward(g, x);
        }));
        cases.add(new Case("gelu-bwd-composed", "gelu backward composed from 10 element-wise ops (the rule before the fused kernel)",
                "[%d]".formatted(e), () -> {
            Tensor x = Tensor.randn(new Generator(41), e), g = Tensor.randn(new Generator(42), e);
            return () -> CpuWorkloads.composedGeluBackward(x, g);
        }));
        cases.add(new Case("relu-bwd", "relu backward", "[%d]".formatted(e), () -> {
            Tensor x = Tensor.randn(new Generator(44), e), g = Tensor.randn(new Generator(45), e);
            return () -> CpuWorkloads.reluBackward(x, g);
        }));
        cases.add(new Case("relu-bwd-composed", "relu backward composed: where(x <= 0, 0, g), a mask and a select (the rule before)",
                "[%d]".formatted(e), () -> {
            Tensor x = Tensor.randn(new Generator(44), e), g = Tensor.randn(new Generator(45), e);
            return () -> Tensor.where(x.le(0.0), 0.0, g);
        }));
        f64ExpTanh(cases, e);
    }

    /**
     * exp and tanh in F64, side by side (issue 10's "F64 tanh on par with F64 exp"): rows of the special
     * group, and of the tanh group when special does not run.
     */
    private static void f64ExpTanh(List<Case> cases, int e) {
        for (String fn : List.of("exp", "tanh"))
            cases.add(new Case(fn + "-f64", fn + " (F64)", "[%d] F64".formatted(e), () -> {
                Tensor x = Tensor.randn(new Generator(43), DType.F64, Device.CPU, e);
                return () -> CpuWorkloads.unary(fn, x);
            }));
    }

    /**
     * The softmax kernel family (issue 8): log-softmax over a classifier's [256, 1000] logits, softmax over
     * [64, 32000] (a vocabulary), softmax along the middle dimension of [32, 1000, 16], both backward
     * passes, and the composed forms the family replaced, against torch.softmax / log_softmax and aten's
     * _softmax_backward_data / _log_softmax_backward_data (what their autograd nodes run). F32.
     */
    private static void softmax(List<Case> cases) {
        int[] logits = {256, 1000}, vocab = {64, 32000}, middle = {32, 1000, 16};
        cases.add(new Case("log-softmax", "log-softmax, last dim", Arrays.toString(logits), () -> {
            Tensor x = Tensor.randn(new Generator(50), logits);
            return () -> Softmax.logSoftmax(x, -1);
        }));
        cases.add(new Case("log-softmax-composed", "log-softmax composed: x - logsumexp(x) (the form before the kernel)", Arrays.toString(logits), () -> {
            Tensor x = Tensor.randn(new Generator(50), logits);
            return () -> Softmax.composedLogSoftmax(x, -1);
        }));
        cases.add(new Case("softmax-vocab", "softmax, last dim", Arrays.toString(vocab), () -> {
            Tensor x = Tensor.randn(new Generator(51), vocab);
            return () -> Softmax.softmax(x, -1);
        }));
        cases.add(new Case("softmax-vocab-composed", "softmax composed: exp(x - max) / sum (the form before the kernel)", Arrays.toString(vocab), () -> {
            Tensor x = Tensor.randn(new Generator(51), vocab);
            return () -> Softmax.composedSoftmax(x, -1);
        }));
        cases.add(new Case("softmax-dim1", "softmax along dim 1", Arrays.toString(middle), () -> {
            Tensor x = Tensor.randn(new Generator(52), middle);
            return () -> Softmax.softmax(x, 1);
        }));
        cases.add(new Case("softmax-bwd", "softmax backward, last dim", Arrays.toString(logits), () -> {
            Tensor y = Softmax.softmax(Tensor.randn(new Generator(53), logits), -1), g = Tensor.randn(new Generator(54), logits);
            return () -> Softmax.softmaxBackward(g, y, -1);
        }));
        cases.add(new Case("log-softmax-bwd", "log-softmax backward, last dim", Arrays.toString(logits), () -> {
            Tensor y = Softmax.logSoftmax(Tensor.randn(new Generator(53), logits), -1), g = Tensor.randn(new Generator(54), logits);
            return () -> Softmax.logSoftmaxBackward(g, y, -1);
        }));
    }

    /** The per-operation costs of a Fashion-MNIST training step (CpuWorkloads' STEP_ shapes). */
    private static void trainOps(List<Case> cases) {
        int[] a = CpuWorkloads.STEP_ACTIVATION, ci = CpuWorkloads.STEP_CONV_INPUT, cw = CpuWorkloads.STEP_CONV_WEIGHT, fc = CpuWorkloads.STEP_FC;
        String act = Arrays.toString(a);
        cases.add(new Case("step-relu", "train-ops: relu", act, () -> {
            Tensor x = Tensor.randn(new Generator(11), a);
            return x::relu;
        }));
        cases.add(new Case("step-relu-bwd", "train-ops: relu backward", act, () -> {
            Tensor x = Tensor.randn(new Generator(12), a), g = Tensor.randn(new Generator(13), a);
            return () -> CpuWorkloads.reluBackward(x, g);
        }));
        int[] out = {ci[0], cw[0], ci[2], ci[3]};
        String conv = "x %s * w %s, padding 1 -> %s".formatted(Arrays.toString(ci), Arrays.toString(cw), Arrays.toString(out));
        cases.add(new Case("step-conv", "train-ops: conv2d forward", conv, () -> {
            Tensor x = Tensor.randn(new Generator(14), ci), w = Tensor.randn(new Generator(15), cw), b = Tensor.randn(new Generator(16), cw[0]);
            return () -> CpuWorkloads.conv2d(x, w, b);
        }));
        cases.add(new Case("step-conv-dx", "train-ops: conv2d input gradient", conv, () -> {
            Tensor g = Tensor.randn(new Generator(17), out), w = Tensor.randn(new Generator(18), cw);
            return () -> CpuWorkloads.conv2dInputGrad(g, w, ci);
        }));
        cases.add(new Case("step-fc", "train-ops: linear forward + 2 gradient GEMMs", "[%d, %d] x [%d, %d]".formatted(fc[0], fc[1], fc[1], fc[2]), () -> {
            Tensor x = Tensor.randn(new Generator(19), fc[0], fc[1]), w = Tensor.randn(new Generator(20), fc[2], fc[1]);
            Tensor g = Tensor.randn(new Generator(21), fc[0], fc[2]);
            return () -> CpuWorkloads.linearStep(x, w, g);
        }));
    }

    /**
     * The fused LIF against its peers (issue 7): fused forward + backward, the same neuron composed
     * from Galvani ops, and STREAM's triad, the bandwidth limit (PyTorch times its eager loop under
     * the fused row's id, and its own triad).
     */
    private static void lif(List<Case> cases, Config config) {
        int t = config.lif()[0], n = config.lif()[1], e = config.elements();
        String shape = "x [%d, %d] F32".formatted(t, n);
        cases.add(new Case("lif", LIF_OP, shape, () -> {
            Tensor x = Tensor.randn(new Generator(22), t, n).mul(0.8).add(0.9), g = Tensor.randn(new Generator(23), t, n);
            return () -> CpuWorkloads.lif(x, g, true);
        }));
        cases.add(new Case("lif-composed", "lif: the same neuron composed from Galvani ops (unrolled, autograd)", shape, () -> {
            Tensor x = Tensor.randn(new Generator(22), t, n).mul(0.8).add(0.9), g = Tensor.randn(new Generator(23), t, n);
            return () -> CpuWorkloads.lif(x, g, false);
        }));
        cases.add(new Case("triad", TRIAD_OP, "[%d] x 3 F32".formatted(e), () -> {
            float[] a = new float[e], b = Tensor.randn(new Generator(24), e).toFloatArray(), c = Tensor.randn(new Generator(25), e).toFloatArray();
            return () -> {
                CpuWorkloads.triad(a, b, c, 3f);
                return null;
            };
        }));
    }

    /**
     * The FFTs of issue 9: the batched rfft2 of an F32 [B, C, H, W], and per length n a real and a
     * complex 1-D FFT of [2^22 / n, n] along the last dimension (PyTorch's complex64 is interleaved,
     * Galvani's two F32 parts).
     */
    private static void fft(List<Case> cases, Config config) {
        int[] v = config.fft2();
        cases.add(new Case("rfft2", "rfft2 over the last two dimensions", "x %s F32 -> [%d, %d, %d, %d] complex64"
                .formatted(Arrays.toString(v), v[0], v[1], v[2], v[3] / 2 + 1), () -> {
            Tensor x = Tensor.randn(new Generator(26), v);
            return () -> CpuWorkloads.rfft2(x);
        }));
        for (int n : config.fftSizes()) {
            int rows = Math.max(1, CpuWorkloads.FFT_ELEMENTS / n);
            cases.add(new Case("rfft-" + n, "rfft along the last dimension", "[%d, %d] F32 -> [%d, %d] complex64".formatted(rows, n, rows, n / 2 + 1), () -> {
                Tensor x = Tensor.randn(new Generator(27), rows, n);
                return () -> CpuWorkloads.rfft(x);
            }));
            cases.add(new Case("fft-" + n, "fft along the last dimension", "[%d, %d] complex64".formatted(rows, n), () -> {
                var z = dev.galvani.tensor.ComplexTensor.of(Tensor.randn(new Generator(28), rows, n), Tensor.randn(new Generator(29), rows, n));
                return () -> CpuWorkloads.fft(z);
            }));
        }
    }

    static final String LIF_OP = "lif: forward + backward, tau 2, hard reset, ATan (Galvani fused; PyTorch eager loop reading x[t])";
    static final String TRIAD_OP = "STREAM triad a = b + s c (memory bandwidth)";

    /** Holds each result, so the JIT cannot prove a timed call useless. */
    private static volatile Tensor sink;

    private static Result measure(Case k, Config c) {
        Supplier<Tensor> call;
        try {
            call = k.prepare().get();
            sink = call.get();   // the first call also shows whether the operation works at all
        } catch (RuntimeException | LinkageError ex) {
            return new Result(k.id(), k.op(), k.shape(), Double.NaN, Double.NaN, 0, oneLine(ex));
        }
        // Start each workload with a clean heap, so that it does not pay for the garbage of the last.
        System.gc();
        long warmStart = System.nanoTime(), warmNanos = (long) (c.warmupSeconds() * 1e9);
        for (int i = 1; i < c.warmup() || System.nanoTime() - warmStart < warmNanos; i++) sink = call.get();

        double[] ms = new double[c.runs()];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            sink = call.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        sink = null;
        return new Result(k.id(), k.op(), k.shape(), median(ms), Arrays.stream(ms).min().orElse(Double.NaN), ms.length, null);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    static String format(Result r) {
        return r.skipped() == null
                ? String.format(Locale.ROOT, "  %-14s %-60s %10.3f ms (min %.3f, %d runs)", r.id(), r.shape(), r.medianMs(), r.minMs(), r.runs())
                : String.format(Locale.ROOT, "  %-14s %-60s skipped: %s", r.id(), r.shape(), r.skipped());
    }

    // ---------------------------------------------------------------- options

    /** The command line, parsed by picocli ({@link Cli}); defaults from {@link Config#defaults()}. */
    @Command(name = "side-by-side", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = {"Times the CPU workloads in Galvani, then in PyTorch (alternating), and writes the Markdown page of ratios.",
                    "PyTorch runs in $TORCH_PYTHON, else the first of python3, /tmp/torch/bin/python that imports torch."})
    static final class Flags implements Cli.Checked {
        private static final Config D = Config.defaults();
        @Option(names = "--threads", paramLabel = "N", description = "CPU threads of both libraries (Galvani's pool, torch.set_num_threads)") int threads = D.threads();
        @Option(names = "--warmup", paramLabel = "N", description = "untimed calls before timing, at least") int warmup = D.warmup();
        @Option(names = "--warmup-seconds", paramLabel = "S", description = "and for at least this long") double warmupSeconds = D.warmupSeconds();
        @Option(names = "--runs", paramLabel = "N", description = "timed calls; the median is reported") int runs = D.runs();
        @Option(names = "--sizes", paramLabel = "N,...", split = ",", description = "square SGEMM sizes") int[] sizes = D.gemmSizes();
        @Option(names = "--elements", paramLabel = "N", description = "length of the add / mul-add-relu / sum / exp / tanh / sigmoid inputs") int elements = D.elements();
        @Option(names = "--conv", paramLabel = "N,C,H,W,O,K", split = ",", description = "input [N, C, H, W], weight [O, C, K, K], stride 1, padding K / 2 (conv-layers: the CNN's layers at batch 16 N)") int[] conv = D.conv();
        @Option(names = "--lif", paramLabel = "T,N", split = ",", description = "T,N of the LIF rows; the triad's arrays have --elements floats") int[] lif = D.lif();
        @Option(names = "--fft2", paramLabel = "B,C,H,W", split = ",", description = "the rfft2 input [B, C, H, W] F32") int[] fft2 = D.fft2();
        @Option(names = "--fft-sizes", paramLabel = "N,...", split = ",", description = "1-D FFT lengths: rfft and fft of [2^22 / n, n]") int[] fftSizes = D.fftSizes();
        @Option(names = "--only", paramLabel = "OP,...", split = ",", description = "run only these operations: ${COMPLETION-CANDIDATES}",
                completionCandidates = Ops.class) List<String> only = new ArrayList<>(D.only());
        @Option(names = "--rounds", paramLabel = "N", description = "alternate Galvani and PyTorch this many times; each row keeps its lowest median") int rounds = 2;
        @Option(names = "--out", paramLabel = "FILE", description = "the Markdown page (default benchmarks/results/cpu-<yyyy-mm-dd>.md)") Path out;
        @Option(names = "--json", paramLabel = "FILE", description = "also write Galvani's results as JSON (the best of the rounds)") Path json;
        @Option(names = "--no-torch", description = "time Galvani only") boolean noTorch;

        /** The operation names, for the help text. */
        static final class Ops extends ArrayList<String> { Ops() { super(OPS); } }

        @Override public void check() {
            for (var e : Map.of("--threads", threads, "--warmup", warmup, "--runs", runs, "--elements", elements, "--rounds", rounds).entrySet())
                if (e.getValue() < 1) throw new IllegalArgumentException(e.getKey() + " must be a positive integer, got '" + e.getValue() + "'");
            if (!(warmupSeconds >= 0) || !Double.isFinite(warmupSeconds))
                throw new IllegalArgumentException("--warmup-seconds must be a non-negative number of seconds, got '" + warmupSeconds + "'");
            positive("--sizes", sizes, -1);
            positive("--conv", conv, 6);
            positive("--lif", lif, 2);
            positive("--fft2", fft2, 4);
            positive("--fft-sizes", fftSizes, -1);
            for (String op : only)
                if (!OPS.contains(op)) throw new IllegalArgumentException("--only: unknown operation '" + op + "', known: " + String.join(",", OPS));
        }

        private static void positive(String key, int[] v, int count) {
            String text = Arrays.stream(v).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
            if (count > 0 && v.length != count) throw new IllegalArgumentException(key + " needs " + count + " comma-separated integers, got '" + text + "'");
            for (int x : v) if (x < 1) throw new IllegalArgumentException(key + " must be positive integers, got '" + text + "'");
        }

        Options options() {
            Path page = out != null ? out : SideBySideReport.defaultResultsDir().resolve("cpu-" + java.time.LocalDate.now() + ".md");
            return new Options(new Config(threads, warmup, warmupSeconds, runs, sizes, elements, conv, lif, fft2, fftSizes, new LinkedHashSet<>(only)), rounds, page, json, !noTorch);
        }
    }

    /** Parses a command line; a bad one throws {@link IllegalArgumentException} naming the flag. */
    static Options parse(String[] args) {
        Flags flags = new Flags();
        try {
            new picocli.CommandLine(flags).parseArgs(args);
        } catch (picocli.CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        flags.check();
        return flags.options();
    }


    // ---------------------------------------------------------------- JSON out

    /** Galvani's results in the form torch_cpu_bench.py prints PyTorch's; {@link SideBySideReport} reads both. */
    static Map<String, Object> toMap(Config c, List<Result> results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("library", "galvani");
        m.put("runtime", System.getProperty("java.vm.name") + " " + Runtime.version());
        m.put("threads", Parallel.threads());
        m.put("warmup", c.warmup());
        m.put("warmup_seconds", c.warmupSeconds());
        m.put("runs", c.runs());
        m.put("elements", (double) c.elements());
        m.put("lif_steps", (double) c.lif()[0]);
        m.put("lif_neurons", (double) c.lif()[1]);
        Map<String, Double> flops = new LinkedHashMap<>();
        for (Case k : cases(c)) if (k.flops() > 0) flops.put(k.id(), k.flops());
        List<Object> rows = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", r.id());
            if (flops.containsKey(r.id())) row.put("flops", flops.get(r.id()));
            row.put("op", r.op());
            row.put("shape", r.shape());
            if (r.skipped() == null) {
                row.put("median_ms", r.medianMs());
                row.put("min_ms", r.minMs());
                row.put("runs", r.runs());
            } else {
                row.put("skipped", r.skipped());
            }
            rows.add(row);
        }
        m.put("results", rows);
        return m;
    }

    static String toJson(Config c, List<Result> results) { return Json.write(toMap(c, results)); }
}
