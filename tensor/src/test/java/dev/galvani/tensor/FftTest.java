package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.testing.Dft;
import dev.galvani.tensor.testing.NdArray;
import org.junit.jupiter.api.Test;

/**
 * {@link FFT} against the naive O(n²) DFT in double ({@link Dft}) for every length 1 to 64 and
 * large composite and prime lengths, under the three norms; Parseval's identity; round trips;
 * the F32 error bound; the helpers (fftfreq, fftshift) and the error messages. The operation table
 * runs the same transforms on the checking devices (fused and composed) and the gradient table
 * checks their derivatives.
 */
class FftTest {

    private static final String[] NORMS = {"backward", "ortho", "forward"};

    private static double scale(String norm, int n, boolean inverse) {
        return norm.equals("ortho") ? 1 / Math.sqrt(n) : norm.equals("backward") == inverse ? 1.0 / n : 1;
    }

    /** max |a − b| over all elements, relative to the largest |b| (at least 1). */
    private static double error(Tensor a, NdArray b) {
        double[] x = a.toDoubleArray();
        assertEquals(b.data.length, x.length, "element count");
        double worst = 0, big = 1;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - b.data[i]));
            big = Math.max(big, Math.abs(b.data[i]));
        }
        return worst / big;
    }

    private static Tensor randn(long seed, DType dtype, int... shape) { return Tensor.randn(new Generator(seed), dtype, shape); }

    @Test
    void everyLengthOneTo64MatchesTheNaiveDftUnderEveryNorm() {
        for (int n = 1; n <= 64; n++)
            for (String norm : NORMS) {
                Tensor re = randn(n, DType.F64, 2, n), im = randn(1000 + n, DType.F64, 2, n);
                NdArray r = NdArray.of(re), i = NdArray.of(im);
                ComplexTensor z = ComplexTensor.of(re, im);
                String at = "n = " + n + ", norm " + norm;
                assertTrue(error(FFT.fft(z, -1, -1, norm).viewAsReal(), Dft.dft(r, i, 1, n, false, scale(norm, n, false)).asReal()) < 1e-14, "fft " + at);
                assertTrue(error(FFT.ifft(z, -1, -1, norm).viewAsReal(), Dft.dft(r, i, 1, n, true, scale(norm, n, true)).asReal()) < 1e-14, "ifft " + at);
                assertTrue(error(FFT.rfft(re, -1, -1, norm).viewAsReal(), Dft.rdft(r, 1, n, scale(norm, n, false)).asReal()) < 1e-14, "rfft " + at);
                // irfft to n points from n/2 + 1 bins (cut from the n given), odd and even n alike
                assertTrue(error(FFT.irfft(z, n, -1, norm), Dft.irdft(r, i, 1, n, scale(norm, n, true))) < 1e-14, "irfft " + at);
            }
    }

    @Test
    void largeCompositeAndPrimeLengths() {
        for (int n : new int[]{1000, 1024, 4096, 1009, 2 * 3 * 5 * 7 * 11, 4099}) {
            Tensor re = randn(n, DType.F64, 1, n), im = randn(7 * n, DType.F64, 1, n);
            NdArray r = NdArray.of(re), i = NdArray.of(im);
            double tol = 1e-14 * Math.log(n);
            assertTrue(error(FFT.fft(ComplexTensor.of(re, im)).viewAsReal(), Dft.dft(r, i, 1, n, false, 1).asReal()) < tol, "fft n = " + n);
            assertTrue(error(FFT.rfft(re).viewAsReal(), Dft.rdft(r, 1, n, 1).asReal()) < tol, "rfft n = " + n);
            NdArray bins = Dft.take(r, 1, n / 2 + 1), binsIm = Dft.take(i, 1, n / 2 + 1);
            Tensor half = ComplexTensor.of(Tensor.of(bins.data, bins.shape), Tensor.of(binsIm.data, binsIm.shape)).viewAsReal();
            assertTrue(error(FFT.irfft(half.viewAsComplex(), n, -1, null), Dft.irdft(bins, binsIm, 1, n, 1.0 / n)) < tol, "irfft n = " + n);
        }
    }

    @Test
    void paddingTruncationAndDimensionsAsPyTorch() {
        Tensor re = randn(1, DType.F64, 3, 5, 4), im = randn(2, DType.F64, 3, 5, 4);
        NdArray r = NdArray.of(re), i = NdArray.of(im);
        ComplexTensor z = ComplexTensor.of(re, im);
        for (int dim : new int[]{0, 1, 2, -1, -2, -3})
            for (int n : new int[]{1, 3, 5, 8}) {
                int d = dim < 0 ? dim + 3 : dim;
                assertTrue(error(FFT.fft(z, n, dim, "ortho").viewAsReal(), Dft.dft(r, i, d, n, false, 1 / Math.sqrt(n)).asReal()) < 1e-14,
                        "fft n " + n + " dim " + dim);
                assertTrue(error(FFT.rfft(re, n, dim, null).viewAsReal(), Dft.rdft(r, d, n, 1).asReal()) < 1e-14, "rfft n " + n + " dim " + dim);
                assertTrue(error(FFT.irfft(z, n, dim, "forward"), Dft.irdft(r, i, d, n, 1)) < 1e-14, "irfft n " + n + " dim " + dim);
            }
        // Non-contiguous input: a transposed view.
        Tensor t = re.transpose(0, 2);
        assertTrue(error(FFT.rfft(t, -1, 1, null).viewAsReal(), Dft.rdft(NdArray.of(t), 1, 5, 1).asReal()) < 1e-14, "rfft of a transposed view");
    }

    @Test
    void parsevalsIdentity() {
        int n = 1000;
        Tensor re = randn(3, DType.F64, 4, n), im = randn(4, DType.F64, 4, n);
        ComplexTensor z = ComplexTensor.of(re, im);
        double energy = z.absSquare().sum().itemDouble();
        assertEquals(energy, FFT.fft(z).absSquare().sum().itemDouble() / n, 1e-10 * energy, "backward: Σ|x|² = Σ|X|²/n");
        assertEquals(energy, FFT.fft(z, -1, -1, "ortho").absSquare().sum().itemDouble(), 1e-10 * energy, "ortho: unitary");
        // Real input: the half spectrum counts the conjugate-pair bins twice.
        for (int m : new int[]{n, n + 1}) {
            Tensor x = randn(5 + m, DType.F64, 4, m);
            ComplexTensor h = FFT.rfft(x, -1, -1, "ortho");
            Tensor w = Spectral.hermitianWeights(m, DType.F64, Device.CPU, 1, 2);
            assertEquals(x.square().sum().itemDouble(), h.absSquare().mul(w).sum().itemDouble(), 1e-10 * x.square().sum().itemDouble(), "rfft n = " + m);
        }
    }

    @Test
    void roundTrips() {
        Tensor x = randn(6, DType.F64, 3, 6, 7), y = randn(7, DType.F64, 3, 6, 7);
        ComplexTensor z = ComplexTensor.of(x, y);
        for (String norm : NORMS) {
            assertClose(z, FFT.ifft(FFT.fft(z, -1, 1, norm), -1, 1, norm), "ifft(fft) " + norm);
            assertClose(z, FFT.ifftn(FFT.fftn(z, null, null, norm), null, null, norm), "ifftn(fftn) " + norm);
            assertClose(z, FFT.ifft2(FFT.fft2(z, null, null, norm), null, null, norm), "ifft2(fft2) " + norm);
            for (int dim : new int[]{1, 2})
                assertArrayEquals(x.toDoubleArray(), FFT.irfft(FFT.rfft(x, -1, dim, norm), x.size(dim), dim, norm).toDoubleArray(), 1e-13,
                        "irfft(rfft) dim " + dim + " (n = " + x.size(dim) + ") " + norm);
            assertArrayEquals(x.toDoubleArray(), FFT.irfftn(FFT.rfftn(x, null, null, norm), new int[]{3, 6, 7}, null, norm).toDoubleArray(), 1e-13,
                    "irfftn(rfftn) " + norm);
            assertArrayEquals(x.toDoubleArray(), FFT.irfft2(FFT.rfft2(x, null, null, norm), new int[]{6, 7}, null, norm).toDoubleArray(), 1e-13,
                    "irfft2(rfft2) " + norm);
        }
    }

    private static void assertClose(ComplexTensor a, ComplexTensor b, String what) {
        assertArrayEquals(a.real().toDoubleArray(), b.real().toDoubleArray(), 1e-13, what + " (real)");
        assertArrayEquals(a.imag().toDoubleArray(), b.imag().toDoubleArray(), 1e-13, what + " (imaginary)");
    }

    /** F32 against the F64 oracle: relative RMS error at most 1e-6 · log2 n (float's 6e-8 rounding, log n stages). */
    @Test
    void singlePrecisionErrorGrowsOnlyWithLogN() {
        for (int n : new int[]{8, 64, 1000, 1024, 1009, 4099}) {
            Tensor re = randn(n, DType.F32, 2, n), im = randn(2 * n, DType.F32, 2, n);
            NdArray r = NdArray.of(re), i = NdArray.of(im);
            double bound = 1e-6 * Math.max(1, Math.log(n) / Math.log(2));
            assertTrue(rms(FFT.fft(ComplexTensor.of(re, im)).viewAsReal(), Dft.dft(r, i, 1, n, false, 1).asReal()) < bound, "fft F32 n = " + n);
            assertTrue(rms(FFT.rfft(re).viewAsReal(), Dft.rdft(r, 1, n, 1).asReal()) < bound, "rfft F32 n = " + n);
            assertTrue(rms(FFT.irfft(ComplexTensor.of(re, im), n, -1, null), Dft.irdft(r, i, 1, n, 1.0 / n)) < bound, "irfft F32 n = " + n);
        }
    }

    private static double rms(Tensor a, NdArray b) {
        double[] x = a.toDoubleArray();
        double err = 0, norm = 0;
        for (int i = 0; i < x.length; i++) {
            err += (x[i] - b.data[i]) * (x[i] - b.data[i]);
            norm += b.data[i] * b.data[i];
        }
        return Math.sqrt(err / norm);
    }

    /** Each sequence gets the same bits alone and in a batch (its lane and block do not matter). */
    @Test
    void aSequenceGivesTheSameBitsAloneAndInABatch() {
        Tensor x = randn(11, DType.F32, 37, 100);
        ComplexTensor all = FFT.rfft(x);
        for (int row : new int[]{0, 17, 36}) {
            ComplexTensor one = FFT.rfft(x.narrow(0, row, 1));
            assertArrayEquals(one.real().toFloatArray(), all.real().narrow(0, row, 1).toFloatArray(), 0f, "row " + row);
            assertArrayEquals(one.imag().toFloatArray(), all.imag().narrow(0, row, 1).toFloatArray(), 0f, "row " + row);
        }
    }

    @Test
    void integerInputsBecomeF32AndF32StaysF32() {
        assertEquals(DType.F32, FFT.rfft(Tensor.of(new long[]{1, 2, 3, 4})).dtype());
        assertEquals(DType.F64, FFT.fft(Tensor.of(new double[]{1, 2, 3})).dtype());
        assertArrayEquals(new float[]{10, -2, -2}, FFT.rfft(Tensor.of(new long[]{1, 2, 3, 4})).real().toFloatArray(), 1e-6f);
    }

    @Test
    void frequenciesAndShiftsAsNumPy() {
        assertArrayEquals(new double[]{0, 0.1, 0.2, -0.2, -0.1}, FFT.fftfreq(5, 2, DType.F64, Device.CPU).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[]{0, 0.25, -0.5, -0.25}, FFT.fftfreq(4, 1, DType.F64, Device.CPU).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[]{0, 0.25, 0.5}, FFT.rfftfreq(4, 1, DType.F64, Device.CPU).toDoubleArray(), 1e-15);
        Tensor f = Tensor.of(new double[]{0, 1, 2, 3, 4});
        assertArrayEquals(new double[]{3, 4, 0, 1, 2}, FFT.fftshift(f).toDoubleArray());
        assertArrayEquals(new double[]{2, 3, 4, 0, 1}, FFT.ifftshift(f).toDoubleArray());
        Tensor g = Tensor.arange(DType.F64, 0, 12, 1).reshape(3, 4);
        assertArrayEquals(g.toDoubleArray(), FFT.ifftshift(FFT.fftshift(g)).toDoubleArray());
        assertArrayEquals(new double[]{10, 11, 8, 9, 2, 3, 0, 1, 6, 7, 4, 5}, FFT.fftshift(g).toDoubleArray());
    }

    @Test
    void errorsNameTheProblem() {
        ComplexTensor z = ComplexTensor.of(Tensor.ones(DType.F64, 3, 4), Tensor.zeros(DType.F64, 3, 4));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FFT.fft(z, -1, -1, "unitary")).getMessage().contains("normalization"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FFT.fft(z, 0, -1, null)).getMessage().contains("number of data points"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FFT.fftn(z, null, new int[]{1, -1}, null)).getMessage().contains("unique"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FFT.fft2(z, new int[]{2}, null, null)).getMessage().contains("same length"));
        ComplexTensor one = ComplexTensor.of(Tensor.ones(DType.F64, 1), Tensor.zeros(DType.F64, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FFT.irfft(one)).getMessage().contains("2 (m - 1)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FFT.rfft(Tensor.scalar(1.0))).getMessage().contains("0-dimensional"));
    }
}
