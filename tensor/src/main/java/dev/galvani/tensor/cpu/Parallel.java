package dev.galvani.tensor.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Galvani's own ForkJoin pool. Work is split into chunks of at least {@code grain} elements; work
 * smaller than one grain runs on the calling thread, so small tensors never pay for a hand-off.
 *
 * <p>Threads: system property {@code galvani.threads}, else environment {@code GALVANI_NUM_THREADS},
 * else the number of available processors.
 */
public final class Parallel {

    private Parallel() {}

    /** A body over the half-open range [start, end). */
    @FunctionalInterface
    public interface RangeBody { void run(int start, int end); }

    /** Elements below which element-wise work stays on the calling thread. */
    public static final int ELEMENTWISE_GRAIN = 32_768;

    private static final ForkJoinPool POOL = createPool();

    private static ForkJoinPool createPool() {
        int threads = configuredThreads();
        var counter = new java.util.concurrent.atomic.AtomicInteger();
        return new ForkJoinPool(threads, pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("galvani-cpu-" + counter.getAndIncrement());    // getPoolIndex() is not set before the thread registers
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    static int configuredThreads() {
        String p = System.getProperty("galvani.threads");
        if (p == null) p = System.getenv("GALVANI_NUM_THREADS");
        if (p != null) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) { /* fall through to the default */ }
            System.getLogger("dev.galvani").log(System.Logger.Level.WARNING,
                    "ignoring galvani.threads / GALVANI_NUM_THREADS = \"" + p + "\": not a positive integer");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Number of worker threads. */
    public static int threads() { return POOL.getParallelism(); }

    /** Runs body over [0, n) in chunks of at least {@code grain}, in parallel when that pays. */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = (int) Math.min(threads() * 4L, Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1 || inWorker()) {
            body.run(0, n);
            return;
        }
        POOL.invoke(new Split(body, 0, n, Math.max(grain, Math.ceilDiv(n, chunks))));
    }

    /** Runs body(i) for each task i in [0, count), one task per call, in parallel. */
    public static void forTasks(int count, RangeBody body) {
        if (count <= 0) return;
        if (count == 1 || inWorker()) {
            body.run(0, count);
            return;
        }
        POOL.invoke(new Split(body, 0, count, 1));
    }

    private static boolean inWorker() {
        return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL;
    }

    private static final class Split extends RecursiveAction {
        private final RangeBody body;
        private final int start, end, chunk;

        Split(RangeBody body, int start, int end, int chunk) {
            this.body = body;
            this.start = start;
            this.end = end;
            this.chunk = chunk;
        }

        @Override protected void compute() {
            if (end - start <= chunk) {
                body.run(start, end);
                return;
            }
            int mid = start + Math.max(chunk, (end - start) / 2 / chunk * chunk);
            invokeAll(new Split(body, start, mid, chunk), new Split(body, mid, end, chunk));
        }
    }
}
