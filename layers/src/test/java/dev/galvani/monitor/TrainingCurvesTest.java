package dev.galvani.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurvesTest {

    @TempDir Path dir;

    /** A plausible run: 5 epochs of 100 steps, loss falling, accuracy rising. */
    private static TrainingLog run() {
        TrainingLog log = new TrainingLog();
        for (int step = 1; step <= 500; step++) {
            int epoch = (step - 1) / 100;
            log.record(epoch, step, "train_loss", 2.3 * Math.exp(-step / 150.0) + 0.05 * Math.sin(step));
            if (step % 100 == 0) {
                log.record(epoch, step, "test_loss", 2.3 * Math.exp(-step / 170.0));
                log.record(epoch, step, "test_accuracy", 1 - 0.9 * Math.exp(-step / 120.0));
            }
        }
        return log;
    }

    @Test void writesAPngOfTheRequestedSize() throws IOException {
        Path png = dir.resolve("plots/curves.png");
        TrainingCurves.save(png, run(), "test run", 640, 480);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO decodes the file");
        assertEquals(640, image.getWidth());
        assertEquals(480, image.getHeight());
        assertTrue(distinctColours(image) > 10, "something was drawn");
        try (var files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList(), "no temporary file is left behind");
        }
    }

    @Test void lossAndOtherMetricsGetTwoPanelsOnSteps() {
        var plot = (CombinedDomainXYPlot) TrainingCurves.chart(run(), "t").getXYPlot();
        assertEquals(2, plot.getSubplots().size());
        assertEquals("step", plot.getDomainAxis().getLabel());
        assertEquals("loss", plot.getSubplots().get(0).getRangeAxis().getLabel());
        assertEquals("accuracy", plot.getSubplots().get(1).getRangeAxis().getLabel());
        assertEquals(2, plot.getSubplots().get(0).getDataset().getSeriesCount());
    }

    @Test void perEpochLogsArePlottedAgainstEpochs() throws IOException {
        TrainingLog log = new TrainingLog();
        for (int e = 0; e < 4; e++) log.record(e, 0, "loss", 1.0 / (e + 1));
        var plot = (CombinedDomainXYPlot) TrainingCurves.chart(log, "t").getXYPlot();
        assertEquals("epoch", plot.getDomainAxis().getLabel());
        assertEquals(1, plot.getSubplots().size());
        Path png = dir.resolve("loss.png");
        Files.writeString(png, "an older file");
        TrainingCurves.save(png, log);
        assertEquals(1000, ImageIO.read(png.toFile()).getWidth(), "replaced by the chart");
    }

    @Test void anEmptyLogIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> TrainingCurves.save(dir.resolve("x.png"), new TrainingLog()));
        assertEquals("TrainingCurves: the log has no metrics to plot", e.getMessage());
    }

    private static int distinctColours(BufferedImage image) {
        var colours = new java.util.HashSet<Integer>();
        for (int y = 0; y < image.getHeight(); y += 3)
            for (int x = 0; x < image.getWidth(); x += 3) colours.add(image.getRGB(x, y));
        return colours.size();
    }
}
