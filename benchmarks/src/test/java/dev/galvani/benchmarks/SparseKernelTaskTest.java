package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.benchmarks.train.SparseKernelTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel-timing task runs on a small shape and writes its page with one row per shape and sparsity. */
class SparseKernelTaskTest {

    @Test void writesOneRowPerShapeAndSparsity(@TempDir Path dir) throws Exception {
        var o = new SparseKernelTask.Options();
        Path page = dir.resolve("sparse.md");
        Cli.parse(o, new String[]{"--shapes", "32:16,16:8", "--sparsity", "0.5,0.9", "--runs", "2", "--batch", "5", "--out", page.toString()},
                System.out, System.err);
        SparseKernelTask.run(o, new PrintStream(new ByteArrayOutputStream()));
        String text = Files.readString(page);
        for (String row : new String[]{"| 32 → 16 | 50 %", "| 32 → 16 | 90 %", "| 16 → 8 | 50 %", "| 16 → 8 | 90 %"}) assertTrue(text.contains(row), row + " in\n" + text);
    }
}
