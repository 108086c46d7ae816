package dev.galvani.snn;

import dev.galvani.nn.Module;
import dev.galvani.tensor.Tensor;

/**
 * A stateless layer (Linear, Conv, BatchNorm, pooling, Flatten) applied to a whole sequence at once:
 * [T, B, ...] is folded to [T·B, ...], the layer runs once, and the result is unfolded
 * (SpikingJelly's {@code SeqToANNContainer}). Batch norm then normalises over T·B, as SpikingJelly
 * does. In single-step mode the layer runs on the step as it is.
 *
 * <p>An input that is the same at every step (a view with stride 0 over T, as
 * {@link Encoders#direct} makes) goes through a deterministic per-sample layer once, and the result
 * is viewed over T again: the same values (batch statistics of T identical copies are those of one)
 * at 1/T of the cost, and the backward sums the T gradients, as the fold would (batch norm's running
 * variance takes its unbiased correction over the B distinct samples rather than T·B copies). A directly encoded
 * network's stem (conv + batch norm) then costs what it costs in an ANN.
 */
public class MultiStep extends Module {

    private final Module layer;
    private StepMode stepMode = StepMode.MULTI;
    private boolean compactSpikes;

    /**
     * Wraps a stateless {@code layer} (registered as {@code layer}) to run over [T, B, ...], as
     * SpikingJelly's {@code SeqToANNContainer(layer)}.
     */
    public MultiStep(Module layer) { this.layer = registerModule("layer", layer); }

    /** The wrapped layer. */
    public Module layer() { return layer; }

    /** Sets multi-step ([T, B, ...], the default) or single-step ([B, ...]) input; returns this. */
    public MultiStep stepMode(StepMode mode) {
        this.stepMode = mode;
        return this;
    }

    /**
     * Whether a Linear or Conv2d layer keeps a spike input (all 0 and 1) for its weight gradient as
     * one byte per element ({@link CompactSpikes}), off by default. With it on, while gradients are
     * recorded, the float spikes entering the layer are given back to the allocator once the layer
     * has consumed them, when no pending derivative rule reads them (neurons, views and max pooling
     * do not) and the step's innermost {@code TensorScope} owns them whole: 3 bytes per spike element
     * less for the rest of the forward and the backward, with every gradient bit for bit the same.
     * A max-pooling layer gives its input (spikes or not) back the same way once pooled (its rule
     * reads only the positions of the maxima, so no copy is kept: 4 bytes per element). The contract: nothing
     * reads those spikes after this layer (a residual connection or user code that does fails with a
     * message saying so; turn it off there). Spike monitors, firing rates and energy counts are
     * taken at the neuron, before the layer, and are unchanged.
     */
    public MultiStep compactSpikes(boolean compact) {
        this.compactSpikes = compact;
        return this;
    }

    @Override public Tensor forward(Tensor x) {
        if (stepMode == StepMode.SINGLE) return run(x);
        if (x.dim() < 2) throw new IllegalArgumentException("MultiStep(" + layer.getClass().getSimpleName() + "): expects [T, B, ...], got " + x.shape());
        int t = x.size(0), b = x.size(1);
        if (t > 1 && x.strides()[0] == 0 && deterministicPerSample(layer)) {
            Tensor y = layer.forward(x.select(0, 0));
            int[] shape = new int[y.dim() + 1];
            shape[0] = t;
            System.arraycopy(y.shape().dims(), 0, shape, 1, y.dim());
            return y.unsqueeze(0).expand(shape);
        }
        Tensor y = run(x.flatten(0, 1));
        return y.unflatten(0, t, b);
    }

    /** The layer on a batch, through {@link CompactSpikes} when that applies. */
    private Tensor run(Tensor x) {
        if (compactSpikes && layer instanceof dev.galvani.nn.Linear lin && x.dim() == 2 && CompactSpikes.applies(x, lin.weight.value()))
            return CompactSpikes.linear(x, lin.weight.value(), lin.bias == null ? null : lin.bias.value());
        if (compactSpikes && layer instanceof dev.galvani.nn.Conv.Conv2d conv && x.dim() == 4 && CompactSpikes.applies(x, conv.weight.value()))
            return CompactSpikes.conv2d(x, conv.weight.value(), conv.bias == null ? null : conv.bias.value(), new dev.galvani.tensor.backend.Conv2dSpec(
                    conv.stride, conv.stride, conv.padding, conv.padding, conv.dilation, conv.dilation, conv.groups));
        if (compactSpikes && layer instanceof dev.galvani.nn.Pool.MaxPool2d && dev.galvani.tensor.GradMode.isEnabled()) {
            // Its rule reads only the indices of the maxima, so the input goes whatever its values: no 0/1 check to pay for.
            Tensor y = layer.forward(x);
            CompactSpikes.releaseConsumed(x, "MaxPool2d");
            return y;
        }
        return layer.forward(x);
    }

    /** Layers whose output for a sample depends on that sample only and draws no random numbers. */
    private static boolean deterministicPerSample(Module m) {
        return m instanceof dev.galvani.nn.Linear || m instanceof dev.galvani.nn.Conv.Conv2d || m instanceof dev.galvani.nn.BatchNorm.BatchNorm2d
                || m instanceof dev.galvani.nn.BatchNorm.BatchNorm1d || m instanceof dev.galvani.nn.Pool.MaxPool2d
                || m instanceof dev.galvani.nn.Pool.AvgPool2d || m instanceof dev.galvani.nn.Flatten;
    }
}
