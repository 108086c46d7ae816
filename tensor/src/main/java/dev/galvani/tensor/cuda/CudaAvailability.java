package dev.galvani.tensor.cuda;

import dev.galvani.tensor.Device;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Optional;

/**
 * Why a CUDA device cannot be used, in one sentence a user can act on, decided before any JCuda
 * native code is touched (so the first thing a user sees is never a JNI stack trace): the driver
 * library, then the kernels. The checks are an interface so that every message is tested on the CPU.
 */
final class CudaAvailability {

    private CudaAvailability() {}

    /** What the checks look at. */
    interface Probe {
        /** Whether the driver library {@code libcuda.so.1} can be loaded. */
        boolean driverLoads();

        /** Whether the kernels jar holds a fatbin. */
        boolean kernelsBuilt();

        /** Whether the kernels jar is on the classpath at all (its properties file). */
        boolean kernelsJarPresent();
    }

    /** The probe of this process: the system loader and this class's class loader. */
    static Probe system() {
        ClassLoader loader = CudaAvailability.class.getClassLoader();
        return new Probe() {
            @Override public boolean driverLoads() { return libraryLoads("libcuda.so.1"); }

            @Override public boolean kernelsBuilt() { return loader.getResource(KernelImage.FATBIN) != null; }

            @Override public boolean kernelsJarPresent() { return loader.getResource(KernelImage.PROPERTIES) != null; }
        };
    }

    /** The sentence saying why {@code device} cannot be used, or empty when the checks pass. */
    static Optional<String> problem(Device device, Probe probe) {
        if (!probe.driverLoads())
            return Optional.of("device " + device + ": no CUDA driver (libcuda.so.1 not found); install the NVIDIA driver, or use Device.CPU");
        if (!probe.kernelsBuilt())
            return Optional.of(probe.kernelsJarPresent()
                    ? "device " + device + ": Galvani was built without nvcc, so it has no CUDA kernels; rebuild it where the CUDA toolkit is installed (nvcc on the PATH or under CUDA_HOME)"
                    : "device " + device + ": the CUDA kernels jar (dev.galvani:galvani-cuda-kernels) is not on the classpath");
        return Optional.empty();
    }

    /** Whether the system loader can open {@code name} (the library is loaded once and stays loaded, as the driver will be). */
    static boolean libraryLoads(String name) {
        try {
            SymbolLookup.libraryLookup(name, Arena.global());
            return true;
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            return false;
        }
    }
}
