package dev.galvani.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The lane kernels against a naive O(n²) DFT in double, on raw arrays: every length 1 to 64 and a
 * few large composite and prime ones, each of the three ways a block's lanes are laid out (rows of
 * the last dimension, columns of a wide inner dimension, any (outer, inner) pairs), partial blocks,
 * offsets, the inverse, and the real transforms of even and odd length.
 */
class FftLanesTest {

    /** X_k = Σ_j x_j exp(∓2πi jk/n), the angle reduced exactly in integers (jk mod n) and looked up. */
    static double[][] dft(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        double[] cos = new double[n], sin = new double[n];
        for (int t = 0; t < n; t++) {
            cos[t] = Math.cos(2 * Math.PI * t / n);
            sin[t] = (inverse ? 1 : -1) * Math.sin(2 * Math.PI * t / n);
        }
        double[] xr = new double[n], xi = new double[n];
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++) {
                int t = (int) ((long) j * k % n);
                xr[k] += re[j] * cos[t] - im[j] * sin[t];
                xi[k] += re[j] * sin[t] + im[j] * cos[t];
            }
        return new double[][]{xr, xi};
    }

    /** Runs the F64 kernel on [outer, n, inner] data starting at offset 3 and checks each sequence against the DFT. */
    private static double checkC2c(int outer, int n, int inner, boolean inverse, long seed) {
        Random r = new Random(seed);
        int size = outer * n * inner, off = 3;
        double[] re = new double[size + off], im = new double[size + off], outRe = new double[size + 1], outIm = new double[size + 1];
        for (int i = off; i < size + off; i++) {
            re[i] = r.nextGaussian();
            im[i] = r.nextGaussian();
        }
        FftLanesF64.fft(re, off, im, off, outRe, 1, outIm, 1, outer, n, inner, inverse, 0.5);
        double worst = 0;
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < inner; c++) {
                double[] sr = new double[n], si = new double[n];
                for (int j = 0; j < n; j++) {
                    sr[j] = re[off + (o * n + j) * inner + c];
                    si[j] = im[off + (o * n + j) * inner + c];
                }
                double[][] want = dft(sr, si, inverse);
                for (int k = 0; k < n; k++) {
                    worst = Math.max(worst, Math.abs(outRe[1 + (o * n + k) * inner + c] - 0.5 * want[0][k]));
                    worst = Math.max(worst, Math.abs(outIm[1 + (o * n + k) * inner + c] - 0.5 * want[1][k]));
                }
            }
        return worst / Math.sqrt(n);
    }

    @Test
    void everyLengthUpTo64MatchesTheNaiveTransform() {
        for (int n = 1; n <= 64; n++) {
            double e = Math.max(checkC2c(3, n, 1, false, n), checkC2c(2, n, 1, true, n + 100));
            assertTrue(e < 1e-14, "n = " + n + ": error " + e);
        }
    }

    @Test
    void largeCompositeAndPrimeLengths() {
        for (int n : new int[]{1000, 1024, 1009, 2310, 4099, 97 * 89}) {
            double e = checkC2c(1, n, 1, n % 2 == 0, n);
            assertTrue(e < 1e-13, "n = " + n + ": error " + e);
        }
    }

    @Test
    void everyLaneLayout() {
        int w = FftLanesF64.W;
        int[][] shapes = {{2 * w + 3, 12, 1}, {2, 10, 4 * w + 1}, {2 * w + 3, 6, 5 * w + 3}, {3, 9, w}, {5, 6, 3}, {1, 7, 2 * w + 5}, {4, 1, 3}};
        for (int[] s : shapes) {
            double e = Math.max(checkC2c(s[0], s[1], s[2], false, 7), checkC2c(s[0], s[1], s[2], true, 8));
            assertTrue(e < 1e-14, java.util.Arrays.toString(s) + ": error " + e);
        }
    }

    @Test
    void realTransformsOfEvenAndOddLength() {
        Random r = new Random(5);
        int tiles = 2 * FftLanesF64.W * FftLanesF64.W;                        // rows of these lengths take FftRowsF64
        for (int n : new int[]{1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 30, 31, 64, 1009, 1000, tiles, 3 * tiles, 10 * tiles, 257}) {
            for (int[] layout : new int[][]{{FftLanesF64.W + 2, 1}, {1, 1}, {2, 2 * FftLanesF64.W + 1}, {3, 2}}) {
                int outer = layout[0], inner = layout[1], bins = n / 2 + 1;
                double[] x = new double[outer * n * inner];
                for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
                double[] xr = new double[outer * bins * inner], xi = new double[xr.length];
                FftLanesF64.rfft(x, 0, xr, 0, xi, 0, outer, n, inner, 1);
                double[] back = new double[x.length];
                FftLanesF64.irfft(xr, 0, xi, 0, back, 0, outer, n, inner, 1.0 / n);
                for (int o = 0; o < outer; o++)
                    for (int c = 0; c < inner; c++) {
                        double[] sr = new double[n];
                        for (int j = 0; j < n; j++) sr[j] = x[(o * n + j) * inner + c];
                        double[][] want = dft(sr, new double[n], false);
                        for (int k = 0; k < bins; k++) {
                            int at = (o * bins + k) * inner + c;
                            assertEquals(want[0][k], xr[at], 1e-12 * Math.sqrt(n), "rfft re n=" + n + " k=" + k);
                            assertEquals(want[1][k], xi[at], 1e-12 * Math.sqrt(n), "rfft im n=" + n + " k=" + k);
                        }
                        assertEquals(0.0, xi[(o * bins) * inner + c]);
                        if (n % 2 == 0) assertEquals(0.0, xi[(o * bins + n / 2) * inner + c]);
                        for (int j = 0; j < n; j++) assertEquals(sr[j], back[(o * n + j) * inner + c], 1e-13, "irfft round trip n=" + n);
                    }
            }
        }
    }

    /**
     * Rows whose length is a whole number of W × W tiles take the four-step path of FftRowsF64: inner
     * lengths with radices 4 and 2, 3, 5, a generic odd radix (7, 37) and Bluestein (101), each alone
     * and in a batch, in both directions.
     */
    @Test
    void rowsOfWholeTilesMatchTheNaiveTransform() {
        int tile = FftLanesF64.W * FftLanesF64.W;
        assertTrue(FftRowsF64.fits(tile) && !FftRowsF64.fits(tile / 2) && !FftRowsF64.fits(tile + FftLanesF64.W));
        for (int n : new int[]{tile, 2 * tile, 3 * tile, 5 * tile, 7 * tile, 16 * tile, 37 * tile, 101 * tile}) {
            int[] batches = n <= 16 * tile ? new int[]{1, 2 * FftLanesF64.W + 3} : new int[]{1};
            for (int outer : batches) {
                double e = Math.max(checkC2c(outer, n, 1, false, n + outer), checkC2c(outer, n, 1, true, n - outer));
                assertTrue(e < 1e-13, "n = " + n + ", " + outer + " rows: error " + e);
            }
        }
        // long rows with a large prime factor: Bluestein's form with four-step transforms inside (FftRowsF64.fitsBluestein)
        for (int n : new int[]{257, 2 * 293, 1031}) {
            assertTrue(FftRowsF64.fitsBluestein(n), "n = " + n);
            for (int outer : n < 1000 ? new int[]{1, FftLanesF64.W + 1} : new int[]{1}) {
                double e = Math.max(checkC2c(outer, n, 1, false, n + outer), checkC2c(outer, n, 1, true, n - outer));
                assertTrue(e < 1e-13, "n = " + n + ", " + outer + " rows: error " + e);
            }
        }
    }

    /**
     * F32 rows on both paths (lanes across rows, and the four-step path for whole tiles): each row gets
     * the same bits alone, in a batch spread over the pool's threads, and in a batch run on one thread
     * (inside a pool task, where kernels do not split their work).
     */
    @Test
    void aRowGetsTheSameBitsAloneInABatchAndOnOneThread() throws Exception {
        int tile = FftLanesF32.W * FftLanesF32.W, rows = 37;
        Random r = new Random(21);
        for (int n : new int[]{100, tile, 3 * tile, 4 * tile, 2 * tile + 2, 1031, 2 * 1031}) {
            float[] re = new float[rows * n], im = new float[rows * n];
            for (int i = 0; i < re.length; i++) {
                re[i] = (float) r.nextGaussian();
                im[i] = (float) r.nextGaussian();
            }
            int bins = n / 2 + 1;
            float[][] batch = transformRows(re, im, rows, n);
            float[][] serial = new float[4][];
            Parallel.forTasks(2, (lo, hi) -> {
                if (lo == 0) System.arraycopy(transformRows(re, im, rows, n), 0, serial, 0, 4);
            });
            for (int row : new int[]{0, 1, 17, rows - 1}) {
                float[][] one = transformRows(java.util.Arrays.copyOfRange(re, row * n, (row + 1) * n), java.util.Arrays.copyOfRange(im, row * n, (row + 1) * n), 1, n);
                for (int part = 0; part < 4; part++) {
                    int len = part < 2 ? n : bins;
                    float[] b = java.util.Arrays.copyOfRange(batch[part], row * len, (row + 1) * len);
                    float[] s = java.util.Arrays.copyOfRange(serial[part], row * len, (row + 1) * len);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(one[part], b, "n = " + n + ", row " + row + ", part " + part + ": alone vs batch");
                    org.junit.jupiter.api.Assertions.assertArrayEquals(one[part], s, "n = " + n + ", row " + row + ", part " + part + ": alone vs one thread");
                }
            }
        }
    }

    /**
     * Columns of a wide inner dimension: a column in a block of W neighbours and the same values in a
     * leftover column (pooled with other outer indices' leftovers) get the same bits.
     */
    @Test
    void aLeftoverColumnGetsTheSameBitsAsAWholeBlockColumn() {
        int w = FftLanesF32.W, inner = 4 * w + 3, outer = 5, n = 12;
        Random r = new Random(33);
        float[] re = new float[outer * n * inner], im = new float[re.length];
        for (int i = 0; i < re.length; i++) {
            re[i] = (float) r.nextGaussian();
            im[i] = (float) r.nextGaussian();
        }
        for (int o = 0; o < outer; o++)                 // column 1 (a whole block) repeated as the last column (left over)
            for (int j = 0; j < n; j++) {
                re[(o * n + j) * inner + inner - 1] = re[(o * n + j) * inner + 1];
                im[(o * n + j) * inner + inner - 1] = im[(o * n + j) * inner + 1];
            }
        float[] outRe = new float[re.length], outIm = new float[re.length];
        FftLanesF32.fft(re, 0, im, 0, outRe, 0, outIm, 0, outer, n, inner, false, 1f);
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < n; k++) {
                int at = (o * n + k) * inner;
                assertEquals(outRe[at + 1], outRe[at + inner - 1], 0f, "re o=" + o + " k=" + k);
                assertEquals(outIm[at + 1], outIm[at + inner - 1], 0f, "im o=" + o + " k=" + k);
            }
    }

    /** {fft re, fft im, rfft re, rfft im} of F32 rows [rows, n]. */
    private static float[][] transformRows(float[] re, float[] im, int rows, int n) {
        int bins = n / 2 + 1;
        float[] fr = new float[rows * n], fi = new float[rows * n], rr = new float[rows * bins], ri = new float[rows * bins];
        FftLanesF32.fft(re, 0, im, 0, fr, 0, fi, 0, rows, n, 1, false, 1f);
        FftLanesF32.rfft(re, 0, rr, 0, ri, 0, rows, n, 1, 1f);
        return new float[][]{fr, fi, rr, ri};
    }

    @Test
    void singlePrecisionIsWithinItsBound() {
        Random r = new Random(9);
        for (int n : new int[]{7, 64, 1000, 1024, 4099, 3 * FftLanesF32.W * FftLanesF32.W}) {
            int outer = 3;
            float[] re = new float[outer * n], im = new float[outer * n], oRe = new float[outer * n], oIm = new float[outer * n];
            for (int i = 0; i < re.length; i++) {
                re[i] = (float) r.nextGaussian();
                im[i] = (float) r.nextGaussian();
            }
            FftLanesF32.fft(re, 0, im, 0, oRe, 0, oIm, 0, outer, n, 1, false, 1f);
            for (int o = 0; o < outer; o++) {
                double[] sr = new double[n], si = new double[n];
                for (int j = 0; j < n; j++) {
                    sr[j] = re[o * n + j];
                    si[j] = im[o * n + j];
                }
                double[][] want = dft(sr, si, false);
                double err = 0, norm = 0;
                for (int k = 0; k < n; k++) {
                    err += sq(oRe[o * n + k] - want[0][k]) + sq(oIm[o * n + k] - want[1][k]);
                    norm += sq(want[0][k]) + sq(want[1][k]);
                }
                double rel = Math.sqrt(err / norm), bound = 1e-6 * Math.max(1, Math.log(n) / Math.log(2));
                assertTrue(rel < bound, "F32 n = " + n + ": relative error " + rel + " above " + bound);
            }
        }
    }

    private static double sq(double v) { return v * v; }
}
