package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.PerforatedTask;
import dev.galvani.io.SafeTensors;
import dev.galvani.nn.dendrites.PerforatedCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short perforated-backpropagation run on the regression (40 epochs at most, switching after 2
 * epochs without improvement, p-phases of 3 epochs): every network beats the constant prediction, both dendritic networks
 * restructure, and each checkpoint carries its structure.
 */
class PerforatedSmokeTest {

    @Test void everyNetworkLearnsAndTheDendriticOnesRestructure(@TempDir Path dir) throws Exception {
        var o = new PerforatedTask.Options().problem("regression").maxEpochs(40).switchEpochs(2).candidateEpochs(3).widths(1, 4).out(dir);
        var log = new ByteArrayOutputStream();
        var r = PerforatedTask.run(o, new PrintStream(log, true));
        String text = log.toString();
        assertEquals(4, r.rows().size(), r.table());
        double trivial = -r.trivial().get("regression");
        for (var row : r.rows()) assertTrue(-row.testScore() < 0.95 * trivial, row + " against the constant prediction " + trivial + "\n" + r.table());
        assertTrue(-r.row("regression", "plain, width 16").testScore() < -r.row("regression", "plain, width 4").testScore(), r.table());
        assertTrue(text.contains("dendrite set 1 added"), text);
        assertTrue(text.contains("accept candidates"), "the correlation rule ran its p-phase: " + text);
        List<Path> checkpoints;
        try (Stream<Path> files = Files.walk(dir)) {
            checkpoints = files.filter(f -> f.toString().endsWith(".safetensors")).toList();
        }
        assertEquals(4, checkpoints.size(), checkpoints.toString());
        for (Path c : checkpoints) assertTrue(SafeTensors.read(c).metadata().containsKey(PerforatedCheckpoint.KEY), c.toString());
    }
}
