package dev.galvani.snn;

import dev.galvani.tensor.backend.LifSpec;

/** The integrate-and-fire neuron, H[t] = V[t−1] + X[t] (SNN reference §2.2; SpikingJelly's {@code IFNode}). */
public class IFNode extends LIFNode {

    /** An IF neuron with SpikingJelly's defaults: threshold 1, hard reset to 0, Sigmoid surrogate. */
    public IFNode() { this(new Options()); }

    /** An IF neuron with the shared {@code options} (threshold, reset, detach_reset, surrogate). */
    public IFNode(Options options) { super(1.0, true, options); }

    @Override protected LifSpec spec() { return new LifSpec(LifSpec.Kind.IF, 1, true, vThreshold, vReset, detachReset, detachesState(), surrogate); }

    @Override protected String extraRepr() { return super.extraRepr().replaceFirst("tau=[^,]*, decay_input=[^,]*, ", ""); }
}
