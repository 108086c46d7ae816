package dev.galvani.tensor.cpu;

import dev.galvani.tensor.backend.UnaryOp;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

/**
 * A probe, not a test: tanh's cost per element against exp's, F64 and F32, in one thread of one
 * process, the four kernels alternated in rounds on the same normal inputs (ThreadMXBean CPU time,
 * median of the rounds), at 2^14 elements (operands in L1/L2) and 2^22 (in memory). The ratios are
 * what counts: "F64 tanh on par with F64 exp" (issue 10). Run after {@code mvn -o test-compile -pl tensor}:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *     dev.galvani.tensor.cpu.TanhExpProbe [rounds]
 * </pre>
 */
public final class TanhExpProbe {
    private TanhExpProbe() {}

    /**
     * Prints ns per element and the ratios to exp of the same precision.
     * @param args optional: the number of rounds (default 41)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 41;
        for (int n : new int[]{1 << 14, 1 << 22}) time(n, rounds);
    }

    private static void time(int n, int rounds) {
        var tm = ManagementFactory.getThreadMXBean();
        Random rnd = new Random(1);
        double[] x = new double[n], y = new double[n];
        float[] xf = new float[n], yf = new float[n];
        for (int i = 0; i < n; i++) { x[i] = rnd.nextGaussian(); xf[i] = (float) x[i]; }
        String[] names = {"exp F64", "tanh F64", "exp F32", "tanh F32"};
        Runnable[] kernels = {
            () -> VectorMath.apply(UnaryOp.EXP, x, 0, y, 0, n), () -> VectorMath.apply(UnaryOp.TANH, x, 0, y, 0, n),
            () -> VectorMath.apply(UnaryOp.EXP, xf, 0, yf, 0, n), () -> VectorMath.apply(UnaryOp.TANH, xf, 0, yf, 0, n)};
        int reps = Math.max(1, (1 << 24) / n);
        double[][] ns = new double[kernels.length][rounds];
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < kernels.length; k++) {
                long c0 = tm.getCurrentThreadCpuTime();
                for (int j = 0; j < reps; j++) kernels[k].run();
                ns[k][r] = (tm.getCurrentThreadCpuTime() - c0) / (double) reps / n;
            }
        double[] median = new double[kernels.length];
        for (int k = 0; k < kernels.length; k++) {
            double[] s = ns[k].clone();
            Arrays.sort(s);
            median[k] = s[rounds / 2];
        }
        for (int k = 0; k < kernels.length; k++)
            System.out.printf("n = 2^%d  %-8s  %.3f ns/element  (x exp of its precision %.2f)%n",
                    Integer.numberOfTrailingZeros(n), names[k], median[k], median[k] / median[k / 2 * 2]);
    }
}
