package dev.galvani.benchmarks;

import dev.galvani.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown results page of the side-by-side comparison: Galvani's and PyTorch's results (the
 * JSON of {@link SideBySide} and of {@code torch_cpu_bench.py}) joined on each row's id, with the
 * ratio PyTorch time / Galvani time, and the machine they ran on.
 */
final class SideBySideReport {

    private SideBySideReport() {}

    /**
     * What the page says about the machine. {@code loadAtStart} is the load average (1, 5, 15 min)
     * just before the run; {@code othersShare} the fraction of the machine's CPU time that other
     * processes took during the run (see {@link CpuTimes}); either is null where unknown.
     */
    record Machine(String cpu, int cores, String date, String loadAtStart, Double othersShare) {}

    /** This machine: the CPU model as lscpu names it, the processors this JVM sees, today's date. */
    static Machine machine(String loadAtStart, CpuTimes runStart) {
        CpuTimes end = CpuTimes.now();
        Double others = runStart == null || end == null ? null : runStart.othersShareUntil(end);
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), LocalDate.now().toString(), loadAtStart, others);
    }

    /**
     * CPU time, in clock ticks, that the whole machine spent busy and in total (busy + idle, all
     * cores), and that this process and its finished children (the PyTorch runs) used, from /proc.
     * Between two readings, busy time that was not ours is other processes' (or, in a VM, the
     * hypervisor's steal): work that competed with the benchmark for the cores.
     */
    record CpuTimes(long machineBusy, long machineTotal, long ours) {

        /** Now, or null off Linux. */
        static CpuTimes now() {
            try {
                // cpu  user nice system idle iowait irq softirq steal ...
                String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
                long[] t = new long[9];
                for (int i = 1; i <= 8 && i < cpu.length; i++) t[i] = Long.parseLong(cpu[i]);
                long busy = t[1] + t[2] + t[3] + t[6] + t[7] + t[8], total = busy + t[4] + t[5];
                // /proc/self/stat: after the ")" closing the command name come state (field 3) ... utime (14),
                // stime (15), cutime (16), cstime (17).
                String self = Files.readString(Path.of("/proc/self/stat"));
                String[] f = self.substring(self.lastIndexOf(')') + 2).split(" ");
                long ours = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                return new CpuTimes(busy, total, ours);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** The share of the machine's CPU time between this reading and {@code later} that other processes used. */
        double othersShareUntil(CpuTimes later) {
            long total = later.machineTotal - machineTotal;
            if (total <= 0) return 0;
            long others = (later.machineBusy - machineBusy) - (later.ours - ours);
            return Math.max(0, Math.min(1, (double) others / total));
        }
    }

    /**
     * The 1-, 5- and 15-minute load averages from /proc/loadavg, or null off Linux. Other work on the
     * machine slows both libraries unevenly, so the page records how busy the machine was.
     */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String cpuModel() {
        try {
            Process p = new ProcessBuilder("lscpu").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            for (String line : text.split("\n"))
                if (line.startsWith("Model name:")) return line.substring("Model name:".length()).trim();
        } catch (IOException e) {
            // no lscpu: /proc/cpuinfo below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }

    /**
     * {@code benchmarks/results} of the checkout this jar was built in (the jar lives in
     * {@code benchmarks/target}), else {@code benchmarks/results} under the working directory when
     * that exists, else the working directory.
     */
    static Path defaultResultsDir() {
        try {
            Path code = Path.of(SideBySideReport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = code.getParent();   // the jar's folder, or target/ above target/classes
            if (target != null && target.getFileName() != null && target.getFileName().toString().equals("target")
                    && target.getParent() != null && target.getParent().getFileName().toString().equals("benchmarks"))
                return target.getParent().resolve("results");
        } catch (Exception e) {
            // no code source (an unusual class loader): fall through
        }
        return Files.isDirectory(Path.of("benchmarks")) ? Path.of("benchmarks", "results") : Path.of(".");
    }

    /** Writes the page through a temporary file and a rename, so an interrupted run never leaves half of one. */
    static void write(Path out, String page) throws IOException { AtomicFiles.writeString(out, page); }

    /**
     * The page. {@code torch} is null when PyTorch was not measured, and {@code torchMissing} then
     * says why; {@code command} is the command line that reproduces the run.
     */
    static String render(Map<String, Object> galvani, Map<String, Object> torch, Machine machine,
                         String torchMissing, String command) {
        StringBuilder s = new StringBuilder();
        s.append("# Galvani vs PyTorch on the CPU, ").append(machine.date()).append("\n\n");
        s.append("**ratio = PyTorch time / Galvani time: above 1 Galvani is faster, below 1 PyTorch is faster.**\n\n");
        s.append("Both libraries ran in the same run on the same machine, one after the other (Galvani first), ")
         .append("with the same number of threads, on inputs of the same shapes. Each time is the median of ")
         .append(num(galvani.get("runs"))).append(" calls after a warm-up of at least ").append(num(galvani.get("warmup")))
         .append(" calls and ").append(galvani.get("warmup_seconds")).append(" s");
        if (galvani.get("rounds") instanceof Number r && r.intValue() > 1)
            s.append("; the run alternated the libraries ").append(r.intValue())
             .append(" times (Galvani, PyTorch, Galvani, ...) and each row keeps each library's lowest median of the ")
             .append(r.intValue()).append(" rounds");
        s.append(". Every operation is eager and allocates its result in both libraries.\n\n");
        if (machine.othersShare() != null && machine.othersShare() > BUSY)
            s.append("> **The machine was busy:** other processes took ").append(percent(machine.othersShare()))
             .append(" of its CPU time during the run, so both libraries lost time to them, unevenly and by chance. ")
             .append("Re-run on an idle machine before reading much into a ratio.\n\n");
        if (torch == null)
            s.append("> **PyTorch was not measured:** ").append(torchMissing == null ? "no PyTorch results" : torchMissing)
             .append(". The table has the Galvani column only.\n\n");

        // Rows in Galvani's order; PyTorch rows without a Galvani twin go at the end.
        Map<String, Map<String, Object>> g = byId(galvani), t = torch == null ? Map.of() : byId(torch);
        List<String> ids = new ArrayList<>(g.keySet());
        for (String id : t.keySet()) if (!g.containsKey(id)) ids.add(id);

        List<String> notes = new ArrayList<>();
        s.append("| operation | shape | Galvani ms | PyTorch ms | ratio PyTorch / Galvani (> 1: Galvani faster) |\n");
        s.append("|---|---|---:|---:|---:|\n");
        for (String id : ids) {
            Map<String, Object> gr = g.get(id), tr = t.get(id);
            Map<String, Object> any = gr != null ? gr : tr;
            Double gm = millis(gr), tm = millis(tr);
            s.append("| ").append(cell(any.get("op"))).append(" | ").append(cell(any.get("shape"))).append(" | ")
             .append(gm == null ? "—" : ms(gm)).append(" | ")
             .append(torch == null ? "not run" : tm == null ? "—" : ms(tm)).append(" | ")
             .append(gm == null || tm == null ? "—" : String.format(Locale.ROOT, "%.2f", tm / gm)).append(" |\n");
            if (gr != null && gr.get("skipped") != null) notes.add("Galvani `" + id + "`: " + gr.get("skipped"));
            if (tr != null && tr.get("skipped") != null) notes.add("PyTorch `" + id + "`: " + tr.get("skipped"));
            if (gr != null && tr != null && !String.valueOf(gr.get("shape")).equals(String.valueOf(tr.get("shape"))))
                notes.add("`" + id + "`: the shapes differ (Galvani " + gr.get("shape") + ", PyTorch " + tr.get("shape") + ")");
        }
        if (!notes.isEmpty()) {
            s.append("\nNot measured or not comparable:\n\n");
            for (String n : notes) s.append("- ").append(n).append('\n');
        }

        lifSection(s, galvani, g, t);
        gemmSection(s, galvani, g, t);

        s.append("\n## Machine\n\n| | |\n|---|---|\n");
        s.append("| CPU | ").append(cell(machine.cpu())).append(", ").append(machine.cores()).append(" cores (lscpu, nproc) |\n");
        s.append("| threads | Galvani ").append(num(galvani.get("threads"))).append(" (`galvani.threads`)");
        if (torch != null) s.append(", PyTorch ").append(num(torch.get("threads"))).append(" (`torch.set_num_threads`)");
        s.append(" |\n");
        s.append("| Java | ").append(cell(galvani.get("runtime"))).append(" |\n");
        if (galvani.get("jvm_options") != null) s.append("| JVM options | `").append(galvani.get("jvm_options")).append("` |\n");
        if (torch != null) {
            s.append("| PyTorch | ").append(cell(torch.get("torch"))).append(", Python ").append(cell(torch.get("python"))).append(" |\n");
            if (torch.get("backend") != null) s.append("| PyTorch CPU libraries | ").append(cell(torch.get("backend"))).append(" |\n");
        } else {
            s.append("| PyTorch | not measured |\n");
        }
        if (machine.othersShare() != null)
            s.append("| CPU time taken by other processes during the run | ").append(percent(machine.othersShare())).append(" |\n");
        if (machine.loadAtStart() != null)
            s.append("| load average just before the run (1, 5, 15 min) | ").append(machine.loadAtStart()).append(" |\n");
        s.append("| date | ").append(machine.date()).append(" |\n");
        s.append("| timers | Galvani `System.nanoTime`, PyTorch `time.perf_counter_ns` |\n");
        if (command != null) s.append("| command | `").append(command).append("` |\n");
        return s.toString();
    }

    /** Above this share of the machine's CPU time taken by others, the page warns that the numbers are disturbed. */
    /**
     * The fused LIF's scorecard (issue 7), when the lif rows ran: its speed-up over the composed
     * neuron and PyTorch's eager loop, and its bytes per second against the triad's (both counted
     * as STREAM counts them), the bandwidth limit of this run.
     */
    static void lifSection(StringBuilder s, Map<String, Object> galvani, Map<String, Map<String, Object>> g, Map<String, Map<String, Object>> t) {
        Double fused = millis(g.get("lif")), composed = millis(g.get("lif-composed")), triad = millis(g.get("triad"));
        Double torchLoop = millis(t.get("lif")), torchUnbind = millis(t.get("lif-unbind")), torchTriad = millis(t.get("triad"));
        if (fused == null) return;
        int steps = intOf(galvani.get("lif_steps"), CpuWorkloads.LIF_STEPS), neurons = intOf(galvani.get("lif_neurons"), CpuWorkloads.LIF_NEURONS);
        double elements = intOf(galvani.get("elements"), CpuWorkloads.ELEMENTS);
        double bytes = CpuWorkloads.lifBytes(steps, neurons), gbs = bytes / (fused * 1e6);
        s.append("\n## The fused LIF (T = ").append(steps).append(", N = ").append(neurons).append(", F32, forward + backward)\n\n| | |\n|---|---|\n");
        s.append(String.format(Locale.ROOT, "| fused LIF | %.1f ms; %.2f GB moved (x, S, H forward; dL/dS, H, dL/dx backward) = %.1f GB/s |%n",
                fused, bytes / 1e9, gbs));
        if (triad != null) {
            double limit = 12.0 * elements / (triad * 1e6);
            s.append(String.format(Locale.ROOT, "| STREAM triad (Galvani's threads) | %.1f GB/s: the fused LIF reaches **%.0f %%** of it |%n", limit, 100 * gbs / limit));
        }
        if (torchTriad != null)
            s.append(String.format(Locale.ROOT, "| STREAM triad (PyTorch's `add(out=)`) | %.1f GB/s |%n", 12.0 * elements / (torchTriad * 1e6)));
        if (composed != null)
            s.append(String.format(Locale.ROOT, "| the same neuron composed from Galvani ops | %.1f ms: fused is **%.1fx** faster |%n", composed, composed / fused));
        if (torchLoop != null)
            s.append(String.format(Locale.ROOT, "| PyTorch eager loop reading x[t] (SpikingJelly's multi-step loop) | %.1f ms: fused is **%.1fx** faster |%n",
                    torchLoop, torchLoop / fused));
        if (torchUnbind != null)
            s.append(String.format(Locale.ROOT, "| PyTorch eager loop over x.unbind(0) (its fastest eager form) | %.1f ms: fused is **%.1fx** faster |%n",
                    torchUnbind, torchUnbind / fused));
    }

    /**
     * The GEMM rows against the machine's limit (issue 10): each library's GFLOP/s (the Galvani row's
     * operation count over each library's time) and the fraction of the FMA peak that
     * {@link MachineLimits} measured in this run on the same number of threads.
     */
    static void gemmSection(StringBuilder s, Map<String, Object> galvani, Map<String, Map<String, Object>> g, Map<String, Map<String, Object>> t) {
        if (!(galvani.get("fma_peak_f32_gflops") instanceof Double all32) || !(galvani.get("fma_peak_f64_gflops") instanceof Double all64)) return;
        // The peak is the larger of the all-threads figure and threads x the one-thread figure: on a
        // busy machine the all-threads loop loses a core to other work (and a fraction above 100 %
        // would follow), while one free core is likely; where threads share a core, or a single core
        // runs a higher turbo, the product overstates the peak, so the fractions err low, not high.
        double threads = galvani.get("threads") instanceof Number t0 ? t0.doubleValue() : 1;
        double one32 = galvani.get("fma_peak_f32_gflops_1thread") instanceof Double d ? d : 0, one64 = galvani.get("fma_peak_f64_gflops_1thread") instanceof Double d ? d : 0;
        double peak32 = Math.max(all32, threads * one32), peak64 = Math.max(all64, threads * one64);
        StringBuilder rows = new StringBuilder();
        for (var e : g.entrySet()) {
            if (!(e.getValue().get("flops") instanceof Double flops)) continue;
            double peak = e.getKey().startsWith("dgemm") ? peak64 : peak32;
            Double gm = millis(e.getValue()), tm = millis(t.get(e.getKey()));
            rows.append("| ").append(e.getKey()).append(" | ").append(cell(e.getValue().get("shape"))).append(" | ")
                .append(gm == null ? "— | —" : String.format(Locale.ROOT, "%.1f | %.0f %%", flops / (gm * 1e6), 100 * flops / (gm * 1e6) / peak)).append(" | ")
                .append(tm == null ? "— | —" : String.format(Locale.ROOT, "%.1f | %.0f %%", flops / (tm * 1e6), 100 * flops / (tm * 1e6) / peak)).append(" |\n");
        }
        if (rows.isEmpty()) return;
        s.append(String.format(Locale.ROOT, "%n## GEMM against the machine's FMA peak%n%nFMA peak measured in this run (`./galvani machine-limits`: "
                + "independent vector FMAs on registers): **%.1f GFLOP/s F32, %.1f GFLOP/s F64** on %s threads, the larger of the "
                + "%s-thread loop (%.1f and %.1f) and %s times the one-thread loop (%.1f and %.1f).%n%n", peak32, peak64,
                num(galvani.get("threads")), num(galvani.get("threads")), all32, all64, num(galvani.get("threads")), one32, one64));
        s.append("| row | shape | Galvani GFLOP/s | Galvani % of peak | PyTorch GFLOP/s | PyTorch % of peak |\n|---|---|---:|---:|---:|---:|\n");
        s.append(rows);
    }

    private static int intOf(Object v, int fallback) { return v instanceof Number n ? n.intValue() : fallback; }

    static final double BUSY = 0.05;

    private static String percent(double share) { return String.format(Locale.ROOT, "%.0f%%", 100 * share); }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> byId(Map<String, Object> file) {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        if (file.get("results") instanceof List<?> list)
            for (Object o : list)
                if (o instanceof Map<?, ?> row) m.put(String.valueOf(row.get("id")), (Map<String, Object>) row);
        return m;
    }

    private static Double millis(Map<String, Object> row) {
        if (row == null || row.get("skipped") != null) return null;
        return row.get("median_ms") instanceof Double d && d > 0 && Double.isFinite(d) ? d : null;
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.1f" : v >= 1 ? "%.2f" : "%.3f", v);
    }

    /** A JSON number as Java writes an int: 11, not 11.0. */
    private static String num(Object v) {
        return v instanceof Double d && d == Math.rint(d) ? Long.toString(d.longValue()) : String.valueOf(v);
    }

    /** Text safe inside a Markdown table cell. */
    private static String cell(Object v) { return String.valueOf(v).replace("|", "\\|").replace("\n", " "); }
}
