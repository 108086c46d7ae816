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
import dev.galvani.nn.sparse.DynamicSparseTraining;
import dev.galvani.nn.sparse.EnsembleMask;
import dev.galvani.nn.sparse.SparseLinear;
import dev.galvani.optim.AdamW;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Reproduction R2 of the sparse-layers issue (bio reference §1): on Fashion-MNIST, an MLP of three
 * G2GNet sparse hidden layers (ensemble masks, about 75 % sparse, dynamic sparse training with
 * SET pruning and Hebbian regrowth) against (a) a dense MLP with the same number of parameters and
 * (b) the same sparse MLP with Erdős–Rényi masks of the same density (static). Several seeds; a
 * table of test accuracy, mean and spread, and the parameter counts.
 */
public final class G2gFashionMnistTask {

    /** The task's settings, with the defaults the help shows. */
    @Command(name = "g2g-fashion-mnist", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = {"G2GNet sparse MLP (ensemble masks + dynamic sparse training) against a dense MLP with the same parameter",
                    "count and an Erdős–Rényi sparse MLP of the same density, on Fashion-MNIST; test accuracy per seed."})
    public static final class Options implements Cli.Checked {
        @Option(names = "--epochs", paramLabel = "N") int epochs = 10;
        @Option(names = "--seeds", paramLabel = "S,...", split = ",") long[] seeds = {0, 1, 2};
        @Option(names = "--hidden", paramLabel = "N", description = "width of the three sparse hidden layers") int hidden = 1024;
        @Option(names = "--groups", paramLabel = "G", description = "ensembles per layer") int groups = 8;
        @Option(names = "--p-inter", paramLabel = "P", description = "connection probability across ensembles (p_intra = 1)") double pInter = 0.15;
        @Option(names = "--grouping", paramLabel = "G", description = "index, random or mixer") String grouping = "index";
        @Option(names = "--dst-interval", paramLabel = "N", description = "optimizer steps between rewirings") int dstInterval = 1000;
        @Option(names = "--lr", paramLabel = "LR") double lr = 1e-3;
        @Option(names = "--batch-size", paramLabel = "N") int batchSize = 128;
        @Option(names = "--train-limit", paramLabel = "N", description = "train on the first N images only (0: all)") int trainLimit = 0;
        @Option(names = "--out", paramLabel = "DIR") Path out = Path.of("runs");

        @Override public void check() {
            if (epochs < 1 || hidden < 1 || groups < 1 || hidden % groups != 0 || seeds.length == 0 || batchSize < 1 || dstInterval < 1)
                throw new IllegalArgumentException("g2g-fashion-mnist: positive sizes, --groups dividing --hidden, at least one seed");
            if (!(pInter >= 0 && pInter <= 1)) throw new IllegalArgumentException("g2g-fashion-mnist: --p-inter must be in [0, 1]");
            groupingValue();
        }

        EnsembleMask.Grouping groupingValue() {
            return switch (grouping.toLowerCase(Locale.ROOT)) {
                case "index" -> EnsembleMask.Grouping.INDEX;
                case "random" -> EnsembleMask.Grouping.RANDOM;
                case "mixer" -> EnsembleMask.Grouping.MIXER;
                default -> throw new IllegalArgumentException("g2g-fashion-mnist: --grouping is index, random or mixer, got '" + grouping + "'");
            };
        }

        /** Sets {@code --epochs}. */
        public Options epochs(int v) { epochs = v; return this; }
        /** Sets {@code --seeds}. */
        public Options seeds(long... v) { seeds = v; return this; }
        /** Sets {@code --hidden}. */
        public Options hidden(int v) { hidden = v; return this; }
        /** Sets {@code --train-limit}. */
        public Options trainLimit(int v) { trainLimit = v; return this; }
        /** Sets {@code --dst-interval}. */
        public Options dstInterval(int v) { dstInterval = v; return this; }
        /** Sets {@code --out}. */
        public Options out(Path v) { out = v; return this; }
    }

    /** The three models compared. */
    public enum Arm {
        /** Ensemble masks with dynamic sparse training. */
        G2G("G2GNet (ensembles + DST)"),
        /** A dense MLP with the same parameter count. */
        DENSE("dense, same parameters"),
        /** Static uniform random masks of the same density. */
        ERDOS_RENYI("Erdős–Rényi, same density");
        final String label;
        Arm(String label) { this.label = label; }
    }

    /** Test accuracy per model and seed, the parameters that exist per model, and the table. */
    public record Result(Map<Arm, double[]> accuracy, Map<Arm, Long> parameters, String table) {
        /** The mean test accuracy of a model over the seeds. */
        public double mean(Arm arm) { return java.util.Arrays.stream(accuracy.get(arm)).average().orElse(Double.NaN); }
    }

    /** The command line: {@code ./galvani g2g-fashion-mnist [options]}. */
    public static void main(String[] args) throws Exception {
        run(Cli.parseOrExit(new Options(), args), System.out);
    }

    /** Trains every model for every seed and returns (and prints) the table. */
    public static Result run(Options o, PrintStream out) throws Exception {
        o.check();
        RunDirectory runDir = RunDirectory.create(o.out, "g2g-fashion-mnist");
        FashionData data = FashionData.load(out, 1);
        TensorDataset train = data.train(), test = data.test();
        String dataset = data.name();
        if (o.trainLimit > 0 && o.trainLimit < train.size()) train = train.subset(0, o.trainLimit);
        double density = EnsembleMask.expectedDensity(o.groups, 1.0, o.pInter);
        long sparseParams = sparseParameters(o, density);
        int denseWidth = denseWidthFor(sparseParams);
        out.printf(Locale.ROOT, "%s: 3 hidden layers of %d at density %.4f (G = %d, p_inter = %s, %s grouping) = %,d parameters; dense width %d%n",
                dataset, o.hidden, density, o.groups, o.pInter, o.grouping, sparseParams, denseWidth);
        Map<Arm, double[]> accuracy = new LinkedHashMap<>();
        Map<Arm, Long> parameters = new LinkedHashMap<>();
        for (Arm arm : Arm.values()) {
            double[] acc = new double[o.seeds.length];
            for (int s = 0; s < o.seeds.length; s++) {
                Generator gen = new Generator(o.seeds[s]);
                List<SparseLinear> sparse = new ArrayList<>();
                Sequential model = model(arm, o, density, denseWidth, gen, sparse);
                parameters.put(arm, activeParameters(model));
                DynamicSparseTraining dst = arm == Arm.G2G ? new DynamicSparseTraining(sparse, o.dstInterval, 0.025,
                        DynamicSparseTraining.Prune.MAGNITUDE, DynamicSparseTraining.Grow.HEBBIAN, new Generator(o.seeds[s] + 99)) : null;
                acc[s] = train(model, dst, train, test, o, o.seeds[s], arm.label + " (seed " + o.seeds[s] + ")", out);
                out.printf(Locale.ROOT, "%s, seed %d: test accuracy %.2f%%%s%n", arm.label, o.seeds[s], 100 * acc[s],
                        dst == null ? "" : " (" + dst.events().size() + " rewirings)");
            }
            accuracy.put(arm, acc);
        }
        String table = table(o, dataset, accuracy, parameters, density);
        out.println();
        out.print(table);
        AtomicFiles.writeString(runDir.resolve("g2g.md"), table);
        out.println("table: " + runDir.resolve("g2g.md").toAbsolutePath());
        return new Result(accuracy, parameters, table);
    }

    static Sequential model(Arm arm, Options o, double density, int denseWidth, Generator gen, List<SparseLinear> sparse) {
        List<Module> layers = new ArrayList<>();
        layers.add(new Flatten());
        int in = 28 * 28;
        if (arm == Arm.DENSE) {
            for (int l = 0; l < 3; l++) {
                layers.add(new Linear(in, denseWidth, true, gen));
                layers.add(new Activation.ReLU());
                in = denseWidth;
            }
        } else {
            for (int l = 1; l <= 3; l++) {
                Tensor mask = arm == Arm.G2G
                        ? EnsembleMask.mask(o.hidden, in, o.groups, o.groupingValue(), l, 1.0, o.pInter, gen)
                        : Tensor.rand(gen, o.hidden, in).lt(density).to(dev.galvani.tensor.DType.F32);
                SparseLinear layer = new SparseLinear(in, o.hidden, mask, true, gen);
                sparse.add(layer);
                layers.add(layer);
                layers.add(new Activation.ReLU());
                in = o.hidden;
            }
        }
        layers.add(new Linear(in, 10, true, gen));
        return new Sequential(layers.toArray(Module[]::new));
    }

    /** Parameters that exist: the active connections of sparse layers, everything of dense ones. */
    static long activeParameters(Module model) {
        long n = 0;
        for (Module m : model.children()) {
            if (m instanceof SparseLinear s) n += Math.round(s.mask().sum().itemDouble()) + (s.bias == null ? 0 : s.outFeatures);
            else n += m.parameterCount();
        }
        return n;
    }

    static long sparseParameters(Options o, double density) {
        double w = density * (784.0 * o.hidden + 2.0 * o.hidden * o.hidden);
        return Math.round(w) + 3L * o.hidden + 10L * o.hidden + 10;
    }

    /** The width h of three dense hidden layers with the same parameter count: 784h + 2h² + 3h + 10h + 10. */
    static int denseWidthFor(long parameters) {
        double a = 2, b = 784 + 3 + 10, c = 10 - parameters;
        return (int) Math.round((-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a));
    }

    static double train(Sequential model, DynamicSparseTraining dst, TensorDataset train, TensorDataset test, Options o, long seed, String label, PrintStream out) {
        AdamW optimizer = new AdamW(model.parameters(), AdamW.options().lr(o.lr));
        DataLoader loader = DataLoader.builder(train).batchSize(o.batchSize).shuffle(seed).dropLast(true).build();
        try (ProgressBar bar = ProgressBar.builder(o.epochs * loader.size()).label(label).out(out).build()) {
            for (int epoch = 0; epoch < o.epochs; epoch++) {
                model.train();
                for (Batch b : loader.epoch(epoch))
                    try (var step = TensorScope.open()) {
                        Tensor loss = F.crossEntropy(model.forward(b.inputs()), b.targets());
                        model.zeroGrad();
                        loss.backward();
                        optimizer.step();
                        if (dst != null) dst.step();
                        bar.metric("loss", loss.item()).step();
                    }
            }
        }
        model.eval();
        long correct = 0;
        try (var _ = Autograd.noGrad()) {
            for (Batch b : DataLoader.builder(test).batchSize(1000).prefetch(0).build())
                try (var scope = TensorScope.open()) {
                    correct += model.forward(b.inputs()).argmax(1).eq(b.targets()).sum().itemLong();
                }
        }
        return (double) correct / test.size();
    }

    static String table(Options o, String dataset, Map<Arm, double[]> accuracy, Map<Arm, Long> parameters, double density) {
        StringBuilder s = new StringBuilder("| model | parameters | ");
        for (long seed : o.seeds) s.append("seed ").append(seed).append(" | ");
        s.append("mean ± sd |\n|---|---:|");
        for (int i = 0; i <= o.seeds.length; i++) s.append("---:|");
        s.append('\n');
        accuracy.forEach((arm, acc) -> {
            double mean = java.util.Arrays.stream(acc).average().orElse(Double.NaN);
            double sd = Math.sqrt(java.util.Arrays.stream(acc).map(a -> (a - mean) * (a - mean)).sum() / Math.max(1, acc.length - 1));
            s.append("| ").append(arm.label).append(String.format(Locale.ROOT, " | %,d | ", parameters.get(arm)));
            for (double a : acc) s.append(String.format(Locale.ROOT, "%.2f %% | ", 100 * a));
            s.append(String.format(Locale.ROOT, "%.2f ± %.2f %% |%n", 100 * mean, 100 * sd));
        });
        s.append(String.format(Locale.ROOT, "%n%s; 3 hidden layers of %d, density %.4f (G = %d, p_inter = %s, %s grouping), DST every %d steps"
                + " (2.5 %% SET pruning, Hebbian regrowth); AdamW lr %s, batch %d, %d epochs%n",
                dataset, o.hidden, density, o.groups, o.pInter, o.grouping, o.dstInterval, o.lr, o.batchSize, o.epochs));
        return s.toString();
    }
}
