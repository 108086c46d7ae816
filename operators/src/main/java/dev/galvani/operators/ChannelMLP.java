package dev.galvani.operators;

import dev.galvani.nn.Module;
import dev.galvani.nn.ModuleList;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * neuraloperator's {@code ChannelMLP} (operators.md §2.3–2.4): 1×1 layers on a channels-first tensor,
 * GELU between them (not after the last), the same at every grid point; FNO's lifting, projection and
 * per-block channel MLP. The layers are {@code fcs.0}, {@code fcs.1}, … with neuraloperator's Conv1d
 * shapes [O, C, 1] and biases.
 */
public final class ChannelMLP extends Module {

    private final ModuleList fcs;

    /** {@code in → hidden → … → out} with {@code layers} 1×1 layers (all hidden ones of {@code hidden} channels), drawn from {@code gen}. */
    public ChannelMLP(int in, int out, int hidden, int layers, Generator gen) {
        if (layers < 1) throw new IllegalArgumentException("ChannelMLP: at least one layer, got " + layers);
        fcs = registerModule("fcs", new ModuleList());
        for (int i = 0; i < layers; i++)
            fcs.add(new PointwiseConv(i == 0 ? in : hidden, i == layers - 1 ? out : hidden, 1, true, gen));
    }

    @Override public Tensor forward(Tensor x) {
        for (int i = 0; i < fcs.size(); i++) {
            x = fcs.get(i).forward(x);
            if (i < fcs.size() - 1) x = x.gelu();
        }
        return x;
    }
}
