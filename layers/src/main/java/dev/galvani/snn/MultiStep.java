package dev.galvani.snn;

import dev.galvani.nn.Module;
import dev.galvani.tensor.Tensor;

/**
 * A stateless layer (Linear, Conv, BatchNorm, pooling, Flatten) applied to a whole sequence at once:
 * [T, B, ...] is folded to [T·B, ...], the layer runs once, and the result is unfolded
 * (SpikingJelly's {@code SeqToANNContainer}). Batch norm then normalises over T·B, as SpikingJelly
 * does. In single-step mode the layer runs on the step as it is.
 */
public class MultiStep extends Module {

    private final Module layer;
    private StepMode stepMode = StepMode.MULTI;

    public MultiStep(Module layer) { this.layer = registerModule("layer", layer); }

    public Module layer() { return layer; }

    public MultiStep stepMode(StepMode mode) {
        this.stepMode = mode;
        return this;
    }

    @Override public Tensor forward(Tensor x) {
        if (stepMode == StepMode.SINGLE) return layer.forward(x);
        if (x.dim() < 2) throw new IllegalArgumentException("MultiStep(" + layer.getClass().getSimpleName() + "): expects [T, B, ...], got " + x.shape());
        int t = x.size(0), b = x.size(1);
        Tensor y = layer.forward(x.flatten(0, 1));
        return y.unflatten(0, t, b);
    }
}
