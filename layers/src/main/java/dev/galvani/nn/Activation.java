package dev.galvani.nn;

import dev.galvani.tensor.Tensor;
import java.util.function.UnaryOperator;

/** Element-wise activations as modules: {@code new Activation.ReLU()}, ... */
public abstract class Activation extends Module {

    private final UnaryOperator<Tensor> f;

    Activation(UnaryOperator<Tensor> f) { this.f = f; }

    @Override public Tensor forward(Tensor x) { return f.apply(x); }

    public static final class ReLU extends Activation { public ReLU() { super(Tensor::relu); } }

    public static final class GELU extends Activation { public GELU() { super(Tensor::gelu); } }

    public static final class SiLU extends Activation { public SiLU() { super(Tensor::silu); } }

    public static final class Sigmoid extends Activation { public Sigmoid() { super(Tensor::sigmoid); } }

    public static final class Tanh extends Activation { public Tanh() { super(Tensor::tanh); } }

    public static final class Softplus extends Activation { public Softplus() { super(Tensor::softplus); } }

    public static final class Identity extends Activation { public Identity() { super(x -> x); } }

    public static final class LeakyReLU extends Activation {
        private final double slope;

        public LeakyReLU() { this(0.01); }

        public LeakyReLU(double slope) {
            super(x -> F.leakyRelu(x, slope));
            this.slope = slope;
        }

        @Override protected String extraRepr() { return "negative_slope=" + slope; }
    }

    public static final class ELU extends Activation {
        private final double alpha;

        public ELU() { this(1.0); }

        public ELU(double alpha) {
            super(x -> F.elu(x, alpha));
            this.alpha = alpha;
        }

        @Override protected String extraRepr() { return "alpha=" + alpha; }
    }

    public static final class Softmax extends Activation {
        private final int dim;

        public Softmax(int dim) {
            super(x -> F.softmax(x, dim));
            this.dim = dim;
        }

        @Override protected String extraRepr() { return "dim=" + dim; }
    }

    public static final class LogSoftmax extends Activation {
        private final int dim;

        public LogSoftmax(int dim) {
            super(x -> F.logSoftmax(x, dim));
            this.dim = dim;
        }

        @Override protected String extraRepr() { return "dim=" + dim; }
    }
}
