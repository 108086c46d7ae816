package dev.galvani.autograd;

import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.Surrogate;

/**
 * Surrogate derivatives σ'(x) as tensor operations (SNN reference §4.1), the formulas of
 * {@link Surrogate#derivative(double)} written with recorded operations, so a spike's gradient runs
 * on any device and can itself be differentiated.
 */
public final class SurrogateGradients {

    private SurrogateGradients() {}

    private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

    /**
     * The surrogate's derivative at {@code x} (the membrane minus the threshold), element-wise, with recorded
     * operations: the same values as {@link Surrogate#derivative(double)}.
     */
    public static Tensor derivative(Surrogate s, Tensor x) {
        double a = s.alpha();
        return switch (s.kind()) {
            case ATAN -> x.mul(Math.PI * a / 2).square().add(1.0).rdiv(a / 2);                         // α / (2 (1 + (π α x / 2)²))
            case SIGMOID -> {
                Tensor sg = x.mul(a).sigmoid();
                yield sg.mul(sg.rsub(1.0)).mul(a);                                                      // α s(αx) (1 − s(αx))
            }
            case FAST_SIGMOID -> x.abs().mul(a).add(1.0).square().reciprocal();                      // 1 / (1 + α |x|)²
            case PIECEWISE_QUADRATIC -> {                                                             // α − α² |x| on |x| ≤ 1/α
                Tensor ax = x.abs();
                yield Tensor.where(ax.le(1 / a), ax.mul(-a * a).add(a), 0.0);
            }
            case TRIANGLE -> x.abs().rsub(1.0).relu().mul(a);                                          // α max(0, 1 − |x|)
            case ERF -> x.square().mul(-a * a).exp().mul(a * INV_SQRT_PI);                             // (α / √π) e^(−α² x²)
            case PIECEWISE_EXP -> x.abs().mul(-a).exp().mul(a / 2);                                     // (α / 2) e^(−α |x|)
            case SOFT_SIGN -> x.mul(a).abs().add(1.0).square().rdiv(a / 2);                           // α / (2 (1 + |α x|)²)
        };
    }
}
