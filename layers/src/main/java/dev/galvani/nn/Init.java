package dev.galvani.nn;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/** Weight initialisations, with PyTorch's defaults for its layers. */
public final class Init {

    private Init() {}

    /** Uniform on [-bound, bound). */
    public static Tensor uniform(Generator gen, double bound, int... shape) {
        return Tensor.rand(gen, shape).mul(2 * bound).sub(bound);
    }

    /**
     * PyTorch's default for Linear and Conv weights: kaiming_uniform with a = sqrt(5), which comes to
     * U(-1/sqrt(fanIn), 1/sqrt(fanIn)); their biases use the same bound.
     */
    public static Tensor defaultWeight(Generator gen, int fanIn, int... shape) {
        return uniform(gen, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, shape);
    }

    /** He et al. 2015, uniform, for ReLU networks: bound = gain sqrt(3 / fanIn) with gain sqrt(2). */
    public static Tensor kaimingUniform(Generator gen, int fanIn, int... shape) {
        return uniform(gen, Math.sqrt(2.0) * Math.sqrt(3.0 / fanIn), shape);
    }

    /** Glorot &amp; Bengio 2010, uniform: bound = sqrt(6 / (fanIn + fanOut)). */
    public static Tensor xavierUniform(Generator gen, int fanIn, int fanOut, int... shape) {
        return uniform(gen, Math.sqrt(6.0 / (fanIn + fanOut)), shape);
    }

    /** F32 values drawn N(0, std^2) from {@code gen}, as {@code nn.init.normal_(t, 0, std)}. */
    public static Tensor normal(Generator gen, double std, int... shape) { return Tensor.randn(gen, shape).mul(std); }
}
