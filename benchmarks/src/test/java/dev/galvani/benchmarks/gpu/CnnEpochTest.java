package dev.galvani.benchmarks.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.Device;
import dev.galvani.tensor.check.CheckBackend;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The GPU benchmark's CNN epoch ({@link CnnEpoch}) run on the CPU with a few batches, so that its code
 * path is proven before a GPU run: the epoch has one step per full batch, the timer sees it once, its
 * loss is that of a 10-class classifier near the start of training, and the run is reproducible; on
 * the checking device (asynchronous, off-heap, as a GPU) the epoch never waits for the device and
 * has the CPU's loss.
 */
class CnnEpochTest {

    @Test
    void aShortEpochTrainsOnePassOfFullBatchesReproducibly() {
        AtomicInteger timed = new AtomicInteger();
        CnnEpoch.Timer counting = work -> {
            timed.incrementAndGet();
            return CnnEpoch.WALL_CLOCK.millis(work);
        };
        int images = 3 * CnnEpoch.BATCH + 50;                  // the last 50 make no full batch and are dropped
        CnnEpoch.Result r = CnnEpoch.run(Device.CPU, images, 1, counting);
        assertEquals(3, r.steps());
        assertEquals(1, timed.get(), "the timer sees the epoch once, not the warm-up");
        assertTrue(r.millis() > 0);
        // Random labels: the cross-entropy of a fresh 10-class classifier is near ln 10 = 2.30 (not 0, not diverged).
        assertTrue(r.lastLoss() > 1.5 && r.lastLoss() < 4, "last loss " + r.lastLoss());
        CnnEpoch.Result again = CnnEpoch.run(Device.CPU, images, 1, CnnEpoch.WALL_CLOCK);
        assertEquals(r.lastLoss(), again.lastLoss(), "same seed, same thread count: the same loss bit for bit");
    }

    @Test
    void onAnAsynchronousDeviceTheEpochNeverWaitsAndHasTheCpusLoss() {
        Device device = Device.parse("check:0");
        CheckBackend backend = CheckBackend.of(device);
        CheckBackend.Counters[] during = new CheckBackend.Counters[1];
        CnnEpoch.Timer counting = work -> {
            CheckBackend.Counters before = backend.counters();
            work.run();
            during[0] = backend.counters().minus(before);
            return 1;
        };
        int images = 2 * CnnEpoch.BATCH;
        CnnEpoch.Result r = CnnEpoch.run(device, images, 1, counting);
        assertEquals(0, during[0].synchronizations(), "synchronisations inside the epoch: " + during[0]);
        assertEquals(0, during[0].deviceToHost(), "reads of device values inside the epoch: " + during[0]);
        assertEquals(0, during[0].hostToDevice(), "host-to-device copies inside an epoch whose data is made on the device: " + during[0]);
        assertTrue(during[0].launches() > 100, "the epoch ran on the device: " + during[0]);
        assertEquals(CnnEpoch.run(Device.CPU, images, 1, CnnEpoch.WALL_CLOCK).lastLoss(), r.lastLoss(), "check:0 runs the CPU's kernels");
    }

    @Test
    void lessThanOneBatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CnnEpoch.run(Device.CPU, CnnEpoch.BATCH - 1, 0, CnnEpoch.WALL_CLOCK));
    }
}
