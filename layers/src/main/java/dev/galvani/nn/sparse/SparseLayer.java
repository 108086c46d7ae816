package dev.galvani.nn.sparse;

import dev.galvani.tensor.Tensor;

/**
 * A layer whose connections between input and output units (features, or channels) are a 0/1 mask
 * [outputs, inputs] that {@link DynamicSparseTraining} rewires (bio reference §1.4): it reads the
 * connections' magnitudes, gradients and the units' recent activity, and writes a new mask.
 */
public interface SparseLayer {

    /** Output units (rows of the mask). */
    int outputs();

    /** Input units (columns of the mask). */
    int inputs();

    /** The 0/1 mask, F32 [outputs, inputs]. */
    Tensor mask();

    /** Replaces the mask (same shape); the weights of new connections start at 0. */
    void setMask(Tensor mask);

    /** The fraction of connections present. */
    default double density() { return mask().sum().itemDouble() / ((double) outputs() * inputs()); }

    /** Each connection's weight magnitude [outputs, inputs] (for a kernel, the sum of |w| over its taps). */
    Tensor connectionMagnitude();

    /** Each connection's gradient magnitude [outputs, inputs] as {@link #connectionMagnitude}, or null before a backward pass. */
    Tensor connectionGradient();

    /** Keeps (or stops keeping) the last batch's activity for Hebbian scores. */
    void recordActivity(boolean on);

    /** The last recorded input activity [samples, inputs] (null before the first recorded forward). */
    Tensor lastInput();

    /** The last recorded output activity [samples, outputs] (null before the first recorded forward). */
    Tensor lastOutput();
}
