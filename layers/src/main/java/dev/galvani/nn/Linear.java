package dev.galvani.nn;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/** y = x W^T + b, weight [out, in], PyTorch's default initialisation. */
public final class Linear extends Module {

    /** The sizes of each input and each output sample. */
    public final int inFeatures, outFeatures;
    /**
     * The weight [out, in] and the bias [out] (null without one), registered as {@code weight} and
     * {@code bias}.
     */
    public final Parameter weight, bias;

    /**
     * A layer with a bias, initialised from the default generator, as
     * {@code nn.Linear(in_features, out_features)}.
     */
    public Linear(int inFeatures, int outFeatures) { this(inFeatures, outFeatures, true, Generator.global()); }

    /**
     * A layer with or without a bias, initialised from {@code gen} uniform on ±1/sqrt(inFeatures), as
     * {@code nn.Linear(in_features, out_features, bias)}.
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator gen) {
        if (inFeatures < 0 || outFeatures < 0) throw new IllegalArgumentException("Linear: feature counts must be non-negative, got " + inFeatures + ", " + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Init.defaultWeight(gen, inFeatures, outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Init.defaultWeight(gen, inFeatures, outFeatures)) : null;
    }

    @Override public Tensor forward(Tensor x) { return F.linear(x, weight.value(), bias == null ? null : bias.value()); }

    @Override protected String extraRepr() { return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null ? "True" : "False"); }
}
