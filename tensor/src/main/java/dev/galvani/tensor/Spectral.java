package dev.galvani.tensor;

import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.SpectralKernels;

/**
 * The three recorded Fourier primitives behind {@link FFT}, each along one dimension and scaled:
 * the complex transform ({@link Ops.Fft}), the real-input transform to bins 0 to n/2
 * ({@link Ops.Rfft}) and its inverse from those bins to a real signal ({@link Ops.Irfft}). Each
 * makes its inputs contiguous, views them as [outer, length, inner] around the dimension and calls
 * the device's {@link SpectralKernels}; on a device without that family it multiplies by the DFT
 * matrix instead (the composed form, built from recorded operations, O(n²) per sequence).
 *
 * <p>Public for the derivative rules (galvani-autograd), which are written with these same
 * primitives: the adjoint of a DFT is the DFT of the other sign with the same scale, and the real
 * transforms' adjoints carry the Hermitian weights v of the bins that stand for a conjugate pair
 * (operators reference §1.5; v = 2 on bins 1 to ⌈n/2⌉ − 1, 1 on bin 0 and, for even n, bin n/2):
 * for X = rfft(x), dx = irfft(g / v); for x = irfft(X), dX = v · rfft(g).
 */
public final class Spectral {

    private Spectral() {}

    /**
     * The complex DFT of (re, im) along {@code dim} times {@code scale}; {@code inverse} selects the
     * +2πi sign. Recorded as {@link Ops.Fft}.
     */
    public static ComplexTensor fft(Tensor re, Tensor im, int dim, boolean inverse, double scale) {
        check("fft", re, im);
        int d = Shape.normalizeDim("fft", dim, re.dim());
        int[] l = layout(re.shape.raw(), d);
        Tensor outRe, outIm;
        var kernels = Backends.kernels(re.device(), SpectralKernels.class);
        if (kernels.isEmpty()) return composedFft(re, im, d, inverse, scale);
        outRe = Creation.uninitialized(re.dtype(), re.device(), re.shape.raw());
        outIm = Creation.uninitialized(re.dtype(), re.device(), re.shape.raw());
        kernels.get().fft(dense(re, l), dense(im, l), flat(outRe, l), flat(outIm, l), inverse, scale);
        Tensor[] out = AutogradSupport.record(new Ops.Fft(d, inverse, scale), new Tensor[]{outRe, outIm}, new Tensor[]{re, im}, null);
        return new ComplexTensor(out[0], out[1]);
    }

    /** Bins 0 to n/2 of the forward DFT of the real x along {@code dim}, times {@code scale}. Recorded as {@link Ops.Rfft}. */
    public static ComplexTensor rfft(Tensor x, int dim, double scale) {
        check("rfft", x, x);
        int d = Shape.normalizeDim("rfft", dim, x.dim());
        int n = x.size(d);
        if (n < 1) throw new IllegalArgumentException("rfft: dimension " + dim + " of " + x.shape() + " is empty");
        int[] shape = x.shape.raw().clone();
        shape[d] = n / 2 + 1;
        var kernels = Backends.kernels(x.device(), SpectralKernels.class);
        if (kernels.isEmpty()) return composedRfft(x, d, scale);
        Tensor outRe = Creation.uninitialized(x.dtype(), x.device(), shape), outIm = Creation.uninitialized(x.dtype(), x.device(), shape);
        kernels.get().rfft(dense(x, layout(x.shape.raw(), d)), flat(outRe, layout(shape, d)), flat(outIm, layout(shape, d)), scale);
        Tensor[] out = AutogradSupport.record(new Ops.Rfft(d, scale), new Tensor[]{outRe, outIm}, new Tensor[]{x}, null);
        return new ComplexTensor(out[0], out[1]);
    }

    /**
     * The real signal of length {@code n} along {@code dim} whose spectrum's bins 0 to n/2 are
     * (re, im) (their size along {@code dim} must be n/2 + 1), by the unnormalised inverse DFT times
     * {@code scale}. Recorded as {@link Ops.Irfft}.
     */
    public static Tensor irfft(Tensor re, Tensor im, int dim, int n, double scale) {
        check("irfft", re, im);
        int d = Shape.normalizeDim("irfft", dim, re.dim());
        if (n < 1 || re.size(d) != n / 2 + 1)
            throw new IllegalArgumentException("irfft: " + n + " output points need " + (n / 2 + 1) + " bins along dimension " + dim
                    + ", got " + re.shape());
        int[] shape = re.shape.raw().clone();
        shape[d] = n;
        var kernels = Backends.kernels(re.device(), SpectralKernels.class);
        if (kernels.isEmpty()) return composedIrfft(re, im, d, n, scale);
        Tensor out = Creation.uninitialized(re.dtype(), re.device(), shape);
        int[] l = layout(re.shape.raw(), d);
        kernels.get().irfft(dense(re, l), dense(im, l), flat(out, layout(shape, d)), scale);
        return Tape.record(new Ops.Irfft(d, n, scale), out, re, im);
    }

    /**
     * The Hermitian weights of a half-spectrum of a length-n signal, shaped to broadcast along
     * {@code dim} of a rank-{@code rank} tensor: 2 for the bins 1 to ⌈n/2⌉ − 1, which stand for a
     * bin and its conjugate, 1 for bin 0 and (even n) bin n/2. Made by fills on the device.
     */
    public static Tensor hermitianWeights(int n, DType dtype, Device device, int dim, int rank) {
        int bins = n / 2 + 1, pairs = (n - 1) / 2;
        Tensor w = Tensor.cat(0, Creation.full(dtype, 1, device, 1), Creation.full(dtype, 2, device, pairs),
                Creation.full(dtype, 1, device, bins - 1 - pairs));
        int[] shape = new int[rank];
        java.util.Arrays.fill(shape, 1);
        shape[dim] = bins;
        return w.reshape(shape);
    }

    // ---------------------------------------------------------------------------------------------

    private static void check(String op, Tensor a, Tensor b) {
        Backends.of(op, a, b);
        if (!a.dtype().isFloatingPoint() || a.dtype() != b.dtype())
            throw new IllegalArgumentException(op + ": needs F32 or F64 parts of one dtype, got " + a.dtype() + " and " + b.dtype());
        if (!a.shape.equals(b.shape)) throw new IllegalArgumentException(op + ": real part " + a.shape() + " and imaginary part " + b.shape() + " differ");
        if (a.dim() == 0) throw new IllegalArgumentException(op + ": needs at least one dimension, got a 0-dimensional tensor");
    }

    /** [outer, length, inner] of {@code shape} around dimension d. */
    private static int[] layout(int[] shape, int d) {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        return new int[]{outer, shape[d], inner};
    }

    /** t's values as a contiguous operand of layout l (a copy when t is laid out otherwise). */
    private static Operand dense(Tensor t, int[] l) {
        Tensor c;
        try (var _ = GradMode.disable()) {
            c = t.contiguous();
        }
        return c.operand().withLayout(l, Shape.of(l).contiguousStrides(), c.offset);
    }

    private static Operand flat(Tensor t, int[] l) { return Operand.contiguous(t.storage, l); }

    // ---- the composed form: products with the DFT matrix ---------------------------------------

    /** cos and sin of 2π jk/n for j in [0, rows), k in [0, cols), scaled, as [rows, cols] tensors. */
    private static Tensor[] dftMatrices(int n, int rows, int cols, double scale, double[] rowWeights, DType dtype, Device device) {
        double[] c = new double[rows * cols], s = new double[rows * cols];
        for (int j = 0; j < rows; j++)
            for (int k = 0; k < cols; k++) {
                long t = (long) j * k % n;
                double w = scale * (rowWeights == null ? 1 : rowWeights[j]);
                c[j * cols + k] = w * cos(t, n);
                s[j * cols + k] = w * sin(t, n);
            }
        return new Tensor[]{Tensor.of(c, rows, cols).to(dtype).to(device), Tensor.of(s, rows, cols).to(dtype).to(device)};
    }

    /** cos(2π t/n), exact at the quarter turns. */
    private static double cos(long t, int n) { return 4 * t == n || 4 * t == 3L * n ? 0 : Math.cos(2 * Math.PI * t / n); }

    /** sin(2π t/n), exact at the quarter turns (so bins 0 and n/2 have no sine part). */
    private static double sin(long t, int n) { return t == 0 || 2 * t == n ? 0 : Math.sin(2 * Math.PI * t / n); }

    /** X = x F along the last dimension after moving d there: Xr = xr C ± xi S, Xi = xi C ∓ xr S (− forward). */
    private static ComplexTensor composedFft(Tensor re, Tensor im, int d, boolean inverse, double scale) {
        int n = re.size(d);
        Tensor[] cs = dftMatrices(n, n, n, scale, null, re.dtype(), re.device());
        Tensor xr = re.transpose(d, -1), xi = im.transpose(d, -1);
        Tensor sr = xi.matmul(cs[1]), si = xr.matmul(cs[1]);
        Tensor yr = inverse ? xr.matmul(cs[0]).sub(sr) : xr.matmul(cs[0]).add(sr);
        Tensor yi = inverse ? xi.matmul(cs[0]).add(si) : xi.matmul(cs[0]).sub(si);
        return new ComplexTensor(yr.transpose(d, -1).contiguous(), yi.transpose(d, -1).contiguous());
    }

    private static ComplexTensor composedRfft(Tensor x, int d, double scale) {
        int n = x.size(d);
        Tensor[] cs = dftMatrices(n, n, n / 2 + 1, scale, null, x.dtype(), x.device());
        Tensor xt = x.transpose(d, -1);
        return new ComplexTensor(xt.matmul(cs[0]).transpose(d, -1).contiguous(), xt.matmul(cs[1]).neg().transpose(d, -1).contiguous());
    }

    /** x_j = Σ_k v_k (Xr_k cos θ − Xi_k sin θ), v the Hermitian weights: sin θ vanishes on bins 0 and n/2, so their imaginary parts drop out. */
    private static Tensor composedIrfft(Tensor re, Tensor im, int d, int n, double scale) {
        int bins = n / 2 + 1;
        double[] v = new double[bins];
        for (int k = 0; k < bins; k++) v[k] = k == 0 || 2 * k == n ? 1 : 2;
        Tensor[] cs = dftMatrices(n, bins, n, scale, v, re.dtype(), re.device());
        Tensor y = re.transpose(d, -1).matmul(cs[0]).sub(im.transpose(d, -1).matmul(cs[1]));
        return y.transpose(d, -1).contiguous();
    }
}
