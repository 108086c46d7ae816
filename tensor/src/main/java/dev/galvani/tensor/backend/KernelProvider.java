package dev.galvani.tensor.backend;

/**
 * Contributes one kernel family for one device type, found with {@link java.util.ServiceLoader}:
 * list the class in {@code META-INF/services/dev.galvani.tensor.backend.KernelProvider}. Any module
 * may ship providers (the CPU's are in galvani-tensor; a spiking or spectral module brings its own
 * families with their CPU and CUDA implementations).
 *
 * @param <F> the family interface
 */
public interface KernelProvider<F extends KernelFamily> {

    /** The family interface this provider implements, e.g. {@code ConvolutionKernels.class}. */
    Class<F> family();

    /** The device type it runs on ({@link dev.galvani.tensor.Device#type()}), e.g. "cpu" or "cuda". */
    String deviceType();

    /** The implementation for one backend (one device) of that type. */
    F create(Backend backend);
}
