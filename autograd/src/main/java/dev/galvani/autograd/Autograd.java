package dev.galvani.autograd;

import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import java.util.List;

/**
 * The user-facing entry points of autograd besides {@code Tensor.backward()}:
 * <pre>{@code
 * try (var _ = Autograd.noGrad()) { ... }              // nothing recorded inside
 * List<Tensor> g = Autograd.grad(List.of(loss), List.of(w, b));   // w.grad() and b.grad() untouched
 * }</pre>
 * With {@code createGraph} the backward computation is recorded, so gradients can be differentiated
 * again: {@code Autograd.grad(List.of(y), List.of(x), null, true, true, false)} then
 * {@code Autograd.grad(List.of(dx.sum()), List.of(x))} is a second derivative.
 */
public final class Autograd {

    private static final Engine ENGINE = new Engine();

    private Autograd() {}

    /** Turns recording off on this thread until the guard is closed (PyTorch's {@code torch.no_grad()}). */
    public static GradMode.Guard noGrad() { return GradMode.disable(); }

    /** Turns recording on until the guard is closed, e.g. inside a {@code noGrad} block. */
    public static GradMode.Guard enableGrad() { return GradMode.enable(); }

    /** Whether operations on this thread are recorded now, as {@code torch.is_grad_enabled()}. */
    public static boolean isGradEnabled() { return GradMode.isEnabled(); }

    /**
     * d(outputs)/d(inputs) for one-element outputs (implicit seed 1), as
     * {@code torch.autograd.grad(outputs, inputs)}; fails if an input was not used. No tensor's
     * {@code grad()} is read or written.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs) { return grad(outputs, inputs, null, false, false); }

    /**
     * The gradient of {@code sum_i <outputs[i], seeds[i]>} with respect to each input. A null seed
     * list, or a null entry, means 1 for a one-element output.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> seeds) { return grad(outputs, inputs, seeds, false, false); }

    /**
     * As {@link #grad(List, List, List)}. {@code retainGraph} keeps the graph for another pass;
     * {@code allowUnused} returns null for an input the outputs do not depend on instead of failing.
     * No tensor's {@code grad()} is read or written.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> seeds, boolean retainGraph, boolean allowUnused) {
        return ENGINE.grad(outputs, seeds, inputs, retainGraph, false, allowUnused);
    }

    /**
     * As above; with {@code createGraph} the gradients are recorded functions of the inputs (and the
     * graph is retained), so they can be differentiated again.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> seeds, boolean retainGraph, boolean createGraph,
                                    boolean allowUnused) {
        return ENGINE.grad(outputs, seeds, inputs, retainGraph, createGraph, allowUnused);
    }

    /**
     * Accumulates the gradients of {@code sum_i <roots[i], seeds[i]>} into the leaves' {@code grad()},
     * freeing the graph, as {@code torch.autograd.backward(roots, seeds)}.
     */
    public static void backward(List<Tensor> roots, List<Tensor> seeds) { ENGINE.backward(roots, seeds, false, false); }

    /**
     * As {@link #backward(List, List)}; with {@code retainGraph} the graph is kept for another pass, as
     * {@code torch.autograd.backward(roots, seeds, retain_graph=True)}.
     */
    public static void backward(List<Tensor> roots, List<Tensor> seeds, boolean retainGraph) { ENGINE.backward(roots, seeds, retainGraph, false); }

    /** With {@code createGraph} the accumulated gradients keep their graph and can be differentiated again. */
    public static void backward(List<Tensor> roots, List<Tensor> seeds, boolean retainGraph, boolean createGraph) {
        ENGINE.backward(roots, seeds, retainGraph, createGraph);
    }
}
