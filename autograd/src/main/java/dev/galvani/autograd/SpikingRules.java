package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.needs;

import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Node;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Rules of the spiking primitives: the spike's surrogate gradient, and the fused multi-step LIF,
 * whose gradients are the kernel's exact reverse recurrence (SNN reference §3.4–3.5). When the
 * backward pass is itself recorded, the LIF rule differentiates the unrolled neuron instead, which
 * is made of recorded operations.
 */
public final class SpikingRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        r.add(Ops.Spike.class, (op, n, g) -> new Tensor[]{g.mul(SurrogateGradients.derivative(op.surrogate(), n.input(0)))});
        r.addMultiOutput(Ops.Lif.class, SpikingRules::lif);
    }

    /** Inputs (x, v0, k), outputs (spikes, membrane, last). */
    private static Tensor[] lif(Ops.Lif op, Node n, Tensor[] g) {
        Tensor x = n.input(0), v0 = n.input(1), k = n.input(2);
        if (!GradMode.isEnabled())
            return Spiking.lifBackward(op, x, g[0], g[1], g[2], n.output(1), k, needs(n, 0), needs(n, 1), needs(n, 2));
        Spiking.LifResult y = Spiking.lifUnrolled(x, v0 == null ? op.v0() : v0, k, op.spec(), g[1] != null);
        List<Tensor> outputs = new ArrayList<>(), seeds = new ArrayList<>(), wrt = new ArrayList<>();
        Tensor[] produced = {y.spikes(), y.membrane(), y.last()};
        for (int i = 0; i < 3; i++)
            if (g[i] != null && produced[i].requiresGrad()) {
                outputs.add(produced[i]);
                seeds.add(g[i]);
            }
        for (int i = 0; i < 3; i++) if (needs(n, i)) wrt.add(n.input(i));
        Tensor[] result = new Tensor[3];
        if (outputs.isEmpty()) return result;
        List<Tensor> grads = Autograd.grad(outputs, wrt, seeds, false, true, true);
        for (int i = 0, j = 0; i < 3; i++) if (needs(n, i)) result[i] = grads.get(j++);
        return result;
    }
}
