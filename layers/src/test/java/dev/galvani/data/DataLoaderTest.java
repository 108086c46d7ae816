package dev.galvani.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** Example i: inputs [i] (I64, so indices read back exactly), targets 1000 + i. */
    private static TensorDataset indexed(int n) {
        return new TensorDataset(Tensor.arange(n).reshape(n, 1), Tensor.arange(n).add(1000L));
    }

    /** The example indices of one epoch, in visiting order, checking that inputs and targets stayed paired. */
    private static long[] visit(Iterable<Batch> epoch) {
        List<Long> seen = new ArrayList<>();
        for (Batch b : epoch) {
            long[] x = b.inputs().toLongArray(), y = b.targets().toLongArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i] + 1000, y[i], "inputs and targets of one example must stay together");
                seen.add(x[i]);
            }
        }
        return seen.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Batches made on the prefetch thread join the consumer's scope: released with the step that used
     * them, whether the scope was open when the batch was taken or opened right after; a transform's
     * temporaries are released on the loading thread. The dataset itself is never released.
     */
    @Test void prefetchedBatchesAreReleasedByTheConsumersScope() {
        Tensor inputs = Tensor.arange(0, 40).reshape(20, 2).to(dev.galvani.tensor.DType.F32), targets = Tensor.arange(0, 20);
        TensorDataset set = new TensorDataset(inputs, targets);
        List<Tensor> temporaries = java.util.Collections.synchronizedList(new ArrayList<>());
        try (DataLoader loader = DataLoader.builder(set).batchSize(4).prefetch(2).transform(b -> {
            Tensor doubled = b.inputs().mul(2.0);
            temporaries.add(doubled);
            return b.with(Batch.INPUTS, doubled.add(1.0));
        }).build()) {
            List<Batch> seen = new ArrayList<>();
            for (Batch b : loader)
                try (var step = dev.galvani.tensor.TensorScope.open()) {     // opened after the batch was taken: adopts it
                    seen.add(b);
                    assertTrue(step.owns(b.inputs()) && step.owns(b.targets()));
                    assertFalse(b.inputs().storage().isReleased());
                }
            assertEquals(5, seen.size());
            for (Batch b : seen) assertTrue(b.inputs().storage().isReleased() && b.targets().storage().isReleased());
            try (var epoch = dev.galvani.tensor.TensorScope.open()) {          // open while the batch is taken: adopts it at once
                Batch b = loader.iterator().next();
                assertTrue(epoch.owns(b.inputs()));
            }
        }
        for (Tensor t : temporaries) assertTrue(t.storage().isReleased(), "a transform's temporary was released on the loading thread");
        assertFalse(inputs.storage().isReleased() || targets.storage().isReleased(), "the dataset is never a batch's to release");
    }

    @Test void everyExampleOnceAndBatchSizes() {
        try (DataLoader loader = DataLoader.builder(indexed(103)).batchSize(10).shuffle(1).build()) {
            assertEquals(11, loader.size());
            List<Integer> sizes = new ArrayList<>();
            for (Batch b : loader) sizes.add(b.size());
            assertEquals(List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3), sizes);
            for (int epoch = 1; epoch < 3; epoch++) {
                long[] order = visit(loader);
                assertEquals(103, order.length);
                assertArrayEquals(LongStream.range(0, 103).toArray(), Arrays.stream(order).sorted().toArray(), "epoch " + epoch);
            }
        }
    }

    @Test void dropLastDropsTheShortBatch() {
        try (DataLoader loader = DataLoader.builder(indexed(103)).batchSize(10).shuffle(2).dropLast(true).build()) {
            assertEquals(10, loader.size());
            int batches = 0;
            for (Batch b : loader) { assertEquals(10, b.size()); batches++; }
            assertEquals(10, batches);
            long[] order = visit(loader);
            assertEquals(100, order.length);
            assertEquals(100, Arrays.stream(order).distinct().count());
        }
        try (DataLoader tiny = DataLoader.builder(indexed(5)).batchSize(10).dropLast(true).build()) {
            assertEquals(0, tiny.size());
            assertFalse(tiny.iterator().hasNext());
        }
    }

    @Test void withoutShuffleTheOrderIsSequential() {
        try (DataLoader loader = DataLoader.builder(indexed(7)).batchSize(3).build()) {
            assertArrayEquals(LongStream.range(0, 7).toArray(), visit(loader));
            assertArrayEquals(LongStream.range(0, 7).toArray(), visit(loader));
        }
    }

    @Test void shuffleIsReproducibleAndDiffersPerEpoch() {
        long[][] first = new long[3][], second = new long[3][];
        try (DataLoader a = DataLoader.builder(indexed(50)).batchSize(8).shuffle(42).build();
             DataLoader b = DataLoader.builder(indexed(50)).batchSize(8).shuffle(42).prefetch(0).build()) {
            for (int e = 0; e < 3; e++) { first[e] = visit(a); second[e] = visit(b); }
            assertArrayEquals(first[2], visit(b.epoch(2)), "an epoch replays on its own, without its predecessors");
            assertArrayEquals(a.order(1).toLongArray(), first[1]);
        }
        for (int e = 0; e < 3; e++) assertArrayEquals(first[e], second[e], "same seed, same order (with or without prefetching)");
        assertFalse(Arrays.equals(first[0], first[1]));
        assertFalse(Arrays.equals(first[1], first[2]));
        assertFalse(Arrays.equals(first[0], LongStream.range(0, 50).toArray()));
        try (DataLoader other = DataLoader.builder(indexed(50)).batchSize(8).shuffle(43).build()) {
            assertFalse(Arrays.equals(first[0], visit(other)), "another seed, another order");
        }
    }

    @Test void shuffleSeedDrawnFromAGeneratorReproduces() {
        long[] a, b;
        try (DataLoader x = DataLoader.builder(indexed(30)).batchSize(4).shuffle(new Generator(7)).build()) { a = visit(x); }
        try (DataLoader y = DataLoader.builder(indexed(30)).batchSize(4).shuffle(new Generator(7)).build()) { b = visit(y); }
        assertArrayEquals(a, b);
        Generator g = new Generator(7);
        DataLoader.builder(indexed(30)).shuffle(g);
        assertNotEquals(0, g.offset(), "drawing the seed advances the generator");
    }

    @Test void genericDatasetWithCollateGivesTheSameBatches() {
        TensorDataset ds = indexed(23);
        Dataset<Batch> examples = ds;  // seen only as examples, batched by stacking
        try (DataLoader direct = DataLoader.builder(ds).batchSize(5).shuffle(3).build();
             DataLoader collated = DataLoader.builder(examples, Collate.stack()).batchSize(5).shuffle(3).build()) {
            Iterator<Batch> a = direct.iterator(), b = collated.iterator();
            while (a.hasNext()) {
                Batch x = a.next(), y = b.next();
                assertArrayEquals(x.inputs().shape().dims(), y.inputs().shape().dims());
                assertArrayEquals(x.inputs().toLongArray(), y.inputs().toLongArray());
                assertArrayEquals(x.targets().toLongArray(), y.targets().toLongArray());
            }
            assertFalse(b.hasNext());
        }
    }

    @Test void transformRunsOnEveryBatch() {
        try (DataLoader loader = DataLoader.builder(indexed(6)).batchSize(4)
                .transform(b -> b.with("inputs", b.inputs().mul(2L))).build()) {
            List<Long> seen = new ArrayList<>();
            for (Batch b : loader) for (long v : b.inputs().toLongArray()) seen.add(v);
            assertEquals(List.of(0L, 2L, 4L, 6L, 8L, 10L), seen);
        }
    }

    // ----------------------------------------------------------------- threads and failures

    private static Set<Thread> loaderThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet())
            if (t.getName().startsWith("galvani-data-loader-") && t.isAlive()) threads.add(t);
        return threads;
    }

    /** Loader threads started since {@code before} that are still alive, waiting up to 5 s for them to end. */
    private static Set<Thread> survivors(Set<Thread> before, boolean collectGarbage) throws InterruptedException {
        Set<Thread> now = Set.of();
        for (int i = 0; i < 100; i++) {
            if (collectGarbage) System.gc();
            now = new HashSet<>(loaderThreads());
            now.removeAll(before);
            if (now.isEmpty()) break;
            Thread.sleep(50);
        }
        return now;
    }

    @Test void breakingOutAndClosingLeavesNoThread() throws InterruptedException {
        Set<Thread> before = loaderThreads();
        DataLoader loader = DataLoader.builder(indexed(1000)).batchSize(10).shuffle(5).build();
        for (Batch b : loader) {
            assertEquals(10, b.size());
            break;
        }
        Set<Thread> running = new HashSet<>(loaderThreads());
        running.removeAll(before);
        assertEquals(1, running.size(), "the prefetch thread waits on its full queue");
        loader.close();  // joins the thread
        assertFalse(running.iterator().next().isAlive());
        assertThrows(IllegalStateException.class, loader::iterator);
    }

    @Test void aNewEpochStopsAnAbandonedOne() throws InterruptedException {
        Set<Thread> before = loaderThreads();
        try (DataLoader loader = DataLoader.builder(indexed(1000)).batchSize(10).build()) {
            Iterator<Batch> abandoned = loader.iterator();
            abandoned.next();
            assertEquals(1000, visit(loader).length);
            assertTrue(survivors(before, false).isEmpty());
            var e = assertThrows(IllegalStateException.class, abandoned::hasNext);
            assertTrue(e.getMessage().contains("newer epoch"), e.getMessage());
        }
    }

    @Test void anIteratorLeftForTheGarbageCollectorStopsItsThread() throws InterruptedException {
        Set<Thread> before = loaderThreads();
        DataLoader loader = DataLoader.builder(indexed(1000)).batchSize(10).build();
        takeOneBatchAndForget(loader);
        assertTrue(survivors(before, true).isEmpty(), "the Cleaner stops the thread once the iterator is unreachable");
    }

    private static void takeOneBatchAndForget(DataLoader loader) {
        loader.iterator().next();
    }

    @Test void aFinishedEpochLeavesNoThread() throws InterruptedException {
        Set<Thread> before = loaderThreads();
        DataLoader loader = DataLoader.builder(indexed(50)).batchSize(10).build();
        assertEquals(50, visit(loader).length);
        assertTrue(survivors(before, false).isEmpty());
    }

    /** A data set whose example {@code bad} cannot be loaded. */
    private static Dataset<Batch> failingAt(int n, int bad, RuntimeException failure) {
        TensorDataset ds = indexed(n);
        return new Dataset<>() {
            @Override public int size() { return n; }
            @Override public Batch get(int i) {
                if (i == bad) throw failure;
                return ds.get(i);
            }
        };
    }

    @Test void aFailureReachesTheConsumerWithItsCause() throws InterruptedException {
        for (int prefetch : new int[]{0, 2}) {
            Set<Thread> before = loaderThreads();
            RuntimeException failure = new IllegalArgumentException("example 37 is corrupt");
            try (DataLoader loader = DataLoader.builder(failingAt(100, 37, failure), Collate.stack())
                    .batchSize(10).prefetch(prefetch).build()) {
                Iterator<Batch> it = loader.iterator();
                for (int k = 0; k < 3; k++) assertEquals(10, it.next().size(), "batches before the failure arrive");
                var e = assertThrows(DataLoader.LoadingException.class, it::next);
                assertSame(failure, e.getCause());
                assertTrue(e.getMessage().contains("batch 3 of 10") && e.getMessage().contains("epoch 0")
                        && e.getMessage().contains("example 37 is corrupt"), e.getMessage());
                assertFalse(it.hasNext(), "the epoch ends at the failure");
            }
            assertTrue(survivors(before, false).isEmpty(), "prefetch " + prefetch);
        }
    }

    @Test void aFailingTransformAlsoReachesTheConsumer() {
        var failure = new IllegalStateException("transform broke");
        try (DataLoader loader = DataLoader.builder(indexed(20)).batchSize(5)
                .transform(b -> { throw failure; }).build()) {
            var e = assertThrows(DataLoader.LoadingException.class, () -> loader.iterator().next());
            assertSame(failure, e.getCause());
        }
    }

    @Test void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(indexed(3)).batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(indexed(3)).prefetch(-1));
    }
}
