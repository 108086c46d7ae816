package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.SnnFashionMnistTask;
import dev.galvani.benchmarks.train.SnnMemoryTask;
import dev.galvani.snn.TemporalTraining;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short versions of {@code ./galvani snn-fashion-mnist} (a few hundred steps of a narrow spiking CNN:
 * the loss must fall and the accuracy beat chance, 10 %, by far; every output is written) and of
 * {@code ./galvani snn-memory} (SLTT's peak stays flat from T = 2 to 8 while BPTT's grows).
 */
class SnnFashionMnistSmokeTest {

    @Test
    void shortSpikingTrainingLearns(@TempDir Path dir) throws Exception {
        var options = new SnnFashionMnistTask.Options().epochs(1).batchSize(64).trainLimit(200 * 64).testLimit(2000).width(8, 16, 64).out(dir);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        var r = SnnFashionMnistTask.run(options, new PrintStream(log, true));
        String text = log.toString();
        double before = r.meanLoss(true, 0.1), after = r.meanLoss(false, 0.1);
        assertTrue(after < 0.6 * before, "loss did not fall enough: " + before + " -> " + after + "\n" + text);
        assertTrue(r.testAccuracy() > 0.6, "test accuracy " + r.testAccuracy() + " on " + r.dataset() + "\n" + text);
        assertEquals(3, r.firingRates().size(), "three spiking layers: " + r.firingRates());
        r.firingRates().values().forEach(rate -> assertTrue(rate > 0 && rate < 1, "a firing rate in (0, 1): " + r.firingRates()));
        assertTrue(r.energy().snnPicojoules() > 0 && r.energy().snnPicojoules() < r.energy().annPicojoules(), r.energy().table());
        assertTrue(Files.size(r.curves()) > 1000 && Files.size(r.raster()) > 1000 && Files.size(r.weights()) > 1000);
        assertTrue(text.contains("firing rates") && text.contains("SNN / ANN") && text.contains("raster: "), text);
    }

    @Test
    void slttPeakMemoryIsFlatInTWhileBpttGrows() {
        Map<TemporalTraining.Policy, double[]> peaks = SnnMemoryTask.measure(new int[]{2, 8}, 32, 2, new PrintStream(new ByteArrayOutputStream()));
        double[] bptt = peaks.get(TemporalTraining.Policy.BPTT), sltt = peaks.get(TemporalTraining.Policy.SLTT);
        assertTrue(bptt[1] > 2.5 * bptt[0], "BPTT's peak grows with T: " + bptt[0] + " -> " + bptt[1] + " MiB");
        assertTrue(sltt[1] < 1.2 * sltt[0], "SLTT's peak stays flat: " + sltt[0] + " -> " + sltt[1] + " MiB");
    }
}
