package dev.galvani.tensor.check;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.DeviceMemory;
import dev.galvani.tensor.backend.Distribution;
import dev.galvani.tensor.backend.KernelFamily;
import dev.galvani.tensor.backend.MemoryStats;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.ReduceOp;
import dev.galvani.tensor.backend.Storage;
import dev.galvani.tensor.backend.UnaryOp;
import dev.galvani.tensor.cpu.CpuBackend;
import dev.galvani.tensor.cpu.CpuStorage;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The checking device: a second backend that proves the front end never assumes the CPU, without
 * a GPU. It behaves as a GPU backend must:
 * <ul>
 *   <li>its data lives off the Java heap ({@link CheckStorage}: memory segments that only its
 *       stream thread touches), so a front end that cast a storage to the CPU's would fail;</li>
 *   <li>work runs asynchronously, in order, on one thread (a stream): a call returns before its
 *       result exists, and the host sees values only through {@link #toHost} and
 *       {@link #synchronize}, which wait, and which report the first error a kernel hit;</li>
 *   <li>a buffer allocated uninitialised is filled with a NaN / -1 / true pattern, so a kernel that
 *       counted on zeros shows up as wrong numbers;</li>
 *   <li>it counts allocations, live bytes, transfers each way, kernel launches and
 *       synchronisations ({@link Counters}), so tests can assert that a training step never waits
 *       for the device and that no memory leaks.</li>
 * </ul>
 * The kernels are the CPU's, run on heap copies of the segments (staged in, then copied back), so
 * device {@code check:0} gives the CPU's bits exactly. {@code check:0} has every kernel family the
 * CPU has; {@code check:1} has none, so the front end runs the composed forms there: it is what a
 * new device with only the core looks like. Not a user device: it ships in the test jar only.
 */
public final class CheckBackend implements Backend {

    /** What the device did since it was opened or the counters were last reset. */
    public record Counters(long launches, long synchronizations, long hostToDevice, long deviceToHost, long allocations) {
        public Counters minus(Counters o) {
            return new Counters(launches - o.launches, synchronizations - o.synchronizations, hostToDevice - o.hostToDevice,
                    deviceToHost - o.deviceToHost, allocations - o.allocations);
        }
    }

    private static final Cleaner CLEANER = Cleaner.create();

    private final Device device;
    private final boolean families;
    private final ExecutorService stream;
    private final AtomicReference<Throwable> pendingError = new AtomicReference<>();
    private final AtomicLong launches = new AtomicLong(), syncs = new AtomicLong(), toDevice = new AtomicLong(), toHost = new AtomicLong();
    private long allocations, allocated, live, peak, released, cleaned;

    CheckBackend(int index) {
        this.device = new Device("check", index);
        this.families = index == 0;
        this.stream = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "galvani-check-stream-" + index);
            t.setDaemon(true);
            return t;
        });
    }

    /** The backend of a check device (opened through the registry, as users reach it). */
    public static CheckBackend of(Device device) {
        if (!device.type().equals("check")) throw new IllegalArgumentException("not a check device: " + device);
        return CheckBackendProvider.backend(device.index());
    }

    public Counters counters() { return new Counters(launches.get(), syncs.get(), toDevice.get(), toHost.get(), memory().stats().allocations()); }

    @Override public Device device() { return device; }

    // ---- memory ----------------------------------------------------------------------------------

    @Override public Storage allocate(DType dtype, int length) { return track(new CheckStorage(this, dtype, length)); }

    @Override public Storage allocateUninitialized(DType dtype, int length) {
        CheckStorage s = track(new CheckStorage(this, dtype, length));
        enqueue(() -> s.block.segment().fill((byte) 0xFF));   // NaN in every float, -1 in every integer, true in every bool
        return s;
    }

    @Override public Storage fromHost(Object hostArray, DType dtype) {
        int n = java.lang.reflect.Array.getLength(hostArray);
        CheckStorage s = track(new CheckStorage(this, dtype, n));
        toDevice.incrementAndGet();
        enqueue(() -> store(CpuStorage.wrap(dtype, hostArray), s));    // the caller handed the array over: no copy needed now
        return s;
    }

    @Override public Object toHost(Operand x) {
        checkLive(x);
        toHost.incrementAndGet();
        CompletableFuture<Object> result = new CompletableFuture<>();
        enqueue(() -> result.complete(CpuBackend.INSTANCE.toHost(stage(new IdentityHashMap<>(), x))));
        return await(result);
    }

    /** Between the two checking devices copies go stream to stream, as between two GPUs: no host staging, no wait. */
    @Override public boolean copiesDirectlyWith(Device other) { return other.type().equals("check") && !other.equals(device); }

    @Override public void copyAcrossDevices(Operand src, Operand dst) {
        CheckBackend from = of(src.device()), to = of(dst.device());
        from.checkLive(src);
        to.checkLive(dst);
        CompletableFuture<Object> values = new CompletableFuture<>();
        from.launches.incrementAndGet();
        // Read on the source's stream (after its earlier work), write on the destination's (after its
        // own): the destination waits on the source's work as a CUDA stream waits on an event.
        from.stream.execute(() -> {
            if (from.pendingError.get() != null) values.completeExceptionally(new IllegalStateException("the source device's stream failed earlier"));
            else try {
                values.complete(CpuBackend.INSTANCE.toHost(stage(new IdentityHashMap<>(), src)));
            } catch (Throwable t) {
                values.completeExceptionally(t);
            }
        });
        to.launch(o -> {
            Object dense = values.join();
            CpuBackend.INSTANCE.copy(Operand.contiguous(CpuStorage.wrap(src.dtype(), dense), src.shape().dims()), o[0]);
        }, dst);
    }

    @Override public void synchronize() {
        CompletableFuture<Object> done = new CompletableFuture<>();
        enqueue(() -> done.complete(null));
        await(done);
    }

    @Override public DeviceMemory memory() {
        return new DeviceMemory() {
            @Override public MemoryStats stats() {
                synchronized (CheckBackend.this) {
                    return new MemoryStats(live, 0, peak, allocated, allocations, 0, released, cleaned);
                }
            }

            @Override public void emptyCache() {}                      // nothing cached: every release frees

            @Override public void resetPeak() {
                synchronized (CheckBackend.this) {
                    peak = live;
                }
            }
        };
    }

    private CheckStorage track(CheckStorage s) {
        long bytes = s.block.bytes;
        synchronized (this) {
            allocations++;
            allocated += bytes;
            live += bytes;
            peak = Math.max(peak, live);
        }
        Free free = new Free(this, s.block);
        s.cleanable = CLEANER.register(s, free);
        s.free = free;
        return s;
    }

    /** Frees one block in stream order, once: on release, or from the cleaner when nobody released its storage. */
    static final class Free implements Runnable {
        private final CheckBackend backend;
        private final CheckStorage.Block block;
        volatile boolean explicit;

        Free(CheckBackend backend, CheckStorage.Block block) {
            this.backend = backend;
            this.block = block;
        }

        @Override public void run() {
            synchronized (backend) {
                backend.live -= block.bytes;
                backend.released++;
                if (!explicit) backend.cleaned++;
            }
            backend.enqueue(block::free);
        }
    }

    void release(CheckStorage s) {
        s.free.explicit = true;
        s.cleanable.clean();
    }

    // ---- core primitives, each a launch on the stream ----------------------------------------------

    @Override public void copy(Operand src, Operand dst) { launch(o -> CpuBackend.INSTANCE.copy(o[0], o[1]), src, dst); }

    @Override public void fill(Operand dst, double value) { launch(o -> CpuBackend.INSTANCE.fill(o[0], value), dst); }

    @Override public void unary(UnaryOp op, Operand x, Operand out) { launch(o -> CpuBackend.INSTANCE.unary(op, o[0], o[1]), x, out); }

    @Override public void binary(BinaryOp op, Operand a, Operand b, Operand out) { launch(o -> CpuBackend.INSTANCE.binary(op, o[0], o[1], o[2]), a, b, out); }

    @Override public void binaryScalar(BinaryOp op, Operand a, Number scalar, boolean scalarFirst, Operand out) {
        launch(o -> CpuBackend.INSTANCE.binaryScalar(op, o[0], scalar, scalarFirst, o[1]), a, out);
    }

    @Override public void where(Operand cond, Operand a, Operand b, Operand out) { launch(o -> CpuBackend.INSTANCE.where(o[0], o[1], o[2], o[3]), cond, a, b, out); }

    @Override public void reduce(ReduceOp op, Operand x, int[] dims, Operand out) { launch(o -> CpuBackend.INSTANCE.reduce(op, o[0], dims, o[1]), x, out); }

    @Override public void cumsum(Operand x, int dim, Operand out) { launch(o -> CpuBackend.INSTANCE.cumsum(o[0], dim, o[1]), x, out); }

    @Override public void matmul(Operand a, Operand b, Operand out) { launch(o -> CpuBackend.INSTANCE.matmul(o[0], o[1], o[2]), a, b, out); }

    @Override public void indexSelect(Operand x, int dim, Operand index, Operand out) { launch(o -> CpuBackend.INSTANCE.indexSelect(o[0], dim, o[1], o[2]), x, index, out); }

    @Override public void gather(Operand x, int dim, Operand index, Operand out) { launch(o -> CpuBackend.INSTANCE.gather(o[0], dim, o[1], o[2]), x, index, out); }

    @Override public void scatterAdd(Operand target, int dim, Operand index, Operand src) {
        launch(o -> CpuBackend.INSTANCE.scatterAdd(o[0], dim, o[1], o[2]), target, index, src);
    }

    @Override public void random(Distribution dist, Operand out, long seed, long offset) { launch(o -> CpuBackend.INSTANCE.random(dist, o[0], seed, offset), out); }

    /**
     * {@code check:0}: the CPU's family behind a proxy that launches each call on the stream with its
     * operands staged; {@code check:1}: none, so the front end composes.
     */
    @Override public <F extends KernelFamily> Optional<F> kernels(Class<F> family) {
        if (!families) return Optional.empty();
        return CpuBackend.INSTANCE.kernels(family).map(cpu -> family.cast(Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[]{family},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) return method.invoke(cpu, args);
                    Operand[] operands = java.util.Arrays.stream(args).filter(a -> a instanceof Operand).toArray(Operand[]::new);
                    launch(staged -> {
                        Object[] call = args.clone();
                        for (int i = 0, k = 0; i < call.length; i++) if (call[i] instanceof Operand) call[i] = staged[k++];
                        try {
                            method.invoke(cpu, call);
                        } catch (InvocationTargetException e) {
                            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException(e);
                        }
                    }, operands);
                    return null;
                })));
    }

    // ---- the stream ----------------------------------------------------------------------------------

    /** Checks the operands on the host (this device, not released), then runs {@code kernel} on staged copies in stream order. */
    private void launch(Consumer<Operand[]> kernel, Operand... operands) {
        for (Operand o : operands) if (o != null) checkLive(o);
        launches.incrementAndGet();
        enqueue(() -> {
            Map<Storage, CpuStorage> staged = new IdentityHashMap<>();
            Operand[] heap = new Operand[operands.length];
            for (int i = 0; i < heap.length; i++) heap[i] = operands[i] == null ? null : stage(staged, operands[i]);
            kernel.accept(heap);
            for (var e : staged.entrySet()) store(e.getValue(), (CheckStorage) e.getKey());    // outputs (and unchanged inputs) back
        });
    }

    private void checkLive(Operand o) {
        if (!(o.storage() instanceof CheckStorage s) || !o.device().equals(device))
            throw new IllegalArgumentException("check device " + device + ": an operand on " + o.device() + " reached it (" + o + ")");
        if (s.isReleased())
            throw new IllegalStateException("this tensor's memory was released when its TensorScope closed; return it from the scope with scope.keep(tensor)");
    }

    /** Stream thread: the operand over a heap copy of its storage (one copy per storage, shared by operands that alias). */
    private static Operand stage(Map<Storage, CpuStorage> staged, Operand o) {
        CheckStorage s = (CheckStorage) o.storage();
        CpuStorage heap = staged.computeIfAbsent(s, k -> {
            Object array = newArray(s.dtype(), s.length());
            MemorySegment seg = s.block.segment();
            int n = s.length();
            switch (s.dtype()) {
                case F32 -> MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT, 0, (float[]) array, 0, n);
                case F64 -> MemorySegment.copy(seg, ValueLayout.JAVA_DOUBLE, 0, (double[]) array, 0, n);
                case I32 -> MemorySegment.copy(seg, ValueLayout.JAVA_INT, 0, (int[]) array, 0, n);
                case I64 -> MemorySegment.copy(seg, ValueLayout.JAVA_LONG, 0, (long[]) array, 0, n);
                case BOOL -> {
                    boolean[] b = (boolean[]) array;
                    for (int i = 0; i < n; i++) b[i] = seg.get(ValueLayout.JAVA_BYTE, i) != 0;
                }
            }
            return CpuStorage.wrap(s.dtype(), array);
        });
        return o.withStorage(heap);
    }

    /** Stream thread: a heap array's values into a storage's segment. */
    private static void store(CpuStorage heap, CheckStorage s) {
        MemorySegment seg = s.block.segment();
        int n = s.length();
        switch (s.dtype()) {
            case F32 -> MemorySegment.copy(heap.floats(), 0, seg, ValueLayout.JAVA_FLOAT, 0, n);
            case F64 -> MemorySegment.copy(heap.doubles(), 0, seg, ValueLayout.JAVA_DOUBLE, 0, n);
            case I32 -> MemorySegment.copy(heap.ints(), 0, seg, ValueLayout.JAVA_INT, 0, n);
            case I64 -> MemorySegment.copy(heap.longs(), 0, seg, ValueLayout.JAVA_LONG, 0, n);
            case BOOL -> {
                boolean[] b = heap.bools();
                for (int i = 0; i < n; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) (b[i] ? 1 : 0));
            }
        }
    }

    private static Object newArray(DType dtype, int n) {
        return switch (dtype) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case I64 -> new long[n];
            case BOOL -> new boolean[n];
        };
    }

    /** Runs {@code work} on the stream; its failure is kept for the next synchronisation (as a device error is). */
    private void enqueue(Runnable work) {
        stream.execute(() -> {
            if (pendingError.get() != null) return;     // a failed stream runs nothing more until the error is reported
            try {
                work.run();
            } catch (Throwable t) {
                pendingError.compareAndSet(null, t);
            }
        });
    }

    /** Waits for {@code f} (a synchronisation, counted), then reports the first error the stream hit. */
    private <T> T await(CompletableFuture<T> f) {
        syncs.incrementAndGet();
        Throwable error;
        T value = null;
        while (true) {
            error = pendingError.get();
            if (error != null) break;
            try {
                value = f.get(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                break;
            } catch (java.util.concurrent.TimeoutException e) {
                // poll: a failed task never completes f
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + device, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        error = pendingError.getAndSet(null);
        if (error != null) {
            if (error instanceof RuntimeException r) throw r;
            if (error instanceof Error e) throw e;
            throw new IllegalStateException(error);
        }
        return value;
    }
}
