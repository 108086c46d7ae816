package dev.galvani.benchmarks.train;

import dev.galvani.autograd.Autograd;
import dev.galvani.benchmarks.Cli;
import dev.galvani.data.Batch;
import dev.galvani.data.DataLoader;
import dev.galvani.data.TensorDataset;
import dev.galvani.io.SafeTensors;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.monitor.TrainingLog;
import dev.galvani.nn.F;
import dev.galvani.operators.DarcyData;
import dev.galvani.operators.MgCycle;
import dev.galvani.operators.MgNO;
import dev.galvani.operators.OperatorLosses;
import dev.galvani.operators.Padding;
import dev.galvani.operators.UnitGaussianNormalizer;
import dev.galvani.optim.Adam;
import dev.galvani.optim.OneCycleLR;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.cpu.Parallel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * MgNO on Darcy flow, the released "smooth" setup (operators.md §3.8, §5.1): the data generated here
 * (421 × 421 fine grid, a = 12 / 3, sub-sampled by 2 to 211 × 211; cached), a 5-layer MgNO of width
 * 24 with the six-level backslash cycle and odd/even prolongation kernels, pointwise Gaussian
 * normalisation of input and output (the output decoded in the model), the relative H1 loss with
 * MgNO's |k| &lt; 20 truncation, Adam lr 5e-4 with coupled weight decay 1e-4 and a one-cycle schedule
 * stepped per epoch (div 2, final div 100, 20 % warm-up), batch 8, 500 epochs; 1000 training, 100
 * validation and 100 test samples. Reports the test relative L2 every epoch and at the epoch of
 * the best validation L2 (the reference's metric), against the trivial baseline of predicting the
 * training mean, and writes the log, the curves, a checkpoint per epoch ({@code --resume}) and a
 * PNG of a test prediction next to its truth and error.
 */
public final class MgnoDarcyTask {

    private MgnoDarcyTask() {}

    /** The command line of {@code mgno-darcy}, with the reference's defaults. */
    @Command(name = "mgno-darcy", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = {"Trains MgNO on generated Darcy-flow data (operators.md §3.8 'Darcy smooth', §5.1) and reports the test relative L2",
                    "per epoch and at the best validation epoch, against predicting the training mean. The data set is generated once",
                    "(all cores) and cached in --cache. --time-batches N times N training steps at the chosen size and exits.",
                    "Threads: GALVANI_NUM_THREADS=N."})
    public static final class Options implements Cli.Checked {
        @Option(names = "--resolution", paramLabel = "K", description = "the fine grid the data are solved on") int resolution = 421;
        @Option(names = "--stride", paramLabel = "R", description = "sub-sampling of the fine grid: (K - 1) / R + 1 points per axis") int stride = 2;
        @Option(names = "--train", paramLabel = "N", description = "training samples") int train = 1000;
        @Option(names = "--val", paramLabel = "N", description = "validation samples (choose the reported epoch)") int val = 100;
        @Option(names = "--test", paramLabel = "N", description = "test samples") int test = 100;
        @Option(names = "--epochs", paramLabel = "N") int epochs = 500;
        @Option(names = "--batch-size", paramLabel = "N") int batchSize = 8;
        @Option(names = "--lr", paramLabel = "LR", description = "the one-cycle schedule's peak learning rate") double lr = 5e-4;
        @Option(names = "--weight-decay", paramLabel = "W", description = "Adam's (coupled, L2) weight decay") double weightDecay = 1e-4;
        @Option(names = "--layers", paramLabel = "N") int layers = 5;
        @Option(names = "--width", paramLabel = "C", description = "cu, the hidden channels") int width = 24;
        @Option(names = "--cycle", paramLabel = "PRE,POST;...", description = "smoothing steps per level, finest first") String cycle = "1,0;1,0;1,0;1,0;1,0;2,0";
        @Option(names = "--activation", paramLabel = "NAME", description = "relu, gelu, tanh or silu") String activation = "gelu";
        @Option(names = "--loss", paramLabel = "h1|l2", description = "training loss: relative H1 (|k| < 20 in the weight) or relative L2") String loss = "h1";
        @Option(names = "--seed", paramLabel = "S", description = "seed of the weights and the shuffling") long seed = 0;
        @Option(names = "--data-seed", paramLabel = "S", description = "seed of the random fields") long dataSeed = 0;
        @Option(names = "--cache", paramLabel = "DIR", description = "where generated data sets are kept (default $GALVANI_CACHE or ~/.cache/galvani)") Path cache;
        @Option(names = "--out", paramLabel = "DIR", description = "where the run's folder is made") Path out = Path.of("runs");
        @Option(names = "--resume", paramLabel = "RUN", description = "continue the run in this folder after its last finished epoch") Path resume;
        @Option(names = "--stop-after", paramLabel = "E", description = "stop after epoch E, as an interrupted run would (0: run all)") int stopAfter = 0;
        @Option(names = "--time-batches", paramLabel = "N", description = "only time N training steps on random fields of the chosen size (0: train)") int timeBatches = 0;
        /** The command line, kept in the checkpoint so that {@code --resume} can rebuild these options. */
        String[] args = new String[0];

        @Override public void check() {
            for (int v : new int[]{train, val, test, epochs, batchSize, layers, width})
                if (v <= 0) throw new IllegalArgumentException("mgno-darcy: sample counts, epochs, batch size, layers and width must be positive");
            if (train < batchSize) throw new IllegalArgumentException("mgno-darcy: --train " + train + " is below --batch-size " + batchSize);
            new DarcyData.Spec(resolution, stride, 1, 2, 3, 12, 3, 1e-10, dataSeed);    // checks resolution and stride
            if (train < 2) throw new IllegalArgumentException("mgno-darcy: the normalisers need at least 2 training samples");
            MgNO.activation(activation);
            mgCycle();
            if (!loss.equals("h1") && !loss.equals("l2")) throw new IllegalArgumentException("mgno-darcy: --loss is h1 or l2, got '" + loss + "'");
            if (!(lr > 0) || !(weightDecay >= 0)) throw new IllegalArgumentException("mgno-darcy: --lr must be positive and --weight-decay non-negative");
            if (timeBatches < 0) throw new IllegalArgumentException("mgno-darcy: --time-batches must be 0 or positive");
        }

        MgCycle mgCycle() { return MgCycle.parse(cycle); }

        int size() { return (resolution - 1) / stride + 1; }

        DarcyData.Spec dataSpec() {
            return DarcyData.Spec.reference(resolution, stride, train + val + test).withSeed(dataSeed);
        }

        MgNO.Options model() {
            MgCycle c = mgCycle();
            return new MgNO.Options(layers, width, 1, c, c.prolongationKernels(size()), Padding.ZEROS, activation);
        }

        /** The settings that define the run, as checkpoint metadata: a resumed run must match them. */
        Map<String, String> settings() {
            Map<String, String> m = new TreeMap<>();
            m.put("task", "mgno-darcy");
            m.put("resolution", Integer.toString(resolution));
            m.put("stride", Integer.toString(stride));
            m.put("train", Integer.toString(train));
            m.put("val", Integer.toString(val));
            m.put("test", Integer.toString(test));
            m.put("epochs", Integer.toString(epochs));
            m.put("batch_size", Integer.toString(batchSize));
            m.put("lr", Double.toString(lr));
            m.put("weight_decay", Double.toString(weightDecay));
            m.put("layers", Integer.toString(layers));
            m.put("width", Integer.toString(width));
            m.put("cycle", mgCycle().toString());
            m.put("activation", activation);
            m.put("loss", loss);
            m.put("seed", Long.toString(seed));
            m.put("data_seed", Long.toString(dataSeed));
            return m;
        }
    }

    /**
     * What a run produced.
     * @param baseline the test relative L2 of predicting the training mean
     * @param testL2 the test relative L2 after each epoch of this run
     * @param bestEpoch the epoch with the lowest validation relative L2
     * @param testAtBest the test relative L2 at that epoch (the reference's metric)
     * @param epochSeconds training time per epoch
     * @param parameters the model's parameter count
     * @param dir the run folder
     */
    public record Result(double baseline, List<Double> testL2, int bestEpoch, double testAtBest, List<Double> epochSeconds, long parameters, Path dir) {}

    /**
     * Runs the task from the command line; with {@code --resume} the stored command line is parsed first
     * and the flags given now override it.
     * @param args the command line
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        Options o = Cli.parseOrExit(new Options(), args);
        String[] runArgs = args;
        if (o.resume != null) {
            Path dir = o.resume;
            runArgs = RunDirectory.argsToResume(dir, args);
            o = Cli.parseOrExit(new Options(), runArgs);
            o.resume = dir;
        }
        o.args = runArgs;
        if (o.timeBatches > 0) time(o, System.out);
        else run(o, System.out);
    }

    /**
     * Trains and evaluates with these options, printing progress to {@code out}, and writes the log, the
     * curves, the checkpoint, the weights and the prediction plot into the run folder.
     * @param o the options, checked first
     * @param out where progress and results are printed
     * @return what the run produced
     * @throws Exception if generating data, training or writing fails
     */
    public static Result run(Options o, PrintStream out) throws Exception {
        o.check();
        RunDirectory run = o.resume != null ? RunDirectory.existing(o.resume) : RunDirectory.create(o.out, "mgno-darcy");
        var data = DarcyData.load(o.dataSpec(), o.cache != null ? o.cache : DarcyData.defaultCache(), 0, out);
        int s = o.size(), trainEnd = o.train, valEnd = o.train + o.val;
        Tensor a = data.coefficients().unsqueeze(1), u = data.solutions().unsqueeze(1);          // [N, 1, s, s]
        Tensor aTrain = a.narrow(0, 0, trainEnd), uTrain = u.narrow(0, 0, trainEnd);
        var inputNorm = new UnitGaussianNormalizer(aTrain);
        var outputNorm = new UnitGaussianNormalizer(uTrain);
        Tensor x = inputNorm.encode(a).contiguous();
        TensorDataset train = new TensorDataset(x.narrow(0, 0, trainEnd).contiguous(), uTrain.contiguous());
        TensorDataset val = new TensorDataset(x.narrow(0, trainEnd, o.val).contiguous(), u.narrow(0, trainEnd, o.val).contiguous());
        TensorDataset test = new TensorDataset(x.narrow(0, valEnd, o.test).contiguous(), u.narrow(0, valEnd, o.test).contiguous());

        MgNO model = new MgNO(o.model(), new Generator(o.seed)).outputNormalizer(outputNorm);
        DataLoader loader = DataLoader.builder(train).batchSize(o.batchSize).shuffle(o.seed).build();
        Adam optimizer = new Adam(model.parameters(), Adam.options().lr(o.lr).weightDecay(o.weightDecay));
        // Stepped once per epoch, as the reference's darcy.py does.
        OneCycleLR schedule = new OneCycleLR(optimizer, OneCycleLR.options(o.lr).totalSteps(o.epochs).divFactor(2).finalDivFactor(100).pctStart(0.2));

        double baseline = OperatorScores.meanFieldBaseline(uTrain, test);
        out.printf(Locale.ROOT, "MgNO on Darcy %dx%d (from %dx%d): %d train, %d val, %d test; %s; %,d parameters, kernels %s; %s loss, Adam lr %s wd %s,"
                        + " one-cycle per epoch, batch %d, %d epochs; %d threads%n", s, s, o.resolution, o.resolution, o.train, o.val, o.test,
                o.layers + " layers x " + o.width + " channels, cycle " + o.cycle, model.parameterCount(), java.util.Arrays.toString(o.model().kernels()),
                o.loss, o.lr, o.weightDecay, o.batchSize, o.epochs, Parallel.threads());
        out.printf(Locale.ROOT, "trivial baseline (the training mean field): test relative L2 %.4f%n", baseline);

        TrainingLog log = new TrainingLog();
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
        List<Double> testL2 = new ArrayList<>(), epochSeconds = new ArrayList<>();
        int bestEpoch = 0;
        double bestVal = Double.POSITIVE_INFINITY, testAtBest = Double.NaN;
        if (o.resume != null) {
            var vals = log.series("val relative L2");
            var tests = log.series("test relative L2");
            for (int i = 0; i < vals.size(); i++)
                if (vals.values()[i] < bestVal) { bestVal = vals.values()[i]; bestEpoch = vals.epochs()[i]; testAtBest = tests.values()[i]; }
        }
        for (int epoch = firstEpoch; epoch <= o.epochs; epoch++) {
            model.train();
            long start = System.nanoTime();
            double lossSum = 0;
            int seen = 0;
            try (ProgressBar bar = ProgressBar.builder(loader.size()).label("epoch " + epoch + "/" + o.epochs).out(out).build()) {
                for (Batch b : loader.epoch(epoch - 1)) {
                    try (var stepScope = TensorScope.open()) {
                        Tensor prediction = model.forward(b.inputs());
                        Tensor loss = o.loss.equals("h1") ? OperatorLosses.relativeH1(prediction, b.targets(), 20, F.Reduction.MEAN)
                                : OperatorLosses.relativeL2(prediction, b.targets());
                        model.zeroGrad();
                        loss.backward();
                        optimizer.step();
                        double l = loss.item();
                        lossSum += l * b.size();
                        seen += b.size();
                        step++;
                        bar.metric(o.loss + " loss", lossSum / seen).step();
                    }
                }
            }
            schedule.step();
            double seconds = (System.nanoTime() - start) / 1e9;
            epochSeconds.add(seconds);
            double valL2 = OperatorScores.meanRelativeL2(model, model::forward, val), tL2 = OperatorScores.meanRelativeL2(model, model::forward, test);
            testL2.add(tL2);
            if (valL2 < bestVal) { bestVal = valL2; bestEpoch = epoch; testAtBest = tL2; }
            log.record(epoch, step, "train " + o.loss + " loss", lossSum / seen);
            log.record(epoch, step, "val relative L2", valL2);
            log.record(epoch, step, "test relative L2", tL2);
            out.printf(Locale.ROOT, "epoch %d: %.1f s, train %s %.5f, val L2 %.5f, test L2 %.5f (best val at epoch %d: test L2 %.5f)%n",
                    epoch, seconds, o.loss, lossSum / seen, valL2, tL2, bestEpoch, testAtBest);
            run.saveEpoch(epoch, step, log, "MgNO, Darcy " + s + "x" + s, model, optimizer, schedule, settings);
            if (epoch == o.stopAfter && epoch < o.epochs) {
                out.printf("stopped after epoch %d of %d (--stop-after); continue with --resume %s%n", epoch, o.epochs, run.dir);
                break;
            }
        }

        Path plot = run.resolve("prediction.png"), weights = run.resolve("model.safetensors");
        OperatorScores.plotDarcySample("MgNO", model, model::forward, test, s, plot);
        SafeTensors.save(weights, model.stateDict(), Map.of("task", "mgno-darcy", "epochs", Integer.toString(o.epochs),
                "test_relative_l2", testL2.isEmpty() ? "" : Double.toString(testL2.getLast())));
        out.printf(Locale.ROOT, "%ntest relative L2 at the best validation epoch (%d): %.5f; trivial baseline %.4f; mean epoch %.1f s%n", bestEpoch, testAtBest,
                baseline, epochSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0));
        out.println("prediction: " + plot.toAbsolutePath());
        out.println("curves:     " + run.resolve(RunDirectory.CURVES).toAbsolutePath());
        out.println("log:        " + run.resolve(RunDirectory.LOG).toAbsolutePath());
        out.println("checkpoint (--resume " + run.dir + "): " + run.resolve(RunDirectory.CHECKPOINT).toAbsolutePath());
        return new Result(baseline, testL2, bestEpoch, testAtBest, epochSeconds, model.parameterCount(), run.dir);
    }

    /**
     * Times {@code --time-batches} training steps (after one warm-up step) and an evaluation pass on random
     * fields of the chosen size, and prints the estimated epoch time; no data are generated.
     * @param o the options
     * @param out where the figures are printed
     * @return the estimated seconds per epoch (training plus evaluating validation and test)
     */
    public static double time(Options o, PrintStream out) {
        o.check();
        int s = o.size();
        Generator gen = new Generator(o.seed);
        MgNO model = new MgNO(o.model(), gen);
        Adam optimizer = new Adam(model.parameters(), Adam.options().lr(o.lr).weightDecay(o.weightDecay));
        Tensor x = Tensor.randn(gen, o.batchSize, 1, s, s), y = Tensor.rand(gen, o.batchSize, 1, s, s).add(0.1);
        double[] stepSeconds = new double[o.timeBatches + 1];
        for (int i = 0; i <= o.timeBatches; i++) {
            long start = System.nanoTime();
            try (var scope = TensorScope.open()) {
                Tensor prediction = model.forward(x);
                Tensor loss = o.loss.equals("h1") ? OperatorLosses.relativeH1(prediction, y, 20, F.Reduction.MEAN) : OperatorLosses.relativeL2(prediction, y);
                model.zeroGrad();
                loss.backward();
                optimizer.step();
            }
            stepSeconds[i] = (System.nanoTime() - start) / 1e9;
        }
        double step = java.util.Arrays.stream(stepSeconds, 1, stepSeconds.length).average().orElse(stepSeconds[0]);
        long start = System.nanoTime();
        try (var _ = Autograd.noGrad(); var scope = TensorScope.open()) {
            model.eval().forward(x);
        }
        double forward = (System.nanoTime() - start) / 1e9;
        double steps = Math.ceil((double) o.train / o.batchSize), evalBatches = Math.ceil((double) (o.val + o.test) / o.batchSize);
        double epoch = steps * step + evalBatches * forward;
        out.printf(Locale.ROOT, "MgNO %dx%d, %d layers x %d channels, %,d parameters, batch %d, %d threads: %.3f s per training step (mean of %d after a warm-up,"
                        + " first %.3f s), %.3f s per evaluation batch; estimated epoch (%d train + %d val/test samples): %.0f s; %d epochs: %.1f h%n",
                s, s, o.layers, o.width, model.parameterCount(), o.batchSize, Parallel.threads(), step, o.timeBatches, stepSeconds[0], forward,
                o.train, o.val + o.test, epoch, o.epochs, epoch * o.epochs / 3600);
        return epoch;
    }
}
