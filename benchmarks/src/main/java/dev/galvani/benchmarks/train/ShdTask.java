package dev.galvani.benchmarks.train;

import dev.galvani.benchmarks.Cli;
import dev.galvani.data.DataLoader;
import dev.galvani.data.SHD;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.monitor.TrainingLog;
import dev.galvani.tensor.Generator;
import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The published SHD configuration of DCLS-Delays (DCLS reference §9): 140 → 256 → 256 → 20 delay
 * layers with D = 25 (delays up to 240 ms), τ = 1.005, dropout 0.4, batch 256, 150 epochs, the
 * recipe of {@link SnnDelaysNetwork}. As in SNN-delays the test set is evaluated after every epoch
 * with rounded delays and the best epoch is reported (95.07 % published; 93.77 % is the figure to
 * expect from a held-out validation split). The data cannot be downloaded here: without the files
 * the task says where to put them and stops.
 */
public final class ShdTask {

    /** The command line of {@code shd}: data folder, network, training settings and the output folder. */
    @Command(name = "shd", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = {"Trains DCLS-Delays on the Spiking Heidelberg Digits with the published configuration and reports the test",
                    "accuracy of the rounded-delay network after every epoch. Needs shd_train.h5 and shd_test.h5 (GALVANI_DATA or --data)."})
    public static final class Options implements Cli.Checked {
        @Option(names = "--data", paramLabel = "DIR", description = "folder with shd_train.h5 and shd_test.h5 (default: GALVANI_DATA or its shd/)") Path data;
        @Option(names = "--epochs", paramLabel = "N") int epochs = 150;
        @Option(names = "--batch-size", paramLabel = "N") int batchSize = 256;
        @Option(names = "--hidden", paramLabel = "N,...", split = ",", description = "hidden layer widths") int[] hidden = {256, 256};
        @Option(names = "--taps", paramLabel = "D", description = "kernel length: delays 0..D-1 frames") int taps = 25;
        @Option(names = "--binning", paramLabel = "B", description = "uniform or event-anchored (the paper's)") String binning = "uniform";
        @Option(names = "--lr", paramLabel = "LR") double lr = 1e-3;
        @Option(names = "--seed", paramLabel = "S") long seed = 0;
        @Option(names = "--out", paramLabel = "DIR") Path out = Path.of("runs");

        @Override public void check() {
            if (epochs <= 0 || batchSize <= 0 || taps < 1 || taps % 2 == 0 || hidden.length == 0)
                throw new IllegalArgumentException("shd: --epochs and --batch-size must be positive, --taps odd, --hidden non-empty");
            binning();
        }

        SHD.Binning binning() {
            return switch (binning.toLowerCase(Locale.ROOT)) {
                case "uniform" -> SHD.Binning.UNIFORM;
                case "event-anchored" -> SHD.Binning.EVENT_ANCHORED;
                default -> throw new IllegalArgumentException("shd: --binning is uniform or event-anchored, got '" + binning + "'");
            };
        }

        /**
         * Sets {@code --data}, the folder with {@code shd_train.h5} and {@code shd_test.h5}; returns these
         * options.
         */
        public Options data(Path v) { data = v; return this; }
        /** Sets {@code --epochs}, the training epochs; returns these options. */
        public Options epochs(int v) { epochs = v; return this; }
        /** Sets {@code --batch-size}, the examples per step; returns these options. */
        public Options batchSize(int v) { batchSize = v; return this; }
        /** Sets {@code --hidden}, the hidden layer widths; returns these options. */
        public Options hidden(int... v) { hidden = v; return this; }
        /** Sets {@code --out}, the folder where the run's folder is made; returns these options. */
        public Options out(Path v) { out = v; return this; }
    }

    /** The best and the last test accuracy over the epochs, and where the log went. */
    public record Result(double best, int bestEpoch, double last, Path dir) {}

    /**
     * Runs the task from the command line; without the data files it prints where to put them and exits with
     * code 2.
     * @param args the command line
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        Options o = Cli.parseOrExit(new Options(), args);
        try {
            run(o, System.out);
        } catch (FileNotFoundException e) {
            System.err.println("shd: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Trains DCLS-Delays on SHD with these options, evaluating the rounded-delay network on the test set
     * after every epoch, printing progress to {@code out} and writing the log into a new run folder under
     * {@code --out}.
     * @param o the options, checked first
     * @param out where progress and results are printed
     * @return the best and the last test accuracy and the run folder
     * @throws java.io.FileNotFoundException if the data files are missing
     * @throws Exception if reading the data, training or writing the log fails
     */
    public static Result run(Options o, PrintStream out) throws Exception {
        o.check();
        Path dir = o.data != null ? o.data : SHD.locate();
        var train = SHD.dataset(SHD.read(dir.resolve(SHD.TRAIN_FILE)), 10, 5, o.binning());
        var test = SHD.dataset(SHD.read(dir.resolve(SHD.TEST_FILE)), 10, 5, o.binning());
        RunDirectory run = RunDirectory.create(o.out, "shd");
        var settings = new SnnDelaysNetwork.Settings(SHD.CHANNELS / 5, o.hidden, SHD.CLASSES, o.taps, true, 1.005, 0.4, o.lr, 1e-5, o.epochs);
        var net = new SnnDelaysNetwork(settings, new Generator(o.seed));
        out.printf("SHD: %d training, %d test recordings (%s frames of 10 ms, 140 channel groups); DCLS-Delays %s, D = %d; %,d trainable parameters%n",
                train.size(), test.size(), o.binning, java.util.Arrays.toString(o.hidden), o.taps,
                net.model.parameters().stream().filter(p -> p.requiresGrad()).mapToLong(p -> p.numel()).sum());
        DataLoader loader = DataLoader.builder(train, SHD.padCollate()).batchSize(o.batchSize).shuffle(o.seed).build();
        DataLoader testLoader = DataLoader.builder(test, SHD.padCollate()).batchSize(o.batchSize).prefetch(0).build();
        TrainingLog log = new TrainingLog();
        double best = -1, last = 0;
        int bestEpoch = -1;
        try (ProgressBar bar = ProgressBar.builder(o.epochs).label("shd").out(out).build()) {
            for (int epoch = 0; epoch < o.epochs; epoch++) {
                double loss = net.trainEpoch(loader.epoch(epoch));
                double sigmaUsed = net.sigmaNow();
                net.endEpoch(epoch);
                last = net.evaluate(testLoader.epoch(0));
                if (last > best) { best = last; bestEpoch = epoch + 1; }
                log.record(epoch + 1, epoch + 1, "train loss", loss);
                log.record(epoch + 1, epoch + 1, "test accuracy (rounded delays)", last);
                log.record(epoch + 1, epoch + 1, "sigma", sigmaUsed);
                log.writeCsv(run.resolve(RunDirectory.LOG));
                bar.metric("loss", loss).metric("test", last).step();
            }
        }
        out.printf(Locale.ROOT, "%nbest test accuracy %.2f %% (epoch %d), last %.2f %% (published: 95.07 %%; 93.77 %% with a held-out validation split)%n",
                100 * best, bestEpoch, 100 * last);
        out.println("log: " + run.resolve(RunDirectory.LOG).toAbsolutePath());
        return new Result(best, bestEpoch, last, run.dir);
    }
}
