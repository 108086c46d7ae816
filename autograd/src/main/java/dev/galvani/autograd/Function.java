package dev.galvani.autograd;

import dev.galvani.tensor.Tensor;

/**
 * A custom differentiable operation with one output: a forward computation and its hand-written
 * backward, as PyTorch's {@code torch.autograd.Function}. The typical use is a surrogate gradient:
 * <pre>{@code
 * class Spike extends Function {
 *     protected Tensor forward(Context ctx, Tensor... in) {
 *         ctx.saveForBackward(in[0]);
 *         return in[0].ge(0.0).to(in[0].dtype());                       // Heaviside step
 *     }
 *     protected Tensor[] backward(Context ctx, Tensor g) {
 *         Tensor x = ctx.saved(0);                                       // fast sigmoid: 1 / (1 + k|x|)^2
 *         return new Tensor[]{g.div(x.abs().mul(25.0).add(1.0).square())};
 *     }
 * }
 * Tensor s = new Spike().apply(v);
 * }</pre>
 * {@link #forward} runs with recording off, so whatever it computes is one step of the graph.
 * {@link #backward} runs with recording off in a plain backward pass and on in one that creates a
 * graph: written with tensor operations, it can then be differentiated again. The engine checks
 * that each gradient has its input's shape and dtype. For several outputs, see
 * {@link MultiOutputFunction}.
 *
 * <p>A Function object may be applied many times; per-call state belongs in the {@link Context},
 * not in fields.
 */
public abstract class Function {

    /** Computes the output from the inputs; may save tensors and values for backward in {@code ctx}. */
    protected abstract Tensor forward(Context ctx, Tensor... inputs);

    /**
     * The gradient with respect to each input (same order and count as the inputs of
     * {@link #apply}), given the gradient with respect to the output; null for inputs without one.
     */
    protected abstract Tensor[] backward(Context ctx, Tensor gradOutput);

    /** Runs {@link #forward} and, when an input requires grad and recording is on, records the call. */
    public final Tensor apply(Tensor... inputs) {
        return Context.run(name(), inputs, (ctx, in) -> new Tensor[]{forward(ctx, in)}, (ctx, g) -> backward(ctx, g[0]))[0];
    }

    /** The name used in error messages: the class's simple name, or its full name for anonymous classes. */
    String name() { return Context.nameOf(getClass()); }
}
