package dev.galvani.nn;

import dev.galvani.tensor.Tensor;

/** Group normalisation of [N, C, ...] with per-channel affine. */
public final class GroupNorm extends Module {

    public final int numGroups, numChannels;
    public final double eps;
    public final Parameter weight, bias;

    public GroupNorm(int numGroups, int numChannels) { this(numGroups, numChannels, 1e-5, true); }

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
