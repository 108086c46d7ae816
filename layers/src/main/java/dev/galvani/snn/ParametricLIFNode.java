package dev.galvani.snn;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Tensor;

/**
 * The parametric LIF (Fang et al. 2021; SNN reference §2.2): LIF with 1/τ = sigmoid(w), w one
 * learnable scalar per layer, initialised to w0 = −ln(initTau − 1) so that sigmoid(w0) = 1/initTau
 * (w0 = 0 for the default initTau = 2). The fused kernel returns dL/dk; autograd carries it through
 * the sigmoid to w.
 */
public class ParametricLIFNode extends LIFNode {

    /** The learnable scalar w, with 1/τ = sigmoid(w); registered as {@code w}, SpikingJelly's name. */
    public final Parameter w;

    /**
     * A PLIF neuron with SpikingJelly's defaults: initial τ = 2 (w = 0), decay_input, the shared defaults.
     */
    public ParametricLIFNode() { this(2.0, true, new Options()); }

    /**
     * A PLIF neuron starting at τ = {@code initTau} (greater than 1), as
     * {@code ParametricLIFNode(init_tau, decay_input, ...)}.
     */
    public ParametricLIFNode(double initTau, boolean decayInput, Options options) {
        super(initTau, decayInput, options);
        if (!(initTau > 1)) throw new IllegalArgumentException("ParametricLIFNode: initTau must be greater than 1, got " + initTau);
        w = registerParameter("w", Tensor.scalar(-Math.log(initTau - 1)));
    }

    @Override protected Tensor decayTensor() { return w.value().sigmoid(); }

    /** τ now: 1 / sigmoid(w). */
    public double currentTau() { return 1 / w.value().sigmoid().itemDouble(); }
}
