package dev.galvani.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@link FftLanesF64} is {@link FftLanesF32} in double precision (and {@link FftRowsF64} is {@link FftRowsF32}): from the class declaration on,
 * the F64 source must be the F32 source with float written double (float → double, Float →
 * Double, F32 → F64, the vector shapes Simd.F/FL → Simd.D/DL, the plans' float tables xx32() →
 * their double fields xx, and no f suffixes). An edit made to one file only fails here.
 */
class FftLanesSyncTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/galvani/tensor/cpu");

    static String toDouble(String f32) {
        return f32.replace("float", "double").replace("Float", "Double").replace("F32", "F64")
                .replace("Simd.FL;", "Simd.DL;").replace("Simd.F;", "Simd.D;").replace("32()", "")
                .replaceAll("(\\d)f\\b", "$1");
    }

    private static String body(String source, String className) { return source.substring(source.indexOf("final class " + className)); }

    @Test
    void theDoubleKernelIsTheFloatKernelInDouble() throws IOException {
        String f32 = Files.readString(SOURCES.resolve("FftLanesF32.java")), f64 = Files.readString(SOURCES.resolve("FftLanesF64.java"));
        assertEquals(toDouble(body(f32, "FftLanesF32")), body(f64, "FftLanesF64"),
                "FftLanesF64.java has drifted from FftLanesF32.java: repeat the edit there with float written double");
    }

    @Test
    void theDoubleRowKernelIsTheFloatRowKernelInDouble() throws IOException {
        String f32 = Files.readString(SOURCES.resolve("FftRowsF32.java")), f64 = Files.readString(SOURCES.resolve("FftRowsF64.java"));
        assertEquals(toDouble(body(f32, "FftRowsF32")), body(f64, "FftRowsF64"),
                "FftRowsF64.java has drifted from FftRowsF32.java: repeat the edit there with float written double");
    }
}
