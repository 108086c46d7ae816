package dev.galvani.operators;

import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Tensor;
import java.util.Arrays;

/**
 * neuraloperator's {@code SoftGating} skip (operators.md §2.3, {@code channel_mlp_skip='soft-gating'}):
 * x times a learnt per-channel scale, {@code weight} [1, C, 1…] initialised to ones, no bias.
 */
public final class SoftGating extends Module {

    /** The per-channel scale [1, C, 1…]. */
    public final Parameter weight;

    /** A gate for {@code channels} channels on {@code dims} spatial axes, starting as the identity. */
    public SoftGating(int channels, int dims) {
        int[] shape = new int[2 + dims];
        Arrays.fill(shape, 1);
        shape[1] = channels;
        weight = registerParameter("weight", Tensor.ones(shape));
    }

    @Override public Tensor forward(Tensor x) { return x.mul(weight.value()); }
}
