package dev.galvani.benchmarks.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.Cli;
import dev.galvani.io.SafeTensors;
import dev.galvani.monitor.TrainingLog;
import dev.galvani.snn.TemporalTraining;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tasks' command lines: errors that name the flag, help with the defaults, outputs checked before work, runs that resume. */
class TaskCommandLineTest {

    @TempDir Path dir;

    private record Outcome(int exitCode, String out, String err) {}

    private static Outcome parse(Object options, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var p = Cli.parse(options, args, new PrintStream(out, true), new PrintStream(err, true));
        return new Outcome(p.run() ? -1 : p.exitCode(), out.toString(), err.toString());
    }

    @Test void aValueThatIsNotANumberNamesTheFlag() {
        var o = parse(new FashionMnistTask.Options(), "--epochs", "five");
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("--epochs") && o.err().contains("'five'"), o.err());
        assertTrue(o.err().contains("./galvani fashion-mnist --help"), o.err());
        assertFalse(o.err().contains("NumberFormatException") || o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    @Test void unknownFlagsAndBadRangesAreNamed() {
        assertTrue(parse(new SnnFashionMnistTask.Options(), "--epoch", "3").err().contains("--epoch"));
        assertTrue(parse(new SnnFashionMnistTask.Options(), "--neuron", "izhikevich").err().contains("--neuron is lif or plif, got 'izhikevich'"));
        assertTrue(parse(new SnnFashionMnistTask.Options(), "--policy", "sltt-k", "--k", "9").err().contains("--k 9 exceeds --steps 4"));
        assertTrue(parse(new SnnFashionMnistTask.Options(), "--surrogate", "tanh").err().contains("unknown surrogate 'tanh'"));
        assertTrue(parse(new FashionMnistTask.Options(), "--channels", "32").err().contains("--channels takes two widths"));
    }

    @Test void aTrainLimitBelowOneBatchIsReportedAsSuch() {
        var o = parse(new FashionMnistTask.Options(), "--train-limit", "100");
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("--train-limit 100 is below --batch-size 128"), o.err());
    }

    @Test void helpListsEveryOptionWithItsDefault() {
        var o = parse(new SnnFashionMnistTask.Options(), "--help");
        assertEquals(0, o.exitCode());
        for (String flag : new String[]{"--epochs", "--steps", "--neuron", "--surrogate", "--policy", "--resume", "--stop-after", "--out"})
            assertTrue(o.out().contains(flag), flag + " in\n" + o.out());
        assertTrue(o.out().contains("Default: 8") && o.out().contains("Default: plif"), o.out());
        assertTrue(o.out().contains("Usage: snn-fashion-mnist"), o.out());
    }

    @Test void goodValuesReachTheOptions() {
        var options = new SnnFashionMnistTask.Options();
        assertEquals(-1, parse(options, "--epochs", "3", "--channels", "8,16", "--policy", "SLTT").exitCode());
        assertEquals(3, options.epochs);
        assertArrayEquals(new int[]{8, 16}, options.channels);
        assertEquals(TemporalTraining.Policy.SLTT, options.policy());
    }

    @Test void anUnwritableOutFailsBeforeAnyTraining() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("taken"), "a file where the folder should go");
        var log = new ByteArrayOutputStream();
        var options = new FashionMnistTask.Options().epochs(1).batchSize(64).trainLimit(64).width(4, 4, 8).out(notAFolder);
        var e = assertThrows(IOException.class, () -> FashionMnistTask.run(options, new PrintStream(log, true)));
        assertTrue(e.getMessage().startsWith("cannot write the run's outputs under --out " + notAFolder.toAbsolutePath()), e.getMessage());
        assertEquals("", log.toString(), "nothing ran");
    }

    @Test void anInterruptedRunKeepsItsEpochsAndResumes() throws Exception {
        var quiet = new PrintStream(new ByteArrayOutputStream(), true);
        var first = new FashionMnistTask.Options().epochs(2).batchSize(32).trainLimit(256).width(4, 8, 16).out(dir).stopAfter(1);
        var stopped = FashionMnistTask.run(first, quiet);
        assertEquals(1, stopped.epochSeconds().size());
        Path run;
        try (var runs = Files.list(dir)) {
            run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        var checkpoint = SafeTensors.read(run.resolve("checkpoint.safetensors"));
        assertEquals("1", checkpoint.metadata().get("epoch"));
        assertEquals("8", checkpoint.metadata().get("step"), "256 / 32 steps in epoch 1");
        assertTrue(checkpoint.tensors().keySet().stream().anyMatch(k -> k.startsWith("state.")), "the optimizer's moments are saved");
        assertTrue(checkpoint.tensors().keySet().stream().anyMatch(k -> k.startsWith("model.")), "the weights are saved");

        // A different setting is refused with the difference named.
        var other = new FashionMnistTask.Options().epochs(2).batchSize(32).trainLimit(256).width(4, 8, 32).resume(run);
        var e = assertThrows(IllegalArgumentException.class, () -> FashionMnistTask.run(other, quiet));
        assertTrue(e.getMessage().contains("hidden is 16 there, 32 here"), e.getMessage());

        var resumed = FashionMnistTask.run(new FashionMnistTask.Options().epochs(2).batchSize(32).trainLimit(256).width(4, 8, 16).resume(run), quiet);
        assertEquals(1, resumed.epochSeconds().size(), "only epoch 2 is left");
        TrainingLog log = TrainingLog.readCsv(run.resolve("log.csv"));
        assertEquals(2, log.series("test accuracy").size(), "the log holds both epochs");
        assertEquals(16, log.series("train loss (batch)").size(), "and every step once");
        assertEquals("2", SafeTensors.read(run.resolve("checkpoint.safetensors")).metadata().get("epoch"));
        assertTrue(Arrays.equals(new long[]{8, 16}, log.series("test accuracy").steps()));
    }

    @Test void resumingRebuildsTheCommandLine() throws Exception {
        var quiet = new PrintStream(new ByteArrayOutputStream(), true);
        var first = new FashionMnistTask.Options().epochs(2).batchSize(32).trainLimit(256).width(4, 8, 16).out(dir).stopAfter(1);
        first.args = new String[]{"--epochs", "2", "--batch-size", "32", "--train-limit", "256", "--channels", "4,8", "--hidden", "16", "--stop-after", "1"};
        FashionMnistTask.run(first, quiet);
        Path run;
        try (var runs = Files.list(dir)) {
            run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        String[] args = RunDirectory.argsToResume(run, new String[]{"--resume", run.toString(), "--lr", "0.002"});
        assertEquals(Arrays.asList("--epochs", "2", "--batch-size", "32", "--train-limit", "256", "--channels", "4,8", "--hidden", "16", "--lr", "0.002"),
                Arrays.asList(args), "the stored flags without --stop-after, then the new ones without --resume");
    }
}
