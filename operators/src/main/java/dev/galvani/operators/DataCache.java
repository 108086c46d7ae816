package dev.galvani.operators;

import dev.galvani.io.SafeTensors;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.cpu.Parallel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the generated PDE data sets share, with {@link DarcyData}'s conventions: a file
 * {@code <prefix>-<hash of the settings>-n<N>.safetensors} in the cache folder, the settings (all
 * but N) in its metadata and checked on reading, a file with more samples serving a smaller request
 * (sample i depends on the seed and i alone, so its first N samples are the set of N), and
 * generation in blocks of samples, one task per block on a thread pool, with a progress bar.
 */
final class DataCache {

    private DataCache() {}

    /** A cache file found for a request, and its tensors. */
    record Found(Path file, Map<String, Tensor> tensors) {}

    /** A short hash of the settings, for the file name. */
    static String key(Map<String, String> metadata) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(metadata.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file that holds {@code samples} samples of these settings. */
    static Path file(Path cache, String prefix, Map<String, String> metadata, int samples) {
        return cache.resolve(prefix + "-" + key(metadata) + "-n" + samples + ".safetensors");
    }

    /**
     * The file of these settings with exactly {@code samples} samples, else one with more, read and
     * checked (its metadata against the settings, the named tensors present with at least that many
     * samples); null when there is none.
     */
    static Found read(Path cache, String prefix, Map<String, String> metadata, int samples, String... names) throws IOException {
        Path exact = file(cache, prefix, metadata, samples);
        Path found = Files.isRegularFile(exact) ? exact : larger(cache, prefix + "-" + key(metadata) + "-n", samples);
        if (found == null) return null;
        var contents = SafeTensors.read(found);
        Map<String, String> meta = contents.metadata();
        metadata.forEach((k, v) -> {
            if (!v.equals(meta.get(k))) throw new IllegalStateException(found + ": metadata " + k + " is " + meta.get(k) + ", expected " + v);
        });
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : names) {
            Tensor t = contents.tensors().get(name);
            if (t == null || t.size(0) < samples)
                throw new IOException(found + ": expected a tensor '" + name + "' with at least " + samples + " samples");
            tensors.put(name, t.narrow(0, 0, samples));
        }
        return new Found(found, tensors);
    }

    /** Writes the tensors with the settings, the sample count and the generator's name in the metadata. */
    static Path write(Path cache, String prefix, Map<String, String> metadata, int samples, String generator, Map<String, Tensor> tensors) throws IOException {
        Path file = file(cache, prefix, metadata, samples);
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("samples", Integer.toString(samples));
        meta.put("generator", generator);
        SafeTensors.write(file, tensors, meta);
        return file;
    }

    private static Path larger(Path cache, String prefix, int samples) throws IOException {
        if (!Files.isDirectory(cache)) return null;
        try (var files = Files.list(cache)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                if (!name.startsWith(prefix) || !name.endsWith(".safetensors")) return false;
                try {
                    return Integer.parseInt(name.substring(prefix.length(), name.length() - ".safetensors".length())) >= samples;
                } catch (NumberFormatException e) {
                    return false;
                }
            }).findFirst().orElse(null);
        }
    }

    /** Work on samples {@code from} (inclusive) to {@code to} (exclusive). */
    @FunctionalInterface
    interface Block {
        /** Computes samples {@code from} … {@code to − 1}. */
        void run(int from, int to);
    }

    /** The pool size for {@code threads} (0: every processor, or {@code GALVANI_NUM_THREADS}) and {@code tasks} tasks. */
    static int poolSize(int threads, int tasks) {
        return Math.min(threads > 0 ? threads : Parallel.threads(), tasks);
    }

    /**
     * Runs {@code work} on the blocks {@code [0, block), [block, 2 block), …} of the n samples, one task
     * per block on {@code poolSize(threads, blocks)} daemon threads named {@code name}, stepping
     * {@code bar} by the samples of each block as it finishes.
     */
    static void forEachBlock(String name, int n, int block, int threads, ProgressBar bar, Block work) {
        int tasks = (n + block - 1) / block;
        ExecutorService executor = Executors.newFixedThreadPool(poolSize(threads, tasks), runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        });
        try {
            var done = new ExecutorCompletionService<Integer>(executor);
            for (int from = 0; from < n; from += block) {
                int lo = from, hi = Math.min(n, from + block);
                done.submit(() -> {
                    work.run(lo, hi);
                    return hi - lo;
                });
            }
            for (int i = 0; i < tasks; i++) bar.step(done.take().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + " interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            executor.shutdownNow();
        }
    }
}
