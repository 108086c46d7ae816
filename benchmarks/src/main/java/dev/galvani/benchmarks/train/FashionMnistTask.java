package dev.galvani.benchmarks.train;

import dev.galvani.autograd.Autograd;
import dev.galvani.data.Batch;
import dev.galvani.data.DataLoader;
import dev.galvani.data.FashionMNIST;
import dev.galvani.data.SyntheticImages;
import dev.galvani.data.TensorDataset;
import dev.galvani.io.SafeTensors;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.monitor.TrainingCurves;
import dev.galvani.monitor.TrainingLog;
import dev.galvani.nn.Activation;
import dev.galvani.nn.BatchNorm;
import dev.galvani.nn.Conv;
import dev.galvani.nn.Dropout;
import dev.galvani.nn.F;
import dev.galvani.nn.Flatten;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.nn.Pool;
import dev.galvani.nn.Sequential;
import dev.galvani.optim.AdamW;
import dev.galvani.optim.OneCycleLR;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.MemoryStats;
import dev.galvani.tensor.cpu.Parallel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The runner's first task: a small CNN (two conv blocks + two linear layers) trained on
 * Fashion-MNIST on the CPU with AdamW and a one-cycle schedule. Prints test accuracy and epoch times,
 * writes training curves (PNG + CSV) and the trained weights (safetensors). Without the data set it
 * says how to install it and trains on a generated stand-in, so the command still does real work.
 */
public final class FashionMnistTask {

    /** Settings, with the defaults the README quotes; {@code channels} are the two conv widths, {@code hidden} the first linear layer's. */
    public static final class Options {
        int epochs = 5, batchSize = 128, trainLimit = 0, channels1 = 32, channels2 = 64, hidden = 128;
        double maxLr = 3e-3, weightDecay = 1e-4;
        long seed = 42;
        Path out = Path.of("runs");

        public Options epochs(int v) { epochs = positive("--epochs", v); return this; }
        public Options batchSize(int v) { batchSize = positive("--batch-size", v); return this; }
        public Options trainLimit(int v) { trainLimit = positive("--train-limit", v); return this; }
        public Options width(int channels1, int channels2, int hidden) {
            this.channels1 = positive("--channels", channels1);
            this.channels2 = positive("--channels", channels2);
            this.hidden = positive("--hidden", hidden);
            return this;
        }
        public Options maxLr(double v) { maxLr = v; return this; }
        public Options weightDecay(double v) { weightDecay = v; return this; }
        public Options seed(long v) { seed = v; return this; }
        public Options out(Path v) { out = v; return this; }

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                if (i + 1 >= args.length) throw new IllegalArgumentException("fashion-mnist: " + a + " needs a value\n" + USAGE);
                String v = args[++i];
                switch (a) {
                    case "--epochs" -> o.epochs(Integer.parseInt(v));
                    case "--batch-size" -> o.batchSize(Integer.parseInt(v));
                    case "--lr" -> o.maxLr(Double.parseDouble(v));
                    case "--weight-decay" -> o.weightDecay(Double.parseDouble(v));
                    case "--seed" -> o.seed(Long.parseLong(v));
                    case "--train-limit" -> o.trainLimit(Integer.parseInt(v));
                    case "--out" -> o.out(Path.of(v));
                    default -> throw new IllegalArgumentException("fashion-mnist: unknown option '" + a + "'\n" + USAGE);
                }
            }
            return o;
        }

        private static int positive(String option, int n) {
            if (n <= 0) throw new IllegalArgumentException("fashion-mnist: " + option + " must be positive, got " + n);
            return n;
        }
    }

    static final String USAGE = """
            usage: ./galvani fashion-mnist [--epochs 5] [--batch-size 128] [--lr 3e-3] [--weight-decay 1e-4]
                                           [--seed 42] [--train-limit N] [--out runs]
            Trains a small CNN on Fashion-MNIST (CPU; threads: -Dgalvani.threads=N) and reports test accuracy,
            epoch times and where the curves and weights were written.""";

    /** What a run produced. */
    public record Result(String dataset, double testAccuracy, double testLoss, List<Double> epochSeconds, List<Double> batchLosses,
                         Path curves, Path weights) {

        /** Mean training loss over the first (or last) {@code fraction} of the steps. */
        public double meanLoss(boolean first, double fraction) {
            int k = Math.max(1, (int) (batchLosses.size() * fraction));
            List<Double> part = first ? batchLosses.subList(0, k) : batchLosses.subList(batchLosses.size() - k, batchLosses.size());
            return part.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }

    public static void main(String[] args) throws Exception {
        run(Options.parse(args), System.out);
    }

    /** The model: two conv blocks (conv 3x3, batch norm, ReLU, 2x2 max pool) and two linear layers. */
    public static Sequential model(int c1, int c2, int hidden, Generator gen) {
        return new Sequential(
                new Conv.Conv2d(1, c1, 3, 1, 1, 1, 1, true, gen), new BatchNorm.BatchNorm2d(c1), new Activation.ReLU(), new Pool.MaxPool2d(2),
                new Conv.Conv2d(c1, c2, 3, 1, 1, 1, 1, true, gen), new BatchNorm.BatchNorm2d(c2), new Activation.ReLU(), new Pool.MaxPool2d(2),
                new Flatten(), new Linear(c2 * 7 * 7, hidden, true, gen), new Activation.ReLU(), new Dropout(0.25, gen), new Linear(hidden, 10, true, gen));
    }

    public static Result run(Options o, PrintStream out) throws Exception {
        TensorDataset train, test;
        String dataset;
        if (FashionMNIST.isAvailable()) {
            train = FashionMNIST.normalized(FashionMNIST.train());
            test = FashionMNIST.normalized(FashionMNIST.test());
            dataset = "Fashion-MNIST";
        } else {
            out.println("Fashion-MNIST is not installed: apt-get install -y dataset-fashion-mnist (or set GALVANI_DATA to a folder with the IDX files).");
            out.println("Training on a generated stand-in (SyntheticImages: 10 classes of 28x28 patterns) instead.");
            train = SyntheticImages.generate(12_000, o.seed);
            test = SyntheticImages.generate(2_000, o.seed + 1);
            dataset = "SyntheticImages";
        }
        if (o.trainLimit > 0 && o.trainLimit < train.size()) train = train.subset(0, o.trainLimit);

        Generator gen = new Generator(o.seed);
        Sequential model = model(o.channels1, o.channels2, o.hidden, gen);
        DataLoader loader = DataLoader.builder(train).batchSize(o.batchSize).shuffle(o.seed).dropLast(true).build();
        AdamW optimizer = new AdamW(model.parameters(), AdamW.options().lr(o.maxLr).weightDecay(o.weightDecay));
        OneCycleLR schedule = new OneCycleLR(optimizer, OneCycleLR.options(o.maxLr).epochs(o.epochs, loader.size()));
        out.printf("%s: %d training, %d test images; %s; %,d parameters; %d threads%n", dataset, train.size(), test.size(),
                "batch " + o.batchSize + ", " + o.epochs + " epochs, AdamW + one-cycle (max lr " + o.maxLr + ")", model.parameterCount(), Parallel.threads());

        TrainingLog log = new TrainingLog();
        List<Double> epochSeconds = new ArrayList<>();
        List<Double> batchLosses = new ArrayList<>();
        long step = 0;
        Evaluation eval = null;
        for (int epoch = 1; epoch <= o.epochs; epoch++) {
            model.train();
            Device.CPU.resetPeakMemoryStats();
            MemoryStats memoryAtStart = Device.CPU.memoryStats();
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0, seen = 0;
            try (ProgressBar bar = ProgressBar.builder(loader.size()).label("epoch " + epoch + "/" + o.epochs).out(out).build()) {
                for (Batch b : loader) {
                    // A scope per step: the step's activations, gradients and batch go back to the
                    // allocator when it closes, and the next step reuses them (optimizer state is never the scope's).
                    try (var stepScope = TensorScope.open()) {
                        Tensor logits = model.forward(b.inputs());
                        Tensor loss = F.crossEntropy(logits, b.targets());
                        model.zeroGrad();
                        loss.backward();
                        optimizer.step();
                        schedule.step();
                        double l = loss.item();
                        batchLosses.add(l);
                        int n = b.size();
                        lossSum += l * n;
                        seen += n;
                        correct += logits.detach().argmax(1, false).eq(b.targets()).sum().itemLong();
                        step++;
                        log.record(epoch, step, "train loss (batch)", l);
                        bar.metric("loss", lossSum / seen).metric("acc", (double) correct / seen).step();
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println("memory (CPU allocator, this epoch): " + Device.CPU.memoryStats().since(memoryAtStart));
            epochSeconds.add(seconds);
            eval = evaluate(model, test, 500);
            log.record(epoch, step, "train loss", lossSum / seen);
            log.record(epoch, step, "train accuracy", (double) correct / seen);
            log.record(epoch, step, "test loss", eval.loss);
            log.record(epoch, step, "test accuracy", eval.accuracy);
            out.printf("epoch %d: %.1f s (%.0f images/s), train loss %.4f, train accuracy %.2f%%, test loss %.4f, test accuracy %.2f%%%n",
                    epoch, seconds, seen / seconds, lossSum / seen, 100.0 * correct / seen, eval.loss, 100 * eval.accuracy);
        }

        Path dir = o.out.resolve("fashion-mnist-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        Path curves = dir.resolve("curves.png"), weights = dir.resolve("model.safetensors");
        TrainingCurves.save(curves, log, dataset + " CNN", 1000, 700);
        log.writeCsv(dir.resolve("log.csv"));
        SafeTensors.save(weights, model.stateDict(), Map.of("task", "fashion-mnist", "dataset", dataset,
                "test_accuracy", Double.toString(eval.accuracy), "epochs", Integer.toString(o.epochs)));
        double meanEpoch = epochSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        out.printf("%ntest accuracy %.2f%% (%s, %d test images); mean epoch time %.1f s%n", 100 * eval.accuracy, dataset, test.size(), meanEpoch);
        out.println("curves: " + curves.toAbsolutePath());
        out.println("log:    " + dir.resolve("log.csv").toAbsolutePath());
        out.println("model:  " + weights.toAbsolutePath());
        return new Result(dataset, eval.accuracy, eval.loss, epochSeconds, batchLosses, curves, weights);
    }

    record Evaluation(double loss, double accuracy) {}

    /** Loss and accuracy over a data set in evaluation mode, without recording gradients. */
    public static Evaluation evaluate(Module model, TensorDataset data, int batchSize) {
        model.eval();
        double lossSum = 0;
        long correct = 0;
        try (var _ = Autograd.noGrad()) {
            for (Batch b : DataLoader.builder(data).batchSize(batchSize).prefetch(0).build())
                try (var batchScope = TensorScope.open()) {
                    Tensor logits = model.forward(b.inputs());
                    lossSum += F.crossEntropy(logits, b.targets(), F.CrossEntropy.DEFAULT.withReduction(F.Reduction.SUM)).item();
                    correct += logits.argmax(1, false).eq(b.targets()).sum().itemLong();
                }
        }
        return new Evaluation(lossSum / data.size(), (double) correct / data.size());
    }
}
