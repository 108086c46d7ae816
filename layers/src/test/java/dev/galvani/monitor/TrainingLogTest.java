package dev.galvani.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLogTest {

    @TempDir Path dir;

    /** Two epochs of two steps each, a test accuracy at each epoch's last step. */
    static TrainingLog sample() {
        TrainingLog log = new TrainingLog();
        log.record(0, 1, "train_loss", 2.0);
        log.record(0, 2, "train_loss", 1.5).record(0, 2, "test_accuracy", 0.5);
        log.record(1, 3, "train_loss", 1.0);
        log.record(1, 4, "train_loss", 0.75).record(1, 4, "test_accuracy", 0.625);
        return log;
    }

    @Test void valuesAtTheSamePointShareARow() {
        TrainingLog log = sample();
        assertEquals(List.of("train_loss", "test_accuracy"), log.metrics());
        assertEquals(4, log.rows().size());
        assertEquals(0.625, log.last("test_accuracy"));
        assertTrue(Double.isNaN(log.last("nothing")));
        TrainingLog.Series acc = log.series("test_accuracy");
        assertArrayEquals(new int[]{0, 1}, acc.epochs());
        assertArrayEquals(new long[]{2, 4}, acc.steps());
        assertArrayEquals(new double[]{0.5, 0.625}, acc.values());
    }

    @Test void csvHasOneLinePerRowAndEmptyCellsForMissingValues() {
        assertEquals("""
                epoch,step,train_loss,test_accuracy
                0,1,2.0,
                0,2,1.5,0.5
                1,3,1.0,
                1,4,0.75,0.625
                """, sample().toCsv());
    }

    @Test void awkwardNamesAreQuoted() {
        TrainingLog log = new TrainingLog().record(0, 0, "loss, \"smoothed\"", 1);
        assertEquals("epoch,step,\"loss, \"\"smoothed\"\"\"\n0,0,1.0\n", log.toCsv());
        assertThrows(IllegalArgumentException.class, () -> log.record(0, 0, "step", 1));
    }

    @Test void writeCsvReplacesTheFileWholeAndLeavesNoTemporaryFile() throws IOException {
        Path csv = dir.resolve("run/metrics.csv");
        new TrainingLog().record(0, 0, "loss", 9).writeCsv(csv);
        sample().writeCsv(csv);
        assertEquals(sample().toCsv(), Files.readString(csv));
        try (var files = Files.list(csv.getParent())) {
            assertEquals(List.of(csv), files.toList());
        }
    }

    @Test void aWrittenLogReadsBackTheSame() throws IOException {
        Path csv = dir.resolve("log.csv");
        TrainingLog log = sample().record(2, 5, "loss, \"smoothed\"", 0.1 + 0.2);
        log.writeCsv(csv);
        TrainingLog back = TrainingLog.readCsv(csv);
        assertEquals(log.toCsv(), back.toCsv());
        assertEquals(log.metrics(), back.metrics());
    }

    @Test void aFileThatIsNotALogIsRefusedWithItsLine() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.csv"), "epoch,step,loss\n0,1,2.0\n0,x,1.0\n");
        var e = assertThrows(IOException.class, () -> TrainingLog.readCsv(bad));
        assertTrue(e.getMessage().startsWith(bad + ": line 3: not a number"), e.getMessage());
        Path other = Files.writeString(dir.resolve("other.csv"), "a,b\n1,2\n");
        assertTrue(assertThrows(IOException.class, () -> TrainingLog.readCsv(other)).getMessage().contains("line 1"));
        Path ragged = Files.writeString(dir.resolve("ragged.csv"), "epoch,step,loss\n0,1\n");
        assertTrue(assertThrows(IOException.class, () -> TrainingLog.readCsv(ragged)).getMessage().contains("line 2: 2 fields"));
    }
}
