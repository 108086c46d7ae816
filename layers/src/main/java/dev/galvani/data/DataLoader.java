package dev.galvani.data;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * Iterates a data set in mini-batches, optionally shuffled, with the next batches prepared on a
 * background thread.
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.builder(train).batchSize(128).shuffle(42).build()) {
 *     for (int epoch = 0; epoch < 10; epoch++)
 *         for (Batch b : loader) { ... b.inputs() ... b.targets() ... }
 * }
 * }</pre>
 *
 * <h2>Order</h2>
 * Epoch {@code e} visits the examples in the order {@link #order order(e)}: {@code 0 .. n-1}
 * without shuffling, otherwise {@code Tensor.randperm(new Generator(seed, e * n), n)}. The order is
 * a function of (seed, epoch) alone: runs reproduce, every epoch differs, and epoch 7 can be
 * replayed without replaying epochs 0 to 6 ({@link #epoch}). Each plain {@link #iterator()} call
 * starts the next epoch, counting from 0.
 *
 * <h2>Threads</h2>
 * With {@code prefetch(k)} for {@code k >= 1} (the default is 2) each epoch runs one daemon thread
 * that loads batches in order, transform included, into a queue of {@code k} batches. Because
 * that thread loads batches in order, a transform drawing from a {@link Generator} sees the same
 * sequence of draws in every run. The thread ends when the epoch is done, when a newer epoch
 * starts on the same loader, when the loader is {@linkplain #close closed}, or, for an iterator
 * abandoned half way ({@code break}), when the garbage collector finds the iterator unreachable.
 * A loader runs one epoch at a time: starting an epoch stops an unfinished earlier one.
 * {@code prefetch(0)} loads each batch on the caller's thread when asked, with no thread at all.
 *
 * <p>An exception while loading batch {@code k} reaches the consumer at batch {@code k}, as a
 * {@link LoadingException} whose cause is the original exception.
 *
 * <p>Batches are built on the prefetch thread (inside a scope of its own, which releases a
 * transform's temporaries at once) and handed over to the consumer's thread with
 * {@link TensorScope#handOver}: the {@code TensorScope} open there adopts the batch's tensors, or
 * the next one opened does, so {@code for (Batch b : loader) try (var step = TensorScope.open())
 * { ... }} releases each batch with everything else its step made. Without scopes the garbage
 * collector frees them.
 */
public final class DataLoader implements Iterable<Batch>, AutoCloseable {

    /** Thrown to the consumer when loading a batch failed; {@link #getCause()} is the original exception. */
    public static final class LoadingException extends RuntimeException {
        LoadingException(String message, Throwable cause) { super(message, cause); }
    }

    /** Stops the prefetch threads of iterators abandoned without finishing their epoch. */
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicInteger LOADER_IDS = new AtomicInteger();

    private final int datasetSize;
    private final Function<long[], Batch> fetch;
    private final UnaryOperator<Batch> transform;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int prefetch;
    private final int id = LOADER_IDS.incrementAndGet();

    private int nextEpoch;
    private Prefetcher running;
    private boolean closed;

    private DataLoader(Builder b) {
        this.datasetSize = b.datasetSize;
        this.fetch = b.fetch;
        this.transform = b.transform;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.prefetch = b.prefetch;
    }

    /** A loader over a {@link TensorDataset}: each batch is one {@code indexSelect} per tensor. */
    public static Builder builder(TensorDataset dataset) {
        return new Builder(dataset.size(), dataset::batch);
    }

    /** A loader over any data set: each batch is {@code collate} of its examples, fetched one by one. */
    public static <T> Builder builder(Dataset<T> dataset, Collate<T> collate) {
        return new Builder(dataset.size(), indices -> {
            List<T> examples = new ArrayList<>(indices.length);
            for (long i : indices) examples.add(dataset.get((int) i));
            return collate.collate(examples);
        });
    }

    /** Number of batches per epoch: {@code n / batchSize}, rounded up unless the last, short batch is dropped. */
    public int size() {
        return dropLast ? datasetSize / batchSize : (datasetSize + batchSize - 1) / batchSize;
    }

    /** The number of examples per batch (the last batch may be shorter unless {@code dropLast}). */
    public int batchSize() { return batchSize; }

    /** Number of examples in the data set (not all of them are visited when {@code dropLast} is set). */
    public int datasetSize() { return datasetSize; }

    /** The epoch the next plain {@link #iterator()} call will run. */
    public synchronized int nextEpoch() { return nextEpoch; }

    /** The order in which epoch {@code epoch} visits the examples: I64 [n], a permutation of {@code 0 .. n-1}. */
    public Tensor order(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("DataLoader: epoch must be non-negative, got " + epoch);
        if (!shuffle) return Tensor.arange(datasetSize);
        // Epoch e draws counters [e*n, (e+1)*n) of the seed's Philox stream: disjoint for every epoch.
        return Tensor.randperm(new Generator(seed, (long) epoch * datasetSize), datasetSize);
    }

    /** Starts the next epoch (0, 1, 2, ... over the loader's life). */
    @Override public synchronized Iterator<Batch> iterator() {
        return startEpoch(nextEpoch++);
    }

    /**
     * Epoch {@code epoch} as an iterable, for replaying or resuming a run at a given epoch; does not
     * move the counter that plain {@link #iterator()} calls follow.
     */
    public Iterable<Batch> epoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("DataLoader: epoch must be non-negative, got " + epoch);
        return () -> startEpoch(epoch);
    }

    /** Stops the running epoch's thread and waits for it to end (up to 10 s); the loader cannot be used afterwards. */
    @Override public synchronized void close() {
        closed = true;
        if (running != null) {
            running.stop();
            running.join(Duration.ofSeconds(10));
            running = null;
        }
    }

    private synchronized Iterator<Batch> startEpoch(int epoch) {
        if (closed) throw new IllegalStateException("DataLoader: the loader is closed");
        if (running != null) running.stop();  // one epoch at a time: an unfinished one is abandoned
        running = null;
        // A plain array, not a tensor: the loading thread must not depend on a tensor that a
        // TensorScope of this thread could release.
        long[] order = order(epoch).toLongArray();
        int batches = size();
        if (prefetch == 0) return new EpochIterator(epoch, batches, k -> loadBatch(order, k), null);
        Prefetcher p = new Prefetcher("galvani-data-loader-" + id + "-epoch-" + epoch, batches, prefetch, k -> loadOnWorker(order, k));
        running = p;
        p.start();
        return new EpochIterator(epoch, batches, null, p);
    }

    /** Batch {@code k} of an epoch with the given order: the examples at {@code order[k*B .. (k+1)*B)}, transformed. */
    private Batch loadBatch(long[] order, int k) {
        int start = k * batchSize;
        return transform.apply(fetch.apply(Arrays.copyOfRange(order, start, Math.min(start + batchSize, datasetSize))));
    }

    /**
     * On the loading thread: the batch, built inside a scope that releases a transform's temporaries
     * at once; the batch's own new tensors leave that scope and are handed to the consumer's.
     */
    private Prefetcher.Loaded loadOnWorker(long[] order, int k) {
        try (TensorScope scope = TensorScope.open()) {
            Batch b = loadBatch(order, k);
            List<Tensor> fresh = b.tensors().stream().filter(scope::owns).toList();
            fresh.forEach(scope::keep);        // no enclosing scope here: they belong to none until the consumer adopts them
            return new Prefetcher.Loaded(b, fresh);
        }
    }

    /** One epoch's batches, from the prefetcher or, without one, loaded when asked. */
    private final class EpochIterator implements Iterator<Batch> {
        private final int epoch;
        private final int batches;
        private final IntFunction<Batch> loadNow;
        private final Prefetcher prefetcher;
        private final Cleaner.Cleanable cleanable;
        private int position;
        private Batch lookahead;
        /** The tensors of {@link #lookahead} the loading thread made, for the consumer's scope. */
        private List<Tensor> handOff = List.of();
        private boolean finished;

        EpochIterator(int epoch, int batches, IntFunction<Batch> loadNow, Prefetcher prefetcher) {
            this.epoch = epoch;
            this.batches = batches;
            this.loadNow = loadNow;
            this.prefetcher = prefetcher;
            // The action holds the prefetcher, never this iterator, so the iterator can become unreachable.
            this.cleanable = prefetcher == null ? null : CLEANER.register(this, prefetcher::stop);
        }

        @Override public boolean hasNext() {
            if (lookahead != null) return true;
            if (finished) return false;
            Prefetcher.Item item = prefetcher != null ? prefetcher.take() : loadHere();
            switch (item) {
                case Prefetcher.Loaded loaded -> {
                    lookahead = loaded.batch();
                    handOff = loaded.handOff();
                    position++;
                }
                case Prefetcher.End end -> finish();
                case Prefetcher.Failed failed -> {
                    finish();
                    // Made here, on the consumer's thread, so its stack trace shows the training loop;
                    // the cause carries the loading thread's.
                    String which = failed.index() >= 0 ? "batch " + failed.index() + " of " + batches : "a batch";
                    throw new LoadingException("DataLoader: loading " + which + " of epoch " + epoch + " failed: " + failed.cause(), failed.cause());
                }
            }
            return lookahead != null;
        }

        @Override public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + epoch + " has no more batches");
            Batch b = lookahead;
            lookahead = null;
            TensorScope.handOver(handOff);
            return b;
        }

        private Prefetcher.Item loadHere() {
            if (position >= batches) return Prefetcher.End.INSTANCE;
            try {
                return new Prefetcher.Loaded(loadNow.apply(position), List.of());     // made on this thread: its scope tracks them already
            } catch (RuntimeException | Error e) {
                return new Prefetcher.Failed(position, e);
            }
        }

        private void finish() {
            finished = true;
            if (cleanable != null) cleanable.clean();
        }
    }

    /** Settings of a {@link DataLoader}; {@link #batchSize} is the one most loaders set. */
    public static final class Builder {
        private final int datasetSize;
        private final Function<long[], Batch> fetch;
        private UnaryOperator<Batch> transform = UnaryOperator.identity();
        private int batchSize = 1;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private int prefetch = 2;

        private Builder(int datasetSize, Function<long[], Batch> fetch) {
            this.datasetSize = datasetSize;
            this.fetch = fetch;
        }

        /** Examples per batch (default 1). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) throw new IllegalArgumentException("DataLoader: batch size must be at least 1, got " + batchSize);
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Shuffle every epoch, the order being a function of {@code seed} and the epoch number. Epoch
         * {@code e} uses counters {@code [e*n, (e+1)*n)} of {@code new Generator(seed)}; a seed also
         * used for other draws (weight initialisation, say) would reuse those numbers, so prefer
         * a seed of its own or {@link #shuffle(Generator)}.
         */
        public Builder shuffle(long seed) {
            this.shuffle = true;
            this.seed = seed;
            return this;
        }

        /**
         * Shuffle every epoch with a seed drawn once, now, from {@code generator}: a run seeded
         * through one generator (e.g. {@code Generator.global().manualSeed(s)}) reproduces its data
         * order too, and the draw advances the generator so no other use shares these numbers.
         */
        public Builder shuffle(Generator generator) {
            return shuffle(Tensor.randint(generator, Long.MIN_VALUE, Long.MAX_VALUE, 1).itemLong());
        }

        /** Drop the last batch of an epoch when it is short (keeps every batch the same size). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Batches loaded ahead on a background thread (default 2); 0 loads on the caller's thread. */
        public Builder prefetch(int batches) {
            if (batches < 0) throw new IllegalArgumentException("DataLoader: prefetch must be non-negative, got " + batches);
            this.prefetch = batches;
            return this;
        }

        /** Applied to every batch on the loading thread, e.g. {@code Transforms.normalize(...)}. */
        public Builder transform(UnaryOperator<Batch> transform) {
            this.transform = transform;
            return this;
        }

        /** The loader with these settings. */
        public DataLoader build() { return new DataLoader(this); }
    }
}
