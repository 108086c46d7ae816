package dev.galvani.nn;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;

/**
 * A trainable tensor owned by a {@link Module}: a leaf that requires grad. The tensor itself can be
 * swapped ({@link #set}) when the module moves to another device or dtype, so code holds the
 * Parameter and reads {@link #value()} at the point of use.
 */
public final class Parameter {

    private Tensor value;

    /**
     * A parameter holding {@code initial} (detached from any graph) that requires grad. A parameter
     * outlives every training step: its tensor is taken out of any open {@code TensorScope}.
     */
    public Parameter(Tensor initial) { this(initial, true); }

    /**
     * A parameter holding {@code initial} (detached from any graph), trained when {@code requiresGrad}, as
     * {@code nn.Parameter(t, requires_grad=...)}; only floating-point tensors can require grad.
     */
    public Parameter(Tensor initial, boolean requiresGrad) {
        if (!initial.dtype().isFloatingPoint() && requiresGrad)
            throw new IllegalArgumentException("Parameter: only floating-point tensors can be trained, got " + initial.dtype());
        this.value = TensorScope.escape(initial.detach().requiresGrad(requiresGrad));
    }

    /** The current tensor; use it in forward computations. */
    public Tensor value() { return value; }

    /** The accumulated gradient, or null. */
    public Tensor grad() { return value.grad(); }

    /** Whether the optimizer trains this parameter (its tensor requires grad). */
    public boolean requiresGrad() { return value.requiresGrad(); }

    /**
     * Freezes ({@code false}) or unfreezes the parameter, as {@code p.requires_grad_(flag)}; returns this.
     */
    public Parameter requiresGrad(boolean flag) {
        value.requiresGrad(flag);
        return this;
    }

    /** A copy of the tensor's sizes. */
    public int[] shape() { return value.shape().dims(); }

    /** The number of elements, as {@code p.numel()}. */
    public long numel() { return value.numel(); }

    /** Replaces the tensor (same shape), keeping requiresGrad; the gradient is dropped. */
    public void set(Tensor tensor) {
        if (!tensor.shape().equals(value.shape()))
            throw new IllegalArgumentException("Parameter.set: shape " + tensor.shape() + " for a parameter of shape " + value.shape());
        boolean rg = value.requiresGrad();
        value = TensorScope.escape(tensor.detach().requiresGrad(rg));
    }

    /** Moves the tensor to a device (a no-op when it is already there). */
    public void to(Device device) {
        if (!value.device().equals(device)) set(detachedCopy(() -> value.to(device)));
    }

    /** Converts the tensor to {@code dtype} (a no-op when it already has it); the gradient is dropped. */
    public void to(DType dtype) {
        if (value.dtype() != dtype) set(detachedCopy(() -> value.to(dtype)));
    }

    /** Copies {@code values} into the tensor in place (no graph recorded). */
    public void copyFrom(Tensor values) {
        try (var _ = GradMode.disable()) {
            value.copyFrom(values);
        }
    }

    /** Clears the gradient (sets it to null, as PyTorch's {@code set_to_none=True}). */
    public void zeroGrad() { value.setGrad(null); }

    /** A conversion made without recording: a parameter's new tensor is a leaf, never the result of a graph. */
    private static Tensor detachedCopy(java.util.function.Supplier<Tensor> convert) {
        try (var _ = GradMode.disable()) {
            return convert.get();
        }
    }

    @Override public String toString() { return "Parameter containing:\n" + value; }
}
