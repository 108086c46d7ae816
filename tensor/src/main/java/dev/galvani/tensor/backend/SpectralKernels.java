package dev.galvani.tensor.backend;

/**
 * Discrete Fourier transforms along one dimension, on complex numbers held as two real operands
 * (real and imaginary parts, "split" format). Every operand is contiguous and shaped
 * {@code [outer, length, inner]}: the transform runs along dimension 1 for each of the
 * {@code outer * inner} independent sequences (element {@code (o, j, i)} at {@code o * length * inner
 * + j * inner + i} from the operand's offset). The transforms are unnormalised and the outputs are
 * multiplied by {@code scale}, so the front end folds "backward", "ortho" and "forward" into one
 * number. Sign convention: the forward transform is {@code X[k] = Σ_j x[j] exp(-2πi jk / n)}, the
 * inverse uses {@code +2πi}. Outputs are overwritten. Any length {@code n ≥ 1} is exact (mixed
 * radix, Bluestein for large prime factors on the CPU; cuFFT on CUDA).
 *
 * <p>Without this family the front end runs the same transforms as products with the DFT matrix
 * (the composed form).
 */
public interface SpectralKernels extends KernelFamily {

    /**
     * The complex transform of (re, im) [outer, n, inner] into (outRe, outIm) of the same shape.
     * @param inverse false for the forward sign (-), true for the inverse (+)
     * @param scale   the factor every output is multiplied by
     */
    void fft(Operand re, Operand im, Operand outRe, Operand outIm, boolean inverse, double scale);

    /**
     * The forward transform of a real x [outer, n, inner]: bins 0 to n/2 (the others are their
     * conjugates) into (outRe, outIm) [outer, n/2 + 1, inner]. The imaginary parts of bin 0 and,
     * for even n, of bin n/2 are exactly zero.
     */
    void rfft(Operand x, Operand outRe, Operand outIm, double scale);

    /**
     * The inverse transform of a Hermitian spectrum given by its bins 0 to n/2, (re, im)
     * [outer, n/2 + 1, inner], into the real out [outer, n, inner] (n is out's length): the
     * missing bins are the conjugates of the given ones, and the imaginary parts of bin 0 and, for
     * even n, of bin n/2 are ignored (they have no counterpart in a real signal).
     */
    void irfft(Operand re, Operand im, Operand out, double scale);
}
