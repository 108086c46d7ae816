package dev.galvani.snn;

import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.LifSpec;

/**
 * The leaky integrate-and-fire neuron (SNN reference §2.2; SpikingJelly's {@code LIFNode}: τ = 2,
 * decay_input on): H[t] = V[t−1] + (X[t] − (V[t−1] − V_reset)) / τ. Runs the fused multi-step
 * kernel where the device has it ({@code Spiking.lif}), or, with {@link #fused(boolean) fused(false)},
 * the same neuron unrolled step by step from tensor operations.
 */
public class LIFNode extends SpikingNeuron {

    /** The membrane time constant τ (at least 1; the decay is 1/τ). */
    public final double tau;
    /** Whether the input is divided by τ too (SpikingJelly's {@code decay_input}, default true). */
    public final boolean decayInput;
    private boolean fused = true;
    private Tensor membrane;

    /**
     * A LIF neuron with SpikingJelly's defaults: τ = 2, decay_input, threshold 1, hard reset to 0, Sigmoid
     * surrogate.
     */
    public LIFNode() { this(2.0); }

    /**
     * A LIF neuron with time constant {@code tau} (at least 1) and the other defaults, as
     * {@code LIFNode(tau=tau)}.
     */
    public LIFNode(double tau) { this(tau, true, new Options()); }

    /**
     * A LIF neuron with time constant {@code tau} (at least 1), {@code decayInput} and the shared
     * {@code options}, as
     * {@code LIFNode(tau, decay_input, v_threshold, v_reset, surrogate_function, detach_reset)}.
     */
    public LIFNode(double tau, boolean decayInput, Options options) {
        super(options);
        if (!(tau >= 1)) throw new IllegalArgumentException("LIFNode: tau must be at least 1 (the decay 1/tau in (0, 1]), got " + tau);
        this.tau = tau;
        this.decayInput = decayInput;
    }

    /** The kernel's description of this neuron; with {@link #detachState(boolean)} the step-to-step membrane path is cut inside a call too. */
    protected LifSpec spec() {
        return new LifSpec(LifSpec.Kind.LIF, 1 / tau, decayInput, vThreshold, vReset, detachReset, detachesState(), surrogate);
    }

    /** k = 1/τ as a tensor (PLIF's learnable one), or null for the constant of {@link #spec()}. */
    protected Tensor decayTensor() { return null; }

    /** Runs the fused kernel (the default) or the unrolled neuron. */
    public LIFNode fused(boolean f) {
        this.fused = f;
        return this;
    }

    @Override protected Tensor steps(Tensor x) {
        Tensor v0 = carried(membrane, x);
        Spiking.LifResult r = fused ? Spiking.lif(x, v0, decayTensor(), spec(), false) : Spiking.lifUnrolled(x, v0, decayTensor(), spec(), false);
        membrane = keep(membrane, r.last());
        return r.spikes();
    }

    /** The membrane after the last step (null before the first call or after a reset). */
    public Tensor membrane() { return membrane; }

    @Override public void resetState() { membrane = null; }

    @Override protected String extraRepr() { return "tau=" + tau + ", decay_input=" + decayInput + ", " + super.extraRepr(); }
}
