package dev.galvani.snn;

import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * LIF with an adaptive threshold (Bellec et al. 2018, LSNN; SNN reference §2.4 (b)): the neuron
 * fires when H[t] ≥ B[t]; the threshold jumps by β at each spike and decays back to V_th with time
 * constant τ_adapt (in steps): B[t+1] = V_th + (1 − 1/τ_adapt)(B[t] − V_th) + β S[t], B[0] = V_th.
 * A soft reset subtracts the current threshold B[t]. Defaults as Norse's LSNN: β = 1.8,
 * τ_adapt = 800 steps (800 ms at dt = 1 ms). Unrolled step by step from tensor operations.
 */
public class AdaptiveLIFNode extends SpikingNeuron {

    /**
     * The membrane time constant τ, the threshold's time constant τ_adapt (in steps) and the threshold jump β
     * per spike.
     */
    public final double tau, tauAdapt, beta;
    private Tensor membrane, threshold;

    /** An adaptive-threshold LIF neuron with τ = 2, τ_adapt = 800, β = 1.8 and the shared defaults. */
    public AdaptiveLIFNode() { this(2.0, 800, 1.8, new Options()); }

    /**
     * An adaptive-threshold LIF neuron: {@code tau} and {@code tauAdapt} at least 1, {@code beta}
     * non-negative.
     */
    public AdaptiveLIFNode(double tau, double tauAdapt, double beta, Options options) {
        super(options);
        if (!(tau >= 1) || !(tauAdapt >= 1)) throw new IllegalArgumentException("AdaptiveLIFNode: tau and tauAdapt must be at least 1, got " + tau + " and " + tauAdapt);
        if (!(beta >= 0)) throw new IllegalArgumentException("AdaptiveLIFNode: beta must be non-negative, got " + beta);
        this.tau = tau;
        this.tauAdapt = tauAdapt;
        this.beta = beta;
    }

    @Override protected Tensor steps(Tensor x) {
        Tensor v = carried(membrane, x), b = carried(threshold, x);
        double vr = Double.isNaN(vReset) ? 0 : vReset, k = 1 / tau, rho = 1 - 1 / tauAdapt;
        if (v == null) v = x.select(0, 0).zerosLike().add(vr);
        if (b == null) b = x.select(0, 0).zerosLike().add(vThreshold);
        List<Tensor> spikes = new ArrayList<>(x.size(0));
        for (int t = 0; t < x.size(0); t++) {
            Tensor h = v.add(x.select(0, t).sub(v.sub(vr)).mul(k));                   // LIF charge, decay_input
            Tensor s = Spiking.spike(h.sub(b), surrogate);
            Tensor sr = detachReset ? s.detach() : s;
            v = Double.isNaN(vReset) ? h.sub(sr.mul(b)) : h.mul(sr.rsub(1.0)).add(sr.mul(vReset));
            b = b.sub(vThreshold).mul(rho).add(vThreshold).add(s.mul(beta));
            spikes.add(s);
        }
        membrane = keep(membrane, v);
        threshold = keep(threshold, b);
        return Tensor.stack(spikes, 0);
    }

    /** The membrane after the last step (null before the first call or after a reset). */
    public Tensor membrane() { return membrane; }

    /** The adaptive threshold B after the last step. */
    public Tensor threshold() { return threshold; }

    @Override public void resetState() {
        membrane = null;
        threshold = null;
    }

    @Override protected String extraRepr() { return "tau=" + tau + ", tau_adapt=" + tauAdapt + ", beta=" + beta + ", " + super.extraRepr(); }
}
