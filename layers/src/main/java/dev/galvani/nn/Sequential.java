package dev.galvani.nn;

import dev.galvani.tensor.Tensor;
import java.util.List;

/** Modules applied in order; children are named "0", "1", ... as in PyTorch. */
public final class Sequential extends Module {

    private final List<Module> layers;

    /**
     * The layers applied in order, registered as {@code "0"}, {@code "1"}, ..., as
     * {@code nn.Sequential(...)}.
     */
    public Sequential(Module... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) registerModule(Integer.toString(i), layers[i]);
    }

    /** Layer {@code i}, as {@code seq[i]}. */
    public Module get(int i) { return layers.get(i); }

    /** The number of layers, as {@code len(seq)}. */
    public int size() { return layers.size(); }

    @Override public Tensor forward(Tensor x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
