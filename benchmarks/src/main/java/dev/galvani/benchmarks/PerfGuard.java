package dev.galvani.benchmarks;

import dev.galvani.benchmarks.jmh.PerfGuardBenchmark;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The performance regression guard, {@code ./galvani perf-guard}: runs the short JMH pairs of
 * {@link PerfGuardBenchmark} (each key kernel and a scalar Java loop of the same math, in one run),
 * turns each pair into a ratio (scalar time / Galvani time) and compares it with the committed
 * baseline ratio ({@code benchmarks/src/main/resources/perf-guard-baseline.json}). A kernel whose
 * ratio falls below {@code threshold} times its baseline fails the run (exit code 1): the "boxed
 * vector cliff" (a Vector API kernel C2 did not intrinsify) costs about 10 times, so 0.5 catches it
 * without flaking on a noisy machine, and a kernel below the floor is measured once more before the
 * run fails (the better of its two ratios counts). Ratios rather than times make the check independent of the
 * machine's speed and load, as long as both halves of a pair ran under the same conditions.
 */
public final class PerfGuard {

    private PerfGuard() {}

    /** Where the baseline lives in the source tree (written by {@code --update-baseline}). */
    static final Path BASELINE = Path.of("benchmarks", "src", "main", "resources", "perf-guard-baseline.json");

    /** The command line. */
    @Command(name = "perf-guard", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = "JMH pairs (Galvani kernel vs a scalar Java loop of the same math); fails when a kernel's ratio falls "
                    + "below threshold x its committed baseline ratio (the boxed-vector cliff)")
    public static final class Options implements Cli.Checked {
        @Option(names = "--update-baseline", description = "write the measured ratios as the new baseline instead of comparing")
        boolean updateBaseline;
        @Option(names = "--baseline", paramLabel = "FILE", description = "the baseline file (read from the runner jar when absent)")
        Path baseline = BASELINE;
        @Option(names = "--threshold", paramLabel = "F", description = "fail below this fraction of the baseline ratio")
        double threshold = 0.5;
        @Option(names = "--only", paramLabel = "K,...", split = ",", description = "kernels to run (default: all)")
        List<String> only = List.of();
        @Option(names = "--quick", description = "short iterations (a smoke run of the harness: the kernels may not reach C2, so ratios mean nothing)")
        boolean quick;

        @Override public void check() {
            if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("--threshold must be in (0, 1), got " + threshold);
            for (String k : only)
                if (!KERNELS.contains(k)) throw new IllegalArgumentException("--only: unknown kernel '" + k + "' (kernels: " + String.join(", ", KERNELS) + ")");
        }
    }

    /** The kernels of {@link PerfGuardBenchmark}, each a pair of methods {@code <kernel>Galvani} and {@code <kernel>Scalar}. */
    static final List<String> KERNELS = List.of("add", "exp", "erf", "gelu", "geluBackward", "reluBackward", "sum", "sgemm", "lif");

    /** One kernel's outcome: its ratio now, its baseline ratio (NaN when new) and whether it passed. */
    record Verdict(String kernel, double ratio, double baseline, boolean ok) {
        String status() { return Double.isNaN(baseline) ? "new" : ok ? "ok" : "REGRESSED"; }
    }

    /**
     * Runs the guard.
     * @param args the command line
     * @throws Exception when JMH or the baseline file fails
     */
    public static void main(String[] args) throws Exception {
        Options o = Cli.parseOrExit(new Options(), args);
        int code = run(o, System.out);
        if (code != 0) System.exit(code);
    }

    static int run(Options o, PrintStream out) throws Exception {
        List<String> kernels = o.only.isEmpty() ? KERNELS : o.only;
        out.println("perf-guard: " + kernels.size() + " pairs on " + MachineInfo.cpu() + "; load average before: " + loadAverage());
        Map<String, Pair> pairs = measure(kernels, o.quick);
        Map<String, Double> ratios = new LinkedHashMap<>();
        pairs.forEach((k, p) -> ratios.put(k, p.ratio()));
        out.println(times(pairs));
        if (o.updateBaseline) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("about", "Ratios scalar-loop time / Galvani time of PerfGuardBenchmark's pairs, written by ./galvani perf-guard --update-baseline");
            file.put("machine", MachineInfo.cpu());
            file.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            file.put("date", LocalDate.now().toString());
            Map<String, Double> merged = new TreeMap<>(readBaseline(o.baseline));
            merged.putAll(ratios);
            file.put("ratios", merged);
            Files.createDirectories(o.baseline.toAbsolutePath().getParent());
            Files.writeString(o.baseline, Json.write(file));
            out.println(table(compare(ratios, Map.of(), o.threshold), o.threshold));
            out.println("perf-guard: baseline written to " + o.baseline);
            return 0;
        }
        Map<String, Double> baseline = readBaseline(o.baseline);
        List<Verdict> verdicts = compare(ratios, baseline, o.threshold);
        List<String> failed = verdicts.stream().filter(v -> !v.ok()).map(Verdict::kernel).toList();
        if (!failed.isEmpty()) {
            // A busy machine can halve one ratio by chance; a kernel off its vector path stays down when measured again.
            out.println(table(verdicts, o.threshold));
            out.println("perf-guard: " + failed + " below the floor; measuring them once more");
            Map<String, Pair> again = measure(failed, o.quick);
            again.forEach((k, p) -> ratios.put(k, Math.max(ratios.get(k), p.ratio())));
            out.println(times(again));
            verdicts = compare(ratios, baseline, o.threshold);
            failed = verdicts.stream().filter(v -> !v.ok()).map(Verdict::kernel).toList();
        }
        out.println(table(verdicts, o.threshold));
        if (failed.isEmpty()) {
            out.println("perf-guard: every kernel at or above " + o.threshold + " x its baseline ratio");
            return 0;
        }
        out.println("perf-guard: REGRESSED " + failed + ": below " + o.threshold + " x the baseline ratio (a vector kernel off its"
                + " intrinsified path? rerun once on a quiet machine; PrintInlining / -XX:+PrintCompilation show the boxed calls)");
        return 1;
    }

    /** One pair's median times in microseconds per call. */
    record Pair(double galvaniUs, double scalarUs) {
        /** Scalar time / Galvani time: above 1 the kernel is faster than the plain loop. */
        double ratio() { return scalarUs / galvaniUs; }
    }

    /** Runs the JMH pairs and returns each kernel's median times. */
    static Map<String, Pair> measure(List<String> kernels, boolean quick) throws Exception {
        String methods = String.join("|", kernels);
        var opts = new OptionsBuilder().include(PerfGuardBenchmark.class.getName() + "\\.(" + methods + ")(Galvani|Scalar)$")
                .verbosity(VerboseMode.SILENT);
        if (quick) opts.warmupIterations(2).warmupTime(TimeValue.milliseconds(200)).measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200));
        Map<String, Double> times = new TreeMap<>();
        for (RunResult r : new Runner(opts.build()).run()) {
            String name = r.getParams().getBenchmark();
            // The median iteration, not the mean: one iteration slowed by another process must not move it.
            var stats = r.getPrimaryResult().getStatistics();
            times.put(name.substring(name.lastIndexOf('.') + 1), stats.getN() > 2 ? stats.getPercentile(50) : stats.getMean());
        }
        Map<String, Pair> pairs = new LinkedHashMap<>();
        for (String k : kernels) {
            Double g = times.get(k + "Galvani"), s = times.get(k + "Scalar");
            if (g == null || s == null) throw new IllegalStateException("perf-guard: JMH returned no result for " + k);
            pairs.put(k, new Pair(g, s));
        }
        return pairs;
    }

    static String times(Map<String, Pair> pairs) {
        StringBuilder s = new StringBuilder(String.format("%-14s %12s %12s%n", "kernel", "Galvani us", "scalar us"));
        pairs.forEach((k, p) -> s.append(String.format("%-14s %12.2f %12.2f%n", k, p.galvaniUs(), p.scalarUs())));
        return s.toString();
    }

    /** Each measured kernel against its baseline: fails below threshold x baseline; a kernel without a baseline passes as new. */
    static List<Verdict> compare(Map<String, Double> ratios, Map<String, Double> baseline, double threshold) {
        List<Verdict> v = new ArrayList<>();
        ratios.forEach((k, r) -> {
            Double b = baseline.get(k);
            v.add(new Verdict(k, r, b == null ? Double.NaN : b, b == null || r >= threshold * b));
        });
        return v;
    }

    static String table(List<Verdict> verdicts, double threshold) {
        StringBuilder s = new StringBuilder(String.format("%-14s %10s %10s %10s  %s%n", "kernel", "ratio", "baseline", "floor", "status"));
        for (Verdict v : verdicts)
            s.append(String.format("%-14s %10.2f %10.2f %10.2f  %s%n", v.kernel(), v.ratio(), v.baseline(), threshold * v.baseline(), v.status()));
        return s.toString();
    }

    /** The baseline's ratios: from the file when it exists, else the copy in the runner jar, else none. */
    @SuppressWarnings("unchecked")
    static Map<String, Double> readBaseline(Path file) throws IOException {
        String text;
        if (Files.exists(file)) {
            text = Files.readString(file);
        } else {
            try (InputStream in = PerfGuard.class.getResourceAsStream("/perf-guard-baseline.json")) {
                if (in == null) return Map.of();
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        Object ratios = ((Map<String, Object>) Json.parse(text)).get("ratios");
        if (!(ratios instanceof Map<?, ?> m)) throw new IllegalArgumentException("perf-guard: " + file + " has no \"ratios\" object");
        Map<String, Double> r = new TreeMap<>();
        m.forEach((k, val) -> r.put((String) k, (Double) val));
        return r;
    }

    private static String loadAverage() {
        double l = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "n/a" : String.format("%.2f", l);
    }
}
