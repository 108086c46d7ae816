package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.DendritesContinualTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short continual-learning run (3 tasks of 2,048 images, 3 epochs, hidden 128): both networks train through every task and are scored on each. */
class DendritesContinualSmokeTest {

    @Test void bothNetworksLearnThroughEveryTask(@TempDir Path dir) throws Exception {
        var o = new DendritesContinualTask.Options().tasks(3).trainPerTask(2048).epochs(3).hidden(128).out(dir);
        var log = new ByteArrayOutputStream();
        var r = DendritesContinualTask.run(o, new PrintStream(log, true));
        assertEquals(3, r.dendriticPerTask().length);
        assertTrue(r.dendritic() > 0.3 && r.baseline() > 0.2, r.table() + log);
        assertTrue(r.dendriticPerTask()[2] > 0.5, "the last task is learned: " + r.table());
    }
}
