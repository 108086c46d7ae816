package dev.galvani.tensor;

import java.util.Arrays;

/**
 * Discrete Fourier transforms as {@code torch.fft}: {@code fft}, {@code ifft}, {@code rfft},
 * {@code irfft} along one dimension, their two-dimensional ({@code fft2}, ...) and n-dimensional
 * ({@code fftn}, ...) forms, with PyTorch's {@code n}/{@code s} (zero-padding or truncation of the
 * input, for the inverse real transforms the output length), {@code dim} and {@code norm}
 * ("backward", the default: the forward transform unscaled and the inverse divided by n; "ortho":
 * both divided by √n; "forward": the forward divided by n). Any length is exact, F32 and F64
 * (integer inputs become F32), batched over every dimension not transformed, and differentiable
 * (first and higher order). Multi-dimensional transforms are 1-D transforms one dimension after
 * the other; the real ones take the real transform along the last of their dimensions.
 *
 * <p>In the Java signatures {@code n = -1} means "the input's length" and a null {@code s} or
 * {@code dim} PyTorch's default; an entry −1 in {@code s} keeps that dimension's size. The
 * transforms themselves are the three primitives of {@link Spectral}.
 */
public final class FFT {

    private FFT() {}

    /** The {@code n} that means "the input's length" (PyTorch's {@code n=None}). */
    public static final int DEFAULT = -1;

    // ================================ one dimension ================================

    /** The DFT along the last dimension, as {@code torch.fft.fft(x)}. */
    public static ComplexTensor fft(ComplexTensor x) { return fft(x, DEFAULT, -1, null); }

    /**
     * The DFT along {@code dim}, X_k = Σ_j x_j exp(−2πi jk/n), the input first cut or zero-padded to
     * {@code n} points, as {@code torch.fft.fft(x, n, dim, norm)}.
     */
    public static ComplexTensor fft(ComplexTensor x, int n, int dim, String norm) { return c2c("fft", x, n, dim, norm, false); }

    /** The DFT of a real tensor along the last dimension (all n bins). */
    public static ComplexTensor fft(Tensor x) { return fft(ComplexTensor.ofReal(x)); }

    /** The DFT of a real tensor, as {@code torch.fft.fft(x, n, dim, norm)}. */
    public static ComplexTensor fft(Tensor x, int n, int dim, String norm) { return fft(ComplexTensor.ofReal(x), n, dim, norm); }

    /** The inverse DFT along the last dimension, as {@code torch.fft.ifft(x)}. */
    public static ComplexTensor ifft(ComplexTensor x) { return ifft(x, DEFAULT, -1, null); }

    /** The inverse DFT, x_j = (1/n) Σ_k X_k exp(2πi jk/n) for "backward", as {@code torch.fft.ifft(x, n, dim, norm)}. */
    public static ComplexTensor ifft(ComplexTensor x, int n, int dim, String norm) { return c2c("ifft", x, n, dim, norm, true); }

    /** The inverse DFT of a real tensor. */
    public static ComplexTensor ifft(Tensor x, int n, int dim, String norm) { return ifft(ComplexTensor.ofReal(x), n, dim, norm); }

    /** Bins 0 to n/2 of the DFT of a real tensor along the last dimension, as {@code torch.fft.rfft(x)}. */
    public static ComplexTensor rfft(Tensor x) { return rfft(x, DEFAULT, -1, null); }

    /** Bins 0 to n/2 of the DFT of a real tensor (the rest are their conjugates), as {@code torch.fft.rfft(x, n, dim, norm)}. */
    public static ComplexTensor rfft(Tensor x, int n, int dim, String norm) {
        Tensor r = real("rfft", x);
        int d = Shape.normalizeDim("rfft", dim, r.dim());
        int len = length("rfft", n, r.size(d));
        return Spectral.rfft(resize(r, d, len), d, scale(norm, len, false));
    }

    /** The real signal of length 2 (m − 1) whose half-spectrum along the last dimension is x, as {@code torch.fft.irfft(x)}. */
    public static Tensor irfft(ComplexTensor x) { return irfft(x, DEFAULT, -1, null); }

    /**
     * The real signal of length n (default 2 (m − 1) for m input bins) whose spectrum has the bins
     * 0 to n/2 in x along {@code dim} (cut or zero-padded to n/2 + 1; the imaginary parts of bin 0
     * and, for even n, bin n/2 are ignored), as {@code torch.fft.irfft(x, n, dim, norm)}.
     */
    public static Tensor irfft(ComplexTensor x, int n, int dim, String norm) {
        checkComplex("irfft", x);
        int d = Shape.normalizeDim("irfft", dim, x.dim());
        int len = n == DEFAULT ? 2 * (x.size(d) - 1) : n;
        if (len < 1) throw new IllegalArgumentException("irfft: invalid number of data points (" + len + ") specified"
                + (n == DEFAULT ? " (the default 2 (m - 1) for m = " + x.size(d) + " bins)" : ""));
        ComplexTensor c = resize(x, d, len / 2 + 1);
        return Spectral.irfft(c.real(), c.imag(), d, len, scale(norm, len, true));
    }

    // ================================ two dimensions ================================

    private static final int[] LAST_TWO = {-2, -1};

    /** The 2-D DFT over the last two dimensions, as {@code torch.fft.fft2(x)}. */
    public static ComplexTensor fft2(ComplexTensor x) { return fftn(x, null, LAST_TWO, null); }

    /** The 2-D DFT, as {@code torch.fft.fft2(x, s, dim, norm)} (dim null: the last two). */
    public static ComplexTensor fft2(ComplexTensor x, int[] s, int[] dim, String norm) { return fftn(x, s, dim == null ? LAST_TWO : dim, norm); }

    /** The 2-D inverse DFT over the last two dimensions. */
    public static ComplexTensor ifft2(ComplexTensor x) { return ifftn(x, null, LAST_TWO, null); }

    /** The 2-D inverse DFT, as {@code torch.fft.ifft2(x, s, dim, norm)}. */
    public static ComplexTensor ifft2(ComplexTensor x, int[] s, int[] dim, String norm) { return ifftn(x, s, dim == null ? LAST_TWO : dim, norm); }

    /** The 2-D DFT of a real tensor over the last two dimensions, half of the last, as {@code torch.fft.rfft2(x)}. */
    public static ComplexTensor rfft2(Tensor x) { return rfftn(x, null, LAST_TWO, null); }

    /** The 2-D real-input DFT, as {@code torch.fft.rfft2(x, s, dim, norm)}. */
    public static ComplexTensor rfft2(Tensor x, int[] s, int[] dim, String norm) { return rfftn(x, s, dim == null ? LAST_TWO : dim, norm); }

    /** The inverse of {@link #rfft2(Tensor)}, as {@code torch.fft.irfft2(x)}. */
    public static Tensor irfft2(ComplexTensor x) { return irfftn(x, null, LAST_TWO, null); }

    /** The 2-D inverse real transform, as {@code torch.fft.irfft2(x, s, dim, norm)}: {@code s} gives the output's sizes. */
    public static Tensor irfft2(ComplexTensor x, int[] s, int[] dim, String norm) { return irfftn(x, s, dim == null ? LAST_TWO : dim, norm); }

    // ================================ n dimensions ================================

    /** The DFT over every dimension, as {@code torch.fft.fftn(x)}. */
    public static ComplexTensor fftn(ComplexTensor x) { return fftn(x, null, null, null); }

    /**
     * The DFT over {@code dim} (null: the last {@code s.length} dimensions, or all when s is null
     * too), each cut or zero-padded to its entry of {@code s}, as {@code torch.fft.fftn(x, s, dim, norm)}.
     */
    public static ComplexTensor fftn(ComplexTensor x, int[] s, int[] dim, String norm) { return c2cn("fftn", x, s, dim, norm, false); }

    /** The inverse DFT over every dimension. */
    public static ComplexTensor ifftn(ComplexTensor x) { return ifftn(x, null, null, null); }

    /** The inverse DFT over {@code dim}, as {@code torch.fft.ifftn(x, s, dim, norm)}. */
    public static ComplexTensor ifftn(ComplexTensor x, int[] s, int[] dim, String norm) { return c2cn("ifftn", x, s, dim, norm, true); }

    /** The real-input DFT over every dimension (half of the last). */
    public static ComplexTensor rfftn(Tensor x) { return rfftn(x, null, null, null); }

    /**
     * The real-input DFT over {@code dim}: rfft along the last of them, then fft along the others,
     * as {@code torch.fft.rfftn(x, s, dim, norm)}.
     */
    public static ComplexTensor rfftn(Tensor x, int[] s, int[] dim, String norm) {
        Tensor r = real("rfftn", x);
        int[][] ds = dims("rfftn", r.shape.raw(), s, dim);
        int k = ds[0].length;
        if (k == 0) throw new IllegalArgumentException("rfftn: needs at least one dimension to transform");
        ComplexTensor z = rfft(r, ds[1][k - 1], ds[0][k - 1], norm);
        for (int i = 0; i < k - 1; i++) z = fft(z, ds[1][i], ds[0][i], norm);
        return z;
    }

    /** The inverse of {@link #rfftn(Tensor)} over every dimension. */
    public static Tensor irfftn(ComplexTensor x) { return irfftn(x, null, null, null); }

    /**
     * The real signal whose half-spectrum over {@code dim} is x: ifft along all but the last of
     * them, then irfft along the last; {@code s} gives the output's sizes (the last defaults to
     * 2 (m − 1)), as {@code torch.fft.irfftn(x, s, dim, norm)}.
     */
    public static Tensor irfftn(ComplexTensor x, int[] s, int[] dim, String norm) {
        checkComplex("irfftn", x);
        int[][] ds = dims("irfftn", x.shape().dims(), s, dim);
        int k = ds[0].length;
        if (k == 0) throw new IllegalArgumentException("irfftn: needs at least one dimension to transform");
        ComplexTensor z = x;
        for (int i = 0; i < k - 1; i++) z = ifft(z, ds[1][i], ds[0][i], norm);
        int last = s == null || s[k - 1] == DEFAULT ? DEFAULT : s[k - 1];
        return irfft(z, last, ds[0][k - 1], norm);
    }

    // ================================ helpers as torch.fft ================================

    /** The sample frequencies of an n-point DFT with spacing d: [0, 1, ..., −1] / (d n), as {@code torch.fft.fftfreq}. */
    public static Tensor fftfreq(int n, double d, DType dtype, Device device) {
        double[] f = new double[n];
        for (int i = 0; i < n; i++) f[i] = (i <= (n - 1) / 2 ? i : i - n) / (d * n);
        return Tensor.of(f).to(dtype).to(device);
    }

    /** The frequencies of the bins of an n-point real DFT: [0, 1, ..., n/2] / (d n), as {@code torch.fft.rfftfreq}. */
    public static Tensor rfftfreq(int n, double d, DType dtype, Device device) {
        double[] f = new double[n / 2 + 1];
        for (int i = 0; i < f.length; i++) f[i] = i / (d * n);
        return Tensor.of(f).to(dtype).to(device);
    }

    /** The zero frequency moved to the centre of each of {@code dims} (all when none), as {@code torch.fft.fftshift}. */
    public static ComplexTensor fftshift(ComplexTensor x, int... dims) {
        int[][] r = shifts(x.shape().dims(), dims, false);
        return x.roll(r[0], r[1]);
    }

    /** The inverse of {@link #fftshift(ComplexTensor, int...)}, as {@code torch.fft.ifftshift}. */
    public static ComplexTensor ifftshift(ComplexTensor x, int... dims) {
        int[][] r = shifts(x.shape().dims(), dims, true);
        return x.roll(r[0], r[1]);
    }

    /** {@link #fftshift(ComplexTensor, int...)} of a real tensor. */
    public static Tensor fftshift(Tensor x, int... dims) {
        int[][] r = shifts(x.shape.raw(), dims, false);
        return x.roll(r[0], r[1]);
    }

    /** {@link #ifftshift(ComplexTensor, int...)} of a real tensor. */
    public static Tensor ifftshift(Tensor x, int... dims) {
        int[][] r = shifts(x.shape.raw(), dims, true);
        return x.roll(r[0], r[1]);
    }

    // ---------------------------------------------------------------------------------------------

    /** The factor a transform's output is multiplied by: the forward and inverse directions under {@code norm}. */
    static double scale(String norm, int n, boolean inverse) {
        String mode = norm == null ? "backward" : norm;
        return switch (mode) {
            case "backward" -> inverse ? 1.0 / n : 1;
            case "ortho" -> 1 / Math.sqrt(n);
            case "forward" -> inverse ? 1 : 1.0 / n;
            default -> throw new IllegalArgumentException("Invalid normalization mode: \"" + norm + "\" (use \"backward\", \"ortho\" or \"forward\")");
        };
    }

    private static ComplexTensor c2c(String op, ComplexTensor x, int n, int dim, String norm, boolean inverse) {
        checkComplex(op, x);
        int d = Shape.normalizeDim(op, dim, x.dim());
        int len = length(op, n, x.size(d));
        ComplexTensor c = resize(x, d, len);
        return Spectral.fft(c.real(), c.imag(), d, inverse, scale(norm, len, inverse));
    }

    private static ComplexTensor c2cn(String op, ComplexTensor x, int[] s, int[] dim, String norm, boolean inverse) {
        checkComplex(op, x);
        int[][] ds = dims(op, x.shape().dims(), s, dim);
        ComplexTensor z = x;
        // The last dimension first: for [..., H, W] the rows, then the columns of the result.
        for (int i = ds[0].length - 1; i >= 0; i--) z = c2c(op, z, ds[1][i], ds[0][i], norm, inverse);
        return z;
    }

    private static void checkComplex(String op, ComplexTensor x) {
        if (x.dim() == 0) throw new IllegalArgumentException(op + ": needs at least one dimension, got a 0-dimensional tensor");
    }

    private static Tensor real(String op, Tensor x) {
        if (x.dim() == 0) throw new IllegalArgumentException(op + ": needs at least one dimension, got a 0-dimensional tensor");
        return x.dtype().isFloatingPoint() ? x : x.to(DType.F32);
    }

    /** The transform length: n, or the input's length for {@link #DEFAULT}. */
    private static int length(String op, int n, int inputLength) {
        int len = n == DEFAULT ? inputLength : n;
        if (len < 1) throw new IllegalArgumentException(op + ": invalid number of data points (" + len + ") specified");
        return len;
    }

    /**
     * The dimensions to transform (normalised, distinct) and the size each is cut or padded to
     * ({@link #DEFAULT} where the input's size stays), PyTorch's defaults for null {@code s} or {@code dim}.
     */
    private static int[][] dims(String op, int[] shape, int[] s, int[] dim) {
        int rank = shape.length;
        int[] dims;
        if (dim != null) {
            dims = new int[dim.length];
            for (int i = 0; i < dim.length; i++) dims[i] = Shape.normalizeDim(op, dim[i], rank);
            if (Arrays.stream(dims).distinct().count() != dims.length) throw new IllegalArgumentException(op + ": dims must be unique, got " + Arrays.toString(dim));
        } else {
            int k = s == null ? rank : s.length;
            if (k > rank) throw new IllegalArgumentException(op + ": got " + k + " sizes for a " + rank + "-dimensional input");
            dims = new int[k];
            for (int i = 0; i < k; i++) dims[i] = rank - k + i;
        }
        if (s != null && s.length != dims.length)
            throw new IllegalArgumentException(op + ": s and dim must have the same length, got " + Arrays.toString(s) + " and " + Arrays.toString(dim));
        int[] sizes = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            sizes[i] = s == null ? DEFAULT : s[i];
            if (sizes[i] != DEFAULT && sizes[i] < 1) throw new IllegalArgumentException(op + ": invalid number of data points (" + sizes[i] + ") specified");
        }
        return new int[][]{dims, sizes};
    }

    /** t cut to, or zero-padded at the end to, n elements along d. */
    static Tensor resize(Tensor t, int d, int n) {
        int len = t.size(d);
        if (n == len) return t;
        if (n < len) return t.narrow(d, 0, n);
        int[] pads = new int[2 * (t.dim() - d)];
        pads[pads.length - 1] = n - len;
        return t.pad(pads);
    }

    private static ComplexTensor resize(ComplexTensor z, int d, int n) {
        return z.size(d) == n ? z : new ComplexTensor(resize(z.real(), d, n), resize(z.imag(), d, n));
    }

    private static int[][] shifts(int[] shape, int[] dims, boolean inverse) {
        int[] ds = dims == null || dims.length == 0 ? java.util.stream.IntStream.range(0, shape.length).toArray() : dims.clone();
        int[] sh = new int[ds.length];
        for (int i = 0; i < ds.length; i++) {
            int n = shape[Shape.normalizeDim("fftshift", ds[i], shape.length)];
            sh[i] = inverse ? -(n / 2) : n / 2;
        }
        return new int[][]{sh, ds};
    }
}
