package dev.galvani.delay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.tensor.Generator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SHD σ schedule of reference §6 and §14. */
class SigmaScheduleTest {

    @Test void shdScheduleReachesTheFloorAfter37Epochs() {
        var layer = new DelayedLinear(3, 2, 25, new Generator(0));
        var schedule = new SigmaSchedule(List.of(layer), 12, 150 / 4);
        assertEquals(0.8986330, schedule.alpha(), 5e-8);
        double[] expected = new double[150];
        expected[0] = 12.0; expected[1] = 10.7836; expected[10] = 4.12102; expected[36] = 0.25594; expected[37] = 0.23; expected[149] = 0.23;
        for (int epoch = 0; epoch < 150; epoch++) {
            // σ used during this epoch
            if (expected[epoch] != 0) assertEquals(expected[epoch], schedule.sigma(), 5e-5, "epoch " + epoch);
            assertEquals(schedule.sigma(), layer.sigma.value().toDoubleArray()[0], 1e-6, "the layer follows");
            schedule.step(epoch);
        }
    }

    @Test void aZeroFinalEpochKeepsSigmaConstant() {
        var schedule = new SigmaSchedule(List.of(), 0.23, 0);
        schedule.step(0);
        assertEquals(0.23, schedule.sigma());
    }
}
