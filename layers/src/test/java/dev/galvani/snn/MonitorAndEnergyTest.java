package dev.galvani.snn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.monitor.SpikePlots;
import dev.galvani.nn.Conv;
import dev.galvani.nn.Flatten;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Pool;
import dev.galvani.nn.Sequential;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spike monitors (firing rates, rasters, plots) and the energy estimate of bio reference §9. */
class MonitorAndEnergyTest {

    /** The README's spiking example, as written there (a 784-pixel input, SLTT, a monitor and the energy table). */
    @Test
    void theReadmeExampleRuns() {
        Generator gen = new Generator(42);
        Tensor images = Tensor.rand(gen, 16, 784).mul(3.0), labels = Tensor.randint(gen, 0, 10, 16);
        Sequential net = new Sequential(
                new MultiStep(new Linear(784, 256, true, gen)), new LIFNode(),
                new MultiStep(new Linear(256, 10, true, gen)));
        var optimizer = new dev.galvani.optim.AdamW(net.parameters(), dev.galvani.optim.AdamW.options().lr(1e-3));
        Tensor x = Encoders.direct(images, 4);
        var r = TemporalTraining.backward(TemporalTraining.Policy.SLTT, net, x, labels, dev.galvani.nn.F::crossEntropy, 0, null);
        optimizer.step();
        assertEquals(4, r.outputs().size(0));
        try (SpikeMonitor monitor = SpikeMonitor.attach(net, true)) {
            net.forward(x);
            assertEquals(java.util.Set.of("1"), monitor.firingRates().keySet());
            String table = Energy.estimate(net, new int[]{784}, 4, monitor).table();
            assertTrue(table.contains("SNN / ANN"), table);
        }
    }

    @Test
    void firingRatesAreCountedPerLayerAndNothingIsRecordedWhenOff() {
        LIFNode a = new LIFNode();
        Sequential model = new Sequential(a);
        Tensor x = Tensor.rand(new Generator(1), 6, 4, 10).mul(3.0);
        Tensor spikes = model.forward(x);
        assertNull(a.recorder, "off by default");
        try (SpikeMonitor m = SpikeMonitor.attach(model, true)) {
            model.forward(x);
            model.forward(x);
            assertEquals(spikes.mean().itemDouble(), m.firingRates().get("0"), 1e-6);
            assertEquals(6, m.layers().get("0").raster().size(0));
            assertEquals(10, m.layers().get("0").raster().size(1));
        }
        assertNull(a.recorder, "closing detaches it");
    }

    @Test
    void energyFollowsTheFormulas() {
        // conv 1→2 (3x3, padding 1) on 4x4, LIF, pool 2, flatten, linear 8→3, LIF; T = 2.
        Sequential model = new Sequential(new MultiStep(new Conv.Conv2d(1, 2, 3, 1, 1, 1, 1, true, new Generator(1))), new LIFNode(),
                new MultiStep(new Pool.MaxPool2d(2)), new MultiStep(new Flatten()), new MultiStep(new Linear(8, 3, true, new Generator(2))), new LIFNode());
        Tensor x = Tensor.rand(new Generator(3), 2, 5, 1, 4, 4).mul(4.0);
        try (SpikeMonitor m = SpikeMonitor.attach(model, false)) {
            model.forward(x);
            double rate = m.firingRates().get("1");
            Energy.Estimate e = Energy.estimate(model, new int[]{1, 4, 4}, 2, m);
            long convMacs = 2L * 4 * 4 * 1 * 9, linMacs = 8L * 3;
            assertEquals(2, e.layers().size());
            assertEquals(convMacs, e.layers().get(0).macs());
            assertTrue(e.layers().get(0).analogInput());
            assertEquals(linMacs, e.layers().get(1).macs());
            assertEquals(rate, e.layers().get(1).inputRate(), 1e-12);
            assertEquals(2 * rate * linMacs, e.layers().get(1).synOps(), 1e-9);
            assertEquals(4.6 * (convMacs + linMacs), e.annPicojoules(), 1e-9);
            assertEquals(4.6 * 2 * convMacs + 0.9 * 2 * rate * linMacs, e.snnPicojoules(), 1e-9);
            assertTrue(e.table().contains("SNN / ANN"), e.table());
        }
    }

    @Test
    void rasterAndTracePlotsAreWritten(@TempDir Path dir) throws Exception {
        Tensor s = Tensor.rand(new Generator(4), 20, 30).gt(0.8);
        SpikePlots.raster(dir.resolve("raster.png"), s.toDoubleArray(), 20, 30, "raster");
        SpikePlots.membraneTraces(dir.resolve("trace.png"), Tensor.rand(new Generator(5), 20, 3).toDoubleArray(), 20, 3, 1.0, "traces");
        assertTrue(Files.size(dir.resolve("raster.png")) > 1000 && Files.size(dir.resolve("trace.png")) > 1000);
    }
}
