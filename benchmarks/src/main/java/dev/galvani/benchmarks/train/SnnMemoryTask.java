package dev.galvani.benchmarks.train;

import dev.galvani.benchmarks.Cli;
import dev.galvani.io.AtomicFiles;
import dev.galvani.nn.F;
import dev.galvani.nn.Sequential;
import dev.galvani.snn.Encoders;
import dev.galvani.snn.TemporalTraining;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.cpu.Parallel;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The memory of training through time (SNN reference §7): one training step of the
 * {@code snn-fashion-mnist} network (batch 128, direct encoding) for T = 4 … 32 under BPTT, SLTT
 * and SLTT-K, each step's peak of live allocator bytes above what was live before it (the
 * allocator statistics every device reports). BPTT keeps every step's activations until the one
 * backward, so its peak grows with T; SLTT runs a backward per step and frees that step at once,
 * so its peak does not. Writes a Markdown table and a plot.
 */
public final class SnnMemoryTask {

    private SnnMemoryTask() {}

    @Command(name = "snn-memory", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = {"Peak allocator memory of one training step of the snn-fashion-mnist network under BPTT, SLTT and SLTT-K,",
                    "for each T; writes a Markdown table and a PNG plot next to it."})
    static final class Options implements Cli.Checked {
        @Option(names = "--steps", paramLabel = "T,...", split = ",", description = "the values of T") int[] steps = {4, 8, 16, 32};
        @Option(names = "--batch-size", paramLabel = "N", description = "examples per step") int batch = 128;
        @Option(names = "--k", paramLabel = "K", description = "SLTT-K's backward passes per step") int k = 2;
        @Option(names = "--out", paramLabel = "FILE", description = "the Markdown page (the plot goes next to it)")
        Path out = Path.of("benchmarks", "results", "snn-memory-" + LocalDate.now() + ".md");

        @Override public void check() {
            if (batch <= 0 || k <= 0) throw new IllegalArgumentException("snn-memory: --batch-size and --k must be positive");
            for (int t : steps) if (t < k) throw new IllegalArgumentException("snn-memory: every T must be at least --k " + k + ", got " + t);
        }
    }

    /**
     * Runs the {@code snn-memory} command: measures the peaks for every policy and T, prints the Markdown
     * table and writes it to {@code --out}, with the plot beside it.
     * @param args the command line
     * @throws IOException if writing the table or the plot fails
     */
    public static void main(String[] args) throws IOException {
        Options o = Cli.parseOrExit(new Options(), args);
        int[] steps = o.steps;
        int batch = o.batch, k = o.k;
        Path out = o.out;
        Files.createDirectories(out.toAbsolutePath().getParent());     // before the measurement: an unwritable --out fails now
        Map<TemporalTraining.Policy, double[]> peaks = measure(steps, batch, k, System.out);
        String page = report(steps, batch, k, peaks, out.getFileName().toString().replace(".md", ".png"));
        AtomicFiles.writeString(out, page);
        plot(out.resolveSibling(out.getFileName().toString().replace(".md", ".png")), steps, peaks);
        System.out.println();
        System.out.print(page);
        System.out.println("\nwrote " + out.toAbsolutePath());
    }

    /** Peak MiB of one step per policy and T. */
    public static Map<TemporalTraining.Policy, double[]> measure(int[] steps, int batch, int k, PrintStream log) {
        Map<TemporalTraining.Policy, double[]> peaks = new LinkedHashMap<>();
        Tensor images = Tensor.randn(new Generator(1), batch, 1, 28, 28);
        Tensor labels = Tensor.randint(new Generator(2), 0, 10, batch);
        for (TemporalTraining.Policy policy : TemporalTraining.Policy.values()) {
            double[] row = new double[steps.length];
            for (int i = 0; i < steps.length; i++) {
                Sequential model = SnnFashionMnistTask.model(new SnnFashionMnistTask.Options(), new Generator(42));
                step(policy, model, images, labels, steps[i], k);          // a first step: lazily made state, warm caches
                Device.CPU.settleMemory();
                long before = Device.CPU.memoryStats().live();
                Device.CPU.resetPeakMemoryStats();
                step(policy, model, images, labels, steps[i], k);
                row[i] = (Device.CPU.memoryStats().peakLive() - before) / (1024.0 * 1024.0);
                log.printf(Locale.ROOT, "  %-6s T = %2d: peak %.1f MiB%n", policy, steps[i], row[i]);
            }
            peaks.put(policy, row);
        }
        return peaks;
    }


    private static void step(TemporalTraining.Policy policy, Sequential model, Tensor images, Tensor labels, int steps, int k) {
        try (var scope = TensorScope.open()) {
            model.zeroGrad();
            TemporalTraining.backward(policy, model, Encoders.direct(images, steps), labels, F::crossEntropy, k, new Generator(3));
        }
    }

    static String report(int[] steps, int batch, int k, Map<TemporalTraining.Policy, double[]> peaks, String png) {
        StringBuilder s = new StringBuilder("# Memory of training through time: BPTT against SLTT\n\n");
        s.append(String.format(Locale.ROOT, "One training step (forward, backward; no optimizer step) of the `snn-fashion-mnist` network "
                + "(conv 32, conv 64, linear 256, PLIF neurons, direct encoding), batch %d, F32, on the CPU with %d threads. "
                + "Each cell is the step's peak of live bytes in the CPU allocator above what was live before the step "
                + "(`Device.memoryStats().peakLive()`, the statistic the CUDA allocator reports too), after one warm-up step. "
                + "SLTT-K runs backward at K = %d random steps.%n%n", batch, Parallel.threads(), k));
        s.append("| T |");
        for (var p : peaks.keySet()) s.append(' ').append(name(p, k)).append(" MiB |");
        s.append(" BPTT / SLTT |\n|---:|");
        s.append("---:|".repeat(peaks.size() + 1)).append('\n');
        double[] bptt = peaks.get(TemporalTraining.Policy.BPTT), sltt = peaks.get(TemporalTraining.Policy.SLTT);
        for (int i = 0; i < steps.length; i++) {
            s.append("| ").append(steps[i]).append(" |");
            for (double[] row : peaks.values()) s.append(String.format(Locale.ROOT, " %.1f |", row[i]));
            s.append(String.format(Locale.ROOT, " %.1f |%n", bptt[i] / sltt[i]));
        }
        int last = steps.length - 1;
        s.append(String.format(Locale.ROOT, "%nFrom T = %d to T = %d (x%.0f): BPTT's peak x%.2f, SLTT's x%.2f, SLTT-K's x%.2f.%n",
                steps[0], steps[last], (double) steps[last] / steps[0], bptt[last] / bptt[0], sltt[last] / sltt[0],
                peaks.get(TemporalTraining.Policy.SLTT_K)[last] / peaks.get(TemporalTraining.Policy.SLTT_K)[0]));
        s.append("\n![peak memory against T](").append(png).append(")\n\nReproduce: `./galvani snn-memory`\n");
        return s.toString();
    }

    private static String name(TemporalTraining.Policy p, int k) {
        return p == TemporalTraining.Policy.SLTT_K ? "SLTT-K (K = " + k + ")" : p.name();
    }

    static void plot(Path png, int[] steps, Map<TemporalTraining.Policy, double[]> peaks) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var e : peaks.entrySet()) {
            XYSeries series = new XYSeries(e.getKey().name().replace('_', '-'));
            for (int i = 0; i < steps.length; i++) series.add(steps[i], e.getValue()[i]);
            data.addSeries(series);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Color[] colours = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, colours[i % colours.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, new NumberAxis("time steps T"), new NumberAxis("peak live memory of one step (MiB)"), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("Training memory against T: BPTT grows, SLTT stays flat", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 600);
    }
}
