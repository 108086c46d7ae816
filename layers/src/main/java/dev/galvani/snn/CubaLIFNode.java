package dev.galvani.snn;

import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The current-based two-state LIF (CUBA; SNN reference §2.5, lava-dl {@code cuba.Neuron} form):
 * I[t] = (1 − α_I) I[t−1] + X[t]; H[t] = (1 − α_V) V[t−1] + I[t]; S[t] = Θ(H[t] − V_th); reset as
 * every neuron. Defaults as SpikingJelly's {@code CUBALIFNode}: current decay α_I = 0.5, voltage
 * decay α_V = 0.75, V_th = 0.5 (its Rect surrogate is not among Galvani's; the Sigmoid default
 * applies). Unrolled step by step from tensor operations.
 */
public class CubaLIFNode extends SpikingNeuron {

    /** The current decay α_I and the voltage decay α_V, each in [0, 1]. */
    public final double currentDecay, voltageDecay;
    private Tensor membrane, current;

    /** A CUBA LIF neuron with SpikingJelly's defaults: α_I = 0.5, α_V = 0.75, V_th = 0.5. */
    public CubaLIFNode() { this(0.5, 0.75, new Options().vThreshold(0.5)); }

    /**
     * A CUBA LIF neuron with decays {@code currentDecay} and {@code voltageDecay} in [0, 1] and the shared
     * {@code options}.
     */
    public CubaLIFNode(double currentDecay, double voltageDecay, Options options) {
        super(options);
        if (!(currentDecay >= 0 && currentDecay <= 1 && voltageDecay >= 0 && voltageDecay <= 1))
            throw new IllegalArgumentException("CubaLIFNode: the decays must lie in [0, 1], got " + currentDecay + " and " + voltageDecay);
        this.currentDecay = currentDecay;
        this.voltageDecay = voltageDecay;
    }

    @Override protected Tensor steps(Tensor x) {
        Tensor v = carried(membrane, x), i = carried(current, x);
        if (v == null) v = x.select(0, 0).zerosLike().add(Double.isNaN(vReset) ? 0 : vReset);
        if (i == null) i = x.select(0, 0).zerosLike();
        List<Tensor> spikes = new ArrayList<>(x.size(0));
        for (int t = 0; t < x.size(0); t++) {
            i = i.mul(1 - currentDecay).add(x.select(0, t));
            Tensor h = v.mul(1 - voltageDecay).add(i);
            Tensor s = Spiking.spike(h.sub(vThreshold), surrogate);
            Tensor sr = detachReset ? s.detach() : s;
            v = Double.isNaN(vReset) ? h.sub(sr.mul(vThreshold)) : h.mul(sr.rsub(1.0)).add(sr.mul(vReset));
            spikes.add(s);
        }
        membrane = keep(membrane, v);
        current = keep(current, i);
        return Tensor.stack(spikes, 0);
    }

    /** The membrane V after the last step (null before the first call or after a reset). */
    public Tensor membrane() { return membrane; }

    /** The synaptic current I after the last step (null before the first call or after a reset). */
    public Tensor current() { return current; }

    @Override public void resetState() {
        membrane = null;
        current = null;
    }

    @Override protected String extraRepr() { return "current_decay=" + currentDecay + ", voltage_decay=" + voltageDecay + ", " + super.extraRepr(); }
}
