package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.FnoBurgersTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short version of {@code ./galvani fno-burgers}: 64 Burgers samples at 128 points (solved at
 * 256), a small FNO1d, 30 short epochs without normalisation (as the original). The test error must
 * fall well below the trivial baseline of predicting the training mean, the run's outputs must be
 * written, and an interrupted run (here with {@code --normalize}) resumes after its last epoch.
 *
 * <p>u(·, 1) is about 60 times smaller than u₀ at ν = 0.1 (the first mode decays by
 * {@code exp(−4π²ν) ≈ 0.02}), so the unnormalised relative-L2 training is noisy on so few samples;
 * the quickly decaying rate (StepLR every 5 epochs) settles it.
 */
class FnoBurgersSmokeTest {

    @Test void fnoBeatsTheMeanByFar(@TempDir Path dir) throws Exception {
        var options = new FnoBurgersTask.Options();
        String[] args = {"--resolution", "256", "--stride", "2", "--train", "48", "--test", "16", "--epochs", "30", "--batch-size", "8",
                "--modes", "8", "--width", "16", "--lr", "2e-3", "--step-size", "5",
                "--cache", dir.resolve("cache").toString(), "--out", dir.resolve("runs").toString()};
        assertTrue(Cli.parse(options, args, System.out, System.err).run());
        var log = new ByteArrayOutputStream();
        long start = System.nanoTime();
        var r = FnoBurgersTask.run(options, new PrintStream(log, true));
        System.out.print(log);
        System.out.printf("smoke run: %.1f s%n", (System.nanoTime() - start) / 1e9);
        double last = r.testL2().getLast();
        assertEquals(30, r.testL2().size());
        assertTrue(last < 0.15 * r.baseline(), "test relative L2 " + last + " vs mean baseline " + r.baseline() + "\n" + log);
        assertTrue(r.testL2().getLast() < r.testL2().getFirst(), "the error falls: " + r.testL2());
        for (String f : new String[]{"prediction.png", "curves.png", "log.csv", "checkpoint.safetensors", "model.safetensors"})
            assertTrue(Files.isRegularFile(r.dir().resolve(f)), f);
        assertTrue(Files.list(dir.resolve("cache")).anyMatch(p -> p.getFileName().toString().startsWith("burgers-")), "the data set is cached");
    }

    @Test void anInterruptedRunResumesAfterItsLastEpoch(@TempDir Path dir) throws Exception {
        String[] args = {"--resolution", "64", "--stride", "2", "--train", "8", "--test", "4", "--epochs", "2", "--batch-size", "4",
                "--modes", "4", "--width", "4", "--normalize", "--stop-after", "1",
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
        assertTrue(resumed.contains("Burgers data: 12 samples at 32 points from "), "the data come from the cache: " + resumed);
        assertTrue(resumed.contains("pointwise Gaussian normalisation"), "--normalize is restored with the run: " + resumed);
    }

    @Test void timingRunsAFewStepsWithoutData() {
        var options = new FnoBurgersTask.Options();
        assertTrue(Cli.parse(options, new String[]{"--resolution", "128", "--stride", "2", "--modes", "4", "--width", "6", "--batch-size", "2",
                "--time-batches", "2"}, System.out, System.err).run());
        var log = new ByteArrayOutputStream();
        double epoch = FnoBurgersTask.time(options, new PrintStream(log, true));
        assertTrue(epoch > 0 && log.toString().contains("s per training step"), log.toString());
    }

    /** Runs the command line as {@code ./galvani fno-burgers} would, returning what it printed. */
    private static String runMain(String... args) throws Exception {
        var log = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(log, true));
            FnoBurgersTask.main(args);
        } finally {
            System.setOut(saved);
        }
        return log.toString();
    }
}
