package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.MgnoDarcyTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short version of {@code ./galvani mgno-darcy}: 64 Darcy samples on a 29 x 29 grid (solved at
 * 57 x 57), a small MgNO, a few epochs. The test error must fall well below the trivial baseline of
 * predicting the training mean field, and the run's outputs must be written.
 */
class MgnoDarcySmokeTest {

    @Test void mgnoBeatsTheMeanFieldByFar(@TempDir Path dir) throws Exception {
        var options = new MgnoDarcyTask.Options();
        String[] args = {"--resolution", "57", "--stride", "2", "--train", "48", "--val", "8", "--test", "8", "--epochs", "12", "--batch-size", "4",
                "--layers", "2", "--width", "16", "--cycle", "1,0;1,0;1,0;2,0", "--lr", "5e-3", "--loss", "h1",
                "--cache", dir.resolve("cache").toString(), "--out", dir.resolve("runs").toString()};
        assertTrue(Cli.parse(options, args, System.out, System.err).run());
        var log = new ByteArrayOutputStream();
        long start = System.nanoTime();
        var r = MgnoDarcyTask.run(options, new PrintStream(log, true));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.print(log);
        System.out.printf("smoke run: %.1f s%n", seconds);
        double last = r.testL2().getLast();
        assertEquals(12, r.testL2().size());
        assertTrue(last < 0.4 * r.baseline(), "test relative L2 " + last + " vs mean-field baseline " + r.baseline() + "\n" + log);
        assertTrue(r.testL2().getLast() < r.testL2().getFirst(), "the error falls: " + r.testL2());
        for (String f : new String[]{"prediction.png", "curves.png", "log.csv", "checkpoint.safetensors", "model.safetensors"})
            assertTrue(Files.isRegularFile(r.dir().resolve(f)), f);
        assertTrue(Files.list(dir.resolve("cache")).anyMatch(p -> p.getFileName().toString().startsWith("darcy-")), "the data set is cached");
    }

    @Test void anInterruptedRunResumesAfterItsLastEpoch(@TempDir Path dir) throws Exception {
        String[] args = {"--resolution", "17", "--stride", "2", "--train", "8", "--val", "4", "--test", "4", "--epochs", "2", "--batch-size", "4",
                "--layers", "1", "--width", "4", "--cycle", "1,0;2,0", "--stop-after", "1",
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
        assertTrue(resumed.contains("Darcy data: 16 samples at 9 x 9 from "), "the data come from the cache: " + resumed);
    }

    /** Runs the command line as {@code ./galvani mgno-darcy} would, returning what it printed. */
    private static String runMain(String... args) throws Exception {
        var log = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(log, true));
            MgnoDarcyTask.main(args);
        } finally {
            System.setOut(saved);
        }
        return log.toString();
    }
}
