package dev.galvani.operators;

import dev.galvani.tensor.Generator;

/**
 * The original code's {@code FNO1d} (operators.md §2.2, FNO-ORIG {@code fourier_1d.py}): the
 * coordinate x on {@code linspace(0, 1)} appended to a(x); {@code fc0} (2 → width); four layers
 * {@code conv_i(x) + w_i(x)} ({@link SpectralConv} with one weight plus a 1×1 convolution), GELU after
 * the first three; {@code fc1} (width → 128), GELU, {@code fc2} (128 → 1). No padding (Burgers is
 * periodic). Tensors are channels-first, a [B, 1, N] to u [B, 1, N]; names as the original's. With
 * modes 16 and width 64 it has 549,569 parameters (§2.5).
 */
public final class FNO1d extends OriginalFno {

    /** The paper's Burgers network: 16 modes, width 64, no padding (§2.2). */
    public static FNO1d burgers(Generator gen) { return new FNO1d(16, 64, 0, gen); }

    /** An FNO1d with {@code modes} modes per spectral layer, {@code width} channels and {@code padding} cells of zero padding at the end. */
    public FNO1d(int modes, int width, int padding, Generator gen) { super(new int[]{modes}, width, padding, gen); }
}
