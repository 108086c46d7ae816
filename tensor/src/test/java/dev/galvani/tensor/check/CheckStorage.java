package dev.galvani.tensor.check;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.backend.Storage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A buffer of the checking device: off the Java heap, in a {@link MemorySegment} of a confined
 * {@link Arena} that only the device's stream thread creates, touches and frees, so the host can
 * reach the values only through the backend (as with GPU memory). Released storages are freed in
 * stream order, after the work already issued on them.
 */
final class CheckStorage implements Storage {

    /** The memory itself, kept apart from the storage so that a cleaner can free it without reaching the storage. */
    static final class Block {
        final long bytes;
        private Arena arena;
        private MemorySegment segment;

        Block(long bytes) { this.bytes = bytes; }

        /** The segment, made (zero-filled) on first use; stream thread only. */
        MemorySegment segment() {
            if (segment == null) {
                arena = Arena.ofConfined();
                segment = arena.allocate(Math.max(1, bytes), 8);
            }
            return segment;
        }

        /** Stream thread only. */
        void free() {
            if (arena != null) arena.close();
            arena = null;
            segment = null;
        }
    }

    private final CheckBackend backend;
    private final DType dtype;
    private final int length;
    final Block block;
    private volatile boolean released;
    private int version;
    private final java.util.concurrent.atomic.AtomicInteger graphReads = new java.util.concurrent.atomic.AtomicInteger();
    /** Set by the backend: frees the block once. */
    java.lang.ref.Cleaner.Cleanable cleanable;
    CheckBackend.Free free;

    CheckStorage(CheckBackend backend, DType dtype, int length) {
        this.backend = backend;
        this.dtype = dtype;
        this.length = length;
        this.block = new Block((long) length * dtype.byteSize());
    }

    @Override public Device device() { return backend.device(); }

    @Override public DType dtype() { return dtype; }

    @Override public int length() { return length; }

    @Override public void release() {
        if (released) return;
        released = true;
        backend.release(this);
    }

    @Override public void release(String why) { release(); }

    @Override public boolean isReleased() { return released; }

    @Override public int graphReads() { return graphReads.get(); }

    @Override public void addGraphReads(int delta) { graphReads.addAndGet(delta); }

    @Override public int version() { return version; }

    @Override public void bumpVersion() { version++; }
}
