package dev.galvani.operators;

import dev.galvani.tensor.Generator;

/**
 * The original code's {@code FNO2d} (operators.md §2.1, FNO-ORIG {@code fourier_2d.py} after commit
 * d2152fd): coordinates (x, y) on {@code linspace(0, 1)} appended to a(x); {@code fc0} lifts the
 * 3 channels to {@code width}; the grid is zero-padded by {@code padding} cells on the high side of
 * both axes (Darcy data are not periodic; 9 in the original); four layers
 * {@code conv_i(x) + w_i(x)} ({@link SpectralConv} with two corner weights plus a 1×1 convolution),
 * GELU after the first three; the padding cropped; {@code fc1} (width → 128), GELU, {@code fc2}
 * (128 → 1).
 *
 * <p>Tensors are channels-first, a [B, 1, H, W] to u [B, 1, H, W] (the original reads and writes
 * [B, H, W, 1]); parameter names and shapes are the original's ({@code fc0.weight},
 * {@code conv0.weights1} as {@code view_as_real}, {@code w0.weight} [32, 32, 1, 1], …). With modes 12
 * and width 32 it has 2,368,001 parameters (§2.5).
 */
public final class FNO2d extends OriginalFno {

    /** The paper's Darcy network: modes 12 × 12, width 32, padding 9 (§2.1). */
    public static FNO2d darcy(Generator gen) { return new FNO2d(12, 12, 32, 9, gen); }

    /**
     * An FNO2d with {@code modes1 × modes2} corner modes per spectral layer, {@code width} channels and
     * {@code padding} cells of zero padding, its weights drawn from {@code gen}.
     */
    public FNO2d(int modes1, int modes2, int width, int padding, Generator gen) { super(new int[]{modes1, modes2}, width, padding, gen); }
}
