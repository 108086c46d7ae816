package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.FnoStepTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./galvani fno-step} on tiny shapes: Galvani's step is timed, and PyTorch's too when a Python
 * with torch is found (the ratio is printed), else the reason is.
 */
class FnoStepTaskTest {

    @Test void timesBothLibrariesOnTinyShapes() {
        var options = new FnoStepTask.Options();
        assertTrue(Cli.parse(options, new String[]{"--batch", "2", "--size", "12", "--width", "4", "--modes", "3", "--padding", "2",
                "--warmup", "1", "--runs", "2"}, System.out, System.err).run());
        var log = new ByteArrayOutputStream();
        var r = FnoStepTask.run(options, new PrintStream(log, true));
        System.out.print(log);
        assertTrue(r.galvaniMs() > 0, log.toString());
        if (r.torchNote() == null) assertTrue(r.torchMs() > 0 && log.toString().contains("ratio PyTorch / Galvani"), log.toString());
        else assertTrue(log.toString().contains("PyTorch not measured: "), log.toString());
    }

    @Test void modesThatDoNotFitAreRefused() {
        var err = new ByteArrayOutputStream();
        var p = Cli.parse(new FnoStepTask.Options(), new String[]{"--size", "8", "--padding", "0", "--modes", "6"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true));
        assertTrue(!p.run() && err.toString().contains("--modes 6 needs a padded grid of at least 12"), err.toString());
    }
}
