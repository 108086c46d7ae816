package dev.galvani.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.galvani.tensor.Device;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.BackendUnavailableException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One sentence, and no native stack trace, when a CUDA device cannot be used. */
class CudaAvailabilityTest {

    private static CudaAvailability.Probe probe(boolean driver, boolean kernels, boolean jar) {
        return new CudaAvailability.Probe() {
            @Override public boolean driverLoads() { return driver; }

            @Override public boolean kernelsBuilt() { return kernels; }

            @Override public boolean kernelsJarPresent() { return jar; }
        };
    }

    @Test
    void theDriverIsCheckedFirstThenTheKernels() {
        Device d = Device.cuda(0);
        assertEquals(Optional.of("device cuda:0: no CUDA driver (libcuda.so.1 not found); install the NVIDIA driver, or use Device.CPU"),
                CudaAvailability.problem(d, probe(false, false, false)));
        String noNvcc = CudaAvailability.problem(d, probe(true, false, true)).orElseThrow();
        assertTrue(noNvcc.startsWith("device cuda:0: Galvani was built without nvcc"), noNvcc);
        String noJar = CudaAvailability.problem(d, probe(true, false, false)).orElseThrow();
        assertTrue(noJar.contains("galvani-cuda-kernels) is not on the classpath"), noJar);
        assertEquals(Optional.empty(), CudaAvailability.problem(d, probe(true, true, true)));
    }

    @Test
    void theKernelsOfThisBuildAreOnTheClasspathWhereNvccWas() {
        boolean built = "true".equals(KernelImage.properties(getClass().getClassLoader()).getProperty("built"));
        assertEquals(built, KernelImage.fatbin(getClass().getClassLoader()).isPresent(), "kernels.properties says what the jar holds");
    }

    /** On a machine without the NVIDIA driver (this one, CI): the user's first tensor on cuda:0 gets the sentence. */
    @Test
    void withoutADriverTheFirstCudaTensorSaysSoInOneSentence() {
        assumeFalse(CudaAvailability.libraryLoads("libcuda.so.1"), "this machine has a CUDA driver");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Tensor.zeros(Device.cuda(0), 2, 2));
        assertEquals("device cuda:0: no CUDA driver (libcuda.so.1 not found); install the NVIDIA driver, or use Device.CPU", e.getMessage());
        assertEquals(0, e.getStackTrace().length, "no stack trace, native or other");
        assertEquals(null, e.getCause());
        // Asked again, the same sentence (the answer is remembered, nothing is retried natively).
        assertEquals(e.getMessage(), assertThrows(BackendUnavailableException.class, () -> Device.cuda(0).synchronize()).getMessage());
        assertTrue(CudaBackend.unavailableReason(0).orElseThrow().contains("no CUDA driver"));
    }
}
