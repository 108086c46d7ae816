package dev.galvani.tensor.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Galvani's own ForkJoin pool. Work is split into chunks of at least {@code grain} elements; work
 * smaller than one grain runs on the calling thread, so small tensors never pay for a hand-off.
 *
 * <p>Threads: environment {@code GALVANI_NUM_THREADS} (or the system property {@code galvani.threads},
 * which wins), else the number of available processors; see {@link #configuredThreads()}.
 */
public final class Parallel {

    private Parallel() {}

    /** A body over the half-open range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Processes indices start (inclusive) to end (exclusive).
         * @param start the first index
         * @param end one past the last index
         */
        void run(int start, int end);
    }

    /** Elements below which element-wise work stays on the calling thread. */
    public static final int ELEMENTWISE_GRAIN = 32_768;

    private static final ForkJoinPool POOL = createPool();

    /**
     * The most threads the pool takes: more than a few per processor only adds hand-offs (at 32,767,
     * ForkJoinPool's own limit, training ran 100 times slower), so larger settings are clamped.
     */
    static int maxThreads() { return Math.max(4 * Runtime.getRuntime().availableProcessors(), 8); }

    /** Never throws: a bad setting is reported and replaced, so this class stays usable for the life of the JVM. */
    private static ForkJoinPool createPool() {
        int threads;
        try {
            threads = configuredThreads();
        } catch (RuntimeException e) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        var counter = new java.util.concurrent.atomic.AtomicInteger();
        return new ForkJoinPool(threads, pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("galvani-cpu-" + counter.getAndIncrement());    // getPoolIndex() is not set before the thread registers
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /**
     * The thread count asked for: {@code GALVANI_NUM_THREADS} (the documented way, which reaches
     * every launcher: {@code ./galvani}, Maven, JShell, a notebook kernel), or the system property
     * {@code galvani.threads} set from Java before the first parallel kernel runs, which wins when
     * both are set. Not a positive integer: warns and uses every processor. Above {@link #maxThreads()}:
     * warns and clamps.
     */
    static int configuredThreads() {
        String source = "galvani.threads";
        String p = System.getProperty("galvani.threads");
        if (p == null) {
            source = "GALVANI_NUM_THREADS";
            p = System.getenv("GALVANI_NUM_THREADS");
        }
        int processors = Runtime.getRuntime().availableProcessors();
        if (p == null) return processors;
        long n;
        try {
            n = Long.parseLong(p.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            warn("ignoring " + source + " = \"" + p + "\": not a positive integer; using " + processors + " threads (the processors)");
            return processors;
        }
        int max = maxThreads();
        if (n > max) {
            warn(source + " = " + n + " is more than " + max + " (4 per processor, " + processors + " processors); using " + max
                    + " threads: more only add hand-offs");
            return max;
        }
        return (int) n;
    }

    private static void warn(String message) {
        System.getLogger("dev.galvani").log(System.Logger.Level.WARNING, message);
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
