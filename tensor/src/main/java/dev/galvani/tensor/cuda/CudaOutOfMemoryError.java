package dev.galvani.tensor.cuda;

/**
 * The device has no room for a request even after the caching allocator gave its cache back and
 * tried again. The message names the request and what the device and the allocator hold, so the
 * user can tell a leak (large live bytes) from fragmentation or another process (little free).
 */
public final class CudaOutOfMemoryError extends OutOfMemoryError {

    /**
     * An error with the allocator's explanation.
     * @param message the request, the device's free and total bytes, the cached and the largest live allocations
     */
    public CudaOutOfMemoryError(String message) { super(message); }
}
