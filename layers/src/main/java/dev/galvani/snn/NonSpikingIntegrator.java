package dev.galvani.snn;

import dev.galvani.nn.Module;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A readout that integrates without firing (Norse's leaky integrator {@code LI}; the SNN-delays
 * readout): V[t] = V[t−1] + (X[t] − V[t−1]) / τ, V[−1] = 0. Multi-step: [T, B, C] in, the membrane
 * sequence [T, B, C] out, decoded by {@link SpikingLosses#meanMembraneCrossEntropy} or
 * {@link SpikingLosses#maxMembraneCrossEntropy}.
 */
public class NonSpikingIntegrator extends Module {

    /** The time constant τ (at least 1). */
    public final double tau;

    /** A leaky integrator with time constant {@code tau} (at least 1), as Norse's {@code LI}. */
    public NonSpikingIntegrator(double tau) {
        if (!(tau >= 1)) throw new IllegalArgumentException("NonSpikingIntegrator: tau must be at least 1, got " + tau);
        this.tau = tau;
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() < 2) throw new IllegalArgumentException("NonSpikingIntegrator: expects [T, B, ...], got " + x.shape());
        Tensor v = x.select(0, 0).zerosLike();
        List<Tensor> out = new ArrayList<>(x.size(0));
        for (int t = 0; t < x.size(0); t++) {
            v = v.add(x.select(0, t).sub(v).div(tau));
            out.add(v);
        }
        return Tensor.stack(out, 0);
    }

    @Override protected String extraRepr() { return "tau=" + tau; }
}
