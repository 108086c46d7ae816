package dev.galvani.autograd;

import dev.galvani.tensor.AutogradSupport;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A custom differentiable operation: a forward computation and its hand-written backward, as
 * PyTorch's {@code torch.autograd.Function}. The typical use is a surrogate gradient:
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
 * {@link #forward} runs with recording off, so whatever it computes is one step of the graph;
 * {@link #backward} runs with recording off too (first-order gradients only). The engine checks
 * that each gradient has its input's shape and dtype.
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
        Tensor[] in = inputs.clone();
        Context ctx = new Context(in);
        Tensor out;
        try (var _ = GradMode.disable()) {
            out = forward(ctx, in.clone());     // forward may not rearrange the recorded inputs
        }
        if (out == null) throw new IllegalStateException(name() + ".forward returned null");
        // A fresh tensor object carries the node, so an output that is an input (or aliases one) never gets its node.
        out = out.detach();
        return AutogradSupport.record(FunctionRules.OP, out, in, new Call(this, ctx));
    }

    /** The name used in error messages: the class's simple name, or its full name for anonymous classes. */
    String name() {
        String s = getClass().getSimpleName();
        return s.isEmpty() ? getClass().getName() : s;
    }

    /** What one call of a Function keeps for its backward. */
    public static final class Context {

        private final boolean[] needsInputGrad;
        private List<Tensor> saved = List.of();
        private int[] versions = new int[0];

        Context(Tensor[] inputs) {
            needsInputGrad = new boolean[inputs.length];
            boolean recording = GradMode.isEnabled();
            for (int i = 0; i < inputs.length; i++) needsInputGrad[i] = recording && inputs[i] != null && inputs[i].requiresGrad();
        }

        /** Keeps tensors for backward (replacing what was saved before); a later in-place change to one is an error in backward. */
        public void saveForBackward(Tensor... tensors) {
            List<Tensor> list = new ArrayList<>(tensors.length);
            versions = new int[tensors.length];
            for (int i = 0; i < tensors.length; i++) {
                Tensor t = tensors[i];
                list.add(t == null ? null : t.detach());   // detached: saving must not keep the graph alive
                versions[i] = t == null ? 0 : t.storage().version();
            }
            saved = Collections.unmodifiableList(list);
        }

        /** The saved tensors, checked for in-place changes since they were saved. */
        public List<Tensor> saved() {
            for (int i = 0; i < saved.size(); i++) saved(i);
            return saved;
        }

        public Tensor saved(int i) {
            Tensor t = saved.get(i);
            if (t != null && t.storage().version() != versions[i])
                throw new IllegalStateException("backward of a Function: saved tensor " + i + " " + t.shape() + " was modified by an in-place operation "
                        + "after it was saved (version " + versions[i] + ", now " + t.storage().version() + "); clone it before changing it");
            return t;
        }

        /** Whether input {@code i} takes a gradient in this call, so backward can skip the others. */
        public boolean needsInputGrad(int i) { return needsInputGrad[i]; }
    }

    /** The argument of a recorded "function" node: the Function and its call's context. */
    record Call(Function function, Context context) {

        Tensor[] backward(Tensor gradOutput, int inputCount) {
            Tensor[] grads = function.backward(context, gradOutput);
            if (grads == null || grads.length != inputCount)
                throw new IllegalStateException(function.name() + ".backward returned " + (grads == null ? "null" : grads.length + " gradients")
                        + " for " + inputCount + " inputs; return one per input (null where there is none)");
            return grads;
        }

        @Override public String toString() { return function.name(); }
    }
}
