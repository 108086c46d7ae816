package dev.galvani.tensor.cuda;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.backend.Storage;
import java.lang.ref.Cleaner;

/**
 * A block of device memory from the {@link CachingAllocator} holding {@code length} elements of one
 * dtype (BOOL as one byte each). Released by a {@code TensorScope} closing, or by a {@link Cleaner}
 * when nobody released it before it became unreachable (counted as cleaned). Either way the block
 * goes back to the allocator's cache; nothing here calls the driver, so the cleaner's thread may
 * release.
 */
final class CudaStorage implements Storage {

    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "galvani-cuda-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final Device device;
    private final DType dtype;
    private final int length;
    private final long address;
    private final Return back;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean released;
    private int version;
    /** Why the storage was released, when not by its scope closing (an early release); null otherwise. */
    private volatile String releasedBecause;
    private final java.util.concurrent.atomic.AtomicInteger graphReads = new java.util.concurrent.atomic.AtomicInteger();

    /** Gives the block back once; holds the allocator and the address, never the storage. */
    private static final class Return implements Runnable {
        private final CachingAllocator allocator;
        private final long address;
        volatile boolean explicit;

        Return(CachingAllocator allocator, long address) {
            this.allocator = allocator;
            this.address = address;
        }

        @Override public void run() { allocator.release(address, explicit); }
    }

    CudaStorage(Device device, CachingAllocator allocator, DType dtype, int length, long address) {
        this.device = device;
        this.dtype = dtype;
        this.length = length;
        this.address = address;
        this.back = new Return(allocator, address);
        this.cleanable = CLEANER.register(this, back);
    }

    /** The device address of element 0; fails once released. */
    long address() {
        if (released)
            throw new IllegalStateException(releasedBecause != null ? releasedBecause
                    : "this tensor's memory was released when its TensorScope closed; return it from the scope with scope.keep(tensor)");
        return address;
    }

    @Override public Device device() { return device; }

    @Override public DType dtype() { return dtype; }

    @Override public int length() { return length; }

    @Override public void release() {
        if (released) return;
        released = true;
        back.explicit = true;
        cleanable.clean();
    }

    @Override public void release(String why) {
        if (released) return;
        releasedBecause = why;
        release();
    }

    @Override public boolean isReleased() { return released; }

    @Override public int graphReads() { return graphReads.get(); }

    @Override public void addGraphReads(int delta) { graphReads.addAndGet(delta); }

    @Override public int version() { return version; }

    @Override public void bumpVersion() { version++; }

    @Override public String toString() { return dtype + "[" + length + "] at 0x" + Long.toHexString(address) + " on " + device; }
}
