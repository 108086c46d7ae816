package dev.galvani.benchmarks.train;

import dev.galvani.autograd.Autograd;
import dev.galvani.benchmarks.Cli;
import dev.galvani.data.Batch;
import dev.galvani.data.DataLoader;
import dev.galvani.data.TensorDataset;
import dev.galvani.io.SafeTensors;
import dev.galvani.monitor.ProgressBar;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The runner's first task: a small CNN (two conv blocks + two linear layers) trained on
 * Fashion-MNIST on the CPU with AdamW and a one-cycle schedule. Prints test accuracy and epoch times,
 * writes training curves (PNG + CSV) and the trained weights (safetensors). Without the data set it
 * says how to install it and trains on a generated stand-in, so the command still does real work.
 */
public final class FashionMnistTask {

    /** Settings, with the defaults the README quotes; {@code channels} are the two conv widths, {@code hidden} the first linear layer's. */
    @Command(name = "fashion-mnist", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = {"Trains a small CNN on Fashion-MNIST on the CPU and reports test accuracy, epoch times and where the curves,",
                    "the log and the weights were written. Threads: GALVANI_NUM_THREADS=N."})
    public static final class Options implements Cli.Checked {
        @Option(names = "--epochs", paramLabel = "N", description = "training epochs") int epochs = 5;
        @Option(names = "--batch-size", paramLabel = "N", description = "examples per step") int batchSize = 128;
        @Option(names = "--lr", paramLabel = "LR", description = "the one-cycle schedule's peak learning rate") double maxLr = 3e-3;
        @Option(names = "--weight-decay", paramLabel = "W", description = "AdamW's decoupled weight decay") double weightDecay = 1e-4;
        @Option(names = "--channels", paramLabel = "C1,C2", split = ",", description = "the two conv layers' widths") int[] channels = {32, 64};
        @Option(names = "--hidden", paramLabel = "N", description = "the first linear layer's width") int hidden = 128;
        @Option(names = "--seed", paramLabel = "S", description = "seed of the weights and the shuffling") long seed = 42;
        @Option(names = "--train-limit", paramLabel = "N", description = "train on the first N examples only (0: all)") int trainLimit = 0;
        @Option(names = "--out", paramLabel = "DIR", description = "where the run's folder is made") Path out = Path.of("runs");
        @Option(names = "--resume", paramLabel = "RUN", description = "continue the run in this folder after its last finished epoch (its settings are read from there)")
        Path resume;
        @Option(names = "--stop-after", paramLabel = "E", description = "stop after epoch E, as an interrupted run would; --resume continues it (0: run all)")
        int stopAfter = 0;
        /** The command line, kept in the checkpoint so that {@code --resume} can rebuild these options. */
        String[] args = new String[0];

        /** Sets {@code --epochs}, the training epochs; returns these options. */
        public Options epochs(int v) { epochs = v; return this; }
        /** Sets {@code --batch-size}, the examples per step; returns these options. */
        public Options batchSize(int v) { batchSize = v; return this; }
        /**
         * Sets {@code --train-limit}, the number of training examples used (0: all); returns these options.
         */
        public Options trainLimit(int v) { trainLimit = v; return this; }
        /**
         * Sets {@code --channels} (the two conv layers' widths) and {@code --hidden}; returns these options.
         */
        public Options width(int channels1, int channels2, int hidden) {
            this.channels = new int[]{channels1, channels2};
            this.hidden = hidden;
            return this;
        }
        /** Sets {@code --lr}, the one-cycle schedule's peak learning rate; returns these options. */
        public Options maxLr(double v) { maxLr = v; return this; }
        /** Sets {@code --weight-decay}, AdamW's decoupled weight decay; returns these options. */
        public Options weightDecay(double v) { weightDecay = v; return this; }
        /** Sets {@code --seed}; returns these options. */
        public Options seed(long v) { seed = v; return this; }
        /** Sets {@code --out}, the folder where the run's folder is made; returns these options. */
        public Options out(Path v) { out = v; return this; }
        /** Sets {@code --resume}, the run folder to continue; returns these options. */
        public Options resume(Path v) { resume = v; return this; }
        /**
         * Sets {@code --stop-after}, the epoch after which the run stops (0: run all); returns these options.
         */
        public Options stopAfter(int epoch) { stopAfter = epoch; return this; }

        @Override public void check() {
            positive("--epochs", epochs);
            positive("--batch-size", batchSize);
            positive("--hidden", hidden);
            if (channels.length != 2) throw new IllegalArgumentException("fashion-mnist: --channels takes two widths, e.g. 32,64");
            positive("--channels", channels[0]);
            positive("--channels", channels[1]);
            if (trainLimit < 0) throw new IllegalArgumentException("fashion-mnist: --train-limit must be 0 (all) or positive, got " + trainLimit);
            if (trainLimit > 0 && trainLimit < batchSize)
                throw new IllegalArgumentException("fashion-mnist: --train-limit " + trainLimit + " is below --batch-size " + batchSize
                        + ": not one full batch to train on (steps drop the last, short batch)");
            if (!(maxLr > 0)) throw new IllegalArgumentException("fashion-mnist: --lr must be positive, got " + maxLr);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("fashion-mnist: --weight-decay must be non-negative, got " + weightDecay);
        }

        /** The settings that define the run, as checkpoint metadata: a resumed run must match them. */
        Map<String, String> settings() {
            return new java.util.TreeMap<>(Map.of("task", "fashion-mnist", "epochs", Integer.toString(epochs), "batch_size", Integer.toString(batchSize),
                    "lr", Double.toString(maxLr), "weight_decay", Double.toString(weightDecay), "channels", channels[0] + "," + channels[1],
                    "hidden", Integer.toString(hidden), "seed", Long.toString(seed), "train_limit", Integer.toString(trainLimit)));
        }

        private static void positive(String option, int n) {
            if (n <= 0) throw new IllegalArgumentException("fashion-mnist: " + option + " must be positive, got " + n);
        }
    }

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

    /**
     * Runs the task from the command line; with {@code --resume} the stored command line is parsed first and
     * the flags given now override it.
     * @param args the command line
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        Options o = Cli.parseOrExit(new Options(), args);
        String[] runArgs = args;
        if (o.resume != null) {      // the stored command line, then the flags given now
            Path dir = o.resume;
            runArgs = RunDirectory.argsToResume(dir, args);
            o = Cli.parseOrExit(new Options(), runArgs).resume(dir);
        }
        o.args = runArgs;
        run(o, System.out);
    }

    /** The model: two conv blocks (conv 3x3, batch norm, ReLU, 2x2 max pool) and two linear layers. */
    public static Sequential model(int c1, int c2, int hidden, Generator gen) {
        return new Sequential(
                new Conv.Conv2d(1, c1, 3, 1, 1, 1, 1, true, gen), new BatchNorm.BatchNorm2d(c1), new Activation.ReLU(), new Pool.MaxPool2d(2),
                new Conv.Conv2d(c1, c2, 3, 1, 1, 1, 1, true, gen), new BatchNorm.BatchNorm2d(c2), new Activation.ReLU(), new Pool.MaxPool2d(2),
                new Flatten(), new Linear(c2 * 7 * 7, hidden, true, gen), new Activation.ReLU(), new Dropout(0.25, gen), new Linear(hidden, 10, true, gen));
    }

    /**
     * Trains and tests the CNN with these options (on a generated stand-in when Fashion-MNIST is not
     * installed), printing progress to {@code out}, and writes the curves, the log and the weights into the
     * run folder (a new one under {@code --out}, or the one given to {@code --resume}).
     * @param o the options, checked first
     * @param out where progress and results are printed
     * @return what the run produced
     * @throws Exception if training or writing the outputs fails
     */
    public static Result run(Options o, PrintStream out) throws Exception {
        o.check();
        // The outputs' folder first: an unwritable --out fails now, not after the training.
        RunDirectory run = o.resume != null ? RunDirectory.existing(o.resume) : RunDirectory.create(o.out, "fashion-mnist");
        FashionData data = FashionData.load(out, o.seed);
        TensorDataset train = data.train(), test = data.test();
        String dataset = data.name();
        if (o.trainLimit > 0 && o.trainLimit < train.size()) train = train.subset(0, o.trainLimit);

        Generator gen = new Generator(o.seed);
        Sequential model = model(o.channels[0], o.channels[1], o.hidden, gen);
        DataLoader loader = DataLoader.builder(train).batchSize(o.batchSize).shuffle(o.seed).dropLast(true).build();
        AdamW optimizer = new AdamW(model.parameters(), AdamW.options().lr(o.maxLr).weightDecay(o.weightDecay));
        OneCycleLR schedule = new OneCycleLR(optimizer, OneCycleLR.options(o.maxLr).epochs(o.epochs, loader.size()));
        out.printf("%s: %d training, %d test images; %s; %,d parameters; %d threads%n", dataset, train.size(), test.size(),
                "batch " + o.batchSize + ", " + o.epochs + " epochs, AdamW + one-cycle (max lr " + o.maxLr + ")", model.parameterCount(), Parallel.threads());

        TrainingLog log = new TrainingLog();
        List<Double> epochSeconds = new ArrayList<>();
        List<Double> batchLosses = new ArrayList<>();
        long step = 0;
        int firstEpoch = 1;
        Map<String, String> settings = RunDirectory.settings(o.settings(), o.args);
        if (o.resume != null) {
            var resumed = run.load(model, optimizer, schedule, o.settings());
            log = resumed.log();
            step = resumed.step();
            firstEpoch = resumed.epoch() + 1;
            out.printf("resuming %s after epoch %d of %d%n", run.dir, resumed.epoch(), o.epochs);
        }
        Evaluation eval = null;
        for (int epoch = firstEpoch; epoch <= o.epochs; epoch++) {
            model.train();
            Device.CPU.resetPeakMemoryStats();
            MemoryStats memoryAtStart = Device.CPU.memoryStats();
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0, seen = 0;
            try (ProgressBar bar = ProgressBar.builder(loader.size()).label("epoch " + epoch + "/" + o.epochs).out(out).build()) {
                for (Batch b : loader.epoch(epoch - 1)) {
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
            run.saveEpoch(epoch, step, log, dataset + " CNN", model, optimizer, schedule, settings);
            if (epoch == o.stopAfter && epoch < o.epochs) {
                out.printf("stopped after epoch %d of %d (--stop-after); continue with --resume %s%n", epoch, o.epochs, run.dir);
                break;
            }
        }
        if (eval == null) eval = evaluate(model, test, 500);     // resumed after the last epoch: nothing left to train

        Path dir = run.dir;
        Path curves = run.resolve(RunDirectory.CURVES), weights = dir.resolve("model.safetensors");
        SafeTensors.save(weights, model.stateDict(), Map.of("task", "fashion-mnist", "dataset", dataset,
                "test_accuracy", Double.toString(eval.accuracy), "epochs", Integer.toString(o.epochs)));
        double meanEpoch = epochSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        out.printf("%ntest accuracy %.2f%% (%s, %d test images); mean epoch time %.1f s%n", 100 * eval.accuracy, dataset, test.size(), meanEpoch);
        out.println("curves: " + curves.toAbsolutePath());
        out.println("log:    " + run.resolve(RunDirectory.LOG).toAbsolutePath());
        out.println("checkpoint (--resume " + dir + "): " + run.resolve(RunDirectory.CHECKPOINT).toAbsolutePath());
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
