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
 * The Navier–Stokes data sets of FNO (operators.md §5.3, {@code ns_2d.py}), generated here: per
 * sample an initial vorticity {@code w₀} from the {@link PeriodicRandomField2d} (α = 2.5, τ = 7) on
 * the fine {@code K × K} grid, the forced vorticity equation solved by the {@link NavierStokesSolver}
 * (the reference's forcing, dt = 1e-4) and recorded {@code records} times at equal intervals up to
 * T, both sub-sampled by a stride ({@code x[::r, ::r]}: 256 → 64 with r = 4, as FNO's sets).
 *
 * <p>As {@link DarcyData}: sample i from {@code Generator(seed, i · 2^32)} alone (the same set for
 * any thread count; the first n samples of a larger set are the set of n), one sample per thread
 * with a progress bar, cached as safetensors: {@code a} = w₀ [N, s, s] and {@code u} [N, s, s, records]
 * (the reference's layout, record r at time {@code r · T / records}, r = 1 … records), F32, the
 * settings and seed in the metadata.
 */
public final class NavierStokesData {

    private NavierStokesData() {}

    /** The tensor names in a data file: the initial vorticity and the recorded vorticity. */
    public static final String INITIAL = "a", SOLUTION = "u";
    private static final String FORMAT = "galvani-navier-stokes-1", PREFIX = "navier-stokes";

    /**
     * What to generate.
     * @param resolution K, the fine grid's points per axis (the reference: 256)
     * @param stride the sub-sampling ({@code K / stride} points per axis kept; the reference: 4, to 64)
     * @param samples N
     * @param viscosity ν (the FNO sets: 1e-3, 1e-4, 1e-5)
     * @param time T (50, 30, 20 for those)
     * @param records snapshots, at equal intervals up to T (one per time unit in the FNO sets)
     * @param dt the time step (1e-4); T / dt steps, a multiple of records
     * @param alpha the initial field's α (2.5)
     * @param tau the initial field's τ (7)
     * @param seed the random field's seed
     */
    public record Spec(int resolution, int stride, int samples, double viscosity, double time, int records, double dt,
                       double alpha, double tau, long seed) {
        /** Checks the sizes and values, and that T / dt is a whole number of steps divisible by the records. */
        public Spec {
            if (resolution < 4 || resolution % 2 != 0) throw new IllegalArgumentException("NavierStokesData: resolution must be even and at least 4, got " + resolution);
            if (stride < 1 || resolution % stride != 0) throw new IllegalArgumentException("NavierStokesData: stride must divide the resolution " + resolution + ", got " + stride);
            if (samples < 1 || records < 1) throw new IllegalArgumentException("NavierStokesData: samples and records must be positive, got " + samples + ", " + records);
            if (!(viscosity > 0) || !(time > 0) || !(dt > 0)) throw new IllegalArgumentException("NavierStokesData: viscosity, time and dt must be positive");
            long steps = Math.round(time / dt);
            if (steps < 1 || Math.abs(steps * dt - time) > 1e-9 * time || steps % records != 0 || steps > Integer.MAX_VALUE)
                throw new IllegalArgumentException("NavierStokesData: T / dt must be a whole number of steps divisible by the records, got T = " + time + ", dt = " + dt + ", records = " + records);
        }

        /** The reference's settings (§5.3: 256² sub-sampled to 64², dt = 1e-4, α = 2.5, τ = 7, one record per time unit) for ν, T and N, seed 0. */
        public static Spec reference(double viscosity, int time, int samples) {
            return new Spec(256, 4, samples, viscosity, time, time, NavierStokesSolver.REFERENCE_DT, 2.5, 7, 0);
        }

        /** The grid size after sub-sampling. */
        public int size() { return resolution / stride; }

        /** The solver's steps, T / dt. */
        public int steps() { return (int) Math.round(time / dt); }

        /** These settings with another sample count. */
        public Spec withSamples(int n) { return new Spec(resolution, stride, n, viscosity, time, records, dt, alpha, tau, seed); }

        /** These settings with another seed. */
        public Spec withSeed(long s) { return new Spec(resolution, stride, samples, viscosity, time, records, dt, alpha, tau, s); }

        /** Everything but the sample count, as metadata: what makes two files' samples the same. */
        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("format", FORMAT);
            m.put("resolution", Integer.toString(resolution));
            m.put("stride", Integer.toString(stride));
            m.put("viscosity", Double.toString(viscosity));
            m.put("time", Double.toString(time));
            m.put("records", Integer.toString(records));
            m.put("dt", Double.toString(dt));
            m.put("alpha", Double.toString(alpha));
            m.put("tau", Double.toString(tau));
            m.put("forcing", "0.1*(sin(2pi(x+y))+cos(2pi(x+y)))");
            m.put("seed", Long.toString(seed));
            return m;
        }
    }

    /**
     * A data set: initial vorticities [N, s, s] and recorded vorticities [N, s, s, records] (F32).
     * @param initial w₀
     * @param solutions w at the record times, the last dimension
     * @param spec the settings
     * @param source "generated" or the cache file read
     */
    public record Data(Tensor initial, Tensor solutions, Spec spec, String source) {
        /** Samples {@code from} (inclusive) to {@code to} (exclusive), as views. */
        public Data range(int from, int to) {
            return new Data(initial.narrow(0, from, to - from), solutions.narrow(0, from, to - from), spec.withSamples(to - from), source);
        }
    }

    /** Sample {@code index} of {@code spec} on the fine grid: w₀ first, then the records. */
    public static double[][] sample(Spec spec, PeriodicRandomField2d field, NavierStokesSolver solver, int index) {
        double[] w0 = field.sample(new Generator(spec.seed(), (long) index << 32));
        double[][] records = solver.solve(w0, spec.steps(), spec.steps() / spec.records(), null);
        double[][] all = new double[records.length + 1][];
        all[0] = w0;
        System.arraycopy(records, 0, all, 1, records.length);
        return all;
    }

    /** The cache file for {@code spec}: {@code navier-stokes-<hash of the settings>-n<N>.safetensors}. */
    public static Path cacheFile(Path cache, Spec spec) {
        return DataCache.file(cache, PREFIX, spec.metadata(), spec.samples());
    }

    /**
     * The data set for {@code spec}: read from {@code cache} when a file there holds these settings with at
     * least N samples, else generated with {@code threads} threads (progress on {@code out}) and written there.
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
            out.printf("Navier-Stokes data: %d samples at %d x %d from %s%n", spec.samples(), spec.size(), spec.size(), found.file());
            return new Data(found.tensors().get(INITIAL), found.tensors().get(SOLUTION), spec, found.file().toString());
        }
        Files.createDirectories(cache);
        Data data = generate(spec, threads, out);
        Path file = DataCache.write(cache, PREFIX, spec.metadata(), spec.samples(),
                "dev.galvani.operators.NavierStokesData (GaussianRF, pseudo-spectral vorticity, Crank-Nicolson + explicit advection)",
                Map.of(INITIAL, data.initial(), SOLUTION, data.solutions()));
        out.println("Navier-Stokes data written to " + file);
        return new Data(data.initial(), data.solutions(), spec, file.toString());
    }

    /**
     * Generates the data set without the cache: one sample per task on {@code threads} threads (0: every
     * processor, or {@code GALVANI_NUM_THREADS}), with a progress bar on {@code out}.
     */
    public static Data generate(Spec spec, int threads, PrintStream out) {
        int n = spec.samples(), s = spec.size(), r = spec.stride(), k = spec.resolution(), t = spec.records();
        var field = new PeriodicRandomField2d(k, spec.alpha(), spec.tau());
        var solver = new NavierStokesSolver(k, spec.viscosity(), spec.dt(), NavierStokesSolver.referenceForcing(k));
        float[] a = new float[n * s * s], u = new float[n * s * s * t];
        long start = System.nanoTime();
        try (ProgressBar bar = ProgressBar.builder(n).label(String.format(Locale.ROOT, "Navier-Stokes %dx%d -> %dx%d, nu %s", k, k, s, s, spec.viscosity()))
                .unit("samples").out(out).build()) {
            DataCache.forEachBlock("navier-stokes-generator", n, 1, threads, bar, (index, end) -> {
                double[][] sample = sample(spec, field, solver, index);
                for (int p = 0; p < s; p++)
                    for (int q = 0; q < s; q++) {
                        int fine = p * r * k + q * r, coarse = (index * s + p) * s + q;
                        a[coarse] = (float) sample[0][fine];
                        for (int m = 0; m < t; m++) u[coarse * t + m] = (float) sample[m + 1][fine];
                    }
            });
        }
        out.printf(Locale.ROOT, "Navier-Stokes data: %d samples at %d x %d x %d (solved at %d x %d, %d steps) in %.1f s on %d threads%n",
                n, s, s, t, k, k, spec.steps(), (System.nanoTime() - start) / 1e9, DataCache.poolSize(threads, n));
        return new Data(Tensor.of(a, n, s, s), Tensor.of(u, n, s, s, t), spec, "generated");
    }
}
