package dev.galvani.tensor.backend;

/**
 * Makes the backend of one device type, found with {@link java.util.ServiceLoader}: list the class
 * in {@code META-INF/services/dev.galvani.tensor.backend.BackendProvider}. The CPU's provider is in
 * galvani-tensor; a CUDA module registers "cuda".
 */
public interface BackendProvider {

    /** The device type, as in {@link dev.galvani.tensor.Device#type()}: "cpu", "cuda", ... */
    String deviceType();

    /**
     * The backend of device {@code index} of this type. When the device cannot be used (no driver,
     * no such index, kernels not built), throws {@link BackendUnavailableException} whose message is
     * one sentence saying why and what to install.
     */
    Backend open(int index);
}
