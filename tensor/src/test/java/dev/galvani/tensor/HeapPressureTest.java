package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The caching allocator never costs the program its heap: a child JVM with a 160 MB heap pushes
 * 4.8 GB through unscoped 12 MB tensors (the garbage collector and the cleaner, not scopes, bring
 * their arrays back), then a scoped loop whose cache would exceed the heap. Both must finish.
 */
class HeapPressureTest {

    /** The child's work. */
    public static final class Probe {
        public static void main(String[] args) {
            Tensor x = Tensor.ones(3_000_000);                   // 12 MB
            for (int i = 0; i < 400; i++) x.mul(1.0).relu();     // 800 arrays of 12 MB, none released by hand
            for (int i = 0; i < 50; i++)
                try (var scope = TensorScope.open()) {
                    Tensor.zeros(1_000_000 + i);                 // 50 size classes of 4 MB: more than the heap if all were cached
                }
            System.out.println("done " + Device.CPU.memoryStats());
        }
    }

    @Test
    void allocationsFasterThanTheCleanerDoNotExhaustTheHeap() throws Exception {
        String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(launcher, "-Xmx160m", "-Dgalvani.cpu.cacheBytes=1000000000", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Probe.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!child.waitFor(3, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            fail("the probe did not finish in 3 minutes");
        }
        assertEquals(0, child.exitValue(), "the probe failed:\n" + out);
    }
}
