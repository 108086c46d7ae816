package dev.galvani.benchmarks.train;

import dev.galvani.autograd.Autograd;
import dev.galvani.data.Batch;
import dev.galvani.data.DataLoader;
import dev.galvani.data.FashionMNIST;
import dev.galvani.data.SyntheticImages;
import dev.galvani.data.TensorDataset;
import dev.galvani.io.SafeTensors;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.monitor.SpikePlots;
import dev.galvani.monitor.TrainingCurves;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    public static final class Options {
        int epochs = 8, batchSize = 128, trainLimit = 0, testLimit = 0, steps = 4, k = 2, channels1 = 32, channels2 = 64, hidden = 256;
        double maxLr = 5e-3, weightDecay = 1e-4, dropout = 0.25;
        String neuron = "plif", surrogate = "atan";
        TemporalTraining.Policy policy = TemporalTraining.Policy.BPTT;
        long seed = 42;
        Path out = Path.of("runs");

        public Options epochs(int v) { epochs = positive("--epochs", v); return this; }
        public Options batchSize(int v) { batchSize = positive("--batch-size", v); return this; }
        public Options trainLimit(int v) { trainLimit = positive("--train-limit", v); return this; }
        public Options testLimit(int v) { testLimit = positive("--test-limit", v); return this; }
        public Options steps(int v) { steps = positive("--steps", v); return this; }
        public Options k(int v) { k = positive("--k", v); return this; }
        public Options width(int channels1, int channels2, int hidden) {
            this.channels1 = positive("--channels", channels1);
            this.channels2 = positive("--channels", channels2);
            this.hidden = positive("--hidden", hidden);
            return this;
        }
        public Options maxLr(double v) { maxLr = v; return this; }
        public Options weightDecay(double v) { weightDecay = v; return this; }
        public Options dropout(double v) {
            if (!(v >= 0 && v < 1)) throw new IllegalArgumentException("snn-fashion-mnist: --dropout must be in [0, 1), got " + v);
            dropout = v;
            return this;
        }
        public Options neuron(String v) {
            if (!v.equals("lif") && !v.equals("plif")) throw new IllegalArgumentException("snn-fashion-mnist: --neuron is lif or plif, got '" + v + "'");
            neuron = v;
            return this;
        }
        public Options surrogate(String v) { surrogateOf(v); surrogate = v; return this; }
        public Options policy(String v) {
            policy = switch (v.toLowerCase(Locale.ROOT)) {
                case "bptt" -> TemporalTraining.Policy.BPTT;
                case "sltt" -> TemporalTraining.Policy.SLTT;
                case "sltt-k" -> TemporalTraining.Policy.SLTT_K;
                default -> throw new IllegalArgumentException("snn-fashion-mnist: --policy is bptt, sltt or sltt-k, got '" + v + "'");
            };
            return this;
        }
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
                if (i + 1 >= args.length) throw new IllegalArgumentException("snn-fashion-mnist: " + a + " needs a value\n" + USAGE);
                String v = args[++i];
                switch (a) {
                    case "--epochs" -> o.epochs(Integer.parseInt(v));
                    case "--steps" -> o.steps(Integer.parseInt(v));
                    case "--neuron" -> o.neuron(v);
                    case "--surrogate" -> o.surrogate(v);
                    case "--policy" -> o.policy(v);
                    case "--k" -> o.k(Integer.parseInt(v));
                    case "--batch-size" -> o.batchSize(Integer.parseInt(v));
                    case "--lr" -> o.maxLr(Double.parseDouble(v));
                    case "--weight-decay" -> o.weightDecay(Double.parseDouble(v));
                    case "--dropout" -> o.dropout(Double.parseDouble(v));
                    case "--channels" -> {
                        String[] c = v.split(",");
                        if (c.length != 2) throw new IllegalArgumentException("snn-fashion-mnist: --channels takes two widths, e.g. 32,64");
                        o.width(Integer.parseInt(c[0].trim()), Integer.parseInt(c[1].trim()), o.hidden);
                    }
                    case "--hidden" -> o.width(o.channels1, o.channels2, Integer.parseInt(v));
                    case "--seed" -> o.seed(Long.parseLong(v));
                    case "--train-limit" -> o.trainLimit(Integer.parseInt(v));
                    case "--test-limit" -> o.testLimit(Integer.parseInt(v));
                    case "--out" -> o.out(Path.of(v));
                    default -> throw new IllegalArgumentException("snn-fashion-mnist: unknown option '" + a + "'\n" + USAGE);
                }
            }
            if (o.policy == TemporalTraining.Policy.SLTT_K && o.k > o.steps)
                throw new IllegalArgumentException("snn-fashion-mnist: --k " + o.k + " exceeds --steps " + o.steps);
            return o;
        }

        private static int positive(String option, int n) {
            if (n <= 0) throw new IllegalArgumentException("snn-fashion-mnist: " + option + " must be positive, got " + n);
            return n;
        }
    }

    static final String USAGE = """
            usage: ./galvani snn-fashion-mnist [--epochs 8] [--steps 4] [--neuron plif|lif] [--surrogate atan|sigmoid|...]
                                               [--policy bptt|sltt|sltt-k] [--k 2] [--batch-size 128] [--lr 5e-3]
                                               [--weight-decay 1e-4] [--dropout 0.25] [--channels 32,64] [--hidden 256]
                                               [--seed 42] [--train-limit N] [--test-limit N] [--out runs]
            Trains a spiking CNN on Fashion-MNIST (direct encoding, surrogate gradients; CPU, threads: -Dgalvani.threads=N)
            and reports test accuracy, epoch times, per-layer firing rates, the energy estimate against the same ANN,
            and where the curves, the raster plot and the weights were written.
            Surrogates: atan, sigmoid, fast-sigmoid, piecewise-quadratic, triangle, erf, piecewise-exp, soft-sign.""";

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
            default -> throw new IllegalArgumentException("snn-fashion-mnist: unknown surrogate '" + name + "'\n" + USAGE);
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

    public static void main(String[] args) throws Exception {
        run(Options.parse(args), System.out);
    }

    /**
     * The network, every layer in multi-step form: [conv 3x3 → batch norm → neuron → max pool 2] x 2,
     * flatten → linear → neuron → sequence dropout → linear (the readout, averaged over T by the
     * caller). The stem's conv and batch norm see a directly encoded input, the same at every step,
     * so {@link MultiStep} runs them once.
     */
    public static Sequential model(Options o, Generator gen) {
        int c1 = o.channels1, c2 = o.channels2;
        return new Sequential(
                new MultiStep(new Conv.Conv2d(1, c1, 3, 1, 1, 1, 1, false, gen)), new MultiStep(new BatchNorm.BatchNorm2d(c1)), neuron(o),
                new MultiStep(new Pool.MaxPool2d(2)),
                new MultiStep(new Conv.Conv2d(c1, c2, 3, 1, 1, 1, 1, false, gen)), new MultiStep(new BatchNorm.BatchNorm2d(c2)), neuron(o),
                new MultiStep(new Pool.MaxPool2d(2)),
                new MultiStep(new Flatten()), new MultiStep(new Linear(c2 * 7 * 7, o.hidden, true, gen)), neuron(o),
                new SequenceDropout(o.dropout, gen),
                new MultiStep(new Linear(o.hidden, 10, true, gen)));
    }

    /** SpikingJelly's defaults (τ = 2, V_th = 1, hard reset to 0) with the chosen surrogate; the reset detached, as its Fashion-MNIST example does. */
    static SpikingNeuron neuron(Options o) {
        var options = new SpikingNeuron.Options().surrogate(surrogateOf(o.surrogate)).detachReset(true);
        return o.neuron.equals("plif") ? new ParametricLIFNode(2.0, true, options) : new LIFNode(2.0, true, options);
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
        if (o.testLimit > 0 && o.testLimit < test.size()) test = test.subset(0, o.testLimit);

        Generator gen = new Generator(o.seed);
        Sequential model = model(o, gen);
        DataLoader loader = DataLoader.builder(train).batchSize(o.batchSize).shuffle(o.seed).dropLast(true).build();
        AdamW optimizer = new AdamW(model.parameters(), AdamW.options().lr(o.maxLr).weightDecay(o.weightDecay));
        OneCycleLR schedule = new OneCycleLR(optimizer, OneCycleLR.options(o.maxLr).epochs(o.epochs, loader.size()));
        String policy = o.policy == TemporalTraining.Policy.SLTT_K ? "SLTT-K (K = " + o.k + ")" : o.policy.name();
        out.printf("%s: %d training, %d test images; spiking CNN (%s neurons, %s surrogate, T = %d, direct encoding, %s); %,d parameters%n",
                dataset, train.size(), test.size(), o.neuron.toUpperCase(Locale.ROOT), o.surrogate, o.steps, policy, model.parameterCount());
        out.printf("batch %d, %d epochs, AdamW + one-cycle (max lr %s); %d threads%n", o.batchSize, o.epochs, o.maxLr, Parallel.threads());

        TrainingLog log = new TrainingLog();
        List<Double> epochSeconds = new ArrayList<>();
        List<Double> batchLosses = new ArrayList<>();
        Generator slttGen = new Generator(o.seed + 7);
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
                    // A scope per step: activations, gradients and the batch go back to the allocator when it closes.
                    try (var stepScope = TensorScope.open()) {
                        model.zeroGrad();
                        Tensor x = Encoders.direct(b.inputs(), o.steps);
                        var r = TemporalTraining.backward(o.policy, model, x, b.targets(), F::crossEntropy, o.k, slttGen);
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
        }

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

        Path dir = o.out.resolve("snn-fashion-mnist-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        Path curves = dir.resolve("curves.png"), rasterPng = dir.resolve("raster.png"), weights = dir.resolve("model.safetensors");
        TrainingCurves.save(curves, log, dataset + " spiking CNN (T = " + o.steps + ", " + o.neuron.toUpperCase(Locale.ROOT) + ")", 1000, 700);
        log.writeCsv(dir.resolve("log.csv"));
        SpikePlots.raster(rasterPng, raster, o.steps, rasterNeurons, "layer " + rasterLayer + " (" + model.namedModules().get(rasterLayer).getClass().getSimpleName() + ") spikes, one test image (" + rasterNeurons + " neurons)");
        Files.writeString(dir.resolve("energy.md"), energy.table());
        SafeTensors.save(weights, model.stateDict(), Map.of("task", "snn-fashion-mnist", "dataset", dataset, "neuron", o.neuron,
                "steps", Integer.toString(o.steps), "test_accuracy", Double.toString(eval.accuracy), "epochs", Integer.toString(o.epochs)));
        double meanEpoch = epochSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        out.printf("%ntest accuracy %.2f%% (%s, %d test images); mean epoch time %.1f s%n", 100 * eval.accuracy, dataset, test.size(), meanEpoch);
        out.println("curves: " + curves.toAbsolutePath());
        out.println("raster: " + rasterPng.toAbsolutePath());
        out.println("log:    " + dir.resolve("log.csv").toAbsolutePath());
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
