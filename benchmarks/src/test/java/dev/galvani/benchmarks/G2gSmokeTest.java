package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.G2gFashionMnistTask;
import dev.galvani.benchmarks.train.G2gFashionMnistTask.Arm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short R2 (3 epochs on 8,192 images, hidden 64, rewiring every 16 steps): all three models learn and the parameter counts match. */
class G2gSmokeTest {

    @Test void allThreeModelsLearnWithMatchedParameters(@TempDir Path dir) throws Exception {
        var o = new G2gFashionMnistTask.Options().epochs(3).seeds(0).hidden(64).trainLimit(8192).dstInterval(16).out(dir);
        var log = new ByteArrayOutputStream();
        var r = G2gFashionMnistTask.run(o, new PrintStream(log, true));
        for (Arm arm : Arm.values()) assertTrue(r.mean(arm) > 0.65, arm + ": " + r.table() + log);
        long sparse = r.parameters().get(Arm.G2G), dense = r.parameters().get(Arm.DENSE), er = r.parameters().get(Arm.ERDOS_RENYI);
        assertEquals(1.0, (double) dense / sparse, 0.05, "dense same-params: " + r.table());
        assertEquals(1.0, (double) er / sparse, 0.05, "same density: " + r.table());
        assertTrue(log.toString().contains("rewirings"), log.toString());
    }
}
