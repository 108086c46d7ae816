package dev.galvani.nn;

import dev.galvani.tensor.Tensor;
import java.util.Arrays;

/** Layer normalisation over the trailing {@code normalizedShape} dims, with element-wise affine. */
public final class LayerNorm extends Module {

    private final int[] normalizedShape;
    /** The value added to the variance for numerical stability. */
    public final double eps;
    /**
     * The element-wise scale and shift of the normalized shape (ones and zeros at first; null without
     * affine).
     */
    public final Parameter weight, bias;

    /**
     * Layer normalisation over the trailing {@code normalizedShape} dimensions, eps 1e-5, with affine, as
     * {@code nn.LayerNorm(shape)}.
     */
    public LayerNorm(int... normalizedShape) { this(normalizedShape, 1e-5, true); }

    /** Layer normalisation as {@code nn.LayerNorm(shape, eps, elementwise_affine)}. */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    @Override public Tensor forward(Tensor x) {
        return F.layerNorm(x, normalizedShape, weight == null ? null : weight.value(), bias == null ? null : bias.value(), eps);
    }

    @Override protected String extraRepr() {
        return "(" + Arrays.toString(normalizedShape).replaceAll("[\\[\\]]", "") + (normalizedShape.length == 1 ? ",)" : ")") + ", eps=" + eps
                + ", elementwise_affine=" + (weight != null ? "True" : "False");
    }
}
