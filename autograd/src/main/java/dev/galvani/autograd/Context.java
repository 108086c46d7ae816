package dev.galvani.autograd;

import dev.galvani.tensor.AutogradSupport;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Op;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** What one call of a {@link Function} or {@link MultiOutputFunction} keeps for its backward (PyTorch's {@code ctx}). */
public final class Context {

    private final boolean[] needsInputGrad;
    private List<Tensor> saved = List.of();
    private int[] versions = new int[0];
    private final Set<Tensor> nonDifferentiable = Collections.newSetFromMap(new IdentityHashMap<>());

    private Context(Tensor[] inputs) {
        needsInputGrad = new boolean[inputs.length];
        boolean recording = GradMode.isEnabled();
        for (int i = 0; i < inputs.length; i++) needsInputGrad[i] = recording && inputs[i] != null && inputs[i].requiresGrad();
    }

    /**
     * Keeps tensors for backward (replacing what was saved before); a later in-place change to one is
     * an error in backward. Saved inputs stay connected to their graph, so a backward pass that
     * creates a graph differentiates through them; tensors made inside forward (its outputs
     * included) are constants there: recompute them from the inputs in backward when a second
     * derivative must see them.
     */
    public void saveForBackward(Tensor... tensors) {
        List<Tensor> list = new ArrayList<>(tensors.length);
        versions = new int[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            list.add(t);
            versions[i] = t == null ? 0 : t.storage().version();
        }
        saved = Collections.unmodifiableList(list);
    }

    /** The saved tensors, checked for in-place changes since they were saved (see {@link #saved(int)}). */
    public List<Tensor> saved() {
        List<Tensor> out = new ArrayList<>(saved.size());
        for (int i = 0; i < saved.size(); i++) out.add(saved(i));
        return Collections.unmodifiableList(out);
    }

    /**
     * Saved tensor {@code i}: detached in a plain backward pass, connected to its graph in one that
     * creates a graph (recording is on then), so second derivatives flow through it.
     */
    public Tensor saved(int i) {
        Tensor t = saved.get(i);
        if (t == null) return null;
        if (t.storage().version() != versions[i])
            throw new IllegalStateException("backward of a Function: saved tensor " + i + " " + t.shape() + " was modified by an in-place operation "
                    + "after it was saved (version " + versions[i] + ", now " + t.storage().version() + "); clone it before changing it");
        return GradMode.isEnabled() ? t : t.detach();
    }

    /** Whether input {@code i} takes a gradient in this call, so backward can skip the others. */
    public boolean needsInputGrad(int i) { return needsInputGrad[i]; }

    /** Marks outputs (returned by forward) that take no gradient: indices, masks, counts (PyTorch's {@code mark_non_differentiable}). */
    public void markNonDifferentiable(Tensor... outputs) { Collections.addAll(nonDifferentiable, outputs); }

    // ---------------------------------------------------------------------------------------------

    @FunctionalInterface
    interface Forward { Tensor[] apply(Context ctx, Tensor[] inputs); }

    @FunctionalInterface
    interface Backward { Tensor[] apply(Context ctx, Tensor[] gradOutputs); }

    /** The recorded op of one call: the function's backward and its context. */
    record Call(String name, Backward backward, Context context, int inputCount) implements Op {

        Tensor[] run(Tensor[] gradOutputs) {
            Tensor[] grads = backward.apply(context, gradOutputs);
            if (grads == null || grads.length != inputCount)
                throw new IllegalStateException(name + ".backward returned " + (grads == null ? "null" : grads.length + " gradients")
                        + " for " + inputCount + " inputs; return one per input (null where there is none)");
            return grads;
        }

        /** The backward reads only what the context saved (and the outputs' shapes, for zeros), no input or output values. */
        @Override public boolean readsInput(int i) { return false; }

        /** The backward reads no output values (see {@link #readsInput}). */
        @Override public boolean readsOutput(int i) { return false; }

        /** What forward saved with {@link Context#saveForBackward}, inputs included: these the backward reads. */
        @Override public List<Tensor> savedForBackward() { return context.saved; }

        @Override public String toString() { return name; }
    }

    /** Runs forward with recording off and records the call when an input requires grad. */
    static Tensor[] run(String name, Tensor[] inputs, Forward forward, Backward backward) {
        Tensor[] in = inputs.clone();
        Context ctx = new Context(in);
        Tensor[] out;
        try (var _ = GradMode.disable()) {
            out = forward.apply(ctx, in.clone());     // forward may not rearrange the recorded inputs
        }
        if (out == null) throw new IllegalStateException(name + ".forward returned null");
        boolean[] marked = new boolean[out.length];
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) throw new IllegalStateException(name + ".forward returned null for output " + i);
            marked[i] = ctx.nonDifferentiable.contains(out[i]);
            // A fresh tensor object carries the node, so an output that is an input (or aliases one) never gets its node.
            out[i] = out[i].detach();
        }
        return AutogradSupport.record(new Call(name, backward, ctx, in.length), out, in, marked);
    }

    static String nameOf(Class<?> c) {
        String s = c.getSimpleName();
        return s.isEmpty() ? c.getName() : s;
    }
}
