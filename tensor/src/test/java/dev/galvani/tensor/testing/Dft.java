package dev.galvani.tensor.testing;

/**
 * Naive discrete Fourier transforms in double, the oracle of the FFT tests: each output bin is the
 * O(n) sum of its definition, X_k = s Σ_j x_j exp(∓2πi jk/n), along one dimension of an
 * {@link NdArray} of any rank, with the input cut or zero-padded to the length asked for. The angle
 * 2π (jk mod n)/n is reduced in integers and looked up in a table of n cosines and sines.
 * Multi-dimensional references apply these along one dimension after another (the DFT is separable).
 */
public final class Dft {

    private Dft() {}

    /** A complex array as its two real parts. */
    public record Complex(NdArray re, NdArray im) {
        /** PyTorch's real view: a trailing dimension of 2. */
        public NdArray asReal() {
            int[] shape = java.util.Arrays.copyOf(re.shape, re.rank() + 1);
            shape[re.rank()] = 2;
            double[] d = new double[re.data.length * 2];
            for (int i = 0; i < re.data.length; i++) {
                d[2 * i] = re.data[i];
                d[2 * i + 1] = im.data[i];
            }
            return new NdArray(shape, d);
        }
    }

    /** The complex DFT along {@code dim} of length n (the input cut or zero-padded), times {@code scale}. */
    public static Complex dft(NdArray re, NdArray im, int dim, int n, boolean inverse, double scale) {
        int d = norm(dim, re.rank());
        int len = re.shape[d];
        double[][] t = table(n, inverse);
        int[] shape = re.shape.clone();
        shape[d] = n;
        NdArray outRe = NdArray.build(shape, idx -> sum(re, im, idx, d, Math.min(len, n), t, true) * scale);
        NdArray outIm = NdArray.build(shape, idx -> sum(re, im, idx, d, Math.min(len, n), t, false) * scale);
        return new Complex(outRe, outIm);
    }

    /** Bins 0 to n/2 of the forward DFT of a real array along {@code dim}, times {@code scale}. */
    public static Complex rdft(NdArray x, int dim, int n, double scale) {
        int d = norm(dim, x.rank());
        Complex full = dft(x, zeros(x), d, n, false, scale);
        return new Complex(take(full.re(), d, n / 2 + 1), take(full.im(), d, n / 2 + 1));
    }

    /**
     * The real signal of length n from bins 0 to n/2 along {@code dim} (cut or zero-padded to
     * n/2 + 1): the full spectrum is completed with X_{n−k} = conj X_k, and the real part of its
     * unnormalised inverse DFT is taken (which drops the imaginary parts of bins 0 and n/2), times
     * {@code scale}.
     */
    public static NdArray irdft(NdArray re, NdArray im, int dim, int n, double scale) {
        int d = norm(dim, re.rank());
        int bins = n / 2 + 1;
        NdArray r = take(re, d, bins), i = take(im, d, bins);
        int[] shape = r.shape.clone();
        shape[d] = n;
        NdArray fr = NdArray.build(shape, idx -> {
            int k = idx[d];
            idx[d] = k < bins ? k : n - k;
            return r.get(idx);
        });
        NdArray fi = NdArray.build(shape, idx -> {
            int k = idx[d];
            idx[d] = k < bins ? k : n - k;
            return k < bins ? i.get(idx) : -i.get(idx);
        });
        return dft(fr, fi, d, n, true, scale).re();
    }

    /** Zeros of a's shape. */
    public static NdArray zeros(NdArray a) { return new NdArray(a.shape, new double[a.data.length]); }

    /** The first {@code count} entries along d, zero-padded when there are fewer. */
    public static NdArray take(NdArray a, int d, int count) {
        int[] shape = a.shape.clone();
        shape[d] = count;
        return NdArray.build(shape, idx -> idx[d] < a.shape[d] ? a.get(idx) : 0);
    }

    private static int norm(int dim, int rank) { return dim < 0 ? dim + rank : dim; }

    /** cos and ∓sin of 2π t/n for t in [0, n). */
    private static double[][] table(int n, boolean inverse) {
        double[] c = new double[n], s = new double[n];
        for (int t = 0; t < n; t++) {
            c[t] = Math.cos(2 * Math.PI * t / n);
            s[t] = (inverse ? 1 : -1) * Math.sin(2 * Math.PI * t / n);
        }
        return new double[][]{c, s};
    }

    private static double sum(NdArray re, NdArray im, int[] idx, int d, int len, double[][] t, boolean realPart) {
        int n = t[0].length, k = idx[d];
        int[] at = idx.clone();
        double acc = 0;
        for (int j = 0; j < len; j++) {
            at[d] = j;
            int a = (int) ((long) j * k % n);
            double xr = re.get(at), xi = im.get(at);
            acc += realPart ? xr * t[0][a] - xi * t[1][a] : xr * t[1][a] + xi * t[0][a];
        }
        return acc;
    }
}
