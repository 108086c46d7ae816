package dev.galvani.nn;

import dev.galvani.tensor.Tensor;
import java.util.function.UnaryOperator;

/** Element-wise activations as modules: {@code new Activation.ReLU()}, ... */
public abstract class Activation extends Module {

    private final UnaryOperator<Tensor> f;

    Activation(UnaryOperator<Tensor> f) { this.f = f; }

    @Override public Tensor forward(Tensor x) { return f.apply(x); }

    /** {@code max(x, 0)} element-wise, as {@code nn.ReLU}. */
    public static final class ReLU extends Activation {
        /** A ReLU layer, as {@code nn.ReLU()}. */
        public ReLU() { super(Tensor::relu); }
    }

    /** GELU (the exact erf form) element-wise, as {@code nn.GELU}. */
    public static final class GELU extends Activation {
        /** A GELU layer, as {@code nn.GELU()}. */
        public GELU() { super(Tensor::gelu); }
    }

    /** {@code x * sigmoid(x)} element-wise, as {@code nn.SiLU}. */
    public static final class SiLU extends Activation {
        /** A SiLU layer, as {@code nn.SiLU()}. */
        public SiLU() { super(Tensor::silu); }
    }

    /** {@code 1 / (1 + e^-x)} element-wise, as {@code nn.Sigmoid}. */
    public static final class Sigmoid extends Activation {
        /** A sigmoid layer, as {@code nn.Sigmoid()}. */
        public Sigmoid() { super(Tensor::sigmoid); }
    }

    /** The hyperbolic tangent element-wise, as {@code nn.Tanh}. */
    public static final class Tanh extends Activation {
        /** A tanh layer, as {@code nn.Tanh()}. */
        public Tanh() { super(Tensor::tanh); }
    }

    /** {@code log(1 + e^x)} element-wise, as {@code nn.Softplus} with beta 1. */
    public static final class Softplus extends Activation {
        /** A softplus layer, as {@code nn.Softplus()}. */
        public Softplus() { super(Tensor::softplus); }
    }

    /** Returns its input unchanged, as {@code nn.Identity}. */
    public static final class Identity extends Activation {
        /** An identity layer, as {@code nn.Identity()}. */
        public Identity() { super(x -> x); }
    }

    /** {@code max(0, x) + slope * min(0, x)}, as {@code nn.LeakyReLU}. */
    public static final class LeakyReLU extends Activation {
        private final double slope;

        /** Leaky ReLU with negative slope 0.01, as {@code nn.LeakyReLU()}. */
        public LeakyReLU() { this(0.01); }

        /** Leaky ReLU with negative slope {@code slope}, as {@code nn.LeakyReLU(negative_slope)}. */
        public LeakyReLU(double slope) {
            super(x -> F.leakyRelu(x, slope));
            this.slope = slope;
        }

        @Override protected String extraRepr() { return "negative_slope=" + slope; }
    }

    /** {@code x} for x &gt; 0, {@code alpha (e^x - 1)} otherwise, as {@code nn.ELU}. */
    public static final class ELU extends Activation {
        private final double alpha;

        /** ELU with alpha 1, as {@code nn.ELU()}. */
        public ELU() { this(1.0); }

        /** ELU with the given alpha, as {@code nn.ELU(alpha)}. */
        public ELU(double alpha) {
            super(x -> F.elu(x, alpha));
            this.alpha = alpha;
        }

        @Override protected String extraRepr() { return "alpha=" + alpha; }
    }

    /** {@link F#softmax} as a layer, {@code nn.Softmax}. */
    public static final class Softmax extends Activation {
        private final int dim;

        /** Softmax along {@code dim}, as {@code nn.Softmax(dim)}. */
        public Softmax(int dim) {
            super(x -> F.softmax(x, dim));
            this.dim = dim;
        }

        @Override protected String extraRepr() { return "dim=" + dim; }
    }

    /** {@link F#logSoftmax} as a layer, {@code nn.LogSoftmax}. */
    public static final class LogSoftmax extends Activation {
        private final int dim;

        /** Log-softmax along {@code dim}, as {@code nn.LogSoftmax(dim)}. */
        public LogSoftmax(int dim) {
            super(x -> F.logSoftmax(x, dim));
            this.dim = dim;
        }

        @Override protected String extraRepr() { return "dim=" + dim; }
    }
}
