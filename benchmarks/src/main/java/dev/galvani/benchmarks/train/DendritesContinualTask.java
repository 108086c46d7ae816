package dev.galvani.benchmarks.train;

import dev.galvani.autograd.Autograd;
import dev.galvani.benchmarks.Cli;
import dev.galvani.data.Batch;
import dev.galvani.data.DataLoader;
import dev.galvani.data.TensorDataset;
import dev.galvani.io.AtomicFiles;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.nn.F;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.nn.dendrites.DendriticLayer;
import dev.galvani.nn.dendrites.KWinners;
import dev.galvani.optim.Adam;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The active-dendrites demonstration of bio reference §3.2 (Iyer et al. 2022): continual learning
 * on permuted Fashion-MNIST. Tasks are learned one after the other, each a fixed random permutation
 * of the pixels; afterwards every task's test set is scored. The dendritic network (two
 * {@link DendriticLayer}s with absolute-max gating and k-WTA, a shared readout) gets a context per
 * task, the task's prototype (its mean training input); at test time each example's context is the
 * nearest prototype, so the task is inferred, not given. The baseline is the same network without
 * segments (linear layers with k-WTA).
 */
public final class DendritesContinualTask {

    /** The task's settings, with the defaults the help shows. */
    @Command(name = "dendrites-continual", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = "Continual learning on permuted Fashion-MNIST: active dendrites against the same network without them.")
    public static final class Options implements Cli.Checked {
        @Option(names = "--tasks", paramLabel = "N", description = "permutations learned one after the other") int tasks = 10;
        @Option(names = "--train-per-task", paramLabel = "N", description = "training images per task") int trainPerTask = 10000;
        @Option(names = "--epochs", paramLabel = "N", description = "epochs per task") int epochs = 2;
        @Option(names = "--hidden", paramLabel = "N") int hidden = 512;
        @Option(names = "--k-percent", paramLabel = "P", description = "fraction of units k-WTA keeps") double kPercent = 0.05;
        @Option(names = "--lr", paramLabel = "LR") double lr = 1e-3;
        @Option(names = "--seed", paramLabel = "S") long seed = 0;
        @Option(names = "--out", paramLabel = "DIR") Path out = Path.of("runs");

        @Override public void check() {
            if (tasks < 1 || trainPerTask < 64 || epochs < 1 || hidden < 1 || !(kPercent > 0 && kPercent <= 1))
                throw new IllegalArgumentException("dendrites-continual: positive sizes, --train-per-task at least 64, --k-percent in (0, 1]");
        }

        /** Sets {@code --tasks}. */
        public Options tasks(int v) { tasks = v; return this; }
        /** Sets {@code --train-per-task}. */
        public Options trainPerTask(int v) { trainPerTask = v; return this; }
        /** Sets {@code --hidden}. */
        public Options hidden(int v) { hidden = v; return this; }
        /** Sets {@code --epochs}. */
        public Options epochs(int v) { epochs = v; return this; }
        /** Sets {@code --out}. */
        public Options out(Path v) { out = v; return this; }
    }

    /** Mean test accuracy over all tasks after the last one, and per task, for both networks. */
    public record Result(double dendritic, double baseline, double[] dendriticPerTask, double[] baselinePerTask, String table) {}

    /** The network: two hidden layers with k-WTA and a shared readout; dendritic or not. */
    static final class Net extends Module {
        final DendriticLayer d1, d2;
        final Linear l1, l2, readout;
        final int k;

        Net(boolean dendrites, Options o, Generator gen) {
            k = Math.max(1, (int) Math.round(o.kPercent * o.hidden));
            if (dendrites) {
                d1 = registerModule("d1", new DendriticLayer(784, o.hidden, o.tasks, 784, 0.95, DendriticLayer.Combination.ABS_MAX_GATE, gen));
                d2 = registerModule("d2", new DendriticLayer(o.hidden, o.hidden, o.tasks, 784, 0.95, DendriticLayer.Combination.ABS_MAX_GATE, gen));
                l1 = l2 = null;
            } else {
                l1 = registerModule("l1", new Linear(784, o.hidden, true, gen));
                l2 = registerModule("l2", new Linear(o.hidden, o.hidden, true, gen));
                d1 = d2 = null;
            }
            readout = registerModule("readout", new Linear(o.hidden, 10, true, gen));
        }

        /** Logits for inputs [B, 784] under one context [1, 784] (ignored without dendrites). */
        Tensor forward(Tensor x, Tensor context) {
            Tensor h = d1 != null ? d1.forward(x, context) : l1.forward(x);
            h = KWinners.apply(h, k);
            h = d2 != null ? d2.forward(h, context) : l2.forward(h);
            return readout.forward(KWinners.apply(h, k));
        }

        @Override public Tensor forward(Tensor x) { throw new UnsupportedOperationException("Net: forward(x, context)"); }
    }

    /** The command line: {@code ./galvani dendrites-continual [options]}. */
    public static void main(String[] args) throws Exception {
        run(Cli.parseOrExit(new Options(), args), System.out);
    }

    /** Trains both networks through every task, then scores every task. */
    public static Result run(Options o, PrintStream out) throws Exception {
        o.check();
        RunDirectory runDir = RunDirectory.create(o.out, "dendrites-continual");
        FashionData data = FashionData.load(out, 1);
        TensorDataset train = data.train(), test = data.test();
        String dataset = data.name();
        Tensor trainX = train.tensors().inputs().reshape(-1, 784), testX = test.tensors().inputs().reshape(-1, 784);
        Tensor trainY = train.tensors().targets(), testY = test.tensors().targets();
        Generator permGen = new Generator(o.seed + 1000);
        List<Tensor> perms = new ArrayList<>();
        for (int t = 0; t < o.tasks; t++) perms.add(t == 0 ? Tensor.arange(784) : Tensor.randperm(permGen, 784));
        out.printf("%s, %d permuted tasks of %d training images each, %d epochs per task; hidden %d, k-WTA %.0f %%%n",
                dataset, o.tasks, o.trainPerTask, o.epochs, o.hidden, 100 * o.kPercent);
        double[] withD = train(true, o, trainX, trainY, testX, testY, perms, out);
        double[] without = train(false, o, trainX, trainY, testX, testY, perms, out);
        double mD = java.util.Arrays.stream(withD).average().orElse(Double.NaN), mB = java.util.Arrays.stream(without).average().orElse(Double.NaN);
        StringBuilder t = new StringBuilder("| network | mean over tasks |");
        for (int i = 0; i < o.tasks; i++) t.append(" task ").append(i + 1).append(" |");
        t.append("\n|---|---:|");
        for (int i = 0; i < o.tasks; i++) t.append("---:|");
        t.append('\n');
        for (var row : List.of(new Object[]{"active dendrites (context inferred)", mD, withD}, new Object[]{"same network without dendrites", mB, without})) {
            t.append("| ").append(row[0]).append(String.format(Locale.ROOT, " | %.2f %% |", 100 * (double) row[1]));
            for (double a : (double[]) row[2]) t.append(String.format(Locale.ROOT, " %.1f |", 100 * a));
            t.append('\n');
        }
        t.append(String.format(Locale.ROOT, "%n%s; %d tasks learned in order (task 1 unpermuted), %d images x %d epochs each, Adam lr %s,"
                + " hidden %d, k-WTA %.0f %%, segments = tasks, dendrite weights 95 %% sparse; accuracy on each task's 10,000 test images after the last task%n",
                dataset, o.tasks, o.trainPerTask, o.epochs, o.lr, o.hidden, 100 * o.kPercent));
        out.println();
        out.print(t);
        AtomicFiles.writeString(runDir.resolve("continual.md"), t.toString());
        return new Result(mD, mB, withD, without, t.toString());
    }

    private static double[] train(boolean dendrites, Options o, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY, List<Tensor> perms, PrintStream out) {
        Net net = new Net(dendrites, o, new Generator(o.seed));
        Adam optimizer = new Adam(net.parameters(), Adam.options().lr(o.lr));
        List<Tensor> prototypes = new ArrayList<>();
        String label = dendrites ? "dendrites" : "baseline";
        for (int task = 0; task < o.tasks; task++) {
            Tensor idx = Tensor.arange(Math.min(o.trainPerTask, trainX.size(0)));
            Tensor x = trainX.indexSelect(0, idx).indexSelect(1, perms.get(task)), y = trainY.indexSelect(0, idx);
            Tensor prototype = TensorScope.untracked(() -> x.mean(0, true).clone());
            prototypes.add(prototype);
            DataLoader loader = DataLoader.builder(new TensorDataset(x, y)).batchSize(64).shuffle(o.seed + task).dropLast(true).build();
            try (ProgressBar bar = ProgressBar.builder(o.epochs * loader.size()).label(label + " task " + (task + 1) + "/" + o.tasks).out(out).build()) {
                for (int e = 0; e < o.epochs; e++)
                    for (Batch b : loader.epoch(e))
                        try (var step = TensorScope.open()) {
                            Tensor loss = F.crossEntropy(net.forward(b.inputs(), prototype), b.targets());
                            net.zeroGrad();
                            loss.backward();
                            optimizer.step();
                            bar.metric("loss", loss.item()).step();
                        }
            }
        }
        // Every task's test set; each example's context is the nearest prototype (the task is inferred).
        double[] acc = new double[o.tasks];
        Tensor protoStack = Tensor.cat(prototypes, 0);                        // [tasks, 784]
        try (var _ = Autograd.noGrad()) {
            for (int task = 0; task < o.tasks; task++)
                try (var scope = TensorScope.open()) {
                    Tensor x = testX.indexSelect(1, perms.get(task));
                    Tensor distances = x.matmul(protoStack.T()).mul(-2.0).add(protoStack.square().sum(1, false));   // ‖x − p‖² − ‖x‖²
                    long[] inferred = distances.argmin(1).toLongArray();
                    long correct = 0;
                    for (int c = 0; c < o.tasks; c++) {
                        List<Long> rows = new ArrayList<>();
                        for (int i = 0; i < inferred.length; i++) if (inferred[i] == c) rows.add((long) i);
                        if (rows.isEmpty()) continue;
                        Tensor sel = Tensor.of(rows.stream().mapToLong(Long::longValue).toArray(), rows.size());
                        correct += net.forward(x.indexSelect(0, sel), prototypes.get(c)).argmax(1).eq(testY.indexSelect(0, sel)).sum().itemLong();
                    }
                    acc[task] = (double) correct / x.size(0);
                }
        }
        out.printf(Locale.ROOT, "%s: mean test accuracy over %d tasks %.2f%%%n", label, o.tasks, 100 * java.util.Arrays.stream(acc).average().orElse(0));
        return acc;
    }
}
