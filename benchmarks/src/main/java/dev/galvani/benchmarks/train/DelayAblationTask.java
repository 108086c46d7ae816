package dev.galvani.benchmarks.train;

import dev.galvani.benchmarks.Cli;
import dev.galvani.data.DataLoader;
import dev.galvani.data.SyntheticDelays;
import dev.galvani.data.TensorDataset;
import dev.galvani.io.AtomicFiles;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.tensor.Generator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * step, rounded integer delays at evaluation; {@link SnnDelaysNetwork}). Prints a table of test
 * accuracy per arm and seed.
 */
public final class DelayAblationTask {

    /**
     * The command line of {@code delay-ablation}: data sizes, network and training settings, seeds and the
     * output folder.
     */
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
        /** No delays: kernel length D = 1. */
        NONE("no delays"),
        /** Delays fixed at their random initialisation (positions frozen). */
        RANDOM("fixed random delays"),
        /** Delays learned with the weights. */
        LEARNED("learned delays");
        final String label;
        Arm(String label) { this.label = label; }
    }

    /** Test accuracy per arm, one value per seed (in the order of the seeds). */
    public record Result(Map<Arm, double[]> accuracy, String table, Path dir) {
        /**
         * The mean test accuracy of one arm over the seeds.
         * @param arm the arm
         * @return the mean accuracy in [0, 1]
         */
        public double mean(Arm arm) { return java.util.Arrays.stream(accuracy.get(arm)).average().orElse(Double.NaN); }
    }

    /**
     * Runs the ablation from the command line, printing to standard output.
     * @param args the command line
     * @throws Exception if a run or writing the table fails
     */
    public static void main(String[] args) throws Exception {
        run(Cli.parseOrExit(new Options(), args), System.out);
    }

    /**
     * Trains and evaluates every arm once per seed, prints the progress and the table to {@code out}, and
     * writes the table to {@code ablation.md} in a new run folder under {@code o.out}.
     * @param o the options, checked first
     * @param out where progress and the table are printed
     * @return the accuracies, the table and the run folder
     * @throws Exception if a run or writing the table fails
     */
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

    static double trainArm(Arm arm, Options o, long seed, TensorDataset train, TensorDataset test, PrintStream out) {
        var settings = new SnnDelaysNetwork.Settings(o.channels, new int[]{o.hidden}, o.classes, arm == Arm.NONE ? 1 : o.taps,
                arm == Arm.LEARNED, 1.005, 0.1, o.lr, 1e-5, o.epochs);
        var net = new SnnDelaysNetwork(settings, new Generator(seed));
        DataLoader loader = DataLoader.builder(train).batchSize(o.batchSize).shuffle(seed).dropLast(true).build();
        try (ProgressBar bar = ProgressBar.builder(o.epochs).label(arm.label + " (seed " + seed + ")").out(out).build()) {
            for (int epoch = 0; epoch < o.epochs; epoch++) {
                bar.metric("loss", net.trainEpoch(loader.epoch(epoch)));
                net.endEpoch(epoch);
                bar.step();
            }
        }
        return net.evaluate(DataLoader.builder(test).batchSize(256).prefetch(0).build());
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
