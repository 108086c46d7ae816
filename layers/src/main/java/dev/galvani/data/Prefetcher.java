package dev.galvani.data;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * One background thread that loads items {@code 0 .. count-1} in order into a bounded queue, so
 * the next batches are being assembled while the consumer trains on the current one.
 *
 * <p>The queue bound is what keeps memory flat: the worker runs at most {@code depth} batches
 * ahead and then waits. {@link #stop} ends the worker wherever it is (it interrupts the wait);
 * a failure while loading is handed to the consumer as a {@link Failed} item, in its place in the
 * sequence, and ends the worker.
 */
final class Prefetcher {

    /** What the consumer receives, in order: loaded items, then either the end or one failure. */
    sealed interface Item permits Loaded, Failed, End {}

    /** A batch, and those of its tensors the loading thread made for it, which the consumer's {@code TensorScope} adopts. */
    record Loaded(Batch batch, java.util.List<dev.galvani.tensor.Tensor> handOff) implements Item {}

    record Failed(int index, Throwable cause) implements Item {}

    enum End implements Item { INSTANCE }

    private final IntFunction<Loaded> load;
    private final int count;
    private final BlockingQueue<Item> queue;
    private final Thread thread;
    private volatile boolean stopped;

    /** A prefetcher (not yet started) running {@code load} on a daemon thread called {@code threadName}. */
    Prefetcher(String threadName, int count, int depth, IntFunction<Loaded> load) {
        if (depth < 1) throw new IllegalArgumentException("Prefetcher: depth must be at least 1, got " + depth);
        this.load = load;
        this.count = count;
        this.queue = new ArrayBlockingQueue<>(depth);
        // A daemon thread: an abandoned loader must never keep the JVM alive.
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::run);
    }

    void start() { thread.start(); }

    private void run() {
        try {
            for (int i = 0; i < count && !stopped; i++) {
                Item item;
                try {
                    item = load.apply(i);
                } catch (Throwable t) {
                    // Everything, Errors included, goes to the consumer: a worker that dies silently
                    // would leave it waiting with no explanation.
                    item = new Failed(i, t);
                }
                if (stopped) return;
                queue.put(item);
                if (item instanceof Failed) return;
            }
            if (!stopped) queue.put(End.INSTANCE);
        } catch (InterruptedException e) {
            // stop() interrupted a wait on the full queue: nobody wants the rest.
        }
    }

    /**
     * The next item, waiting for it if needed. Fails if {@link #stop} was called, rather than
     * waiting forever for a worker that has gone.
     */
    Item take() {
        try {
            while (true) {
                if (stopped) throw new IllegalStateException(
                        "DataLoader: this epoch's iteration was stopped (a newer epoch started on the same loader, or the loader was closed)");
                // Polling instead of take(): a stop() from another thread is noticed within 50 ms.
                Item item = queue.poll(50, TimeUnit.MILLISECONDS);
                if (item != null) return item;
                if (!thread.isAlive() && queue.isEmpty() && !stopped)
                    return new Failed(-1, new IllegalStateException("DataLoader: the prefetch thread ended without a result"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("DataLoader: interrupted while waiting for the next batch", e);
        }
    }

    /** Ends the worker (at once if it is waiting, after the current item if it is loading); idempotent. */
    void stop() {
        stopped = true;
        thread.interrupt();
        queue.clear();  // drop prefetched batches now rather than when this object is collected
    }

    /** Waits up to {@code timeout} for the worker to end; true if it has. */
    boolean join(Duration timeout) {
        try {
            return thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }

    boolean isAlive() { return thread.isAlive(); }
}
