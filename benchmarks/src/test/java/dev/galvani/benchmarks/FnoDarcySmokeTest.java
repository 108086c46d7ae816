package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.FnoDarcyTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short version of {@code ./galvani fno-darcy}: 136 Darcy samples on a 29 x 29 grid (solved at
 * 57 x 57), a small FNO2d, a few epochs. The test error must fall well below the trivial baseline of
 * predicting the training mean field, the run's outputs must be written, and an interrupted run
 * resumes after its last epoch.
 */
class FnoDarcySmokeTest {

    @Test void fnoBeatsTheMeanFieldByFar(@TempDir Path dir) throws Exception {
        var options = new FnoDarcyTask.Options();
        String[] args = {"--resolution", "57", "--stride", "2", "--train", "120", "--test", "16", "--epochs", "10", "--batch-size", "8",
                "--modes", "6", "--width", "12", "--padding", "3", "--lr", "1e-2", "--step-size", "8",
                "--cache", dir.resolve("cache").toString(), "--out", dir.resolve("runs").toString()};
        assertTrue(Cli.parse(options, args, System.out, System.err).run());
        var log = new ByteArrayOutputStream();
        long start = System.nanoTime();
        var r = FnoDarcyTask.run(options, new PrintStream(log, true));
        System.out.print(log);
        System.out.printf("smoke run: %.1f s%n", (System.nanoTime() - start) / 1e9);
        double last = r.testL2().getLast();
        assertEquals(10, r.testL2().size());
        assertTrue(last < 0.4 * r.baseline(), "test relative L2 " + last + " vs mean-field baseline " + r.baseline() + "\n" + log);
        assertTrue(r.testL2().getLast() < r.testL2().getFirst(), "the error falls: " + r.testL2());
        for (String f : new String[]{"prediction.png", "curves.png", "log.csv", "checkpoint.safetensors", "model.safetensors"})
            assertTrue(Files.isRegularFile(r.dir().resolve(f)), f);
        assertTrue(Files.list(dir.resolve("cache")).anyMatch(p -> p.getFileName().toString().startsWith("darcy-")), "the data set is cached");
    }

    @Test void anInterruptedRunResumesAfterItsLastEpoch(@TempDir Path dir) throws Exception {
        String[] args = {"--resolution", "17", "--stride", "2", "--train", "8", "--test", "4", "--epochs", "2", "--batch-size", "4",
                "--modes", "2", "--width", "4", "--padding", "1", "--stop-after", "1",
                "--cache", dir.resolve("cache").toString(), "--out", dir.resolve("runs").toString()};
        String firstLog = runMain(args);
        assertTrue(firstLog.contains("stopped after epoch 1 of 2"), firstLog);
        Path run;
        try (var runs = Files.list(dir.resolve("runs"))) {
            run = runs.findFirst().orElseThrow();
        }
        String resumed = runMain("--resume", run.toString());
        assertTrue(resumed.contains("resuming " + run + " after epoch 1 of 2") && resumed.contains("epoch 2:"), resumed);
        assertTrue(!resumed.contains("epoch 1:"), "epoch 1 is not trained again: " + resumed);
        assertTrue(resumed.contains("Darcy data: 12 samples at 9 x 9 from "), "the data come from the cache: " + resumed);
    }

    @Test void timingRunsAFewStepsWithoutData() {
        var options = new FnoDarcyTask.Options();
        assertTrue(Cli.parse(options, new String[]{"--resolution", "41", "--stride", "2", "--modes", "4", "--width", "6", "--batch-size", "2",
                "--time-batches", "2"}, System.out, System.err).run());
        var log = new ByteArrayOutputStream();
        double epoch = FnoDarcyTask.time(options, new PrintStream(log, true));
        assertTrue(epoch > 0 && log.toString().contains("s per training step"), log.toString());
    }

    /** Runs the command line as {@code ./galvani fno-darcy} would, returning what it printed. */
    private static String runMain(String... args) throws Exception {
        var log = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(log, true));
            FnoDarcyTask.main(args);
        } finally {
            System.setOut(saved);
        }
        return log.toString();
    }
}
