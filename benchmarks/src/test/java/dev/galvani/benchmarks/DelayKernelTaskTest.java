package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.DelayKernelTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delay-kernel timing task runs on tiny shapes and writes a page with every kernel, every shape and the ratios. */
class DelayKernelTaskTest {

    @Test void writesEveryKernelAndRatio(@TempDir Path dir) throws Exception {
        var o = new DelayKernelTask.Options();
        Path page = dir.resolve("delay.md");
        Cli.parse(o, new String[]{"--shapes", "20:12,7:5", "--batch", "3", "--steps", "9", "--taps", "5", "--runs", "1", "--warmup", "0",
                "--no-torch", "--out", page.toString()}, System.out, System.err);
        DelayKernelTask.run(o, new PrintStream(new ByteArrayOutputStream()));
        String text = Files.readString(page);
        for (String part : new String[]{"| 20 → 12 ms | 7 → 5 ms |", "| GEMM form |", "| sparse taps (σ floor) |", "| integer delays (inference) |",
                "| Linear (inference) |", "| dense (conv1d) / sparse taps [≥ 5] |", "PyTorch not measured: not asked for (--no-torch)"})
            assertTrue(text.contains(part), part + " in\n" + text);
    }
}
