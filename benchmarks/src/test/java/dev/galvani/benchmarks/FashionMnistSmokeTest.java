package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.FashionMnistTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short version of {@code ./galvani fashion-mnist}: 200 steps of a narrower CNN (the full run is a
 * benchmark, not a test). The loss must fall and the test accuracy beat chance (10 %) by far. Uses
 * the real data where installed (CI installs it) and the generated stand-in otherwise.
 */
class FashionMnistSmokeTest {

    @Test
    void shortTrainingLearns(@TempDir Path dir) throws Exception {
        var options = new FashionMnistTask.Options().epochs(1).batchSize(64).trainLimit(200 * 64).width(8, 16, 64).out(dir);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        var r = FashionMnistTask.run(options, new PrintStream(log, true));
        String text = log.toString();
        double before = r.meanLoss(true, 0.1), after = r.meanLoss(false, 0.1);
        assertTrue(after < 0.6 * before, "loss did not fall enough: " + before + " -> " + after + "\n" + text);
        assertTrue(r.testAccuracy() > 0.6, "test accuracy " + r.testAccuracy() + " on " + r.dataset() + "\n" + text);
        assertTrue(Files.size(r.curves()) > 1000 && Files.size(r.weights()) > 1000);
        assertTrue(text.contains("test accuracy") && text.contains("curves: "), text);
    }
}
