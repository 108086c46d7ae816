package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM started without {@code --add-modules jdk.incubator.vector} is told so at the first tensor, not at a kernel's NoClassDefFoundError. */
class MissingVectorModuleTest {

    /** Run in the child JVM: makes a tensor and prints what happened. */
    public static void main(String[] args) {
        try {
            System.out.println("made " + Tensor.ones(3).add(1).sum().item());
        } catch (IllegalStateException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }

    @Test void theFirstTensorNamesTheMissingFlag() throws Exception {
        String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(launcher, "-cp", System.getProperty("java.class.path"), MissingVectorModuleTest.class.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child JVM finished");
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.startsWith("refused: ") && out.contains("--add-modules jdk.incubator.vector"), out);
    }
}
