package dev.galvani.benchmarks.train;

import dev.galvani.benchmarks.Cli;
import dev.galvani.io.AtomicFiles;
import dev.galvani.nn.F;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Parameter;
import dev.galvani.nn.Sequential;
import dev.galvani.snn.Encoders;
import dev.galvani.snn.LIFNode;
import dev.galvani.snn.MultiStep;
import dev.galvani.snn.SNN;
import dev.galvani.snn.SpikingNeuron;
import dev.galvani.snn.TemporalTraining;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.Surrogate;
import dev.galvani.tensor.cpu.Parallel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What {@code MultiStep.compactSpikes} saves: the peak of live allocator bytes of one training step
 * (forward and BPTT backward, no optimizer step) with it off and on, for a spiking MLP and for the
 * spiking CNN of {@code snn-fashion-mnist}, beside the saving the shapes predict (3 bytes per spike
 * element fed to a Linear or Conv2d, 4 per element fed to max pooling) and the check that every
 * parameter gradient is bit for bit the same. Step times are indicative (same process, alternated).
 */
public final class SnnCompactTask {

    private SnnCompactTask() {}

    @Command(name = "snn-compact", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = {"Peak memory of a spiking training step with compactSpikes off and on (a spiking MLP and the snn-fashion-mnist CNN),",
                    "the saving against the shapes' prediction, and whether the gradients are bit for bit the same."})
    static final class Options implements Cli.Checked {
        @Option(names = "--mlp", paramLabel = "IN,H,...,OUT", split = ",", description = "the MLP's layer widths") int[] mlp = {784, 512, 512, 10};
        @Option(names = "--mlp-steps", paramLabel = "T,...", split = ",", description = "the MLP's values of T") int[] mlpSteps = {8, 16, 32};
        @Option(names = "--cnn-steps", paramLabel = "T,...", split = ",", description = "the CNN's values of T") int[] cnnSteps = {4};
        @Option(names = "--channels", paramLabel = "C1,C2", split = ",", description = "the CNN's conv widths") int[] channels = {32, 64};
        @Option(names = "--hidden", paramLabel = "N", description = "the CNN's hidden linear width") int hidden = 256;
        @Option(names = "--batch-size", paramLabel = "N", description = "examples per step") int batch = 128;
        @Option(names = "--timed-steps", paramLabel = "N", description = "timed steps per setting and network (0: memory only)") int timedSteps = 3;
        @Option(names = "--out", paramLabel = "FILE", description = "also write the Markdown page here") Path out;

        @Override public void check() {
            if (batch <= 0 || hidden <= 0 || timedSteps < 0) throw new IllegalArgumentException("snn-compact: --batch-size and --hidden must be positive");
            if (mlp.length < 2 || channels.length != 2) throw new IllegalArgumentException("snn-compact: --mlp needs two widths or more, --channels two");
            for (int t : mlpSteps) if (t <= 0) throw new IllegalArgumentException("snn-compact: every T must be positive");
            for (int t : cnnSteps) if (t <= 0) throw new IllegalArgumentException("snn-compact: every T must be positive");
        }
    }

    /**
     * One network and T: peak bytes of a step with compactSpikes off and on, the predicted saving,
     * whether the gradients matched bit for bit, and the median step times.
     */
    public record Row(String network, int steps, long offBytes, long onBytes, long predictedBytes, boolean identical, double offMs, double onMs) {
        /** Bytes saved by compactSpikes. */
        public long savedBytes() { return offBytes - onBytes; }
    }

    /**
     * Runs the {@code snn-compact} command: measures, prints the Markdown table and writes it to
     * {@code --out} when given.
     * @param args the command line
     * @throws IOException if writing the page fails
     */
    public static void main(String[] args) throws IOException {
        Options o = Cli.parseOrExit(new Options(), args);
        if (o.out != null) Files.createDirectories(o.out.toAbsolutePath().getParent());     // an unwritable --out fails before the work
        List<Row> rows = measure(o, System.out);
        String page = report(o, rows, String.join(" ", args));
        System.out.println();
        System.out.print(page);
        if (o.out != null) {
            AtomicFiles.writeString(o.out, page);
            System.out.println("\nwrote " + o.out.toAbsolutePath());
        }
    }

    /** Every row: the MLP for each of its T, then the CNN for each of its T. */
    static List<Row> measure(Options o, PrintStream log) {
        List<Row> rows = new ArrayList<>();
        int b = o.batch, in = o.mlp[0];
        Tensor labels = Tensor.randint(new Generator(2), 0, 10, b);
        for (int t : o.mlpSteps) {
            Tensor x = Encoders.direct(Tensor.randn(new Generator(1), b, in), t);
            long spikes = 0;                                        // every hidden layer's spikes feed a compact Linear
            for (int i = 1; i < o.mlp.length - 1; i++) spikes += o.mlp[i];
            rows.add(row("MLP " + widths(o.mlp), t, () -> mlp(o.mlp), x, labels, 3L * t * b * spikes, o.timedSteps, log));
        }
        int c1 = o.channels[0], c2 = o.channels[1];
        var cnn = new SnnFashionMnistTask.Options().width(c1, c2, o.hidden);
        for (int t : o.cnnSteps) {
            Tensor x = Encoders.direct(Tensor.randn(new Generator(3), b, 1, 28, 28), t);
            // The neurons' spikes feed max pooling (4 bytes each, nothing kept), the pooled ones a conv and a
            // Linear (3 bytes each); the last neuron's go through dropout, whose output is not spikes.
            long pooling = c1 * 28 * 28 + c2 * 14 * 14, compact = c1 * 14 * 14 + c2 * 7 * 7;
            long predicted = (long) t * b * (4 * pooling + 3 * compact);
            rows.add(row("CNN " + c1 + "-" + c2 + "-" + o.hidden, t, () -> SnnFashionMnistTask.model(cnn, new Generator(42)), x, labels, predicted,
                    o.timedSteps, log));
        }
        return rows;
    }

    /** Linear → LIF → ... → Linear, multi-step, SpikingJelly's LIF defaults with the atan surrogate. */
    static Sequential mlp(int[] widths) {
        Generator g = new Generator(42);
        var o = new SpikingNeuron.Options().surrogate(Surrogate.atan()).detachReset(true);
        List<dev.galvani.nn.Module> layers = new ArrayList<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            if (i > 0) layers.add(new LIFNode(2.0, true, o));
            layers.add(new MultiStep(new Linear(widths[i], widths[i + 1], true, g)));
        }
        return new Sequential(layers.toArray(dev.galvani.nn.Module[]::new));
    }

    private static String widths(int[] w) { return Arrays.stream(w).mapToObj(Integer::toString).reduce((a, c) -> a + "-" + c).orElse(""); }

    /** A fresh model per setting (same seed: the same weights, dropout masks and batch-norm statistics), one warm-up step, then the measured one. */
    static Row row(String network, int steps, Supplier<Sequential> make, Tensor x, Tensor labels, long predicted, int timedSteps, PrintStream log) {
        Sequential off = make.get(), on = make.get();
        SNN.compactSpikes(off, false);
        SNN.compactSpikes(on, true);
        Measured a = measure(off, x, labels), c = measure(on, x, labels);
        boolean identical = a.grads.size() == c.grads.size();
        for (int i = 0; identical && i < a.grads.size(); i++) identical = Arrays.equals(a.grads.get(i), c.grads.get(i));
        double[] ms = time(off, on, x, labels, timedSteps);
        Row r = new Row(network, steps, a.peak, c.peak, predicted, identical, ms[0], ms[1]);
        log.printf(Locale.ROOT, "  %-22s T = %2d: peak %.1f MiB off, %.1f MiB on, saved %.2f MiB (%.1f %%, predicted %.2f MiB); gradients %s%n", network, steps,
                mib(r.offBytes), mib(r.onBytes), mib(r.savedBytes()), 100.0 * r.savedBytes() / r.offBytes, mib(predicted),
                identical ? "bit for bit equal" : "DIFFER");
        return r;
    }

    private record Measured(long peak, List<float[]> grads) {}

    /** The peak of a step after a warm-up one, measured again when the cleaner returned earlier garbage during it; and its gradients. */
    private static Measured measure(Sequential model, Tensor x, Tensor labels) {
        step(model, x, labels, null);
        Measured m = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Device.CPU.settleMemory();
            List<float[]> grads = new ArrayList<>();
            long[] peak = new long[1];
            boolean clean = step(model, x, labels, (before, after) -> {
                peak[0] = after.peakLive() - before.live();
                for (Parameter p : model.parameters()) grads.add(p.grad() == null ? new float[0] : p.grad().toFloatArray());
            });
            m = new Measured(peak[0], grads);
            if (clean) break;
        }
        return m;
    }

    /** What a measured step reports: the allocator statistics before it and after its backward. */
    private interface Probe { void seen(dev.galvani.tensor.backend.MemoryStats before, dev.galvani.tensor.backend.MemoryStats after); }

    /** One BPTT step in its own scope; returns whether the cleaner stayed out of it. */
    private static boolean step(Sequential model, Tensor x, Tensor labels, Probe probe) {
        try (var scope = TensorScope.open()) {
            model.zeroGrad();
            Device.CPU.resetPeakMemoryStats();
            var before = Device.CPU.memoryStats();
            TemporalTraining.backward(TemporalTraining.Policy.BPTT, model, x, labels, F::crossEntropy, 1, new Generator(4));
            var after = Device.CPU.memoryStats();
            if (probe != null) probe.seen(before, after);
            model.zeroGrad();
            return after.cleaned() == before.cleaned();
        }
    }

    /** Median milliseconds of a step with compactSpikes off and on, alternated. */
    private static double[] time(Sequential off, Sequential on, Tensor x, Tensor labels, int n) {
        if (n == 0) return new double[]{Double.NaN, Double.NaN};
        double[] a = new double[n], c = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            step(off, x, labels, null);
            long t1 = System.nanoTime();
            step(on, x, labels, null);
            long t2 = System.nanoTime();
            a[i] = (t1 - t0) / 1e6;
            c[i] = (t2 - t1) / 1e6;
        }
        Arrays.sort(a);
        Arrays.sort(c);
        return new double[]{a[n / 2], c[n / 2]};
    }


    private static double mib(long bytes) { return bytes / (1024.0 * 1024.0); }

    static String report(Options o, List<Row> rows, String args) {
        StringBuilder s = new StringBuilder("# Compact spikes: the memory of a spiking training step\n\n");
        s.append(String.format(Locale.ROOT, "One training step (forward, BPTT backward; no optimizer step), batch %d, F32, on the CPU with %d threads "
                + "(%s), with `MultiStep.compactSpikes` off and on. Each cell is the step's peak of live bytes in the CPU allocator above what "
                + "lived before it (`Device.memoryStats().peakLive()`), after one warm-up step, measured again when the cleaner returned "
                + "earlier garbage during it. Networks: a spiking MLP (LIF, direct encoding) and the `snn-fashion-mnist` CNN "
                + "([conv → BN → PLIF → max pool] x 2 → linear → PLIF → dropout → linear).%n%n", o.batch, Parallel.threads(), machine()));
        boolean timed = o.timedSteps > 0;
        s.append("| network | T | peak off MiB | peak on MiB | saved MiB | saved % | predicted MiB | gradients |").append(timed ? " step ms off | step ms on |" : "")
                .append("\n|---|---:|---:|---:|---:|---:|---:|---|").append(timed ? "---:|---:|" : "").append('\n');
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f | %.1f | %.2f | %s |", r.network(), r.steps(), mib(r.offBytes()),
                    mib(r.onBytes()), mib(r.savedBytes()), 100.0 * r.savedBytes() / r.offBytes(), mib(r.predictedBytes()),
                    r.identical() ? "bit for bit equal" : "differ"));
            s.append(timed ? String.format(Locale.ROOT, " %.0f | %.0f |%n", r.offMs(), r.onMs()) : "\n");
        }
        s.append("""

                **Predicted** from the shapes: a spike element fed to a compact Linear or Conv2d saves 3 bytes (its float is given
                back once the layer has made its 1-byte copy for the weight gradient); one fed to max pooling saves 4 (the pooling
                rule reads only the positions of the maxima, so nothing is kept). In the MLP every hidden layer's spikes feed a
                Linear. In the CNN the two conv neurons' spikes feed max pooling, the pooled spikes feed the second conv and the
                hidden Linear, and the last neuron's spikes go through dropout, whose output (0 or 1/(1 − p)) is not spikes, so
                the readout keeps its float input.

                **Why the CNN saves less in proportion.** Its spikes are a small part of what a step holds: per element of a conv
                stage the graph keeps the convolution's output (batch norm's rule reads it), batch norm's output (the neuron's
                input, which a recorded backward re-runs the neuron from), the neuron's pre-reset potential H and PLIF's
                post-reset V (its reverse recurrence reads both), 4 bytes each, and max pooling's I64 index of each maximum
                (2 bytes per input element of a 2 x 2 window); then the backward's gradients. Only the spikes (4 bytes) and the
                pooled spikes go. Max pooling itself reads no values, so it costs nothing beyond its indices.

                """);
        if (timed) s.append("""
                **Step times** are indicative only (a shared machine; median of alternated steps in one process): the compact path
                adds a pass checking that the input is 0 and 1, the byte copy, and unpacking it in the backward.

                """);
        s.append("Reproduce: `./galvani snn-compact").append(args.isBlank() ? "" : " " + args).append("`\n");
        return s.toString();
    }

    private static String machine() { return dev.galvani.benchmarks.MachineInfo.cpu(); }
}
