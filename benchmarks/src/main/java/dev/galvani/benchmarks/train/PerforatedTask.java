package dev.galvani.benchmarks.train;

import dev.galvani.autograd.Autograd;
import dev.galvani.benchmarks.Cli;
import dev.galvani.data.Batch;
import dev.galvani.data.DataLoader;
import dev.galvani.data.TensorDataset;
import dev.galvani.io.AtomicFiles;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.nn.Activation;
import dev.galvani.nn.F;
import dev.galvani.nn.Flatten;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.nn.Sequential;
import dev.galvani.nn.dendrites.DendriteRule;
import dev.galvani.nn.dendrites.DendriteSwitch;
import dev.galvani.nn.dendrites.PerforatedCheckpoint;
import dev.galvani.nn.dendrites.PerforatedNeuron;
import dev.galvani.nn.dendrites.PerforatedTrainer;
import dev.galvani.optim.Adam;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.awt.BasicStroke;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The perforated-backpropagation demonstration of bio reference §2 (Brenner &amp; Itti,
 * arXiv 2501.18018): a deliberately narrow one-hidden-layer network, its two layers wrapped as
 * {@link PerforatedNeuron}s, trained without dendrites, with gradient-descent dendrites and with
 * correlation dendrites (the cycle of §2.3, {@link PerforatedTrainer}), beside plain networks of
 * growing width, on Fashion-MNIST (score: validation accuracy) and on a regression of Galvani's own
 * (score: minus the validation error). The table gives test score against parameter count: do
 * dendrites let the narrow network match a wider one ("compression without loss")?
 */
public final class PerforatedTask {

    /** The task's settings, with the defaults the help shows. */
    @Command(name = "perforated", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = "Perforated backpropagation: a narrow network without dendrites, with gradient and with correlation dendrites, against wider plain networks.")
    public static final class Options implements Cli.Checked {
        @Option(names = "--problem", paramLabel = "P", description = "fashion-mnist, regression or both") String problem = "both";
        @Option(names = "--hidden", paramLabel = "N", description = "the narrow network's width (Fashion-MNIST; the regression uses half of it)") int hidden = 8;
        @Option(names = "--widths", paramLabel = "W,...", split = ",", description = "widths of the plain networks compared (multiples of --hidden)") int[] widths = {1, 2, 4, 8};
        @Option(names = "--max-epochs", paramLabel = "N", description = "epoch budget per network (the best model is kept)") int maxEpochs = 200;
        @Option(names = "--switch-epochs", paramLabel = "N", description = "epochs without improvement before a switch (history rule; the reference's default is 10)") int switchEpochs = 10;
        @Option(names = "--candidate-epochs", paramLabel = "N", description = "length of the correlation p-phase") int candidateEpochs = 10;
        @Option(names = "--max-dendrites", paramLabel = "N") int maxDendrites = 4;
        @Option(names = "--lr", paramLabel = "LR", description = "Adam's learning rate (default: 0.003 for Fashion-MNIST, 0.01 for the regression)") Double lr;
        @Option(names = "--batch-size", paramLabel = "N") int batchSize = 64;
        @Option(names = "--train-limit", paramLabel = "N", description = "Fashion-MNIST: train on the first N images only (0: all but the 10,000 held out)") int trainLimit = 0;
        @Option(names = "--seed", paramLabel = "S") long seed = 0;
        @Option(names = "--out", paramLabel = "DIR") Path out = Path.of("runs");

        @Override public void check() {
            if (!List.of("fashion-mnist", "regression", "both").contains(problem))
                throw new IllegalArgumentException("perforated: --problem is fashion-mnist, regression or both, not " + problem);
            if (hidden < 4 || maxEpochs < 1 || switchEpochs < 1 || candidateEpochs < 1 || maxDendrites < 0 || batchSize < 1 || widths.length == 0)
                throw new IllegalArgumentException("perforated: --hidden at least 4, positive epochs and sizes, --max-dendrites at least 0");
            for (int w : widths) if (w < 1) throw new IllegalArgumentException("perforated: --widths are positive multiples");
        }

        /** Sets {@code --problem}. */
        public Options problem(String v) { problem = v; return this; }
        /** Sets {@code --max-epochs}. */
        public Options maxEpochs(int v) { maxEpochs = v; return this; }
        /** Sets {@code --widths}. */
        public Options widths(int... v) { widths = v; return this; }
        /** Sets {@code --train-limit}. */
        public Options trainLimit(int v) { trainLimit = v; return this; }
        /** Sets {@code --candidate-epochs}. */
        public Options candidateEpochs(int v) { candidateEpochs = v; return this; }
        /** Sets {@code --switch-epochs}. */
        public Options switchEpochs(int v) { switchEpochs = v; return this; }
        /** Sets {@code --out}. */
        public Options out(Path v) { out = v; return this; }
    }

    /** One trained network: what it was, its parameters, test score, epochs run and dendrite sets kept. */
    public record Row(String problem, String network, long parameters, double testScore, int epochs, int dendrites, List<Double> validation) {}

    /** Every row, each problem's trivial score (the majority class's accuracy, or the error of predicting the training mean), and the table. */
    public record Result(List<Row> rows, Map<String, Double> trivial, String table) {
        /** The row of a problem and network label. */
        public Row row(String problem, String network) {
            return rows.stream().filter(r -> r.problem.equals(problem) && r.network.equals(network)).findFirst().orElseThrow();
        }
    }

    /** A problem: data split three ways, the input and output sizes, and how a batch is scored. */
    private record Problem(String name, TensorDataset train, TensorDataset validation, TensorDataset test, int in, int out, int hidden, boolean classification, double lr) {}

    /** The command line: {@code ./galvani perforated [options]}. */
    public static void main(String[] args) throws Exception {
        run(Cli.parseOrExit(new Options(), args), System.out);
    }

    /** Trains every network on every problem chosen and returns (and prints) the table. */
    public static Result run(Options o, PrintStream out) throws Exception {
        o.check();
        RunDirectory runDir = RunDirectory.create(o.out, "perforated");
        List<Problem> problems = new ArrayList<>();
        if (!o.problem.equals("regression")) problems.add(fashion(o, out));
        if (!o.problem.equals("fashion-mnist")) problems.add(regression(o));
        List<Row> rows = new ArrayList<>();
        Map<String, Double> trivial = new java.util.LinkedHashMap<>();
        for (Problem p : problems) {
            trivial.put(p.name, trivial(p));
            out.printf(Locale.ROOT, "%s: %,d training, %,d validation, %,d test examples; narrow width %d; Adam lr %s%n",
                    p.name, p.train.size(), p.validation.size(), p.test.size(), p.hidden, p.lr);
            for (int w : o.widths) rows.add(train(p, p.hidden * w, null, o, runDir, out));
            rows.add(train(p, p.hidden, DendriteRule.GRADIENT, o, runDir, out));
            rows.add(train(p, p.hidden, DendriteRule.CORRELATION, o, runDir, out));
        }
        String table = table(rows, trivial, o);
        out.println();
        out.print(table);
        AtomicFiles.writeString(runDir.resolve("perforated.md"), table);
        for (Problem p : problems) plot(runDir.resolve("perforated-" + p.name.toLowerCase(Locale.ROOT).replace(' ', '-') + ".png"), p, rows);
        out.println("table and plots: " + runDir.dir.toAbsolutePath());
        return new Result(rows, trivial, table);
    }

    private static Problem fashion(Options o, PrintStream out) throws Exception {
        FashionData data = FashionData.load(out, 1);
        TensorDataset all = data.train();
        int held = Math.min(10_000, all.size() / 6);
        int trainEnd = all.size() - held;
        TensorDataset train = all.subset(0, o.trainLimit > 0 ? Math.min(o.trainLimit, trainEnd) : trainEnd);
        return new Problem(data.name(), train, all.subset(trainEnd, all.size()), data.test(), 784, 10, o.hidden, true, o.lr != null ? o.lr : 3e-3);
    }

    /**
     * The regression: y = sin(π x₀) x₁ + cos(π x₂ x₃) + 0.5 x₀ x₂ on x uniform in [−1, 1]⁴, a smooth
     * target with products a narrow tanh layer fits poorly. 8,192 / 2,048 / 4,096 examples.
     */
    private static Problem regression(Options o) {
        Generator gen = new Generator(o.seed + 500);
        Tensor x = Tensor.rand(gen, 14_336, 4).mul(2).sub(1);
        Tensor x0 = x.select(1, 0), x1 = x.select(1, 1), x2 = x.select(1, 2), x3 = x.select(1, 3);
        Tensor y = x0.mul(Math.PI).sin().mul(x1).add(x2.mul(x3).mul(Math.PI).cos()).add(x0.mul(x2).mul(0.5)).reshape(-1, 1);
        TensorDataset all = new TensorDataset(x, y);
        return new Problem("regression", all.subset(0, 8192), all.subset(8192, 10_240), all.subset(10_240, 14_336), 4, 1, Math.max(2, o.hidden / 2), false, o.lr != null ? o.lr : 1e-2);
    }

    private static Sequential model(Problem p, int width, Generator gen) {
        Generator dendriteGen = new Generator(gen.seed() + 7);
        var first = new PerforatedNeuron(new Linear(p.in, width, true, gen), () -> new Linear(p.in, width, true, gen), width, dendriteGen);
        var second = new PerforatedNeuron(new Linear(width, p.out, true, gen), () -> new Linear(width, p.out, true, gen), p.out, dendriteGen);
        return new Sequential(new Flatten(), first, p.classification ? new Activation.ReLU() : new Activation.Tanh(), second);
    }

    private static Tensor loss(Problem p, Module model, Batch b) {
        Tensor y = model.forward(b.inputs());
        return p.classification ? F.crossEntropy(y, b.targets()) : F.mseLoss(y, b.targets());
    }

    /** Accuracy, or minus the mean squared error: higher is better. */
    private static double score(Problem p, Module model, TensorDataset data) {
        double total = 0;
        try (var _ = Autograd.noGrad()) {
            for (Batch b : DataLoader.builder(data).batchSize(2048).prefetch(0).build())
                try (var scope = TensorScope.open()) {
                    Tensor y = model.forward(b.inputs());
                    total += p.classification ? y.argmax(1).eq(b.targets()).sum().itemDouble() : -y.sub(b.targets()).square().sum().itemDouble();
                }
        }
        return total / data.size();
    }

    private static Row train(Problem p, int width, DendriteRule rule, Options o, RunDirectory runDir, PrintStream out) throws Exception {
        String label = rule == null ? "plain, width " + width
                : (rule == DendriteRule.GRADIENT ? "gradient" : "correlation") + " dendrites, width " + width;
        Generator gen = new Generator(o.seed);
        Sequential model = model(p, width, gen);
        // Plain networks: the same loop with no dendrite allowed, i.e. early stopping on the validation score.
        DendriteSwitch rules = new DendriteSwitch(DendriteSwitch.Rule.HISTORY, o.switchEpochs, 250, 249, 2, rule == null ? 0 : o.maxDendrites, 0.001, 0.0001);
        var trainer = new PerforatedTrainer(model, rule == null ? DendriteRule.GRADIENT : rule, rules,
                params -> new Adam(params, Adam.options().lr(p.lr)), o.candidateEpochs);
        DataLoader loader = DataLoader.builder(p.train).batchSize(o.batchSize).shuffle(o.seed).dropLast(true).build();
        List<Double> validation = new ArrayList<>();
        try (ProgressBar bar = ProgressBar.builder((long) o.maxEpochs * loader.size()).label(p.name + ": " + label).out(out).build()) {
            for (int epoch = 0; epoch < o.maxEpochs && trainer.phase() != PerforatedTrainer.Phase.DONE; epoch++) {
                model.train();
                for (Batch b : loader.epoch(epoch))
                    try (var step = TensorScope.open()) {
                        bar.metric("loss", trainer.step(() -> loss(p, model, b))).step();
                    }
                model.eval();
                double v = score(p, model, p.validation);
                validation.add(v);
                trainer.endEpoch(v);
                bar.metric("val", v).metric("dendrites", trainer.dendrites());
            }
        }
        int epochs = validation.size();
        trainer.stop();
        for (var e : trainer.events())
            out.printf(Locale.ROOT, "  after epoch %d: %s (best validation %s %.4f)%n", e.epoch(), e.what(), p.classification ? "accuracy" : "MSE", Math.abs(e.best()));
        model.eval();
        double test = score(p, model, p.test);
        int kept = PerforatedCheckpoint.structure(model).values().stream().mapToInt(Integer::intValue).max().orElse(0);
        String file = p.name.toLowerCase(Locale.ROOT).replace(' ', '-') + "-" + label.replace(", ", "-").replace(' ', '-') + ".safetensors";
        PerforatedCheckpoint.save(runDir.resolve(file), model, Map.of("problem", p.name, "network", label, "test", Double.toString(test)));
        out.printf(Locale.ROOT, "%s, %s: %,d parameters, %d dendrite sets, test %s %.4f after %d epochs%n",
                p.name, label, model.parameterCount(), kept, p.classification ? "accuracy" : "MSE", Math.abs(test), epochs);
        return new Row(p.name, label, model.parameterCount(), test, epochs, kept, validation);
    }

    /** The score of a constant prediction: the most frequent training class, or the training targets' mean. */
    private static double trivial(Problem p) {
        Tensor trainY = p.train.tensors().targets(), testY = p.test.tensors().targets();
        if (p.classification) {
            long[] counts = new long[p.out];
            for (long c : trainY.toLongArray()) counts[(int) c]++;
            int majority = 0;
            for (int c = 1; c < p.out; c++) if (counts[c] > counts[majority]) majority = c;
            return testY.eq(majority).sum().itemDouble() / testY.size(0);
        }
        return -testY.sub(trainY.mean()).square().mean().itemDouble();
    }

    static String table(List<Row> rows, Map<String, Double> trivial, Options o) {
        StringBuilder s = new StringBuilder("| problem | network | parameters | dendrite sets | epochs | test |\n|---|---|---:|---:|---:|---:|\n");
        for (Row r : rows)
            s.append(String.format(Locale.ROOT, "| %s | %s | %,d | %d | %d | %s |%n", r.problem, r.network, r.parameters, r.dendrites, r.epochs,
                    r.problem.equals("regression") ? String.format(Locale.ROOT, "MSE %.5f", -r.testScore) : String.format(Locale.ROOT, "%.2f %%", 100 * r.testScore)));
        trivial.forEach((name, v) -> s.append(String.format(Locale.ROOT, "| %s | constant prediction (trivial baseline) | 0 | 0 | 0 | %s |%n", name,
                name.equals("regression") ? String.format(Locale.ROOT, "MSE %.5f", -v) : String.format(Locale.ROOT, "%.2f %%", 100 * v))));
        s.append(String.format(Locale.ROOT, "%nOne hidden layer, both layers wrapped as perforated neurons; Adam lr %s, batch %d, at most %d epochs;"
                        + " history switching after %d epochs without improvement (thresholds 0.001, 0.0001), at most %d dendrite sets, 2 tries;"
                        + " correlation p-phase %d epochs; plain networks stop early by the same rule; best validation model kept; seed %d%n",
                o.lr != null ? o.lr.toString() : "0.003 (Fashion-MNIST) / 0.01 (regression)", o.batchSize, o.maxEpochs, o.switchEpochs, o.maxDendrites, o.candidateEpochs, o.seed));
        return s.toString();
    }

    /** Test score against parameters (log scale): the plain networks as a line, the dendritic ones as points. */
    private static void plot(Path png, Problem p, List<Row> rows) throws java.io.IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries plain = new XYSeries("plain networks"), gradient = new XYSeries("gradient dendrites"), correlation = new XYSeries("correlation dendrites");
        for (Row r : rows) {
            if (!r.problem.equals(p.name)) continue;
            double y = p.classification ? 100 * r.testScore : -r.testScore;
            (r.network.startsWith("plain") ? plain : r.network.startsWith("gradient") ? gradient : correlation).add(r.parameters, y);
        }
        data.addSeries(plain);
        data.addSeries(gradient);
        data.addSeries(correlation);
        JFreeChart chart = ChartFactory.createXYLineChart(p.name + ": test " + (p.classification ? "accuracy (%)" : "MSE") + " against parameters",
                "parameters", p.classification ? "test accuracy (%)" : "test MSE", data, PlotOrientation.VERTICAL, true, false, false);
        var plot = chart.getXYPlot();
        LogAxis parameters = new LogAxis("parameters (log scale)");
        parameters.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        plot.setDomainAxis(parameters);
        ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesLinesVisible(1, false);
        renderer.setSeriesLinesVisible(2, false);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setSeriesShape(1, new java.awt.geom.Ellipse2D.Double(-6, -6, 12, 12));
        renderer.setSeriesShape(2, new java.awt.geom.Rectangle2D.Double(-6, -6, 12, 12));
        plot.setRenderer(renderer);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 600);
    }
}
