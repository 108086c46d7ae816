package dev.galvani.snn;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.LifSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A LIF layer whose input at each step adds a weighted copy of its own previous spikes (SNN
 * reference §2.6; snnTorch {@code RLeaky}, SpikingJelly's recurrent containers): I[t] = X[t] +
 * W_rec S[t−1] over the last dimension (features), with W_rec [features, features] all-to-all, or a
 * vector of per-neuron weights (one-to-one). The recurrence through W_rec makes each step depend on
 * the last, so the neuron runs one fused step at a time.
 */
public class RecurrentLIFNode extends SpikingNeuron {

    /** The size of the last dimension: the number of neurons. */
    public final int features;
    /** The membrane time constant τ. */
    public final double tau;
    /** True for a [features, features] recurrent matrix, false for one weight per neuron. */
    public final boolean allToAll;
    /**
     * W_rec: [features, features] (all-to-all) or [features] (one-to-one), initialised uniform on
     * ±1/sqrt(features) as {@code nn.Linear}'s weight; registered as {@code recurrent_weight}.
     */
    public final Parameter recurrentWeight;
    private Tensor membrane, lastSpikes;

    /**
     * A recurrent LIF layer of {@code features} neurons with τ = 2 and the shared defaults, W_rec drawn from
     * {@code gen}.
     */
    public RecurrentLIFNode(int features, boolean allToAll, Generator gen) { this(features, allToAll, 2.0, new Options(), gen); }

    /**
     * A recurrent LIF layer of {@code features} neurons with time constant {@code tau} and the shared
     * {@code options}, W_rec drawn from {@code gen}.
     */
    public RecurrentLIFNode(int features, boolean allToAll, double tau, Options options, Generator gen) {
        super(options);
        if (features < 1) throw new IllegalArgumentException("RecurrentLIFNode: features must be positive, got " + features);
        this.features = features;
        this.tau = tau;
        this.allToAll = allToAll;
        // As nn.Linear's weight: uniform on ±1/sqrt(features).
        double bound = 1 / Math.sqrt(features);
        Tensor w = allToAll ? Tensor.rand(gen, features, features) : Tensor.rand(gen, features);
        this.recurrentWeight = registerParameter("recurrent_weight", w.mul(2 * bound).sub(bound));
    }

    @Override protected Tensor steps(Tensor x) {
        if (x.size(-1) != features)
            throw new IllegalArgumentException("RecurrentLIFNode(" + features + "): the last dimension of the input " + x.shape() + " must be the features");
        LifSpec spec = new LifSpec(LifSpec.Kind.LIF, 1 / tau, true, vThreshold, vReset, detachReset, detachesState(), surrogate);
        Tensor v = carried(membrane, x), prev = carried(lastSpikes, x);
        List<Tensor> spikes = new ArrayList<>(x.size(0));
        for (int t = 0; t < x.size(0); t++) {
            Tensor input = x.select(0, t);
            if (prev != null) input = input.add(allToAll ? prev.matmul(recurrentWeight.value().T()) : prev.mul(recurrentWeight.value()));
            Spiking.LifResult r = Spiking.lif(input.unsqueeze(0), v, null, spec, false);
            v = r.last();
            prev = r.spikes().squeeze(0);
            spikes.add(prev);
        }
        membrane = keep(membrane, v);
        lastSpikes = keep(lastSpikes, prev);
        return Tensor.stack(spikes, 0);
    }

    @Override public void resetState() {
        membrane = null;
        lastSpikes = null;
    }

    @Override protected String extraRepr() { return features + ", all_to_all=" + allToAll + ", tau=" + tau + ", " + super.extraRepr(); }
}
