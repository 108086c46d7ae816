package dev.galvani.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The tensor-side half of autograd: flags, gradient storage, hooks, and the hand-over to the engine.
 * Public only for the engine in galvani-autograd; user code goes through {@link Tensor}.
 */
public final class AutogradSupport {

    private AutogradSupport() {}

    static Tensor setRequiresGrad(Tensor t, boolean flag) {
        if (!t.isLeaf())
            throw new IllegalStateException("requiresGrad: only leaf tensors can be marked; this one was produced by " + t.gradFn.name()
                    + " (use detach() to make a new leaf)");
        if (flag && !t.dtype().isFloatingPoint())
            throw new IllegalArgumentException("requiresGrad: only floating-point tensors can require gradients, got " + t.dtype());
        t.requiresGrad = flag;
        return t;
    }

    static void setGrad(Tensor t, Tensor g) {
        if (g != null && !g.shape.equals(t.shape))
            throw new IllegalArgumentException("setGrad: gradient of shape " + g.shape() + " for a tensor of shape " + t.shape());
        t.grad = g;
    }

    static void backward(Tensor root, Tensor seed, boolean retainGraph, boolean createGraph) {
        if (!root.requiresGrad)
            throw new IllegalStateException("backward: the tensor does not require grad (no input of its computation had requiresGrad(true), "
                    + "or it was computed under noGrad)");
        if (seed == null) {
            if (root.numel() != 1)
                throw new IllegalArgumentException("backward: a seed gradient is needed for a tensor of shape " + root.shape()
                        + " (only one-element tensors have the implicit seed 1)");
            seed = root.onesLike();
        } else if (!seed.shape.equals(root.shape)) {
            throw new IllegalArgumentException("backward: seed of shape " + seed.shape() + " for a tensor of shape " + root.shape());
        }
        Tape.engine("backward").backward(List.of(root), List.of(seed), retainGraph, createGraph);
    }

    static AutoCloseable registerHook(Tensor t, UnaryOperator<Tensor> hook) {
        if (!t.requiresGrad) throw new IllegalStateException("registerHook: the tensor does not require grad, so no gradient will flow into it");
        if (t.hooks == null) t.hooks = new ArrayList<>();
        t.hooks.add(hook);
        return () -> t.hooks.remove(hook);
    }

    /** The gradient after this tensor's hooks (each may replace it). */
    public static Tensor applyHooks(Tensor t, Tensor grad) {
        if (t.hooks != null)
            for (UnaryOperator<Tensor> h : List.copyOf(t.hooks)) {
                Tensor r = h.apply(grad);
                if (r != null) {
                    if (!r.shape.equals(grad.shape))
                        throw new IllegalStateException("gradient hook returned shape " + r.shape() + " for a gradient of shape " + grad.shape());
                    grad = r;
                }
            }
        return grad;
    }

    /**
     * Adds {@code g} into {@code t.grad()}: a new tensor the first time (so the caller's tensor is
     * never aliased), then in place, as PyTorch accumulates (no new tensor per backward pass: SLTT's
     * backward at every step keeps the gradients' memory constant). With {@code keepGraph} (a
     * backward pass that creates a graph) the gradient keeps its own graph, so it can be
     * differentiated again, and is a new tensor each time.
     */
    public static void accumulate(Tensor t, Tensor g, boolean keepGraph) {
        g = g.to(t.dtype());
        if (keepGraph) t.grad = t.grad == null ? g.clone() : t.grad.add(g);
        else if (t.grad == null) t.grad = g.detach().clone();
        else if (t.grad.requiresGrad) t.grad = t.grad.detach().add(g.detach());        // a graph-carrying gradient from a create-graph pass
        else {
            try (var _ = GradMode.disable()) {
                t.grad.addInPlace(g.detach());
            }
        }
    }

    /**
     * Records a node for an operation defined outside the tensor module (a custom {@code Function},
     * a fused kernel's op): when grad mode is on and an input requires grad, each floating-point
     * output not marked in {@code nonDifferentiable} (which may be null) gets the node.
     */
    public static Tensor[] record(Op op, Tensor[] outputs, Tensor[] inputs, boolean[] nonDifferentiable) {
        return Tape.recordAll(op, outputs, inputs, nonDifferentiable);
    }

    /** Which output of its node a non-leaf tensor is (0 for single-output nodes). */
    public static int outputIndex(Tensor t) { return t.outputIndex; }

    /** True when the engine should keep the gradient of this tensor in {@code grad()}. */
    public static boolean keepsGrad(Tensor t) { return t.isLeaf() || t.retainsGrad; }
}
