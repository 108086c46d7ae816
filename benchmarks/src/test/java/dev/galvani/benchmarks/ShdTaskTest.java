package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.ShdTask;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SHD task end to end on the loader's small fixture (three recordings in the real HDF5 layout)
 * standing in for both files: it reads, pads, trains and evaluates; and without the files it says
 * where to get them. The real accuracy needs the real data (not available here).
 */
class ShdTaskTest {

    @Test void runsEndToEndOnFilesInTheShdLayout(@TempDir Path dir) throws Exception {
        Path fixture = Path.of(ShdTaskTest.class.getResource("/shd/shd_fixture.h5").toURI());
        Path data = Files.createDirectory(dir.resolve("shd"));
        Files.copy(fixture, data.resolve("shd_train.h5"));
        Files.copy(fixture, data.resolve("shd_test.h5"));
        var log = new ByteArrayOutputStream();
        var r = ShdTask.run(new ShdTask.Options().data(data).epochs(2).batchSize(2).hidden(8).out(dir.resolve("runs")), new PrintStream(log, true));
        assertTrue(r.best() >= 0 && r.best() <= 1 && r.bestEpoch() >= 1, log.toString());
        assertTrue(log.toString().contains("SHD: 3 training, 3 test recordings"), log.toString());
        assertEquals(3, Files.readAllLines(r.dir().resolve("log.csv")).size(), "a header and one row per epoch");
    }

    @Test void withoutTheFilesItSaysWhereToGetThem(@TempDir Path dir) {
        var e = assertThrows(FileNotFoundException.class, () -> ShdTask.run(new ShdTask.Options().data(dir).epochs(1), new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("zenkelab.org/datasets"), e.getMessage());
    }
}
