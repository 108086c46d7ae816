package dev.galvani.tensor.cpu;

/** A probe, not a test: DirectConv's micro-kernels alone on data in L1, in GFLOP per CPU second. */
public final class TileProbe {
    private TileProbe() {}

    /**
     * Prints the rates.
     * @param args unused
     */
    public static void main(String[] args) {
        var tm = java.lang.management.ManagementFactory.getThreadMXBean();
        int taps = 288, fl = Simd.FL;
        float[] wp = new float[taps * DirectConv.MR], x = new float[4096 + 2048], c = new float[DirectConv.MR * 128];
        int[] off = new int[taps];
        for (int t = 0; t < taps; t++) off[t] = (t % 9) / 3 * 66 + t % 3 + (t / 9) % 8 * 300;
        java.util.Arrays.fill(wp, 0.5f);
        java.util.Arrays.fill(x, 0.25f);
        for (int r = 0; r < 8; r++) {
            long c0 = tm.getCurrentThreadCpuTime();
            int reps = 200_000;
            for (int i = 0; i < reps; i++) DirectConv.tile(taps, wp, 0, off, x, (i & 7) * 16, c, 0, 64);
            long c1 = tm.getCurrentThreadCpuTime();
            double flops = 2.0 * reps * taps * DirectConv.MR * DirectConv.TW;  // MR x TW per tap
            System.out.printf("forward tile %.1f GFLOP/cpu-s%n", flops / (c1 - c0));
        }
        float[] gT = new float[64 * 64], acc = new float[6 * 64];
        int[] pos = new int[64], toff = {0, 1, 2, 66, 67, 68};
        for (int p = 0; p < 64; p++) pos[p] = p + p / 16 * 2;
        java.util.Arrays.fill(gT, 0.5f);
        for (int r = 0; r < 8; r++) {
            long c0 = tm.getCurrentThreadCpuTime();
            int reps = 200_000;
            for (int i = 0; i < reps; i++) DirectConv.gradTile6x4(0, 64, pos, x, toff, 0, gT, 0, 64, acc, 0, 64);
            long c1 = tm.getCurrentThreadCpuTime();
            double flops = 2.0 * reps * 64 * 6 * 4 * fl;
            System.out.printf("weight-grad tile 6x4 %.1f GFLOP/cpu-s%n", flops / (c1 - c0));
        }
    }
}
