package dev.galvani.tensor;

import dev.galvani.tensor.backend.MemoryStats;

/**
 * Where a tensor's storage lives: a device type ("cpu", "cuda", or one a module registers) and an
 * index. The backend of a device is found through the registered
 * {@link dev.galvani.tensor.backend.BackendProvider}s the first time it is used.
 */
public record Device(String type, int index) {

    /** The CPU, {@code torch.device("cpu")}; where tensors are made when no device is given. */
    public static final Device CPU = new Device("cpu", 0);

    /**
     * Checks the type (a non-blank lower-case name without ':') and the index (non-negative; 0 for the CPU).
     */
    public Device {
        if (type == null || type.isBlank() || !type.equals(type.toLowerCase()) || type.contains(":"))
            throw new IllegalArgumentException("Device: the type must be a lower-case name such as \"cpu\" or \"cuda\", got \"" + type + "\"");
        if (index < 0) throw new IllegalArgumentException("Device: negative index " + index);
        if (type.equals("cpu") && index != 0) throw new IllegalArgumentException("Device: the CPU has index 0, not " + index);
    }

    /** The CUDA device {@code index}, as {@code torch.device("cuda", index)}. */
    public static Device cuda(int index) { return new Device("cuda", index); }

    /** "cpu", "cuda" (index 0), "cuda:1", ... as PyTorch writes devices. */
    public static Device parse(String name) {
        int colon = name.indexOf(':');
        if (colon < 0) return new Device(name.trim(), 0);
        try {
            return new Device(name.substring(0, colon).trim(), Integer.parseInt(name.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Device.parse: expected \"type\" or \"type:index\", got \"" + name + "\"");
        }
    }

    /** True for the CPU. */
    public boolean isCpu() { return type.equals("cpu"); }

    /** True for a CUDA device. */
    public boolean isCuda() { return type.equals("cuda"); }

    /** Waits until every operation issued on this device has finished (the one place a caller waits for a device). */
    public void synchronize() { Backends.of(this).synchronize(); }

    /** This device's allocator statistics: live, cached and peak bytes, allocations and their reuse. */
    public MemoryStats memoryStats() { return Backends.of(this).memory().stats(); }

    /** Gives the allocator's cached blocks back. */
    public void emptyCache() { Backends.of(this).memory().emptyCache(); }

    /**
     * Lets the garbage collector and the allocator's cleaner give back the memory of tensors that
     * are no longer reachable, until this device's live bytes stop changing (at most about a
     * second): call it before measuring a peak, so that garbage from earlier work is not released
     * during the measurement and does not lower the peak by chance.
     */
    public void settleMemory() {
        long last = -1;
        for (int i = 0; i < 50; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long live = memoryStats().live();
            if (live == last) return;
            last = live;
        }
    }

    /** Starts the peak statistics afresh from the live bytes now. */
    public void resetPeakMemoryStats() { Backends.of(this).memory().resetPeak(); }

    @Override public String toString() { return type.equals("cpu") ? "cpu" : type + ":" + index; }
}
