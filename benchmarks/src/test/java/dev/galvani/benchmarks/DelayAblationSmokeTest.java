package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.DelayAblationTask;
import dev.galvani.benchmarks.train.DelayAblationTask.Arm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short version of {@code ./galvani delay-ablation} (6 epochs, one seed): the task is built so
 * that only delays solve it, so learned delays must beat fixed random ones and both must beat no
 * delays, which stay near chance (25 %).
 */
class DelayAblationSmokeTest {

    @Test void learnedDelaysBeatRandomOnesWhichBeatNone(@TempDir Path dir) throws Exception {
        var options = new DelayAblationTask.Options();
        var args = new String[]{"--epochs", "6", "--seeds", "0", "--train", "1024", "--test", "512", "--out", dir.toString()};
        Cli.parse(options, args, System.out, System.err);
        var log = new ByteArrayOutputStream();
        var r = DelayAblationTask.run(options, new PrintStream(log, true));
        double none = r.mean(Arm.NONE), random = r.mean(Arm.RANDOM), learned = r.mean(Arm.LEARNED);
        String table = r.table() + "\n" + log;
        assertTrue(none < 0.40, "no delays stay near chance: " + table);
        assertTrue(random > none + 0.1, "random delays help: " + table);
        assertTrue(learned > random && learned > 0.85, "learned delays help more: " + table);
    }
}
