package dev.galvani.benchmarks.train;

import dev.galvani.io.AtomicFiles;
import dev.galvani.autograd.Autograd;
import dev.galvani.benchmarks.Cli;
import dev.galvani.data.Batch;
import dev.galvani.data.DataLoader;
import dev.galvani.data.TensorDataset;
import dev.galvani.data.Transforms;
import dev.galvani.io.SafeTensors;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.monitor.SpikePlots;
import dev.galvani.monitor.TrainingLog;
import dev.galvani.nn.BatchNorm;
import dev.galvani.nn.Conv;
import dev.galvani.nn.F;
import dev.galvani.nn.Flatten;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.nn.Pool;
import dev.galvani.nn.Sequential;
import dev.galvani.optim.AdamW;
import dev.galvani.optim.OneCycleLR;
import dev.galvani.snn.Encoders;
import dev.galvani.snn.Energy;
import dev.galvani.snn.LIFNode;
import dev.galvani.snn.MultiStep;
import dev.galvani.snn.ParametricLIFNode;
import dev.galvani.snn.SNN;
import dev.galvani.snn.SequenceDropout;
import dev.galvani.snn.SpikeMonitor;
import dev.galvani.snn.SpikingNeuron;
import dev.galvani.snn.TemporalTraining;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.MemoryStats;
import dev.galvani.tensor.backend.Surrogate;
import dev.galvani.tensor.cpu.Parallel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A spiking CNN on Fashion-MNIST, the SNN quick start: direct encoding over T steps, two conv blocks
 * and a hidden linear layer of LIF or parametric-LIF neurons (SNN reference §2.2, §2.4), surrogate
 * gradients (§4), trained through time with BPTT (or SLTT / SLTT-K, §7) on the per-step
 * cross-entropy, AdamW and a one-cycle schedule. The readout is the last linear layer's output
 * averaged over the steps. Prints test accuracy, epoch times, per-layer firing rates and the energy
 * table of bio reference §9; writes curves, a spike raster and the weights under {@code runs/}.
 */
public final class SnnFashionMnistTask {

    /** Settings, with the defaults the README quotes. */
    @Command(name = "snn-fashion-mnist", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = {"Trains a spiking CNN on Fashion-MNIST (direct encoding, surrogate gradients) on the CPU and reports test accuracy,",
                    "epoch times, per-layer firing rates, the energy estimate against the same ANN, and where the curves, the raster",
                    "plot, the log, the checkpoint and the weights were written. Threads: GALVANI_NUM_THREADS=N."})
    public static final class Options implements Cli.Checked {
        @Option(names = "--epochs", paramLabel = "N", description = "training epochs") int epochs = 8;
        @Option(names = "--steps", paramLabel = "T", description = "time steps per image") int steps = 4;
        @Option(names = "--neuron", paramLabel = "KIND", description = "lif or plif (learnable time constant)") String neuron = "plif";
        @Option(names = "--surrogate", paramLabel = "NAME", description = "the spike's surrogate gradient: " + SURROGATES) String surrogate = "atan";
        @Option(names = "--policy", paramLabel = "P", description = "training through time: bptt, sltt or sltt-k") String policy = "bptt";
        @Option(names = "--k", paramLabel = "K", description = "SLTT-K: backward passes at K random steps") int k = 2;
        @Option(names = "--batch-size", paramLabel = "N", description = "examples per step") int batchSize = 128;
        @Option(names = "--lr", paramLabel = "LR", description = "the one-cycle schedule's peak learning rate") double maxLr = 5e-3;
        @Option(names = "--weight-decay", paramLabel = "W", description = "AdamW's decoupled weight decay") double weightDecay = 1e-4;
        @Option(names = "--dropout", paramLabel = "P", description = "dropout before the readout, one mask for all steps") double dropout = 0.25;
        @Option(names = "--augment", paramLabel = "A", description = "flip: mirror training images left-right at random; none") String augment = "flip";
        @Option(names = "--channels", paramLabel = "C1,C2", split = ",", description = "the two conv layers' widths") int[] channels = {32, 64};
        @Option(names = "--hidden", paramLabel = "N", description = "the hidden linear layer's width") int hidden = 256;
        @Option(names = "--compact-spikes", negatable = true, description = "keep spike inputs as bytes for the weight gradients and give"
                + " the float spikes back once consumed (bit for bit the same training, less memory; see snn-compact)") boolean compactSpikes = false;
        @Option(names = "--seed", paramLabel = "S", description = "seed of the weights, the shuffling and the augmentation") long seed = 42;
        @Option(names = "--train-limit", paramLabel = "N", description = "train on the first N examples only (0: all)") int trainLimit = 0;
        @Option(names = "--test-limit", paramLabel = "N", description = "test on the first N examples only (0: all)") int testLimit = 0;
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
        /** Sets {@code --test-limit}, the number of test examples used (0: all); returns these options. */
        public Options testLimit(int v) { testLimit = v; return this; }
        /** Sets {@code --steps}, the time steps T per image; returns these options. */
        public Options steps(int v) { steps = v; return this; }
        /** Sets {@code --k}, the number of random steps SLTT-K runs backward at; returns these options. */
        public Options k(int v) { k = v; return this; }
        /**
         * Sets {@code --channels} (the two conv layers' widths) and {@code --hidden}; returns these options.
         */
        public Options width(int channels1, int channels2, int hidden) {
            this.channels = new int[]{channels1, channels2};
            this.hidden = hidden;
            return this;
        }
        /** Sets {@code --compact-spikes} ({@code MultiStep.compactSpikes} on every layer); returns these options. */
        public Options compactSpikes(boolean v) { compactSpikes = v; return this; }
        /** Sets {@code --lr}, the one-cycle schedule's peak learning rate; returns these options. */
        public Options maxLr(double v) { maxLr = v; return this; }
        /** Sets {@code --weight-decay}, AdamW's decoupled weight decay; returns these options. */
        public Options weightDecay(double v) { weightDecay = v; return this; }
        /** Sets {@code --dropout}, the dropout probability before the readout; returns these options. */
        public Options dropout(double v) { dropout = v; return this; }
        /** Sets {@code --neuron}: {@code lif} or {@code plif}; returns these options. */
        public Options neuron(String v) { neuron = v; return this; }
        /** Sets {@code --surrogate}, the spike's surrogate gradient by name; returns these options. */
        public Options surrogate(String v) { surrogate = v; return this; }
        /** {@code flip}: mirror each training image left-right with probability 1/2 (clothes are symmetric); {@code none}. */
        public Options augment(String v) { augment = v; return this; }
        /**
         * Sets {@code --policy}, training through time: {@code bptt}, {@code sltt} or {@code sltt-k}; returns
         * these options.
         */
        public Options policy(String v) { policy = v; return this; }
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
            positive("--steps", steps);
            positive("--k", k);
            positive("--batch-size", batchSize);
            positive("--hidden", hidden);
            if (channels.length != 2) throw new IllegalArgumentException("snn-fashion-mnist: --channels takes two widths, e.g. 32,64");
            positive("--channels", channels[0]);
            positive("--channels", channels[1]);
            if (trainLimit < 0 || testLimit < 0) throw new IllegalArgumentException("snn-fashion-mnist: --train-limit and --test-limit are 0 (all) or positive");
            if (trainLimit > 0 && trainLimit < batchSize)
                throw new IllegalArgumentException("snn-fashion-mnist: --train-limit " + trainLimit + " is below --batch-size " + batchSize
                        + ": not one full batch to train on (steps drop the last, short batch)");
            if (!(maxLr > 0)) throw new IllegalArgumentException("snn-fashion-mnist: --lr must be positive, got " + maxLr);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("snn-fashion-mnist: --weight-decay must be non-negative, got " + weightDecay);
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("snn-fashion-mnist: --dropout must be in [0, 1), got " + dropout);
            if (!neuron.equals("lif") && !neuron.equals("plif")) throw new IllegalArgumentException("snn-fashion-mnist: --neuron is lif or plif, got '" + neuron + "'");
            if (!augment.equals("flip") && !augment.equals("none")) throw new IllegalArgumentException("snn-fashion-mnist: --augment is flip or none, got '" + augment + "'");
            surrogateOf(surrogate);
            TemporalTraining.Policy p = policy();
            if (p == TemporalTraining.Policy.SLTT_K && k > steps)
                throw new IllegalArgumentException("snn-fashion-mnist: --k " + k + " exceeds --steps " + steps);
        }

        TemporalTraining.Policy policy() {
            return switch (policy.toLowerCase(Locale.ROOT)) {
                case "bptt" -> TemporalTraining.Policy.BPTT;
                case "sltt" -> TemporalTraining.Policy.SLTT;
                case "sltt-k" -> TemporalTraining.Policy.SLTT_K;
                default -> throw new IllegalArgumentException("snn-fashion-mnist: --policy is bptt, sltt or sltt-k, got '" + policy + "'");
            };
        }

        /** The settings that define the run, as checkpoint metadata: a resumed run must match them. */
        Map<String, String> settings() {
            Map<String, String> m = new java.util.TreeMap<>();
            m.put("task", "snn-fashion-mnist");
            m.put("epochs", Integer.toString(epochs));
            m.put("steps", Integer.toString(steps));
            m.put("neuron", neuron);
            m.put("surrogate", surrogate);
            m.put("policy", policy.toLowerCase(Locale.ROOT));
            m.put("k", Integer.toString(k));
            m.put("batch_size", Integer.toString(batchSize));
            m.put("lr", Double.toString(maxLr));
            m.put("weight_decay", Double.toString(weightDecay));
            m.put("dropout", Double.toString(dropout));
            m.put("augment", augment);
            m.put("channels", channels[0] + "," + channels[1]);
            m.put("hidden", Integer.toString(hidden));
            m.put("seed", Long.toString(seed));
            m.put("train_limit", Integer.toString(trainLimit));
            return m;
        }

        private static void positive(String option, int n) {
            if (n <= 0) throw new IllegalArgumentException("snn-fashion-mnist: " + option + " must be positive, got " + n);
        }
    }

    static final String SURROGATES = "atan, sigmoid, fast-sigmoid, piecewise-quadratic, triangle, erf, piecewise-exp, soft-sign";

    static Surrogate surrogateOf(String name) {
        return switch (name) {
            case "atan" -> Surrogate.atan();
            case "sigmoid" -> Surrogate.sigmoid();
            case "fast-sigmoid" -> Surrogate.fastSigmoid();
            case "piecewise-quadratic" -> Surrogate.piecewiseQuadratic();
            case "triangle" -> Surrogate.triangle();
            case "erf" -> Surrogate.erf();
            case "piecewise-exp" -> Surrogate.piecewiseExp();
            case "soft-sign" -> Surrogate.softSign();
            default -> throw new IllegalArgumentException("snn-fashion-mnist: unknown surrogate '" + name + "' (there are: " + SURROGATES + ")");
        };
    }

    /** What a run produced. */
    public record Result(String dataset, double testAccuracy, double testLoss, List<Double> epochSeconds, List<Double> batchLosses,
                         Map<String, Double> firingRates, Energy.Estimate energy, Path curves, Path raster, Path weights) {

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

    /**
     * The network, every layer in multi-step form: [conv 3x3 → batch norm → neuron → max pool 2] x 2,
     * flatten → linear → neuron → sequence dropout → linear (the readout, averaged over T by the
     * caller). The stem's conv and batch norm see a directly encoded input, the same at every step,
     * so {@link MultiStep} runs them once.
     */
    public static Sequential model(Options o, Generator gen) {
        int c1 = o.channels[0], c2 = o.channels[1];
        Sequential model = new Sequential(
                new MultiStep(new Conv.Conv2d(1, c1, 3, 1, 1, 1, 1, false, gen)), new MultiStep(new BatchNorm.BatchNorm2d(c1)), neuron(o),
                new MultiStep(new Pool.MaxPool2d(2)),
                new MultiStep(new Conv.Conv2d(c1, c2, 3, 1, 1, 1, 1, false, gen)), new MultiStep(new BatchNorm.BatchNorm2d(c2)), neuron(o),
                new MultiStep(new Pool.MaxPool2d(2)),
                new MultiStep(new Flatten()), new MultiStep(new Linear(c2 * 7 * 7, o.hidden, true, gen)), neuron(o),
                new SequenceDropout(o.dropout, gen),
                new MultiStep(new Linear(o.hidden, 10, true, gen)));
        SNN.compactSpikes(model, o.compactSpikes);
        return model;
    }

    /** SpikingJelly's defaults (τ = 2, V_th = 1, hard reset to 0) with the chosen surrogate; the reset detached, as its Fashion-MNIST example does. */
    static SpikingNeuron neuron(Options o) {
        var options = new SpikingNeuron.Options().surrogate(surrogateOf(o.surrogate)).detachReset(true);
        return o.neuron.equals("plif") ? new ParametricLIFNode(2.0, true, options) : new LIFNode(2.0, true, options);
    }

    /**
     * Trains and tests the spiking CNN with these options (on a generated stand-in when Fashion-MNIST is not
     * installed), printing progress, firing rates and the energy table to {@code out}, and writes the outputs
     * into the run folder (a new one under {@code --out}, or the one given to {@code --resume}).
     * @param o the options, checked first
     * @param out where progress and results are printed
     * @return what the run produced
     * @throws Exception if training or writing the outputs fails
     */
    public static Result run(Options o, PrintStream out) throws Exception {
        o.check();
        // The outputs' folder first: an unwritable --out fails now, not after the training.
        RunDirectory run = o.resume != null ? RunDirectory.existing(o.resume) : RunDirectory.create(o.out, "snn-fashion-mnist");
        FashionData data = FashionData.load(out, o.seed);
        TensorDataset train = data.train(), test = data.test();
        String dataset = data.name();
        if (o.trainLimit > 0 && o.trainLimit < train.size()) train = train.subset(0, o.trainLimit);
        if (o.testLimit > 0 && o.testLimit < test.size()) test = test.subset(0, o.testLimit);

        Generator gen = new Generator(o.seed);
        Sequential model = model(o, gen);
        var loaderBuilder = DataLoader.builder(train).batchSize(o.batchSize).shuffle(o.seed).dropLast(true);
        if (o.augment.equals("flip")) loaderBuilder.transform(Transforms.randomHorizontalFlip(new Generator(o.seed + 3)));
        DataLoader loader = loaderBuilder.build();
        AdamW optimizer = new AdamW(model.parameters(), AdamW.options().lr(o.maxLr).weightDecay(o.weightDecay));
        OneCycleLR schedule = new OneCycleLR(optimizer, OneCycleLR.options(o.maxLr).epochs(o.epochs, loader.size()));
        TemporalTraining.Policy policy = o.policy();
        String policyName = policy == TemporalTraining.Policy.SLTT_K ? "SLTT-K (K = " + o.k + ")" : policy.name();
        out.printf("%s: %d training, %d test images; spiking CNN (%s neurons, %s surrogate, T = %d, direct encoding, %s); %,d parameters%n",
                dataset, train.size(), test.size(), o.neuron.toUpperCase(Locale.ROOT), o.surrogate, o.steps, policyName, model.parameterCount());
        out.printf("batch %d, %d epochs, AdamW + one-cycle (max lr %s), augmentation: %s; %d threads%n",
                o.batchSize, o.epochs, o.maxLr, o.augment.equals("flip") ? "random horizontal flip" : "none", Parallel.threads());

        TrainingLog log = new TrainingLog();
        List<Double> epochSeconds = new ArrayList<>();
        List<Double> batchLosses = new ArrayList<>();
        Generator slttGen = new Generator(o.seed + 7);
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
        String title = dataset + " spiking CNN (T = " + o.steps + ", " + o.neuron.toUpperCase(Locale.ROOT) + ")";
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
                    // A scope per step: activations, gradients and the batch go back to the allocator when it closes.
                    try (var stepScope = TensorScope.open()) {
                        model.zeroGrad();
                        Tensor x = Encoders.direct(b.inputs(), o.steps);
                        var r = TemporalTraining.backward(policy, model, x, b.targets(), F::crossEntropy, o.k, slttGen);
                        optimizer.step();
                        schedule.step();
                        double l = r.loss().item();
                        batchLosses.add(l);
                        int n = b.size();
                        lossSum += l * n;
                        seen += n;
                        correct += r.outputs().mean(0).argmax(1, false).eq(b.targets()).sum().itemLong();
                        step++;
                        log.record(epoch, step, "train loss (batch)", l);
                        bar.metric("loss", lossSum / seen).metric("acc", (double) correct / seen).step();
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println("memory (CPU allocator, this epoch): " + Device.CPU.memoryStats().since(memoryAtStart));
            epochSeconds.add(seconds);
            eval = evaluate(model, test, o.steps, 500, null);
            log.record(epoch, step, "train loss", lossSum / seen);
            log.record(epoch, step, "train accuracy", (double) correct / seen);
            log.record(epoch, step, "test loss", eval.loss);
            log.record(epoch, step, "test accuracy", eval.accuracy);
            out.printf("epoch %d: %.1f s (%.0f images/s), train loss %.4f, train accuracy %.2f%%, test loss %.4f, test accuracy %.2f%%%n",
                    epoch, seconds, seen / seconds, lossSum / seen, 100.0 * correct / seen, eval.loss, 100 * eval.accuracy);
            run.saveEpoch(epoch, step, log, title, model, optimizer, schedule, settings);
            if (epoch == o.stopAfter && epoch < o.epochs) {
                out.printf("stopped after epoch %d of %d (--stop-after); continue with --resume %s%n", epoch, o.epochs, run.dir);
                break;
            }
        }
        if (eval == null) eval = evaluate(model, test, o.steps, 500, null);     // resumed after the last epoch: nothing left to train

        // Firing rates and energy over the whole test set, with the trained weights.
        Map<String, Double> rates;
        Energy.Estimate energy;
        double[] raster;
        String rasterLayer;
        int rasterNeurons;
        try (SpikeMonitor monitor = SpikeMonitor.attach(model, true)) {
            evaluate(model, test, o.steps, 500, monitor);
            rates = monitor.firingRates();
            energy = Energy.estimate(model, new int[]{1, 28, 28}, o.steps, monitor);
            var hidden = monitor.layers().values().stream().reduce((a, b) -> b).orElseThrow();   // the last spiking layer
            rasterLayer = hidden.name();
            rasterNeurons = hidden.raster().size(1);
            raster = hidden.raster().toDoubleArray();
        }
        out.println("\nfiring rates (spikes per neuron per step, test set):");
        rates.forEach((name, rate) -> out.printf(Locale.ROOT, "  layer %-4s %.4f%n", name, rate));
        out.println("\nenergy estimate (bio reference §9; the first layer's input is analog):");
        out.print(energy.table());

        Path dir = run.dir;
        Path curves = run.resolve(RunDirectory.CURVES), rasterPng = dir.resolve("raster.png"), weights = dir.resolve("model.safetensors");
        SpikePlots.raster(rasterPng, raster, o.steps, rasterNeurons, "layer " + rasterLayer + " (" + model.namedModules().get(rasterLayer).getClass().getSimpleName() + ") spikes, one test image (" + rasterNeurons + " neurons)");
        AtomicFiles.writeString(dir.resolve("energy.md"), energy.table());
        SafeTensors.save(weights, model.stateDict(), Map.of("task", "snn-fashion-mnist", "dataset", dataset, "neuron", o.neuron,
                "steps", Integer.toString(o.steps), "test_accuracy", Double.toString(eval.accuracy), "epochs", Integer.toString(o.epochs)));
        double meanEpoch = epochSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        out.printf("%ntest accuracy %.2f%% (%s, %d test images); mean epoch time %.1f s%n", 100 * eval.accuracy, dataset, test.size(), meanEpoch);
        out.println("curves: " + curves.toAbsolutePath());
        out.println("raster: " + rasterPng.toAbsolutePath());
        out.println("log:    " + run.resolve(RunDirectory.LOG).toAbsolutePath());
        out.println("checkpoint (--resume " + dir + "): " + run.resolve(RunDirectory.CHECKPOINT).toAbsolutePath());
        out.println("model:  " + weights.toAbsolutePath());
        return new Result(dataset, eval.accuracy, eval.loss, epochSeconds, batchLosses, rates, energy, curves, rasterPng, weights);
    }

    record Evaluation(double loss, double accuracy) {}

    /** Loss and accuracy of the step-averaged readout over a data set, in evaluation mode without gradients. */
    static Evaluation evaluate(Module model, TensorDataset data, int steps, int batchSize, SpikeMonitor monitor) {
        model.eval();
        double lossSum = 0;
        long correct = 0;
        try (var _ = Autograd.noGrad()) {
            for (Batch b : DataLoader.builder(data).batchSize(batchSize).prefetch(0).build())
                try (var batchScope = TensorScope.open()) {
                    SNN.resetState(model);
                    Tensor logits = model.forward(Encoders.direct(b.inputs(), steps)).mean(0);
                    lossSum += F.crossEntropy(logits, b.targets(), F.CrossEntropy.DEFAULT.withReduction(F.Reduction.SUM)).item();
                    correct += logits.argmax(1, false).eq(b.targets()).sum().itemLong();
                }
        }
        return new Evaluation(lossSum / data.size(), (double) correct / data.size());
    }
}
