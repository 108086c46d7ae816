package dev.galvani.operators;

import dev.galvani.io.SafeTensors;
import dev.galvani.monitor.ProgressBar;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.cpu.Parallel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Darcy-flow data set of FNO and MgNO (operators.md §5.1), generated here: per sample a
 * {@link GaussianRandomField} U (α = 2, τ = 3) on the fine {@code K × K} grid, the piecewise-constant
 * permeability {@code a = 12} where {@code U ≥ 0} and 3 elsewhere, the solution u of
 * {@code −∇·(a∇u) = 1}, {@code u = 0} on the boundary ({@link DarcySolver}), both sub-sampled by a
 * stride ({@code x[::r, ::r]}, so 421 gives 85 with r = 5 and 211 with r = 2; §2.1, §3.8).
 *
 * <p>Sample i draws its normals from {@code Generator(seed, i · 2^32)} alone, so a data set is the
 * same whatever the thread count, and the first n samples of a larger set are the set of n.
 * Generation runs one sample per thread on every core with a progress bar, and {@link #load} keeps
 * the result in a cache folder as safetensors ({@code coeff} and {@code sol}, [N, s, s] F32, the
 * generator's settings and seed in the metadata), reused on the next call.
 */
public final class DarcyData {

    private DarcyData() {}

    /** The tensor names in a data file, after FNO's {@code .mat} fields. */
    public static final String COEFFICIENT = "coeff", SOLUTION = "sol";
    /** The environment variable that moves the cache folder (default {@code ~/.cache/galvani}). */
    public static final String CACHE_ENV = "GALVANI_CACHE";
    private static final String FORMAT = "galvani-darcy-1";

    /**
     * What to generate.
     * @param resolution K, the fine grid's points per axis (the original sets: 421)
     * @param stride r, the sub-sampling of the fine grid ({@code (K − 1) / r + 1} points per axis kept)
     * @param samples N
     * @param alpha the random field's α (2)
     * @param tau the random field's τ (3)
     * @param high the permeability where U ≥ 0 (12)
     * @param low the permeability where U &lt; 0 (3; the committed {@code demo.m} has 4)
     * @param tolerance the solver's relative residual
     * @param seed the random field's seed
     */
    public record Spec(int resolution, int stride, int samples, double alpha, double tau, double high, double low, double tolerance, long seed) {
        /** Checks the sizes and values. */
        public Spec {
            if (resolution < 3) throw new IllegalArgumentException("DarcyData: resolution must be at least 3, got " + resolution);
            if (stride < 1 || stride > resolution - 1) throw new IllegalArgumentException("DarcyData: stride must be in 1.." + (resolution - 1) + ", got " + stride);
            if (samples < 1) throw new IllegalArgumentException("DarcyData: samples must be positive, got " + samples);
            if (!(high > 0) || !(low > 0)) throw new IllegalArgumentException("DarcyData: permeabilities must be positive, got " + high + ", " + low);
            if (!(tolerance > 0 && tolerance < 1)) throw new IllegalArgumentException("DarcyData: tolerance must be in (0, 1), got " + tolerance);
        }

        /** The reference's settings (§5.1) on a {@code K}-point fine grid with stride r and N samples, seed 0, tolerance 1e-10. */
        public static Spec reference(int resolution, int stride, int samples) {
            return new Spec(resolution, stride, samples, 2, 3, 12, 3, 1e-10, 0);
        }

        /** The grid size after sub-sampling. */
        public int size() { return (resolution - 1) / stride + 1; }

        /** These settings with another sample count. */
        public Spec withSamples(int n) { return new Spec(resolution, stride, n, alpha, tau, high, low, tolerance, seed); }

        /** These settings with another seed. */
        public Spec withSeed(long s) { return new Spec(resolution, stride, samples, alpha, tau, high, low, tolerance, s); }

        /** Everything but the sample count, as metadata: what makes two files' samples the same. */
        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("format", FORMAT);
            m.put("resolution", Integer.toString(resolution));
            m.put("stride", Integer.toString(stride));
            m.put("alpha", Double.toString(alpha));
            m.put("tau", Double.toString(tau));
            m.put("a_high", Double.toString(high));
            m.put("a_low", Double.toString(low));
            m.put("tolerance", Double.toString(tolerance));
            m.put("seed", Long.toString(seed));
            return m;
        }

        /** A short hash of {@link #metadata}, for the cache file's name. */
        String key() {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(metadata().toString().getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(d, 0, 6);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A data set: coefficients and solutions [N, s, s] (F32), the settings that made them, and where
     * they came from.
     * @param coefficients the permeability a
     * @param solutions the pressure u
     * @param spec the settings
     * @param source "generated" or the cache file read
     */
    public record Data(Tensor coefficients, Tensor solutions, Spec spec, String source) {
        /** Samples {@code from} (inclusive) to {@code to} (exclusive), as views. */
        public Data range(int from, int to) {
            return new Data(coefficients.narrow(0, from, to - from), solutions.narrow(0, from, to - from), spec.withSamples(to - from), source);
        }
    }

    /** One fine-grid sample: the coefficient and the solution on the K × K grid, and the solver's figures. */
    public record Sample(double[] coefficient, DarcySolver.Result solution) {}

    /** Sample {@code index} of {@code spec} on the fine grid. */
    public static Sample sample(Spec spec, GaussianRandomField field, int index) {
        int k = spec.resolution();
        double[] u = field.sample(new Generator(spec.seed(), (long) index << 32));
        double[] a = new double[k * k], f = new double[k * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = u[i] >= 0 ? spec.high() : spec.low();
            f[i] = 1;
        }
        return new Sample(a, DarcySolver.solve(a, f, k, spec.tolerance(), 50 * k * k, DarcySolver.Preconditioner.SSOR));
    }

    /** The default cache folder: {@code $GALVANI_CACHE}, else {@code ~/.cache/galvani}. */
    public static Path defaultCache() {
        String env = System.getenv(CACHE_ENV);
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "galvani");
    }

    /** The cache file for {@code spec}: {@code darcy-<hash of the settings>-n<N>.safetensors}. */
    public static Path cacheFile(Path cache, Spec spec) {
        return cache.resolve("darcy-" + spec.key() + "-n" + spec.samples() + ".safetensors");
    }

    /**
     * The data set for {@code spec}: read from {@code cache} when a file there holds these settings with at
     * least N samples (its first N are the same samples), else generated with {@code threads} threads
     * (progress on {@code out}) and written there for next time.
     * @param spec what to generate
     * @param cache the cache folder (made if missing)
     * @param threads generation threads (0: all processors)
     * @param out where progress and the file used are reported
     * @return the data
     * @throws IOException if the cache cannot be read or written
     */
    public static Data load(Spec spec, Path cache, int threads, PrintStream out) throws IOException {
        Path file = cacheFile(cache, spec);
        Path found = Files.isRegularFile(file) ? file : larger(cache, spec);
        if (found != null) {
            var contents = SafeTensors.read(found);
            Map<String, String> meta = contents.metadata();
            spec.metadata().forEach((k, v) -> {
                if (!v.equals(meta.get(k))) throw new IllegalStateException(found + ": metadata " + k + " is " + meta.get(k) + ", expected " + v);
            });
            Tensor a = contents.tensors().get(COEFFICIENT), u = contents.tensors().get(SOLUTION);
            if (a == null || u == null || a.size(0) < spec.samples())
                throw new IOException(found + ": expected tensors '" + COEFFICIENT + "' and '" + SOLUTION + "' with at least " + spec.samples() + " samples");
            out.printf("Darcy data: %d samples at %d x %d from %s%n", spec.samples(), spec.size(), spec.size(), found);
            return new Data(a.narrow(0, 0, spec.samples()), u.narrow(0, 0, spec.samples()), spec, found.toString());
        }
        Files.createDirectories(cache);                 // an unusable cache folder fails before the work, not after
        Data data = generate(spec, threads, out);
        Map<String, String> meta = new LinkedHashMap<>(spec.metadata());
        meta.put("samples", Integer.toString(spec.samples()));
        meta.put("generator", "dev.galvani.operators.DarcyData (GRF cosine form, 5-point FD, SSOR-PCG)");
        SafeTensors.write(file, Map.of(COEFFICIENT, data.coefficients(), SOLUTION, data.solutions()), meta);
        out.println("Darcy data written to " + file);
        return new Data(data.coefficients(), data.solutions(), spec, file.toString());
    }

    /** A cache file with the same settings and more samples, if there is one. */
    private static Path larger(Path cache, Spec spec) throws IOException {
        if (!Files.isDirectory(cache)) return null;
        String prefix = "darcy-" + spec.key() + "-n";
        try (var files = Files.list(cache)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                if (!name.startsWith(prefix) || !name.endsWith(".safetensors")) return false;
                try {
                    return Integer.parseInt(name.substring(prefix.length(), name.length() - ".safetensors".length())) >= spec.samples();
                } catch (NumberFormatException e) {
                    return false;
                }
            }).findFirst().orElse(null);
        }
    }

    /**
     * Generates the data set without the cache: one sample per task on {@code threads} threads (0: every
     * processor, or {@code GALVANI_NUM_THREADS}), with a progress bar on {@code out}.
     */
    public static Data generate(Spec spec, int threads, PrintStream out) {
        int n = spec.samples(), s = spec.size(), r = spec.stride(), k = spec.resolution();
        var field = new GaussianRandomField(k, spec.alpha(), spec.tau());
        float[] a = new float[n * s * s], u = new float[n * s * s];
        int pool = threads > 0 ? threads : Parallel.threads();     // every processor unless GALVANI_NUM_THREADS says otherwise
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(pool, n), runnable -> {
            Thread t = new Thread(runnable, "darcy-generator");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        int maxIterations = 0;
        try (ProgressBar bar = ProgressBar.builder(n).label(String.format(Locale.ROOT, "Darcy %dx%d -> %dx%d", k, k, s, s)).unit("samples").out(out).build()) {
            var done = new ExecutorCompletionService<Integer>(executor);
            int[] iterations = new int[n];
            for (int i = 0; i < n; i++) {
                int index = i;
                done.submit(() -> {
                    Sample sample = sample(spec, field, index);
                    double[] sol = sample.solution().u();
                    int base = index * s * s;
                    for (int p = 0; p < s; p++)
                        for (int q = 0; q < s; q++) {
                            a[base + p * s + q] = (float) sample.coefficient()[p * r * k + q * r];
                            u[base + p * s + q] = (float) sol[p * r * k + q * r];
                        }
                    iterations[index] = sample.solution().iterations();
                    return index;
                });
            }
            for (int i = 0; i < n; i++) {
                Future<Integer> f = done.take();
                maxIterations = Math.max(maxIterations, iterations[f.get()]);
                bar.metric("CG its (max)", maxIterations).step();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Darcy data generation interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            executor.shutdownNow();
        }
        out.printf(Locale.ROOT, "Darcy data: %d samples at %d x %d (solved at %d x %d) in %.1f s on %d threads; at most %d CG iterations%n",
                n, s, s, k, k, (System.nanoTime() - start) / 1e9, Math.min(pool, n), maxIterations);
        return new Data(Tensor.of(a, n, s, s), Tensor.of(u, n, s, s), spec, "generated");
    }
}
