package dev.galvani.operators;

import dev.galvani.monitor.ProgressBar;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Burgers data set of FNO (operators.md §5.2, {@code burgers_data_R10}), generated here: per
 * sample an initial condition {@code u₀} from the {@link PeriodicRandomField1d} ({@code N(0, 625(−Δ + 25)^{−2})})
 * on the fine grid of {@code 2¹³ = 8192} points, the solution {@code u(·, 1)} of
 * {@code u_t + (u²/2)_x = ν u_xx} (ν = 0.1) by the {@link BurgersSolver}, both sub-sampled by a
 * stride ({@code x[::8]}: 1024 points, FNO1d's s of §2.2).
 *
 * <p>As {@link DarcyData}: sample i draws its normals from {@code Generator(seed, i · 2^32)} alone,
 * so a set is the same whatever the thread count and the first n samples of a larger set are the
 * set of n; generation runs on every core with a progress bar, a block of 8 samples per
 * task (solved together, each exactly as alone); {@link #load}
 * keeps the result in the cache folder as safetensors ({@code a} and {@code u}, [N, s] F32, after
 * the reference's {@code .mat} fields; the settings and seed in the metadata) and reuses it.
 */
public final class BurgersData {

    private BurgersData() {}

    /** The tensor names in a data file: the initial condition and the solution at the final time. */
    public static final String INITIAL = "a", SOLUTION = "u";
    private static final String FORMAT = "galvani-burgers-1", PREFIX = "burgers";

    /**
     * What to generate.
     * @param resolution the fine grid's points (the reference: 8192)
     * @param stride the sub-sampling of the fine grid ({@code resolution / stride} points kept)
     * @param samples N (the reference: 2048; FNO1d trains on the first 1000 and tests on the last 100)
     * @param viscosity ν (0.1)
     * @param sigma the random field's σ (25)
     * @param tau the random field's τ (5)
     * @param gamma the random field's γ (2)
     * @param time the final time (1)
     * @param steps the solver's ETDRK4 steps to the final time (200: 3e-7 relative to the step-converged solution at 8192 points)
     * @param seed the random field's seed
     */
    public record Spec(int resolution, int stride, int samples, double viscosity, double sigma, double tau, double gamma,
                       double time, int steps, long seed) {
        /** Checks the sizes and values. */
        public Spec {
            if (resolution < 4 || resolution % 2 != 0) throw new IllegalArgumentException("BurgersData: resolution must be even and at least 4, got " + resolution);
            if (stride < 1 || resolution % stride != 0) throw new IllegalArgumentException("BurgersData: stride must divide the resolution " + resolution + ", got " + stride);
            if (samples < 1) throw new IllegalArgumentException("BurgersData: samples must be positive, got " + samples);
            if (!(viscosity > 0) || !(time > 0) || steps < 1) throw new IllegalArgumentException("BurgersData: viscosity, time and steps must be positive, got " + viscosity + ", " + time + ", " + steps);
        }

        /** The reference's settings (§5.2: ν = 0.1, σ = 25, τ = 5, γ = 2, T = 1, 8192 points sub-sampled to 1024) with N samples, seed 0. */
        public static Spec reference(int samples) {
            return new Spec(8192, 8, samples, 0.1, 25, 5, 2, 1, 200, 0);
        }

        /** The grid size after sub-sampling. */
        public int size() { return resolution / stride; }

        /** These settings with another sample count. */
        public Spec withSamples(int n) { return new Spec(resolution, stride, n, viscosity, sigma, tau, gamma, time, steps, seed); }

        /** These settings with another seed. */
        public Spec withSeed(long s) { return new Spec(resolution, stride, samples, viscosity, sigma, tau, gamma, time, steps, s); }

        /** These settings on another fine grid and stride (small sets for tests and smoke runs). */
        public Spec withGrid(int res, int str) { return new Spec(res, str, samples, viscosity, sigma, tau, gamma, time, steps, seed); }

        /** Everything but the sample count, as metadata: what makes two files' samples the same. */
        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("format", FORMAT);
            m.put("resolution", Integer.toString(resolution));
            m.put("stride", Integer.toString(stride));
            m.put("viscosity", Double.toString(viscosity));
            m.put("sigma", Double.toString(sigma));
            m.put("tau", Double.toString(tau));
            m.put("gamma", Double.toString(gamma));
            m.put("time", Double.toString(time));
            m.put("steps", Integer.toString(steps));
            m.put("seed", Long.toString(seed));
            return m;
        }
    }

    /**
     * A data set: initial conditions and solutions [N, s] (F32), the settings that made them, and
     * where they came from.
     * @param initial u₀
     * @param solutions u(·, T)
     * @param spec the settings
     * @param source "generated" or the cache file read
     */
    public record Data(Tensor initial, Tensor solutions, Spec spec, String source) {
        /** Samples {@code from} (inclusive) to {@code to} (exclusive), as views. */
        public Data range(int from, int to) {
            return new Data(initial.narrow(0, from, to - from), solutions.narrow(0, from, to - from), spec.withSamples(to - from), source);
        }
    }

    /** Samples per generation task: one per vector lane of the FFT (8 doubles on AVX-512), which transforms a lone sequence in the time of 8. */
    static final int BLOCK = 8;

    /** Sample {@code index} of {@code spec} on the fine grid: {@code {u₀, u(·, T)}}. */
    public static double[][] sample(Spec spec, PeriodicRandomField1d field, BurgersSolver solver, int index) {
        double[][] both = samples(spec, field, solver, index, index + 1);
        return new double[][]{both[0], both[1]};
    }

    /** Samples {@code from} … {@code to − 1} on the fine grid, solved together: {@code {u₀ of each, then u(·, T) of each}}; each as if alone. */
    static double[][] samples(Spec spec, PeriodicRandomField1d field, BurgersSolver solver, int from, int to) {
        double[][] u0 = new double[to - from][];
        for (int i = from; i < to; i++) u0[i - from] = field.sample(new Generator(spec.seed(), (long) i << 32));
        double[][] u = solver.solve(u0, spec.time(), spec.steps());
        double[][] all = new double[2 * (to - from)][];
        System.arraycopy(u0, 0, all, 0, u0.length);
        System.arraycopy(u, 0, all, u0.length, u.length);
        return all;
    }

    /** The cache file for {@code spec}: {@code burgers-<hash of the settings>-n<N>.safetensors}. */
    public static Path cacheFile(Path cache, Spec spec) {
        return DataCache.file(cache, PREFIX, spec.metadata(), spec.samples());
    }

    /**
     * The data set for {@code spec}: read from {@code cache} when a file there holds these settings with at
     * least N samples (its first N are the same samples), else generated with {@code threads} threads
     * (progress on {@code out}) and written there for next time.
     * @param spec what to generate
     * @param cache the cache folder (made if missing; {@link DarcyData#defaultCache()} is the usual one)
     * @param threads generation threads (0: all processors)
     * @param out where progress and the file used are reported
     * @return the data
     * @throws IOException if the cache cannot be read or written
     */
    public static Data load(Spec spec, Path cache, int threads, PrintStream out) throws IOException {
        var found = DataCache.read(cache, PREFIX, spec.metadata(), spec.samples(), INITIAL, SOLUTION);
        if (found != null) {
            out.printf("Burgers data: %d samples at %d points from %s%n", spec.samples(), spec.size(), found.file());
            return new Data(found.tensors().get(INITIAL), found.tensors().get(SOLUTION), spec, found.file().toString());
        }
        Files.createDirectories(cache);                 // an unusable cache folder fails before the work, not after
        Data data = generate(spec, threads, out);
        Path file = DataCache.write(cache, PREFIX, spec.metadata(), spec.samples(),
                "dev.galvani.operators.BurgersData (GRF1, Fourier pseudo-spectral, 2/3 rule, ETDRK4)",
                Map.of(INITIAL, data.initial(), SOLUTION, data.solutions()));
        out.println("Burgers data written to " + file);
        return new Data(data.initial(), data.solutions(), spec, file.toString());
    }

    /**
     * Generates the data set without the cache: one sample per task on {@code threads} threads (0: every
     * processor, or {@code GALVANI_NUM_THREADS}), with a progress bar on {@code out}.
     */
    public static Data generate(Spec spec, int threads, PrintStream out) {
        int n = spec.samples(), s = spec.size(), r = spec.stride(), k = spec.resolution();
        var field = new PeriodicRandomField1d(k, spec.sigma(), spec.tau(), spec.gamma());
        var solver = new BurgersSolver(k, spec.viscosity());
        float[] a = new float[n * s], u = new float[n * s];
        long start = System.nanoTime();
        try (ProgressBar bar = ProgressBar.builder(n).label(String.format(Locale.ROOT, "Burgers %d -> %d", k, s)).unit("samples").out(out).build()) {
            DataCache.forEachBlock("burgers-generator", n, BLOCK, threads, bar, (from, to) -> {
                double[][] block = samples(spec, field, solver, from, to);
                int count = to - from;
                for (int i = 0; i < count; i++)
                    for (int p = 0; p < s; p++) {
                        a[(from + i) * s + p] = (float) block[i][p * r];
                        u[(from + i) * s + p] = (float) block[count + i][p * r];
                    }
            });
        }
        out.printf(Locale.ROOT, "Burgers data: %d samples at %d points (solved at %d, %d ETDRK4 steps) in %.1f s on %d threads%n",
                n, s, k, spec.steps(), (System.nanoTime() - start) / 1e9, DataCache.poolSize(threads, (n + BLOCK - 1) / BLOCK));
        return new Data(Tensor.of(a, n, s), Tensor.of(u, n, s), spec, "generated");
    }
}
