package dev.galvani.tensor;

import dev.galvani.tensor.backend.Storage;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

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
 * <p>On the CPU a released tensor's array is dropped, and using the tensor afterwards fails with a
 * message that says so: the same rule as on the GPU, where release returns device memory at once.
 * Scopes nest and belong to the thread that opened them.
 */
public final class TensorScope implements AutoCloseable {

    private static final ThreadLocal<ArrayDeque<TensorScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final Set<Storage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread owner = Thread.currentThread();
    private boolean closed;
    private long releasedBytes;

    private TensorScope() {}

    /** Opens a scope on the current thread. */
    public static TensorScope open() {
        TensorScope s = new TensorScope();
        STACK.get().push(s);
        return s;
    }

    /** Called for every newly allocated tensor: the innermost open scope of this thread takes it. */
    static void track(Tensor t) {
        TensorScope s = STACK.get().peek();
        if (s != null) s.owned.add(t.storage);
    }

    /** Lets {@code t} (and every view of its storage) outlive this scope; returns {@code t}. */
    public Tensor keep(Tensor t) {
        checkOpen("keep");
        if (owned.remove(t.storage)) {
            TensorScope parent = parent();
            if (parent != null) parent.owned.add(t.storage);
        }
        return t;
    }

    /** Number of storages this scope will release. */
    public int trackedCount() { return owned.size(); }

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
        for (Storage s : owned) {
            if (!s.isReleased()) {
                releasedBytes += s.byteSize();
                s.release();
            }
        }
        owned.clear();
        closed = true;
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
