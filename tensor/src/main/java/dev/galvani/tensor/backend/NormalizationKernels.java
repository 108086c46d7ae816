package dev.galvani.tensor.backend;

/**
 * Batch normalisation in one pass each way: composed from element-wise operations it costs about
 * five times the memory traffic. Without this family the front end composes it.
 */
public interface NormalizationKernels extends KernelFamily {

    /**
     * Batch normalisation of x [N, C, S] (contiguous) per channel c: out = (x - mean[c]) invstd[c]
     * weight[c] + bias[c]. With {@code computeStats} the kernel first writes the batch mean and
     * 1/sqrt(biased variance + eps) of each channel into {@code mean} and {@code invstd} [C]; otherwise
     * it reads them. {@code weight} and {@code bias} [C] may be null (1 and 0).
     */
    void batchNormForward(Operand x, Operand weight, Operand bias, Operand mean, Operand invstd, Operand out, boolean computeStats, double eps);

    /**
     * The gradients of {@link #batchNormForward}: gradOut and x [N, C, S], the saved mean and invstd
     * [C]. With {@code batchStats} the statistics are functions of x (training):
     * gradIn = w invstd (g - mean(g) - xhat mean(g xhat)); otherwise gradIn = g w invstd. Writes
     * gradWeight = sum(g xhat) and gradBias = sum(g) when they are not null.
     */
    void batchNormBackward(Operand gradOut, Operand x, Operand weight, Operand mean, Operand invstd, Operand gradIn,
                           Operand gradWeight, Operand gradBias, boolean batchStats);
}
