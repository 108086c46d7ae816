package dev.galvani.tensor.cuda;

/**
 * The device's own allocator as the caching allocator sees it: {@code cuMemAlloc}, {@code cuMemFree},
 * {@code cuMemGetInfo} and a stream synchronisation. An interface so that the caching logic is
 * tested on the CPU against a fake device memory.
 */
interface RawDeviceMemory {

    /** Thrown by {@link #malloc} when the device has no block of the requested size. */
    final class OutOfDeviceMemory extends Exception {
        /** Without stack trace: it is control flow for the allocator's retry. */
        OutOfDeviceMemory() { super("out of device memory", null, false, false); }
    }

    /** A new block of {@code bytes} bytes (at least 256-byte aligned); its device address. */
    long malloc(long bytes) throws OutOfDeviceMemory;

    /** Gives a block from {@link #malloc} back to the device. */
    void free(long address);

    /** Free bytes on the device now (other processes' use included). */
    long freeBytes();

    /** Total bytes of device memory. */
    long totalBytes();

    /** Waits until the device's stream has finished all work issued so far (before blocks are freed). */
    void synchronize();
}
