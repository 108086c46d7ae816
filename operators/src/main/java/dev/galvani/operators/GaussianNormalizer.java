package dev.galvani.operators;

import dev.galvani.nn.Module;
import dev.galvani.tensor.Tensor;

/**
 * The scalar Gaussian normaliser (operators.md §6; MgNO's "GN"): one mean and one unbiased
 * standard deviation over every element of the training data, {@code eps} = 1e-5 added to the
 * standard deviation. Kept as 0-d buffers {@code mean} and {@code std}.
 */
public final class GaussianNormalizer extends Module implements Normalizer {

    /** Added to the standard deviation before dividing. */
    public final double eps;

    /** Fitted on all elements of {@code x}, eps 1e-5. */
    public GaussianNormalizer(Tensor x) { this(x, 1e-5); }

    /** Fitted on all elements of {@code x} (at least two). */
    public GaussianNormalizer(Tensor x, double eps) {
        if (x.numel() < 2) throw new IllegalArgumentException("GaussianNormalizer: needs at least two values, got " + x.shape());
        this.eps = eps;
        registerBuffer("mean", x.detach().mean());
        registerBuffer("std", x.detach().std(true));
    }

    /** The mean, a 0-d tensor. */
    public Tensor mean() { return buffer("mean"); }

    /** The unbiased standard deviation, a 0-d tensor. */
    public Tensor std() { return buffer("std"); }

    @Override public Tensor encode(Tensor x) { return x.sub(mean()).div(std().add(eps)); }

    @Override public Tensor decode(Tensor x) { return x.mul(std().add(eps)).add(mean()); }

    /** Encodes: a normaliser used as a layer. */
    @Override public Tensor forward(Tensor x) { return encode(x); }

    @Override protected String extraRepr() { return "scalar, eps=" + eps; }
}
