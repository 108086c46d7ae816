package dev.galvani.operators;

import dev.galvani.tensor.ComplexTensor;
import dev.galvani.tensor.FFT;
import dev.galvani.tensor.Tensor;

/**
 * The real FFTs of the PDE data generators on plain double arrays: Galvani's {@link FFT} (F64,
 * norm "backward": the forward transform unscaled, the inverse divided by the point count) with
 * the copies in and out, so the solvers keep their state in arrays and do their element-wise
 * work in loops. A half-spectrum is {@code {re, im}}; in two dimensions it is row-major
 * {@code [s, s/2 + 1]} (the real transform along the second axis, as {@code torch.fft.rfft2}).
 */
final class Fourier {

    private Fourier() {}

    /** Bins 0 … n/2 of the DFT of {@code x} (length n). */
    static double[][] rfft(double[] x) {
        ComplexTensor c = FFT.rfft(Tensor.of(x, x.length));
        return new double[][]{c.real().toDoubleArray(), c.imag().toDoubleArray()};
    }

    /** The half-spectra {@code [b, n/2 + 1]} of the b rows of the row-major {@code [b, n]} signals {@code x}, one FFT call for all (one vector lane per row). */
    static double[][] rfftRows(double[] x, int b, int n) {
        ComplexTensor c = FFT.rfft(Tensor.of(x, b, n));
        return new double[][]{c.real().toDoubleArray(), c.imag().toDoubleArray()};
    }

    /** The b real signals {@code [b, n]} whose half-spectra are the rows of {@code (re, im)} ({@code [b, n/2 + 1]}). */
    static double[] irfftRows(double[] re, double[] im, int b, int n) {
        int h = n / 2 + 1;
        return FFT.irfft(ComplexTensor.of(Tensor.of(re, b, h), Tensor.of(im, b, h)), n, -1, null).toDoubleArray();
    }

    /** The real signal of length n whose half-spectrum (n/2 + 1 bins) is {@code (re, im)}. */
    static double[] irfft(double[] re, double[] im, int n) {
        return FFT.irfft(ComplexTensor.of(Tensor.of(re, re.length), Tensor.of(im, im.length)), n, -1, null).toDoubleArray();
    }

    /** The 2-D half-spectrum {@code [s, s/2 + 1]} of the row-major {@code s × s} field {@code x}. */
    static double[][] rfft2(double[] x, int s) {
        ComplexTensor c = FFT.rfft2(Tensor.of(x, s, s));
        return new double[][]{c.real().toDoubleArray(), c.imag().toDoubleArray()};
    }

    /** The row-major {@code s × s} real field whose half-spectrum {@code [s, s/2 + 1]} is {@code (re, im)}. */
    static double[] irfft2(double[] re, double[] im, int s) {
        int h = s / 2 + 1;
        return FFT.irfft2(ComplexTensor.of(Tensor.of(re, s, h), Tensor.of(im, s, h)), new int[]{s, s}, null, null).toDoubleArray();
    }

    /** The real part of the 2-D inverse DFT (norm "backward") of the full {@code s × s} spectrum {@code (re, im)}. */
    static double[] ifft2Real(double[] re, double[] im, int s) {
        return FFT.ifft2(ComplexTensor.of(Tensor.of(re, s, s), Tensor.of(im, s, s))).real().contiguous().toDoubleArray();
    }

    /** The integer wavenumber of FFT bin {@code i} of {@code n}: 0, 1, …, ⌈n/2⌉ − 1, −⌊n/2⌋, …, −1 (FFT order). */
    static int wavenumber(int i, int n) { return i < (n + 1) / 2 ? i : i - n; }
}
