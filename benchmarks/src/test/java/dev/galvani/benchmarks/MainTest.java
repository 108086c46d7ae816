package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The runner tells users what they type (./galvani), lists every task, and its launcher keeps the default heap with GALVANI_JAVA_OPTS. */
class MainTest {

    @Test void usageShowsTheRunnerAndEveryCommand() {
        String usage = Main.usage();
        assertTrue(usage.startsWith("usage: ./galvani <command>"), usage);
        assertTrue(!usage.contains("-jar"), "no java -jar line: " + usage);
        for (String command : Main.COMMANDS.keySet()) assertTrue(usage.contains("  " + command + " "), command + " in\n" + usage);
        assertTrue(usage.contains("GALVANI_NUM_THREADS") && usage.contains("GALVANI_JAVA_OPTS") && usage.contains("jshell"), usage);
    }

    @Test void theLauncherAppendsJavaOptionsAfterItsDefaults() throws IOException {
        // Path relative to the benchmarks module, where Surefire runs.
        String script = Files.readString(Path.of("..", "galvani"));
        int defaults = script.indexOf("-Xms3g -Xmx8g"), extra = script.indexOf("${GALVANI_JAVA_OPTS:-} -jar");
        assertTrue(defaults > 0 && extra > defaults, "the user's options come after the defaults, so they win");
        assertTrue(script.contains("*\" -Xmx\"*"), "a -Xmx of the user's drops the default -Xms, so a smaller heap still starts");
    }
}
