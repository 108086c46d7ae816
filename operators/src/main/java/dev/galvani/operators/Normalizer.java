package dev.galvani.operators;

import dev.galvani.tensor.Tensor;

/**
 * A Gaussian normaliser fitted on training data (operators.md §6): {@link #encode} before the
 * model, {@link #decode} on its output before the loss.
 */
public interface Normalizer {

    /** {@code (x − mean) / (std + eps)}. */
    Tensor encode(Tensor x);

    /** {@code x · (std + eps) + mean}, the inverse of {@link #encode}. */
    Tensor decode(Tensor x);
}
