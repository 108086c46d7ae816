package dev.galvani.operators;

import dev.galvani.nn.Module;
import dev.galvani.tensor.Tensor;

/**
 * The pointwise Gaussian normaliser (operators.md §6; FNO's {@code UnitGaussianNormalizer}, MgNO's
 * "PGN"): a mean and a standard deviation per grid point (per element of one sample), over the
 * training samples (dimension 0), the standard deviation unbiased as {@code torch.std}; {@code eps}
 * = 1e-5 is added to it. The statistics are buffers ({@code mean}, {@code std}), so a model that
 * owns the normaliser saves them in its state dict.
 */
public final class UnitGaussianNormalizer extends Module implements Normalizer {

    /** Added to the standard deviation before dividing. */
    public final double eps;

    /** Fitted on {@code x} [N, ...] with eps 1e-5; needs at least two samples. */
    public UnitGaussianNormalizer(Tensor x) { this(x, 1e-5); }

    /** Fitted on {@code x} [N, ...]: mean and unbiased standard deviation over dimension 0. */
    public UnitGaussianNormalizer(Tensor x, double eps) {
        if (x.dim() < 1 || x.size(0) < 2)
            throw new IllegalArgumentException("UnitGaussianNormalizer: needs at least two samples along dimension 0, got " + x.shape());
        this.eps = eps;
        registerBuffer("mean", x.detach().mean(0));
        registerBuffer("std", x.detach().std(0, true, false));
    }

    /** The mean per point, the shape of one sample. */
    public Tensor mean() { return buffer("mean"); }

    /** The unbiased standard deviation per point, the shape of one sample. */
    public Tensor std() { return buffer("std"); }

    @Override public Tensor encode(Tensor x) { return x.sub(mean()).div(std().add(eps)); }

    @Override public Tensor decode(Tensor x) { return x.mul(std().add(eps)).add(mean()); }

    /** Encodes: a normaliser used as a layer. */
    @Override public Tensor forward(Tensor x) { return encode(x); }

    @Override protected String extraRepr() { return "pointwise, shape=" + mean().shape() + ", eps=" + eps; }
}
