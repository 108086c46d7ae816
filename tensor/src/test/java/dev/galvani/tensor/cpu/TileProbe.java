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
        float[] gp = new float[8 * 1024], lanes = new float[8 * 6 * fl * 4];
        int[] toff = {0, 1, 2, 16, 17, 18};
        java.util.Arrays.fill(gp, 0.5f);
        for (int r = 0; r < 8; r++) {
            long c0 = tm.getCurrentThreadCpuTime();
            int reps = 200_000, steps = 48;
            for (int i = 0; i < reps; i++) DirectConv.dotTile(steps, gp, 0, 1024, x, 0, toff, 0, lanes, 0, 6 * fl);
            long c1 = tm.getCurrentThreadCpuTime();
            double flops = 2.0 * reps * steps * fl * 24;
            System.out.printf("weight-grad tile %.1f GFLOP/cpu-s%n", flops / (c1 - c0));
        }
    
    }
}
