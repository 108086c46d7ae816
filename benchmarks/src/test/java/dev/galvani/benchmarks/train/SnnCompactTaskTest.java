package dev.galvani.benchmarks.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A small {@code ./galvani snn-compact}: for a narrow MLP and CNN the gradients are bit for bit equal
 * with compactSpikes off and on, the peak falls by what the shapes predict, and the page has a row each.
 */
class SnnCompactTaskTest {

    @Test
    void smallNetworksSaveWhatTheShapesPredictWithTheSameGradients() {
        var o = new SnnCompactTask.Options();
        o.mlp = new int[]{40, 32, 24, 10};
        o.mlpSteps = new int[]{2, 4};
        o.cnnSteps = new int[]{2};
        o.channels = new int[]{4, 8};
        o.hidden = 16;
        o.batch = 8;
        o.timedSteps = 1;
        List<SnnCompactTask.Row> rows = SnnCompactTask.measure(o, new PrintStream(new ByteArrayOutputStream()));
        assertEquals(3, rows.size());
        for (var r : rows) {
            assertTrue(r.identical(), r.network() + " T = " + r.steps() + ": gradients differ");
            assertEquals(r.predictedBytes(), r.savedBytes(), 0.02 * r.predictedBytes(), r.toString());
        }
        assertEquals(3L * 2 * 8 * (32 + 24), rows.get(0).predictedBytes(), "3 bytes per hidden spike");
        String page = SnnCompactTask.report(o, rows, "--batch-size 8");
        assertTrue(page.contains("| MLP 40-32-24-10 | 4 |") && page.contains("| CNN 4-8-16 | 2 |") && page.contains("bit for bit equal"), page);
    }
}
