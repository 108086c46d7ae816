package dev.galvani.autograd;

import dev.galvani.tensor.Tensor;

/**
 * A custom differentiable operation with several outputs (PyTorch's Function returning a tuple): a
 * fused neuron step giving spikes and membrane, a value with its argmax. Outputs marked with
 * {@link Context#markNonDifferentiable} (indices, counts) take no gradient; the others share one
 * node, and {@link #backward} receives a gradient for each (zeros for an output that none reached,
 * as PyTorch materialises them). Otherwise as {@link Function}.
 */
public abstract class MultiOutputFunction {

    /** Computes the outputs from the inputs; may save tensors for backward and mark outputs in {@code ctx}. */
    protected abstract Tensor[] forward(Context ctx, Tensor... inputs);

    /** The gradient with respect to each input, given one gradient per output (never null). */
    protected abstract Tensor[] backward(Context ctx, Tensor... gradOutputs);

    /** Runs {@link #forward} and, when an input requires grad and recording is on, records the call. */
    public final Tensor[] apply(Tensor... inputs) {
        return Context.run(Context.nameOf(getClass()), inputs, this::forward, this::backward);
    }
}
