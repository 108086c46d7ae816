package dev.galvani.tensor.backend;

/** A device allocator as the user sees it: its statistics and its cache (PyTorch's {@code torch.cuda.memory_*} calls). */
public interface DeviceMemory {

    /**
     * A snapshot of the allocator's statistics.
     * @return the current statistics
     */
    MemoryStats stats();

    /** Gives the cached blocks back (to the device, or to the garbage collector). */
    void emptyCache();

    /** Starts the peak statistics afresh from the live bytes now. */
    void resetPeak();
}
