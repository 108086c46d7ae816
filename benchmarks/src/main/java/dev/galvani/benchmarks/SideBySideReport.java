package dev.galvani.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Joins the JSON of {@link SideBySide} (Galvani) and of {@code scripts/torch_cpu_bench.py} (PyTorch)
 * into the Markdown results page: one row per operation, joined on its id, with the ratio
 * PyTorch time / Galvani time, and the machine it ran on. Without a PyTorch file the page has the
 * Galvani column only, and says why.
 *
 * <pre>
 * side-by-side-report --galvani FILE [--torch FILE | --torch-missing REASON] --out FILE.md
 *                     [--cpu MODEL] [--cores N] [--date YYYY-MM-DD] [--command CMD]
 * </pre>
 */
public final class SideBySideReport {

    private SideBySideReport() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i], args[i + 1]);
        if (args.length % 2 != 0 || !o.containsKey("--galvani") || !o.containsKey("--out")) {
            System.err.println("usage: side-by-side-report --galvani FILE [--torch FILE | --torch-missing REASON] --out FILE.md"
                    + " [--cpu MODEL] [--cores N] [--date YYYY-MM-DD] [--command CMD]");
            System.exit(2);
            return;
        }
        Map<String, Object> galvani = read(Path.of(o.get("--galvani")));
        Map<String, Object> torch = o.containsKey("--torch") ? read(Path.of(o.get("--torch"))) : null;
        String page = render(galvani, torch, o);
        Path out = Path.of(o.get("--out"));
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        // Written beside the target and renamed, so an interrupted run never leaves half a page.
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, page);
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.print(page);
        System.out.println("\nwrote " + out);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) throws IOException {
        try {
            return (Map<String, Object>) Json.parse(Files.readString(file));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The Markdown page. {@code options} holds the command-line options (--cpu, --date, ...). */
    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> galvani, Map<String, Object> torch, Map<String, String> options) {
        String date = options.getOrDefault("--date", java.time.LocalDate.now().toString());
        StringBuilder s = new StringBuilder();
        s.append("# Galvani vs PyTorch on the CPU, ").append(date).append("\n\n");
        s.append("**ratio = PyTorch time / Galvani time: above 1 Galvani is faster, below 1 PyTorch is faster.**\n\n");
        s.append("Both libraries ran in the same run on the same machine, one after the other (Galvani first), ")
         .append("with the same number of threads, on inputs of the same shapes. Each time is the median of ")
         .append(num(galvani.get("runs"))).append(" calls after a warm-up of at least ").append(num(galvani.get("warmup")))
         .append(" calls and ").append(galvani.get("warmup_seconds")).append(" s. Every operation is eager and ")
         .append("allocates its result in both libraries.\n\n");
        if (torch == null)
            s.append("> **PyTorch was not measured:** ").append(options.getOrDefault("--torch-missing", "no PyTorch results given"))
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

        s.append("\n## Machine\n\n| | |\n|---|---|\n");
        String cpu = options.getOrDefault("--cpu", "unknown");
        if (options.containsKey("--cores")) cpu += ", " + options.get("--cores") + " cores";
        s.append("| CPU | ").append(cell(cpu)).append(" |\n");
        s.append("| threads | Galvani ").append(num(galvani.get("threads"))).append(" (`galvani.threads`)");
        if (torch != null) s.append(", PyTorch ").append(num(torch.get("threads"))).append(" (`torch.set_num_threads`)");
        s.append(" |\n");
        s.append("| Java | ").append(cell(galvani.get("runtime"))).append(" |\n");
        if (torch != null) {
            s.append("| PyTorch | ").append(cell(torch.get("torch"))).append(", Python ").append(cell(torch.get("python"))).append(" |\n");
            if (torch.get("backend") != null) s.append("| PyTorch CPU backend | ").append(cell(torch.get("backend"))).append(" |\n");
        } else {
            s.append("| PyTorch | not measured |\n");
        }
        s.append("| date | ").append(date).append(" |\n");
        s.append("| timer | Galvani `System.nanoTime`, PyTorch `time.perf_counter_ns` |\n");
        if (options.containsKey("--command")) s.append("| command | `").append(options.get("--command")).append("` |\n");
        return s.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> byId(Map<String, Object> file) {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        Object results = file.get("results");
        if (results instanceof List<?> list)
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
