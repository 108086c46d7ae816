package dev.galvani.benchmarks.train;

import dev.galvani.autograd.Autograd;
import dev.galvani.benchmarks.Cli;
import dev.galvani.data.Batch;
import dev.galvani.data.DataLoader;
import dev.galvani.data.SyntheticDelays;
import dev.galvani.data.TensorDataset;
import dev.galvani.delay.DelayedLinear;
import dev.galvani.delay.SigmaSchedule;
import dev.galvani.io.AtomicFiles;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.nn.BatchNorm;
import dev.galvani.nn.F;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.nn.Sequential;
import dev.galvani.optim.Adam;
import dev.galvani.optim.CosineAnnealingLR;
import dev.galvani.optim.OneCycleLR;
import dev.galvani.snn.LIFNode;
import dev.galvani.snn.MultiStep;
import dev.galvani.snn.NonSpikingIntegrator;
import dev.galvani.snn.SNN;
import dev.galvani.snn.SequenceDropout;
import dev.galvani.snn.SpikingNeuron;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.Surrogate;
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
 * The delay ablation of DCLS reference §11 on {@link SyntheticDelays}: the same spiking network
 * with no delays (D = 1), fixed random delays (positions frozen at their initialisation) and learned
 * delays, trained and evaluated the SNN-delays way (§4–§8: delay layer → batch norm → LIF with τ ≈ 1
 * → dropout, a non-firing readout summed over time through a softmax, Adam for the weights with a
 * one-cycle schedule per epoch, a separate Adam with 100× the learning rate and a cosine schedule
 * for the positions, σ shrinking to 0.23 over the first quarter of the epochs, clamping after every
 * step, rounded integer delays at evaluation). Prints a table of test accuracy per arm and seed.
 */
public final class DelayAblationTask {

    @Command(name = "delay-ablation", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = {"No delays, fixed random delays and learned delays (DCLS) on a spike-timing task that only delays solve;",
                    "prints the test accuracy of each arm and seed (evaluated with rounded integer delays)."})
    public static final class Options implements Cli.Checked {
        @Option(names = "--epochs", paramLabel = "N") int epochs = 30;
        @Option(names = "--seeds", paramLabel = "S,...", split = ",", description = "one run per seed and arm") long[] seeds = {0, 1, 2};
        @Option(names = "--channels", paramLabel = "C", description = "input channels, each firing once per example") int channels = 8;
        @Option(names = "--classes", paramLabel = "K", description = "spike orders to tell apart") int classes = 4;
        @Option(names = "--steps", paramLabel = "T", description = "time steps per example") int steps = 24;
        @Option(names = "--span", paramLabel = "S", description = "steps over which one example's template spikes spread") int span = 10;
        @Option(names = "--noise", paramLabel = "R", description = "noise spikes per channel and step") double noise = 0.01;
        @Option(names = "--taps", paramLabel = "D", description = "kernel length of the delay layers: delays 0..D-1 (odd)") int taps = 11;
        @Option(names = "--hidden", paramLabel = "N", description = "hidden spiking neurons") int hidden = 32;
        @Option(names = "--train", paramLabel = "N", description = "training examples") int train = 2048;
        @Option(names = "--test", paramLabel = "N", description = "test examples") int test = 1024;
        @Option(names = "--batch-size", paramLabel = "N") int batchSize = 64;
        @Option(names = "--lr", paramLabel = "LR", description = "the weights' learning rate (one-cycle peak 5x; positions 100x)") double lr = 1e-3;
        @Option(names = "--out", paramLabel = "DIR", description = "where the run's folder is made") Path out = Path.of("runs");

        @Override public void check() {
            for (int v : new int[]{epochs, channels, steps, span, hidden, train, test, batchSize})
                if (v <= 0) throw new IllegalArgumentException("delay-ablation: sizes and counts must be positive");
            if (taps < 1 || taps % 2 == 0) throw new IllegalArgumentException("delay-ablation: --taps must be odd, got " + taps);
            if (span > steps || span < channels) throw new IllegalArgumentException("delay-ablation: need --channels <= --span <= --steps");
            if (train < batchSize) throw new IllegalArgumentException("delay-ablation: --train " + train + " is below --batch-size " + batchSize);
            if (seeds.length == 0) throw new IllegalArgumentException("delay-ablation: --seeds needs at least one seed");
        }
    }

    /** The three arms of reference §11. */
    public enum Arm {
        NONE("no delays"), RANDOM("fixed random delays"), LEARNED("learned delays");
        final String label;
        Arm(String label) { this.label = label; }
    }

    /** Test accuracy per arm, one value per seed (in the order of the seeds). */
    public record Result(Map<Arm, double[]> accuracy, String table, Path dir) {
        public double mean(Arm arm) { return java.util.Arrays.stream(accuracy.get(arm)).average().orElse(Double.NaN); }
    }

    public static void main(String[] args) throws Exception {
        run(Cli.parseOrExit(new Options(), args), System.out);
    }

    public static Result run(Options o, PrintStream out) throws Exception {
        o.check();
        RunDirectory runDir = RunDirectory.create(o.out, "delay-ablation");
        long templateSeed = 1234;
        TensorDataset train = SyntheticDelays.generate(o.train, o.channels, o.classes, o.steps, o.span, o.noise, templateSeed, 1);
        TensorDataset test = SyntheticDelays.generate(o.test, o.channels, o.classes, o.steps, o.span, o.noise, templateSeed, 2);
        out.printf("delay ablation: %d classes of spike order over %d channels, T = %d, D = %d, %d hidden LIF neurons; %d training, %d test examples, %d epochs%n",
                o.classes, o.channels, o.steps, o.taps, o.hidden, o.train, o.test, o.epochs);
        Map<Arm, double[]> accuracy = new LinkedHashMap<>();
        for (Arm arm : Arm.values()) {
            double[] acc = new double[o.seeds.length];
            for (int s = 0; s < o.seeds.length; s++) {
                acc[s] = trainArm(arm, o, o.seeds[s], train, test, out);
                out.printf(Locale.ROOT, "%s, seed %d: test accuracy %.2f%%%n", arm.label, o.seeds[s], 100 * acc[s]);
            }
            accuracy.put(arm, acc);
        }
        String table = table(o, accuracy);
        out.println();
        out.print(table);
        AtomicFiles.writeString(runDir.resolve("ablation.md"), table);
        out.println("table: " + runDir.resolve("ablation.md").toAbsolutePath());
        return new Result(accuracy, table, runDir.dir);
    }

    static Sequential model(Arm arm, Options o, Generator gen) {
        int d = arm == Arm.NONE ? 1 : o.taps;
        var lif = new SpikingNeuron.Options().vThreshold(1.0).vReset(0.0).detachReset(true).surrogate(Surrogate.atan(5.0));
        return new Sequential(
                new DelayedLinear(o.channels, o.hidden, d, gen), new MultiStep(new BatchNorm.BatchNorm1d(o.hidden)),
                new LIFNode(1.005, false, lif), new SequenceDropout(0.1, gen),
                new DelayedLinear(o.hidden, o.classes, d, gen), new NonSpikingIntegrator(1.005));
    }

    /** Σ_t softmax(V[t]) over the readout's membrane [T', B, K]: the class scores of SNN-delays (§4). */
    static Tensor scores(Module model, Tensor x) {
        return F.softmax(model.forward(x), 2).sum(0, false);
    }

    static double trainArm(Arm arm, Options o, long seed, TensorDataset train, TensorDataset test, PrintStream out) {
        Generator gen = new Generator(seed);
        Sequential model = model(arm, o, gen);
        List<DelayedLinear> delays = model.children().stream().filter(m -> m instanceof DelayedLinear).map(m -> (DelayedLinear) m).toList();
        List<Parameter> positions = new ArrayList<>(), others = new ArrayList<>();
        for (var e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (!p.requiresGrad()) continue;                         // σ: frozen, moved by the schedule
            if (e.getKey().endsWith(".P")) positions.add(p); else others.add(p);
        }
        if (arm != Arm.LEARNED) positions.forEach(p -> p.requiresGrad(false));
        Adam weights = new Adam(others, Adam.options().lr(o.lr));
        OneCycleLR weightSchedule = new OneCycleLR(weights, 5 * o.lr, o.epochs);       // stepped once per epoch (§8)
        Adam positionOptimizer = arm == Arm.LEARNED ? new Adam(positions, Adam.options().lr(100 * o.lr)) : null;
        CosineAnnealingLR positionSchedule = positionOptimizer == null ? null : new CosineAnnealingLR(positionOptimizer, o.epochs);
        SigmaSchedule sigma = new SigmaSchedule(delays, Math.max(o.taps / 2, 0.23), Math.max(o.epochs / 4, 0));
        DataLoader loader = DataLoader.builder(train).batchSize(o.batchSize).shuffle(seed).dropLast(true).build();
        String label = arm.label + " (seed " + seed + ")";
        try (ProgressBar bar = ProgressBar.builder(o.epochs).label(label).out(out).build()) {
            for (int epoch = 0; epoch < o.epochs; epoch++) {
                model.train();
                for (Batch b : loader.epoch(epoch)) {
                    try (var step = TensorScope.open()) {
                        SNN.resetState(model);
                        Tensor x = b.inputs().permute(1, 0, 2);                // [T, B, C]
                        Tensor loss = F.crossEntropy(scores(model, x), b.targets());
                        model.zeroGrad();
                        loss.backward();
                        weights.step();
                        if (positionOptimizer != null) positionOptimizer.step();
                        delays.forEach(DelayedLinear::clampPositions);
                    }
                }
                weightSchedule.step();
                if (positionSchedule != null) positionSchedule.step();
                if (arm != Arm.NONE) sigma.step(epoch);
                bar.step();
            }
        }
        return evaluate(model, test);
    }

    /** Accuracy with the rounded, integer delays (the evaluation of SNN-delays, §7). */
    static double evaluate(Module model, TensorDataset test) {
        model.eval();
        long correct = 0;
        try (var _ = Autograd.noGrad()) {
            for (Batch b : DataLoader.builder(test).batchSize(256).prefetch(0).build())
                try (var scope = TensorScope.open()) {
                    SNN.resetState(model);
                    correct += scores(model, b.inputs().permute(1, 0, 2)).argmax(1).eq(b.targets()).sum().itemLong();
                }
        }
        return (double) correct / test.size();
    }

    static String table(Options o, Map<Arm, double[]> accuracy) {
        StringBuilder s = new StringBuilder("| arm | ");
        for (long seed : o.seeds) s.append("seed ").append(seed).append(" | ");
        s.append("mean |\n|---|");
        for (int i = 0; i <= o.seeds.length; i++) s.append("---:|");
        s.append('\n');
        accuracy.forEach((arm, acc) -> {
            s.append("| ").append(arm.label).append(" | ");
            for (double a : acc) s.append(String.format(Locale.ROOT, "%.2f %% | ", 100 * a));
            s.append(String.format(Locale.ROOT, "%.2f %% |%n", 100 * java.util.Arrays.stream(acc).average().orElse(Double.NaN)));
        });
        s.append(String.format(Locale.ROOT, "%nchance: %.2f %%; %d classes, %d channels, T = %d, span %d, noise %s, D = %d, hidden %d, %d epochs%n",
                100.0 / o.classes, o.classes, o.channels, o.steps, o.span, o.noise, o.taps, o.hidden, o.epochs));
        return s.toString();
    }
}
