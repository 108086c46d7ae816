package dev.galvani.tensor.backend;

/**
 * A device allocator's statistics, in bytes unless named otherwise, as PyTorch's
 * {@code torch.cuda.memory_stats()} reports them.
 *
 * @param live          held by storages now (tensors not yet released)
 * @param cached        released blocks the allocator keeps for reuse
 * @param peakLive      the largest {@code live} since the start or the last peak reset
 * @param allocated     bytes handed out since the start: reused blocks and new ones
 * @param allocations   requests since the start
 * @param reuses        requests served from the cache
 * @param released      storages given back since the start (scope closes, the cleaner, explicit release)
 * @param cleaned       of those, storages the garbage collector found unreachable before anyone released them
 */
public record MemoryStats(long live, long cached, long peakLive, long allocated, long allocations, long reuses, long released, long cleaned) {

    /** The counts since {@code earlier} (allocations, reuses, bytes handed out, releases), with the live, cached and peak bytes of now. */
    public MemoryStats since(MemoryStats earlier) {
        return new MemoryStats(live, cached, peakLive, allocated - earlier.allocated, allocations - earlier.allocations, reuses - earlier.reuses,
                released - earlier.released, cleaned - earlier.cleaned);
    }

    /** The fraction of requests served from the cache. */
    public double reuseRatio() { return allocations == 0 ? 0 : (double) reuses / allocations; }

    @Override public String toString() {
        return String.format(java.util.Locale.ROOT,
                "live %s, cached %s, peak %s; %d allocations (%.1f%% reused, %s in all), %d released (%d by the cleaner)",
                mib(live), mib(cached), mib(peakLive), allocations, 100 * reuseRatio(), mib(allocated), released, cleaned);
    }

    static String mib(long bytes) { return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0); }
}
