package dev.galvani.benchmarks;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.cpu.Parallel;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The limits of this machine, measured with the project's own loops, so that a kernel's speed can
 * be stated as a fraction of what the cores and the memory can deliver (issue 10): the FMA peak in
 * F32 and F64 (independent vector fused multiply-adds on registers, one thread and all of
 * {@link Parallel#threads()} at once) and the STREAM-triad bandwidth ({@link CpuWorkloads#triad}).
 *
 * <p>The FMA loop keeps {@value #CHAINS} accumulators: an FMA's latency (4 cycles on recent x86
 * cores) times the number of FMA ports (2 on AVX-512 server cores) is 8 operations in flight, so
 * {@value #CHAINS} independent chains keep both ports busy whatever the core's exact numbers. All of
 * it lives in one method over constant species so that C2 keeps the chains in registers and
 * emits one {@code vfmadd} per update; a GEMM's micro-kernel has the same loop shape plus loads.
 * The first calls run before C2 has compiled the loop, so each figure is the best of several timed
 * rounds after a warm-up.
 */
public final class MachineLimits {

    private MachineLimits() {}

    /** Independent accumulator chains in the FMA loop. */
    static final int CHAINS = 12;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    /**
     * What was measured: the FMA peak in GFLOP/s (two flops per lane of each FMA) on one thread and
     * on {@code threads} threads at once, for F32 and F64, and the triad's GB/s (12 bytes per
     * element, STREAM's count) on the pool's threads.
     */
    public record Limits(int threads, int f32Lanes, double f32One, double f32All, double f64One, double f64All, double triadGBs) {

        /** The limits as a Markdown table, one row per figure. */
        public String markdown() {
            StringBuilder s = new StringBuilder("| limit | 1 thread | " + threads + " threads |\n|---|---:|---:|\n");
            s.append(String.format(Locale.ROOT, "| FMA peak F32 (%d-lane vectors), GFLOP/s | %.1f | %.1f |%n", f32Lanes, f32One, f32All));
            s.append(String.format(Locale.ROOT, "| FMA peak F64 (%d-lane vectors), GFLOP/s | %.1f | %.1f |%n", f32Lanes / 2, f64One, f64All));
            if (triadGBs > 0) s.append(String.format(Locale.ROOT, "| STREAM triad, GB/s | | %.1f |%n", triadGBs));
            return s.toString();
        }
    }

    /** Holds the loops' results, so the JIT cannot drop them. */
    private static volatile double sink;

    /** {@code iters} steps of {@value #CHAINS} independent F32 vector FMAs; returns a value depending on all of them. */
    static float fmaLoopF32(long iters, float seed) {
        FloatVector x = FloatVector.broadcast(F, 0.999999f), y = FloatVector.broadcast(F, seed);
        FloatVector a0 = y, a1 = y.add(1f), a2 = y.add(2f), a3 = y.add(3f), a4 = y.add(4f), a5 = y.add(5f),
                a6 = y.add(6f), a7 = y.add(7f), a8 = y.add(8f), a9 = y.add(9f), a10 = y.add(10f), a11 = y.add(11f);
        for (long i = 0; i < iters; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** As {@link #fmaLoopF32}, in F64. */
    static double fmaLoopF64(long iters, double seed) {
        DoubleVector x = DoubleVector.broadcast(D, 0.999999), y = DoubleVector.broadcast(D, seed);
        DoubleVector a0 = y, a1 = y.add(1), a2 = y.add(2), a3 = y.add(3), a4 = y.add(4), a5 = y.add(5),
                a6 = y.add(6), a7 = y.add(7), a8 = y.add(8), a9 = y.add(9), a10 = y.add(10), a11 = y.add(11);
        for (long i = 0; i < iters; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /**
     * The FMA peak in GFLOP/s on {@code threads} plain threads started together (not the pool: the
     * loop must not share a core with anything of ours), the best of {@code rounds} rounds of
     * {@code iters} steps per thread, after a warm-up that lets C2 compile the loop.
     */
    static double fmaPeak(boolean f64, int threads, long iters, int rounds) throws InterruptedException {
        long warm = System.nanoTime();
        while (System.nanoTime() - warm < 300_000_000L) sink = f64 ? fmaLoopF64(100_000, 0.5) : fmaLoopF32(100_000, 0.5f);
        int lanes = f64 ? D.length() : F.length();
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            CountDownLatch start = new CountDownLatch(1);
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                float seed = 0.25f + t;
                ts[t] = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    sink = f64 ? fmaLoopF64(iters, seed) : fmaLoopF32(iters, seed);
                });
                ts[t].start();
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Thread t : ts) t.join();
            double seconds = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, threads * iters * CHAINS * lanes * 2.0 / seconds / 1e9);
        }
        return best;
    }

    /**
     * The STREAM triad's bandwidth in GB/s on the pool's threads, over arrays of {@code elements}
     * floats (far larger than the caches), the best of {@code rounds} calls after two untimed ones.
     */
    static double triadGBs(int elements, int rounds) {
        float[] a = new float[elements], b = Tensor.randn(new Generator(24), elements).toFloatArray(),
                c = Tensor.randn(new Generator(25), elements).toFloatArray();
        double best = Double.POSITIVE_INFINITY;
        for (int r = -2; r < rounds; r++) {
            long t0 = System.nanoTime();
            CpuWorkloads.triad(a, b, c, 3f);
            long dt = System.nanoTime() - t0;
            if (r >= 0) best = Math.min(best, dt);
        }
        return 12.0 * elements / best;
    }

    /**
     * Measures every limit: about 2 s of FMA loops and, unless {@code triadElements} is 0, the triad.
     * @param threads the threads of the all-threads figures
     * @param triadElements floats per triad array (0: skip the triad)
     * @return the limits
     * @throws InterruptedException if interrupted while the loops run
     */
    public static Limits measure(int threads, int triadElements) throws InterruptedException {
        long iters = 4_000_000;    // 12 x 4 M FMAs: about 0.05 s per round at ~100 G FMA lanes/s
        double f32One = fmaPeak(false, 1, iters, 5), f32All = fmaPeak(false, threads, iters, 5);
        double f64One = fmaPeak(true, 1, iters, 5), f64All = fmaPeak(true, threads, iters, 5);
        double triad = triadElements > 0 ? triadGBs(triadElements, 7) : 0;
        return new Limits(threads, F.length(), f32One, f32All, f64One, f64All, triad);
    }

    /** The command line of {@code ./galvani machine-limits}. */
    @Command(name = "machine-limits", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
            description = "Measures this machine's FMA peak (F32, F64; 1 and N threads) and STREAM-triad bandwidth with Galvani's own loops.")
    static final class Flags implements Cli.Checked {
        @Option(names = "--threads", paramLabel = "N", description = "threads of the all-threads figures (default: Galvani's pool)") int threads = 0;
        @Option(names = "--triad-elements", paramLabel = "N", description = "floats per triad array (0: skip the triad)") int triadElements = 1 << 25;

        @Override public void check() {
            if (threads < 0 || triadElements < 0) throw new IllegalArgumentException("--threads and --triad-elements must not be negative");
        }
    }

    /**
     * Runs {@code machine-limits}: prints the table of limits.
     * @param args the command line
     * @throws InterruptedException if interrupted while measuring
     */
    public static void main(String[] args) throws InterruptedException {
        Flags flags = Cli.parseOrExit(new Flags(), args);
        if (flags.threads > 0) System.setProperty("galvani.threads", Integer.toString(flags.threads));
        int threads = flags.threads > 0 ? flags.threads : Parallel.threads();
        System.out.println("Machine: " + MachineInfo.cpu() + "; load average " + SideBySideReport.loadAverage());
        System.out.print(measure(threads, flags.triadElements).markdown());
    }
}
