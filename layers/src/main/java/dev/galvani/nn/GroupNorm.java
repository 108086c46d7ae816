package dev.galvani.nn;

import dev.galvani.tensor.Tensor;

/** Group normalisation of [N, C, ...] with per-channel affine. */
public final class GroupNorm extends Module {

    /** The number of groups and of channels (the groups divide the channels). */
    public final int numGroups, numChannels;
    /** The value added to the variance for numerical stability. */
    public final double eps;
    /** The per-channel scale and shift [numChannels] (ones and zeros at first; null without affine). */
    public final Parameter weight, bias;

    /** Group normalisation with eps 1e-5 and affine, as {@code nn.GroupNorm(num_groups, num_channels)}. */
    public GroupNorm(int numGroups, int numChannels) { this(numGroups, numChannels, 1e-5, true); }

    /**
     * Group normalisation as {@code nn.GroupNorm(num_groups, num_channels, eps, affine)}; the groups must
     * divide the channels.
     */
    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine) {
        if (numGroups <= 0 || numChannels % numGroups != 0)
            throw new IllegalArgumentException("GroupNorm: " + numGroups + " groups must divide " + numChannels + " channels");
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numChannels)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numChannels)) : null;
    }

    @Override public Tensor forward(Tensor x) {
        return F.groupNorm(x, numGroups, weight == null ? null : weight.value(), bias == null ? null : bias.value(), eps);
    }

    @Override protected String extraRepr() { return numGroups + ", " + numChannels + ", eps=" + eps + ", affine=" + (weight != null ? "True" : "False"); }
}
