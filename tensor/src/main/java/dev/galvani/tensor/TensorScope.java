package dev.galvani.tensor;

import dev.galvani.tensor.backend.Storage;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Deterministic release of tensor memory: every tensor created on this thread while the scope is
 * open is released when it closes, except those returned with {@link #keep}, which move to the
 * enclosing scope (or to the garbage collector when there is none).
 *
 * <pre>{@code
 * try (var scope = TensorScope.open()) {
 *     Tensor h = x.matmul(w).relu();          // released at close
 *     result = scope.keep(h.sum());           // survives
 * }
 * }</pre>
 *
 * <p>A released tensor's memory goes back to its device's allocator at once (on the CPU too), and
 * using the tensor afterwards fails with a message that says so. Scopes nest and belong to the
 * thread that opened them; tensors made on another thread (a data loader's prefetch thread) join a
 * scope through {@link #adopt}. State that outlives every step (parameters, optimizer moments,
 * running statistics) is made with {@link #untracked} or handed over with {@link #escape}, so
 * that no scope ever releases it.
 */
public final class TensorScope implements AutoCloseable {

    private static final ThreadLocal<ArrayDeque<TensorScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);
    /** Tensors another thread handed to this one while no scope was open: the next scope opened here adopts them. */
    private static final ThreadLocal<java.util.List<java.lang.ref.WeakReference<Tensor>>> HANDED = new ThreadLocal<>();
    /** Depth of {@link #untracked} blocks on this thread: while positive, new tensors join no scope. */
    private static final ThreadLocal<int[]> UNTRACKED = ThreadLocal.withInitial(() -> new int[1]);

    /** Guarded by itself: other threads may {@link #adopt} into this scope. */
    private final Set<Storage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread owner = Thread.currentThread();
    private boolean closed;
    private long releasedBytes;

    private TensorScope() {}

    /** Opens a scope on the current thread. */
    public static TensorScope open() {
        TensorScope s = new TensorScope();
        STACK.get().push(s);
        var handed = HANDED.get();
        if (handed != null) {
            HANDED.remove();
            for (var ref : handed) {
                Tensor t = ref.get();
                if (t != null) s.adopt(t);
            }
        }
        return s;
    }

    /**
     * Tensors another thread made for this one (a data loader's batch): the scope open on this
     * thread adopts them now; when none is open, the next scope opened on this thread does, so the
     * usual loop releases each batch with its step:
     * <pre>{@code
     * for (Batch b : loader)                               // made on the prefetch thread, handed over here
     *     try (var step = TensorScope.open()) { ... }      // adopts b's tensors, releases them at close
     * }</pre>
     * A later hand-over replaces one that no scope adopted, and the hand-over holds its tensors
     * weakly: those nobody adopts or keeps are left to the garbage collector.
     */
    public static void handOver(java.util.List<Tensor> tensors) {
        if (tensors.isEmpty()) return;
        TensorScope current = current();
        if (current != null) tensors.forEach(current::adopt);
        else HANDED.set(tensors.stream().map(java.lang.ref.WeakReference::new).toList());
    }

    /** The innermost scope open on this thread, or null. */
    public static TensorScope current() { return STACK.get().peek(); }

    /** Called for every newly allocated tensor: the innermost open scope of this thread takes it. */
    static void track(Tensor t) {
        if (UNTRACKED.get()[0] > 0) return;
        TensorScope s = STACK.get().peek();
        if (s != null) s.add(t.storage);
    }

    /**
     * Runs {@code make} with scope tracking off on this thread: what it creates belongs to no scope and
     * is freed by the garbage collector when unreachable. For long-lived state made during a step
     * (optimizer moments, parameters a module creates lazily).
     */
    public static <T> T untracked(Supplier<T> make) {
        int[] depth = UNTRACKED.get();
        depth[0]++;
        try {
            return make.get();
        } finally {
            depth[0]--;
        }
    }

    /**
     * Takes {@code t}'s storage out of every scope open on this thread, so none releases it; returns
     * {@code t}. For tensors that become long-lived state (a loaded checkpoint's parameters).
     */
    public static Tensor escape(Tensor t) {
        for (TensorScope s : STACK.get()) s.remove(t.storage);
        return t;
    }

    /**
     * Gives {@code t}'s memory back now, before its scope closes, when that is safe: no recorded
     * node that is not yet freed reads its values ({@code Storage.graphReads()} is zero: derivative
     * rules that read only shapes, such as views', or that saved their own copy, do not count), the
     * innermost scope open on this thread owns it (never parameters, state made untracked or
     * escaped, tensors made in an enclosing scope, nor those another scope keeps), and {@code t}
     * covers its whole storage (no other view may still want the rest). Later use of {@code t}, or
     * of any view of its storage, fails with {@code why} as the message.
     * @param t a tensor the caller has consumed and will not read again
     * @param why the error message for a later use: what released the memory and how to avoid it
     * @return the bytes given back, 0 when one of the conditions does not hold
     */
    public static long releaseUnread(Tensor t, String why) {
        Storage s = t.storage;
        TensorScope scope = current();
        if (scope == null || s.isReleased() || s.graphReads() != 0) return 0;
        if (t.offset() != 0 || t.numel() != s.length() || !t.isContiguous()) return 0;
        synchronized (scope.owned) {
            if (!scope.owned.remove(s)) return 0;
        }
        long bytes = s.byteSize();
        s.release(why);
        return bytes;
    }

    /** Lets {@code t} (and every view of its storage) outlive this scope; returns {@code t}. */
    public Tensor keep(Tensor t) {
        checkOpen("keep");
        if (remove(t.storage)) {
            TensorScope parent = parent();
            if (parent != null) parent.add(t.storage);
        }
        return t;
    }

    /**
     * Makes this scope release {@code t} when it closes, whichever thread made it: tensors built on a
     * worker thread (the data loader's prefetch thread) and handed to the thread that owns this
     * scope. Returns {@code t}. May be called from any thread while the scope is open.
     */
    public Tensor adopt(Tensor t) {
        checkOpen("adopt");
        add(t.storage);
        return t;
    }

    /** Whether this scope will release {@code t}'s storage. */
    public boolean owns(Tensor t) {
        synchronized (owned) {
            return owned.contains(t.storage);
        }
    }

    /** Number of storages this scope will release. */
    public int trackedCount() {
        synchronized (owned) {
            return owned.size();
        }
    }

    /** Bytes released when this scope closed. */
    public long releasedBytes() { return releasedBytes; }

    @Override public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner)
            throw new IllegalStateException("TensorScope: closed on thread " + Thread.currentThread().getName() + " but opened on " + owner.getName());
        ArrayDeque<TensorScope> stack = STACK.get();
        if (stack.peek() != this)
            throw new IllegalStateException("TensorScope: scopes must close in reverse order of opening (an inner scope is still open)");
        stack.pop();
        synchronized (owned) {
            for (Storage s : owned) {
                if (!s.isReleased()) {
                    releasedBytes += s.byteSize();
                    s.release();
                }
            }
            owned.clear();
            closed = true;
        }
    }

    private void add(Storage s) {
        synchronized (owned) {
            if (closed) throw new IllegalStateException("TensorScope: the scope is already closed");
            owned.add(s);
        }
    }

    private boolean remove(Storage s) {
        synchronized (owned) {
            return owned.remove(s);
        }
    }

    private TensorScope parent() {
        var it = STACK.get().iterator();
        while (it.hasNext()) if (it.next() == this) return it.hasNext() ? it.next() : null;
        return null;
    }

    private void checkOpen(String op) {
        if (closed) throw new IllegalStateException("TensorScope." + op + ": the scope is already closed");
    }
}
